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
    op.create_table('alleys_holidays',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_holidays_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_holidays')),
    sa.UniqueConstraint('community_id', 'day', name=op.f('uq_alleys_holidays_community_id_day'))
    )
    with op.batch_alter_table('alleys_holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_holidays_community_id'), ['community_id'], unique=False)
    op.create_table('alleys_branches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('secretary_id', sa.Integer(), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_branches_community_id_communities')),
    sa.ForeignKeyConstraint(['secretary_id'], ['users.id'], name=op.f('fk_alleys_branches_secretary_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_branches')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_alleys_branches_community_id_name'))
    )
    with op.batch_alter_table('alleys_branches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_branches_community_id'), ['community_id'], unique=False)
    op.create_table('alleys_calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_calendar_feeds_community_id_communities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alleys_calendar_feeds_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_alleys_calendar_feeds_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_alleys_calendar_feeds_user_id'))
    )
    with op.batch_alter_table('alleys_calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_calendar_feeds_community_id'), ['community_id'], unique=False)
    op.create_table('alleys_alleys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('landmarks', sa.String(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['alleys_branches.id'], name=op.f('fk_alleys_alleys_branch_id_alleys_branches')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_alleys_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_alleys')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_alleys_alleys_community_id_name'))
    )
    with op.batch_alter_table('alleys_alleys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_alleys_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_alleys_community_id'), ['community_id'], unique=False)
    op.create_table('alleys_branch_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('joined_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('patroller','officer')", name=op.f('ck_alleys_branch_members_known_kind')),
    sa.ForeignKeyConstraint(['branch_id'], ['alleys_branches.id'], name=op.f('fk_alleys_branch_members_branch_id_alleys_branches')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_branch_members_community_id_communities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alleys_branch_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_branch_members')),
    sa.UniqueConstraint('branch_id', 'user_id', name=op.f('uq_alleys_branch_members_branch_id_user_id'))
    )
    with op.batch_alter_table('alleys_branch_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_branch_members_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_branch_members_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_branch_members_user_id'), ['user_id'], unique=False)
    op.create_table('alleys_category_routes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('accept_minutes', sa.Integer(), nullable=False),
    sa.Column('resolve_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('accept_minutes > 0 AND resolve_minutes > 0', name=op.f('ck_alleys_category_routes_positive_deadlines')),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys_alleys.id'], name=op.f('fk_alleys_category_routes_alley_id_alleys_alleys')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_category_routes_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_category_routes')),
    sa.UniqueConstraint('alley_id', 'category', name=op.f('uq_alleys_category_routes_alley_id_category'))
    )
    with op.batch_alter_table('alleys_category_routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_category_routes_alley_id'), ['alley_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_category_routes_community_id'), ['community_id'], unique=False)
    op.create_table('alleys_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('submission_key', sa.String(length=32), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accept_due_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolve_due_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution_note', sa.String(length=1000), nullable=False),
    sa.Column('verified_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_back_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accept_escalated_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolve_escalated_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('reported','dispatched','accepted','resolved','verified','closed')", name=op.f('ck_alleys_findings_known_state')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_alleys_findings_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys_alleys.id'], name=op.f('fk_alleys_findings_alley_id_alleys_alleys')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_findings_community_id_communities')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_alleys_findings_reporter_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_alleys_findings_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_findings')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_alleys_findings_submission_key'))
    )
    with op.batch_alter_table('alleys_findings', schema=None) as batch_op:
        batch_op.create_index('ix_alleys_findings_alley_category', ['alley_id', 'category', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_findings_alley_id'), ['alley_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_findings_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_findings_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_findings_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_findings_state'), ['state'], unique=False)
    op.create_table('alleys_patrol_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('skip_holidays', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts < ends', name=op.f('ck_alleys_patrol_rules_window')),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys_alleys.id'], name=op.f('fk_alleys_patrol_rules_alley_id_alleys_alleys')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_patrol_rules_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_alleys_patrol_rules_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_patrol_rules'))
    )
    with op.batch_alter_table('alleys_patrol_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_patrol_rules_alley_id'), ['alley_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_patrol_rules_community_id'), ['community_id'], unique=False)
    op.create_table('alleys_finding_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('department', sa.String(length=50), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_alleys_finding_events_actor_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_finding_events_community_id_communities')),
    sa.ForeignKeyConstraint(['finding_id'], ['alleys_findings.id'], name=op.f('fk_alleys_finding_events_finding_id_alleys_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_finding_events'))
    )
    with op.batch_alter_table('alleys_finding_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_finding_events_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_finding_events_finding_id'), ['finding_id'], unique=False)
    op.create_table('alleys_finding_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('before','after')", name=op.f('ck_alleys_finding_photos_known_kind')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_alleys_finding_photos_added_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_finding_photos_community_id_communities')),
    sa.ForeignKeyConstraint(['finding_id'], ['alleys_findings.id'], name=op.f('fk_alleys_finding_photos_finding_id_alleys_findings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_finding_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_alleys_finding_photos_key'))
    )
    with op.batch_alter_table('alleys_finding_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_finding_photos_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_finding_photos_finding_id'), ['finding_id'], unique=False)
    op.create_table('alleys_patrol_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('alley_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('cancelled_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('short_notified_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_alleys_patrol_shifts_window')),
    sa.ForeignKeyConstraint(['alley_id'], ['alleys_alleys.id'], name=op.f('fk_alleys_patrol_shifts_alley_id_alleys_alleys')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_patrol_shifts_community_id_communities')),
    sa.ForeignKeyConstraint(['rule_id'], ['alleys_patrol_rules.id'], name=op.f('fk_alleys_patrol_shifts_rule_id_alleys_patrol_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_patrol_shifts')),
    sa.UniqueConstraint('rule_id', 'day', name=op.f('uq_alleys_patrol_shifts_rule_id_day'))
    )
    with op.batch_alter_table('alleys_patrol_shifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_patrol_shifts_alley_id'), ['alley_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_patrol_shifts_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_patrol_shifts_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_patrol_shifts_starts_at'), ['starts_at'], unique=False)
    op.create_table('alleys_patrol_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('shift_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('slot_no', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('released_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_out_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('slot_no >= 1', name=op.f('ck_alleys_patrol_signups_slot_positive')),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_alleys_patrol_signups_assigned_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_alleys_patrol_signups_community_id_communities')),
    sa.ForeignKeyConstraint(['shift_id'], ['alleys_patrol_shifts.id'], name=op.f('fk_alleys_patrol_signups_shift_id_alleys_patrol_shifts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_alleys_patrol_signups_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alleys_patrol_signups')),
    sa.UniqueConstraint('shift_id', 'kind', 'slot_no', name=op.f('uq_alleys_patrol_signups_shift_id_kind_slot_no')),
    sa.UniqueConstraint('shift_id', 'user_id', name=op.f('uq_alleys_patrol_signups_shift_id_user_id'))
    )
    with op.batch_alter_table('alleys_patrol_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alleys_patrol_signups_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_patrol_signups_shift_id'), ['shift_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alleys_patrol_signups_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('alleys_patrol_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_signups_user_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_signups_shift_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_signups_community_id'))
    op.drop_table('alleys_patrol_signups')
    with op.batch_alter_table('alleys_patrol_shifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_shifts_starts_at'))
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_shifts_rule_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_shifts_community_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_shifts_alley_id'))
    op.drop_table('alleys_patrol_shifts')
    with op.batch_alter_table('alleys_finding_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_finding_photos_finding_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_finding_photos_community_id'))
    op.drop_table('alleys_finding_photos')
    with op.batch_alter_table('alleys_finding_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_finding_events_finding_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_finding_events_community_id'))
    op.drop_table('alleys_finding_events')
    with op.batch_alter_table('alleys_patrol_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_rules_community_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_patrol_rules_alley_id'))
    op.drop_table('alleys_patrol_rules')
    with op.batch_alter_table('alleys_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_findings_state'))
        batch_op.drop_index(batch_op.f('ix_alleys_findings_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_findings_created_at'))
        batch_op.drop_index(batch_op.f('ix_alleys_findings_community_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_findings_alley_id'))
        batch_op.drop_index('ix_alleys_findings_alley_category')
    op.drop_table('alleys_findings')
    with op.batch_alter_table('alleys_category_routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_category_routes_community_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_category_routes_alley_id'))
    op.drop_table('alleys_category_routes')
    with op.batch_alter_table('alleys_branch_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_branch_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_branch_members_community_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_branch_members_branch_id'))
    op.drop_table('alleys_branch_members')
    with op.batch_alter_table('alleys_alleys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_alleys_community_id'))
        batch_op.drop_index(batch_op.f('ix_alleys_alleys_branch_id'))
    op.drop_table('alleys_alleys')
    with op.batch_alter_table('alleys_calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_calendar_feeds_community_id'))
    op.drop_table('alleys_calendar_feeds')
    with op.batch_alter_table('alleys_branches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_branches_community_id'))
    op.drop_table('alleys_branches')
    with op.batch_alter_table('alleys_holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alleys_holidays_community_id'))
    op.drop_table('alleys_holidays')

