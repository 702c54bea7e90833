"""communities.phone: the community office's number, which 长辈版's home calls with one tap

Revision ID: 0109_community_phone
Revises: 0108_erased_people
"""
from alembic import op
import sqlalchemy as sa

revision = "0109_community_phone"
down_revision = "0108_erased_people"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=20), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("phone")
