"""mutual aid: volunteers, requests, ledger

Revision ID: 0003_mutualaid
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0003_mutualaid"
down_revision = "0001_foundation"
branch_labels = ("mutualaid",)
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
