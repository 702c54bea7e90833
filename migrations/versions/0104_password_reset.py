"""users.must_change_password: after staff reset a password, the next login must choose a new one

Revision ID: 0104_password_reset
Revises: 0103_bench_indexes
"""
from alembic import op
import sqlalchemy as sa

revision = "0104_password_reset"
down_revision = "0103_bench_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
