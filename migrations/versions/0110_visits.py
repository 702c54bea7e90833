"""visits (千户访): grids and grid workers, households, members and tags, visit intervals, visits; the
grid_worker role

Revision ID: 0110_visits
Revises: 0109_community_phone
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

ROLES_BEFORE = ('resident', 'volunteer', 'kitchen', 'patroller', 'officer', 'staff', 'admin')
ROLES_AFTER = ('resident', 'volunteer', 'kitchen', 'patroller', 'grid_worker', 'officer', 'staff', 'admin')


def _known_roles(roles):
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_known_role'), type_='check')
        batch_op.create_check_constraint('known_role', "role IN (" + ",".join(f"'{r}'" for r in roles) + ")")


# revision identifiers, used by Alembic.
revision = '0110_visits'
down_revision = '0109_community_phone'
branch_labels = None
depends_on = None


def upgrade():
    _known_roles(ROLES_AFTER)
    op.create_table('visits_grids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_grids_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_grids')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_visits_grids_community_id_name'))
    )
    with op.batch_alter_table('visits_grids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_grids_community_id'), ['community_id'], unique=False)

    op.create_table('visits_intervals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.CheckConstraint('months BETWEEN 1 AND 24', name=op.f('ck_visits_intervals_months_in_range')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_intervals_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_intervals')),
    sa.UniqueConstraint('community_id', 'tag', name=op.f('uq_visits_intervals_community_id_tag'))
    )
    with op.batch_alter_table('visits_intervals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_intervals_community_id'), ['community_id'], unique=False)

    op.create_table('visits_grid_workers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_visits_grid_workers_added_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_grid_workers_community_id_communities')),
    sa.ForeignKeyConstraint(['grid_id'], ['visits_grids.id'], name=op.f('fk_visits_grid_workers_grid_id_visits_grids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visits_grid_workers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_grid_workers')),
    sa.UniqueConstraint('grid_id', 'user_id', name=op.f('uq_visits_grid_workers_grid_id_user_id'))
    )
    with op.batch_alter_table('visits_grid_workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_grid_workers_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_grid_workers_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_grid_workers_user_id'), ['user_id'], unique=False)

    op.create_table('visits_households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('grid_id', sa.Integer(), nullable=False),
    sa.Column('building', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('room', sa.String(length=30), nullable=False),
    sa.Column('sort_key', sa.String(length=300), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_households_community_id_communities')),
    sa.ForeignKeyConstraint(['contact_id'], ['users.id'], name=op.f('fk_visits_households_contact_id_users')),
    sa.ForeignKeyConstraint(['grid_id'], ['visits_grids.id'], name=op.f('fk_visits_households_grid_id_visits_grids')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_households')),
    sa.UniqueConstraint('community_id', 'building', 'unit', 'room', name=op.f('uq_visits_households_community_id_building_unit_room'))
    )
    with op.batch_alter_table('visits_households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_households_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_households_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index('ix_visits_households_grid_order', ['community_id', 'grid_id', 'sort_key'], unique=False)

    op.create_table('visits_household_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=20), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("tag IN ('alone','empty_nest','low_income','extreme_poverty','disabled','attention')", name=op.f('ck_visits_household_tags_staff_tag')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_household_tags_community_id_communities')),
    sa.ForeignKeyConstraint(['household_id'], ['visits_households.id'], name=op.f('fk_visits_household_tags_household_id_visits_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_visits_household_tags_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_household_tags')),
    sa.UniqueConstraint('household_id', 'tag', name=op.f('uq_visits_household_tags_household_id_tag'))
    )
    with op.batch_alter_table('visits_household_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_household_tags_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_household_tags_household_id'), ['household_id'], unique=False)

    op.create_table('visits_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_members_community_id_communities')),
    sa.ForeignKeyConstraint(['household_id'], ['visits_households.id'], name=op.f('fk_visits_members_household_id_visits_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visits_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_members')),
    sa.UniqueConstraint('user_id', name=op.f('uq_visits_members_user_id'))
    )
    with op.batch_alter_table('visits_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_members_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_members_household_id'), ['household_id'], unique=False)

    op.create_table('visits_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('visited_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('met_id', sa.Integer(), nullable=True),
    sa.Column('met_other', sa.String(length=50), nullable=False),
    sa.Column('needs', sa.String(length=100), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('talent', sa.String(length=100), nullable=False),
    sa.Column('photo_key', sa.String(length=100), nullable=True),
    sa.Column('needs_attention', sa.Boolean(), nullable=False),
    sa.Column('attended_by_id', sa.Integer(), nullable=True),
    sa.Column('attended_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submission_key', sa.String(length=32), nullable=True),
    sa.CheckConstraint("outcome IN ('met_member','met_other','nobody_home')", name=op.f('ck_visits_visits_known_outcome')),
    sa.ForeignKeyConstraint(['attended_by_id'], ['users.id'], name=op.f('fk_visits_visits_attended_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_visits_visits_community_id_communities')),
    sa.ForeignKeyConstraint(['household_id'], ['visits_households.id'], name=op.f('fk_visits_visits_household_id_visits_households')),
    sa.ForeignKeyConstraint(['met_id'], ['users.id'], name=op.f('fk_visits_visits_met_id_users')),
    sa.ForeignKeyConstraint(['visitor_id'], ['users.id'], name=op.f('fk_visits_visits_visitor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits_visits')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_visits_visits_submission_key'))
    )
    with op.batch_alter_table('visits_visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_visits_attention', ['community_id', 'needs_attention', 'attended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visits_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visits_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_visits_visits_household_time', ['household_id', 'visited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visits_visitor_id'), ['visitor_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visits_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_visits_visitor_id'))
        batch_op.drop_index('ix_visits_visits_household_time')
        batch_op.drop_index(batch_op.f('ix_visits_visits_household_id'))
        batch_op.drop_index(batch_op.f('ix_visits_visits_community_id'))
        batch_op.drop_index('ix_visits_visits_attention')

    op.drop_table('visits_visits')
    with op.batch_alter_table('visits_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_members_household_id'))
        batch_op.drop_index(batch_op.f('ix_visits_members_community_id'))

    op.drop_table('visits_members')
    with op.batch_alter_table('visits_household_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_household_tags_household_id'))
        batch_op.drop_index(batch_op.f('ix_visits_household_tags_community_id'))

    op.drop_table('visits_household_tags')
    with op.batch_alter_table('visits_households', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_households_grid_order')
        batch_op.drop_index(batch_op.f('ix_visits_households_grid_id'))
        batch_op.drop_index(batch_op.f('ix_visits_households_community_id'))

    op.drop_table('visits_households')
    with op.batch_alter_table('visits_grid_workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_grid_workers_user_id'))
        batch_op.drop_index(batch_op.f('ix_visits_grid_workers_grid_id'))
        batch_op.drop_index(batch_op.f('ix_visits_grid_workers_community_id'))

    op.drop_table('visits_grid_workers')
    with op.batch_alter_table('visits_intervals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_intervals_community_id'))

    op.drop_table('visits_intervals')
    with op.batch_alter_table('visits_grids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_grids_community_id'))

    op.drop_table('visits_grids')
    _known_roles(ROLES_BEFORE)
