"""users.one_time_password_until: a one-time password from staff stops working after a day

Revision ID: 0105_one_time_password_expiry
Revises: 0104_password_reset
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0105_one_time_password_expiry"
down_revision = "0104_password_reset"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("one_time_password_until", neighbors.database.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("one_time_password_until")
