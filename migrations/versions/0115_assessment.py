"""assessment by type of community (issue 16): the district's indicators and weights, and each year's published
results

Revision ID: 0115_assessment
Revises: 0116_segments_positions
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0115_assessment"
down_revision = "0116_segments_positions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assessment_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=60), nullable=False),
        sa.Column("community_type", sa.String(length=20), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("weight > 0 AND weight <= 100", name=op.f("ck_assessment_weights_weight_range")),
        sa.CheckConstraint("community_type IN ('new_town','old_town','village')",
                           name=op.f("ck_assessment_weights_known_type")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_assessment_weights_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_weights")),
        sa.UniqueConstraint("measure", "community_type", name=op.f("uq_assessment_weights_measure_community_type")),
    )
    op.create_table(
        "assessment_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", neighbors.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"],
                                name=op.f("fk_assessment_publications_published_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_publications")),
        sa.UniqueConstraint("year", name=op.f("uq_assessment_publications_year")),
    )
    op.create_table(
        "assessment_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("community_type", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("ranked_in_type", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"],
                                name=op.f("fk_assessment_results_community_id_communities")),
        sa.ForeignKeyConstraint(["publication_id"], ["assessment_publications.id"],
                                name=op.f("fk_assessment_results_publication_id_assessment_publications")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint("community_id", "year", name=op.f("uq_assessment_results_community_id_year")),
    )
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_results_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_results_publication_id"), ["publication_id"], unique=False)


def downgrade():
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_results_publication_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_results_community_id"))
    op.drop_table("assessment_results")
    op.drop_table("assessment_publications")
    op.drop_table("assessment_weights")
