"""alleys: alleys, branches, patrol rules and shifts, findings

Revision ID: 0004_alleys
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0004_alleys"
down_revision = "0001_foundation"
branch_labels = ("alleys",)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
