"""alleys_patrol_shifts (community_id, starts_at): the shift list reads one community's next two weeks

Without it the planner reads every shift the community ever had (its community_id index) and filters
out all but the next two weeks: a year of history is 2,000 rows read for 78 shown.

Revision ID: 0106_shift_list_index
Revises: 0105_one_time_password_expiry
"""
from alembic import op

revision = "0106_shift_list_index"
down_revision = "0105_one_time_password_expiry"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_alleys_patrol_shifts_community_starts", "alleys_patrol_shifts", ["community_id", "starts_at"])


def downgrade():
    op.drop_index("ix_alleys_patrol_shifts_community_starts", table_name="alleys_patrol_shifts")
