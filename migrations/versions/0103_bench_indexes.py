"""kitchen_orders (community_id, served_on, id): "my orders" reads one community's orders newest first

At district scale (98 communities, 1,000,000 orders) the planner otherwise walks the served_on index
of every community's orders; with it the page reads about as many rows as in one community.

Revision ID: 0103_bench_indexes
Revises: 0102_alleys_more
"""
from alembic import op

revision = "0103_bench_indexes"
down_revision = "0102_alleys_more"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_kitchen_orders_community_served_on", "kitchen_orders", ["community_id", "served_on", "id"])


def downgrade():
    op.drop_index("ix_kitchen_orders_community_served_on", table_name="kitchen_orders")
