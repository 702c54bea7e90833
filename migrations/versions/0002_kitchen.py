"""kitchen: kitchens, meals, orders, standing orders, subsidies

Revision ID: 0002_kitchen
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0002_kitchen"
down_revision = "0001_foundation"
branch_labels = ("kitchen",)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
