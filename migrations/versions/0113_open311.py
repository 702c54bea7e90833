"""open311: communities as jurisdictions, partners' API keys (hashed), what partners sent with a case (issue 17)

Revision ID: 0113_open311
Revises: 0112_registers
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0113_open311"
down_revision = "0112_registers"
branch_labels = None
depends_on = None


def _scoped(table: str) -> list:
    return [sa.Column("id", sa.Integer(), nullable=False), sa.Column("community_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                    name=op.f(f"fk_{table}_community_id_communities")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))]


def upgrade():
    op.create_table(
        "open311_jurisdictions", *_scoped("open311_jurisdictions"),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("publishes_cases", sa.Boolean(), nullable=False),
        sa.Column("updated_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("code", name=op.f("uq_open311_jurisdictions_code")),
        sa.UniqueConstraint("community_id", name=op.f("uq_open311_jurisdictions_community_id")),
    )
    with op.batch_alter_table("open311_jurisdictions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_jurisdictions_community_id"), ["community_id"], unique=False)
    op.create_table(
        "open311_api_keys", *_scoped("open311_api_keys"),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["users.id"], name=op.f("fk_open311_api_keys_account_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_open311_api_keys_created_by_id_users")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_open311_api_keys_revoked_by_id_users")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_api_keys_key_hash")),
    )
    with op.batch_alter_table("open311_api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_api_keys_community_id"), ["community_id"], unique=False)
    op.create_table(
        "open311_filings", *_scoped("open311_filings"),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("media_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["api_key_id"], ["open311_api_keys.id"],
                                name=op.f("fk_open311_filings_api_key_id_open311_api_keys")),
        sa.UniqueConstraint("community_id", "case_id", name=op.f("uq_open311_filings_community_id_case_id")),
    )
    with op.batch_alter_table("open311_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_filings_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_filings_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_filings_community_id"), ["community_id"], unique=False)


def downgrade():
    op.drop_table("open311_filings")
    op.drop_table("open311_api_keys")
    op.drop_table("open311_jurisdictions")
