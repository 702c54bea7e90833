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
    op.create_table('mutualaid_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('starting_grant_minutes', sa.Integer(), nullable=False),
    sa.Column('floor_minutes', sa.Integer(), nullable=False),
    sa.Column('ceiling_minutes', sa.Integer(), nullable=False),
    sa.Column('pool_paid_age', sa.Integer(), nullable=False),
    sa.Column('skills_seeded', sa.Boolean(), nullable=False),
    sa.Column('updated_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ceiling_minutes > 0', name=op.f('ck_mutualaid_settings_ceiling_positive')),
    sa.CheckConstraint('floor_minutes <= 0', name=op.f('ck_mutualaid_settings_floor_not_positive')),
    sa.CheckConstraint('starting_grant_minutes >= 0', name=op.f('ck_mutualaid_settings_grant_not_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_settings_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_settings'))
    )
    with op.batch_alter_table('mutualaid_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_settings_community_id'), ['community_id'], unique=True)

    op.create_table('mutualaid_skills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_skills_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_skills')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_mutualaid_skills_community_id_name'))
    )
    with op.batch_alter_table('mutualaid_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_skills_community_id'), ['community_id'], unique=False)

    op.create_table('mutualaid_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('is_pool', sa.Boolean(), nullable=False),
    sa.Column('balance_minutes', sa.Integer(), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(is_pool AND user_id IS NULL) OR (NOT is_pool AND user_id IS NOT NULL)', name=op.f('ck_mutualaid_accounts_pool_or_member')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_accounts_community_id_communities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mutualaid_accounts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_accounts')),
    sa.UniqueConstraint('community_id', 'user_id', name=op.f('uq_mutualaid_accounts_community_id_user_id'))
    )
    with op.batch_alter_table('mutualaid_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_accounts_community_id'), ['community_id'], unique=False)
        batch_op.create_index('uq_mutualaid_accounts_one_pool', ['community_id'], unique=True, sqlite_where=sa.text('is_pool'), postgresql_where=sa.text('is_pool'))

    op.create_table('mutualaid_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), nullable=False),
    sa.Column('hidden_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_offers_community_id_communities')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_mutualaid_offers_hidden_by_id_users')),
    sa.ForeignKeyConstraint(['skill_id'], ['mutualaid_skills.id'], name=op.f('fk_mutualaid_offers_skill_id_mutualaid_skills')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], name=op.f('fk_mutualaid_offers_volunteer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_offers'))
    )
    with op.batch_alter_table('mutualaid_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_offers_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_offers_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('mutualaid_volunteer_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('intro', sa.String(length=300), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_volunteer_profiles_community_id_communities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mutualaid_volunteer_profiles_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_volunteer_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mutualaid_volunteer_profiles_user_id'))
    )
    with op.batch_alter_table('mutualaid_volunteer_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_volunteer_profiles_community_id'), ['community_id'], unique=False)

    op.create_table('mutualaid_availability',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.CheckConstraint('starts < ends', name=op.f('ck_mutualaid_availability_starts_before_ends')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_mutualaid_availability_weekday_range')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_availability_community_id_communities')),
    sa.ForeignKeyConstraint(['profile_id'], ['mutualaid_volunteer_profiles.id'], name=op.f('fk_mutualaid_availability_profile_id_mutualaid_volunteer_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_availability')),
    sa.UniqueConstraint('profile_id', 'weekday', 'starts', name=op.f('uq_mutualaid_availability_profile_id_weekday_starts'))
    )
    with op.batch_alter_table('mutualaid_availability', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_availability_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_availability_profile_id'), ['profile_id'], unique=False)

    op.create_table('mutualaid_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('photo_key', sa.String(length=100), nullable=True),
    sa.Column('asap', sa.Boolean(), nullable=False),
    sa.Column('window_start', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('window_end', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('invited_id', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('reported_minutes', sa.Integer(), nullable=True),
    sa.Column('confirmed_minutes', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('dispute_reason', sa.String(length=500), nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), nullable=False),
    sa.Column('hidden_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=32), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status <> 'open' OR volunteer_id IS NULL", name=op.f('ck_mutualaid_requests_open_has_no_volunteer')),
    sa.CheckConstraint("status IN ('open','accepted','done','disputed','confirmed','cancelled','voided')", name=op.f('ck_mutualaid_requests_known_status')),
    sa.CheckConstraint("status IN ('open','cancelled') OR volunteer_id IS NOT NULL", name=op.f('ck_mutualaid_requests_taken_has_volunteer')),
    sa.CheckConstraint('confirmed_minutes IS NULL OR confirmed_minutes > 0', name=op.f('ck_mutualaid_requests_confirmed_positive')),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_mutualaid_requests_rating_range')),
    sa.CheckConstraint('reported_minutes IS NULL OR reported_minutes > 0', name=op.f('ck_mutualaid_requests_reported_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_requests_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mutualaid_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_mutualaid_requests_hidden_by_id_users')),
    sa.ForeignKeyConstraint(['invited_id'], ['users.id'], name=op.f('fk_mutualaid_requests_invited_id_users')),
    sa.ForeignKeyConstraint(['offer_id'], ['mutualaid_offers.id'], name=op.f('fk_mutualaid_requests_offer_id_mutualaid_offers')),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_mutualaid_requests_requester_id_users')),
    sa.ForeignKeyConstraint(['skill_id'], ['mutualaid_skills.id'], name=op.f('fk_mutualaid_requests_skill_id_mutualaid_skills')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], name=op.f('fk_mutualaid_requests_volunteer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_requests')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_mutualaid_requests_submission_key'))
    )
    with op.batch_alter_table('mutualaid_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_requests_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_requests_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_requests_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('mutualaid_volunteer_skills',
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_volunteer_skills_community_id_communities')),
    sa.ForeignKeyConstraint(['profile_id'], ['mutualaid_volunteer_profiles.id'], name=op.f('fk_mutualaid_volunteer_skills_profile_id_mutualaid_volunteer_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['mutualaid_skills.id'], name=op.f('fk_mutualaid_volunteer_skills_skill_id_mutualaid_skills')),
    sa.PrimaryKeyConstraint('profile_id', 'skill_id', name=op.f('pk_mutualaid_volunteer_skills'))
    )
    with op.batch_alter_table('mutualaid_volunteer_skills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_volunteer_skills_community_id'), ['community_id'], unique=False)

    op.create_table('mutualaid_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_mutualaid_request_events_actor_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_request_events_community_id_communities')),
    sa.ForeignKeyConstraint(['request_id'], ['mutualaid_requests.id'], name=op.f('fk_mutualaid_request_events_request_id_mutualaid_requests')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['users.id'], name=op.f('fk_mutualaid_request_events_volunteer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_request_events'))
    )
    with op.batch_alter_table('mutualaid_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_request_events_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_request_events_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_request_events_volunteer_id'), ['volunteer_id'], unique=False)

    op.create_table('mutualaid_transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('grant_account_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=32), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('help','grant','pool_grant','gift','correction')", name=op.f('ck_mutualaid_transactions_known_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_mutualaid_transactions_actor_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_transactions_community_id_communities')),
    sa.ForeignKeyConstraint(['corrects_id'], ['mutualaid_transactions.id'], name=op.f('fk_mutualaid_transactions_corrects_id_mutualaid_transactions')),
    sa.ForeignKeyConstraint(['grant_account_id'], ['mutualaid_accounts.id'], name=op.f('fk_mutualaid_transactions_grant_account_id_mutualaid_accounts')),
    sa.ForeignKeyConstraint(['request_id'], ['mutualaid_requests.id'], name=op.f('fk_mutualaid_transactions_request_id_mutualaid_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_transactions')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_mutualaid_transactions_corrects_id')),
    sa.UniqueConstraint('grant_account_id', name=op.f('uq_mutualaid_transactions_grant_account_id')),
    sa.UniqueConstraint('request_id', name=op.f('uq_mutualaid_transactions_request_id')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_mutualaid_transactions_submission_key'))
    )
    with op.batch_alter_table('mutualaid_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_transactions_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_transactions_created_at'), ['created_at'], unique=False)

    op.create_table('mutualaid_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes <> 0', name=op.f('ck_mutualaid_entries_not_zero')),
    sa.ForeignKeyConstraint(['account_id'], ['mutualaid_accounts.id'], name=op.f('fk_mutualaid_entries_account_id_mutualaid_accounts')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_mutualaid_entries_community_id_communities')),
    sa.ForeignKeyConstraint(['transaction_id'], ['mutualaid_transactions.id'], name=op.f('fk_mutualaid_entries_transaction_id_mutualaid_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mutualaid_entries'))
    )
    with op.batch_alter_table('mutualaid_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mutualaid_entries_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_entries_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mutualaid_entries_transaction_id'), ['transaction_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mutualaid_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_entries_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_entries_community_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_entries_account_id'))

    op.drop_table('mutualaid_entries')
    with op.batch_alter_table('mutualaid_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_transactions_created_at'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_transactions_community_id'))

    op.drop_table('mutualaid_transactions')
    with op.batch_alter_table('mutualaid_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_request_events_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_request_events_request_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_request_events_community_id'))

    op.drop_table('mutualaid_request_events')
    with op.batch_alter_table('mutualaid_volunteer_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_volunteer_skills_community_id'))

    op.drop_table('mutualaid_volunteer_skills')
    with op.batch_alter_table('mutualaid_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_requests_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_requests_status'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_requests_requester_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_requests_created_at'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_requests_community_id'))

    op.drop_table('mutualaid_requests')
    with op.batch_alter_table('mutualaid_availability', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_availability_profile_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_availability_community_id'))

    op.drop_table('mutualaid_availability')
    with op.batch_alter_table('mutualaid_volunteer_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_volunteer_profiles_community_id'))

    op.drop_table('mutualaid_volunteer_profiles')
    with op.batch_alter_table('mutualaid_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_offers_volunteer_id'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_offers_community_id'))

    op.drop_table('mutualaid_offers')
    with op.batch_alter_table('mutualaid_accounts', schema=None) as batch_op:
        batch_op.drop_index('uq_mutualaid_accounts_one_pool', sqlite_where=sa.text('is_pool'), postgresql_where=sa.text('is_pool'))
        batch_op.drop_index(batch_op.f('ix_mutualaid_accounts_community_id'))

    op.drop_table('mutualaid_accounts')
    with op.batch_alter_table('mutualaid_skills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_skills_community_id'))

    op.drop_table('mutualaid_skills')
    with op.batch_alter_table('mutualaid_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mutualaid_settings_community_id'))

    op.drop_table('mutualaid_settings')
