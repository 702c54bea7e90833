"""registers (issue 16): meetings, documents and inspections that reach a community; the street_staff role

Revision ID: 0112_registers
Revises: 0111_staff_second_factor
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

ROLES_BEFORE = ('resident', 'volunteer', 'kitchen', 'patroller', 'grid_worker', 'officer', 'staff', 'admin')
ROLES_AFTER = ('resident', 'volunteer', 'kitchen', 'patroller', 'grid_worker', 'officer', 'street_staff', 'staff',
               'admin')

revision = "0112_registers"
down_revision = "0111_staff_second_factor"
branch_labels = None
depends_on = None


def _known_roles(roles):
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_known_role'), type_='check')
        batch_op.create_check_constraint('known_role', "role IN (" + ",".join(f"'{r}'" for r in roles) + ")")


def upgrade():
    _known_roles(ROLES_AFTER)
    op.create_table(
        "register_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("body", sa.String(length=60), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("staff_count", sa.Integer(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("merged", sa.Boolean(), nullable=False),
        sa.Column("proxy", sa.Boolean(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("needs_reply", sa.Boolean(), nullable=False),
        sa.Column("has_form", sa.Boolean(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("prep_minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("submission_key", sa.String(length=32), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refused_at", neighbors.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refused_by_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('meeting','document','inspection')", name=op.f("ck_register_entries_known_kind")),
        sa.CheckConstraint("minutes >= 0 AND staff_count >= 0 AND pages >= 0 AND items >= 0 AND prep_minutes >= 0",
                           name=op.f("ck_register_entries_not_negative")),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name=op.f("fk_register_entries_community_id_communities")),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["register_entries.id"],
                                name=op.f("fk_register_entries_duplicate_of_id_register_entries")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_register_entries_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["refused_by_id"], ["users.id"], name=op.f("fk_register_entries_refused_by_id_users")),
        sa.ForeignKeyConstraint(["replaces_id"], ["register_entries.id"],
                                name=op.f("fk_register_entries_replaces_id_register_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_entries")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_register_entries_replaces_id")),
        sa.UniqueConstraint("submission_key", name=op.f("uq_register_entries_submission_key")),
    )
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_register_entries_community_id"), ["community_id"], unique=False)
        batch_op.create_index("ix_register_entries_community_day", ["community_id", "day"], unique=False)


def downgrade():
    with op.batch_alter_table("register_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_register_entries_community_day")
        batch_op.drop_index(batch_op.f("ix_register_entries_community_id"))
    op.drop_table("register_entries")
    op.execute("DELETE FROM role_grants WHERE role = 'street_staff'")
    _known_roles(ROLES_BEFORE)
