"""users.erased_at: staff erased this person's information on request (PIPL art. 47); the row stays for totals

Revision ID: 0108_erased_people
Revises: 0107_notification_links
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0108_erased_people"
down_revision = "0107_notification_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", neighbors.database.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
