"""Several time windows per help request; appeals against hidden content; a hidden comment keeps its reason

Revision ID: 0101_aid_windows_appeals
Revises: 0100_session_epoch
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0101_aid_windows_appeals"
down_revision = "0100_session_epoch"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mutualaid_request_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("starts", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts < ends", name=op.f("ck_mutualaid_request_windows_starts_before_ends")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name=op.f("fk_mutualaid_request_windows_community_id_communities")),
        sa.ForeignKeyConstraint(["request_id"], ["mutualaid_requests.id"], ondelete="CASCADE",
                                name=op.f("fk_mutualaid_request_windows_request_id_mutualaid_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mutualaid_request_windows")),
        sa.UniqueConstraint("request_id", "starts", name=op.f("uq_mutualaid_request_windows_request_id_starts")),
    )
    with op.batch_alter_table("mutualaid_request_windows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mutualaid_request_windows_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mutualaid_request_windows_request_id"), ["request_id"], unique=False)
    # A request made with one window keeps it as its only window.
    op.execute(
        "INSERT INTO mutualaid_request_windows (community_id, request_id, starts, ends) "
        "SELECT community_id, id, window_start, window_end FROM mutualaid_requests "
        "WHERE window_start IS NOT NULL AND window_end IS NOT NULL AND window_start < window_end"
    )

    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=300), nullable=False),
        sa.CheckConstraint("state IN ('open','upheld','reinstated')", name=op.f("ck_appeals_known_state")),
        sa.CheckConstraint("state = 'open' OR decided_at IS NOT NULL", name=op.f("ck_appeals_decided_has_time")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_appeals_author_id_users")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], name=op.f("fk_appeals_community_id_communities")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_appeals_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_appeals_record", ["kind", "record_id"], unique=False)
        batch_op.create_index("uq_appeals_one_open", ["kind", "record_id"], unique=True,
                              sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))

    with op.batch_alter_table("kitchen_feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=200), server_default="", nullable=False))
    # Comments hidden before this revision: their reason is in the audit log.
    op.execute(
        "UPDATE kitchen_feedback SET hidden_reason = COALESCE((SELECT audit_entries.reason FROM audit_entries "
        "WHERE audit_entries.action = 'kitchen.comment_hidden' AND audit_entries.target_type = 'Feedback' "
        "AND audit_entries.target_id = kitchen_feedback.id "
        "ORDER BY audit_entries.id DESC LIMIT 1), '') WHERE hidden_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("kitchen_feedback", schema=None) as batch_op:
        batch_op.drop_column("hidden_reason")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("uq_appeals_one_open", sqlite_where=sa.text("state = 'open'"),
                            postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index("ix_appeals_record")
        batch_op.drop_index(batch_op.f("ix_appeals_community_id"))
        batch_op.drop_index(batch_op.f("ix_appeals_author_id"))
    op.drop_table("appeals")
    with op.batch_alter_table("mutualaid_request_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mutualaid_request_windows_request_id"))
        batch_op.drop_index(batch_op.f("ix_mutualaid_request_windows_community_id"))
    op.drop_table("mutualaid_request_windows")
