"""staff: community settings

Revision ID: 0005_staff
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0005_staff"
down_revision = "0001_foundation"
branch_labels = ("staff",)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
