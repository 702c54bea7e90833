"""visits: what a visit led to (a meal order, a help request, a finding made from it)

Revision ID: 0114_visit_follow_ups
Revises: 0115_assessment
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database


# revision identifiers, used by Alembic.
revision = '0114_visit_follow_ups'
down_revision = '0115_assessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visits_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('link_endpoint', sa.String(length=100), nullable=False),
    sa.Column('link_args', sa.JSON(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=False),
    sa.Column('made_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_follow_ups_community_id_communities')),
    sa.ForeignKeyConstraint(['made_by_id'], ['users.id'], name=op.f('fk_visits_follow_ups_made_by_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits_visits.id'], name=op.f('fk_visits_follow_ups_visit_id_visits_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_follow_ups')),
    sa.UniqueConstraint('kind', 'record_id', name=op.f('uq_visits_follow_ups_kind_record_id'))
    )
    with op.batch_alter_table('visits_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_follow_ups_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_follow_ups_visit_id'), ['visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('visits_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_follow_ups_visit_id'))
        batch_op.drop_index(batch_op.f('ix_visits_follow_ups_community_id'))
    op.drop_table('visits_follow_ups')
