"""alleys_patrol_rules.adjusted_workdays: a rule may also patrol on the official weekend working days (调休)

Revision ID: 0102_alleys_more
Revises: 0101_aid_windows_appeals
"""
from alembic import op
import sqlalchemy as sa

revision = "0102_alleys_more"
down_revision = "0101_aid_windows_appeals"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("alleys_patrol_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("adjusted_workdays", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("alleys_patrol_rules", schema=None) as batch_op:
        batch_op.drop_column("adjusted_workdays")
