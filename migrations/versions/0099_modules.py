"""join the module branches into one head

Revision ID: 0099_modules
Revises: 0002_kitchen, 0003_mutualaid, 0004_alleys
"""
revision = "0099_modules"
down_revision = ("0002_kitchen", "0003_mutualaid", "0004_alleys")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
