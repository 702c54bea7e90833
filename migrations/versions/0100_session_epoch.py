"""users.session_epoch: logging out or changing a password ends every session of the account

Revision ID: 0100_session_epoch
Revises: 0099_modules
"""
from alembic import op
import sqlalchemy as sa

revision = "0100_session_epoch"
down_revision = "0099_modules"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
