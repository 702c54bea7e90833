"""open311 webhooks: partners told when a community's cases move, and each delivery's tries (issue 17)

Revision ID: 0118_open311_webhooks
Revises: 0117_order_again_index
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0118_open311_webhooks"
down_revision = "0117_order_again_index"
branch_labels = None
depends_on = None


def _scoped(table: str) -> list:
    return [sa.Column("id", sa.Integer(), nullable=False), sa.Column("community_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                    name=op.f(f"fk_{table}_community_id_communities")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))]


def upgrade():
    op.create_table(
        "open311_webhooks", *_scoped("open311_webhooks"),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("events", sa.String(length=300), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_open311_webhooks_created_by_id_users")),
    )
    with op.batch_alter_table("open311_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_webhooks_community_id"), ["community_id"], unique=False)
    op.create_table(
        "open311_webhook_deliveries", *_scoped("open311_webhook_deliveries"),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["webhook_id"], ["open311_webhooks.id"], ondelete="CASCADE",
                                name=op.f("fk_open311_webhook_deliveries_webhook_id_open311_webhooks")),
    )
    with op.batch_alter_table("open311_webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_webhook_deliveries_community_id"), ["community_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_open311_webhook_deliveries_webhook_id"), ["webhook_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_webhook_deliveries_next_attempt_at"), ["next_attempt_at"],
                              unique=False)


def downgrade():
    op.drop_table("open311_webhook_deliveries")
    op.drop_table("open311_webhooks")
