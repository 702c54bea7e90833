"""kitchen: kitchens, meals, orders, standing orders, subsidies

Revision ID: 0002_kitchen
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

import neighbors.database

revision = "0002_kitchen"
down_revision = "0001_foundation"
branch_labels = ("kitchen",)
depends_on = None


def upgrade():
    op.create_table('kitchen_kitchens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('opening_hours', sa.String(length=100), nullable=False),
    sa.Column('delivers', sa.Boolean(), nullable=False),
    sa.Column('suspended_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('suspended_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_kitchens_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_kitchens')),
    sa.UniqueConstraint('community_id', 'name', name=op.f('uq_kitchen_kitchens_community_id_name'))
    )
    with op.batch_alter_table('kitchen_kitchens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_kitchens_community_id'), ['community_id'], unique=False)

    op.create_table('kitchen_subsidy_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=50), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=True),
    sa.Column('max_age', sa.Integer(), nullable=True),
    sa.Column('subsidy_fen', sa.Integer(), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('subsidy_fen > 0', name=op.f('ck_kitchen_subsidy_tiers_subsidy_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_subsidy_tiers_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_subsidy_tiers'))
    )
    with op.batch_alter_table('kitchen_subsidy_tiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_subsidy_tiers_community_id'), ['community_id'], unique=False)

    op.create_table('kitchen_delivery_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kitchen_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['buildings.id'], name=op.f('fk_kitchen_delivery_areas_building_id_buildings')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_delivery_areas_community_id_communities')),
    sa.ForeignKeyConstraint(['kitchen_id'], ['kitchen_kitchens.id'], name=op.f('fk_kitchen_delivery_areas_kitchen_id_kitchen_kitchens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_delivery_areas')),
    sa.UniqueConstraint('kitchen_id', 'building_id', name=op.f('uq_kitchen_delivery_areas_kitchen_id_building_id'))
    )
    with op.batch_alter_table('kitchen_delivery_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_delivery_areas_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_delivery_areas_kitchen_id'), ['kitchen_id'], unique=False)

    op.create_table('kitchen_meals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kitchen_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('meat', sa.String(length=50), nullable=False),
    sa.Column('vegetable', sa.String(length=50), nullable=False),
    sa.Column('soup', sa.String(length=50), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('sold', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('order_deadline', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("slot IN ('lunch','dinner')", name=op.f('ck_kitchen_meals_known_slot')),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_kitchen_meals_capacity_not_negative')),
    sa.CheckConstraint('price_fen > 0', name=op.f('ck_kitchen_meals_price_positive')),
    sa.CheckConstraint('sold <= capacity', name=op.f('ck_kitchen_meals_not_oversold')),
    sa.CheckConstraint('sold >= 0', name=op.f('ck_kitchen_meals_sold_not_negative')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_meals_community_id_communities')),
    sa.ForeignKeyConstraint(['kitchen_id'], ['kitchen_kitchens.id'], name=op.f('fk_kitchen_meals_kitchen_id_kitchen_kitchens')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_kitchen_meals_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_meals')),
    sa.UniqueConstraint('kitchen_id', 'served_on', 'slot', name=op.f('uq_kitchen_meals_kitchen_id_served_on_slot'))
    )
    with op.batch_alter_table('kitchen_meals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_meals_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_meals_kitchen_id'), ['kitchen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_meals_served_on'), ['served_on'], unique=False)

    op.create_table('kitchen_operators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kitchen_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_operators_community_id_communities')),
    sa.ForeignKeyConstraint(['kitchen_id'], ['kitchen_kitchens.id'], name=op.f('fk_kitchen_operators_kitchen_id_kitchen_kitchens')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kitchen_operators_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_operators')),
    sa.UniqueConstraint('kitchen_id', 'user_id', name=op.f('uq_kitchen_operators_kitchen_id_user_id'))
    )
    with op.batch_alter_table('kitchen_operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_operators_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_operators_kitchen_id'), ['kitchen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_operators_user_id'), ['user_id'], unique=False)

    op.create_table('kitchen_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('dietary_needs', sa.String(length=200), nullable=False),
    sa.Column('emergency_name', sa.String(length=50), nullable=False),
    sa.Column('emergency_phone', sa.String(length=20), nullable=False),
    sa.Column('welfare_status', sa.String(length=20), nullable=False),
    sa.Column('updated_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_profiles_community_id_communities')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kitchen_profiles_updated_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_kitchen_profiles_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_kitchen_profiles_user_id'))
    )
    with op.batch_alter_table('kitchen_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_profiles_community_id'), ['community_id'], unique=False)

    op.create_table('kitchen_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('standard_price_fen', sa.Integer(), nullable=False),
    sa.Column('policy', sa.String(length=20), nullable=False),
    sa.Column('min_meal_fen', sa.Integer(), nullable=False),
    sa.Column('once_a_day', sa.Boolean(), nullable=False),
    sa.Column('updated_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("policy IN ('xiamen','tiers')", name=op.f('ck_kitchen_settings_known_policy')),
    sa.CheckConstraint('standard_price_fen > 0', name=op.f('ck_kitchen_settings_price_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_settings_community_id_communities')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_kitchen_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_settings'))
    )
    with op.batch_alter_table('kitchen_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_settings_community_id'), ['community_id'], unique=True)

    op.create_table('kitchen_standing_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kitchen_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('weekdays', sa.String(length=7), nullable=False),
    sa.Column('slot', sa.String(length=10), nullable=False),
    sa.Column('fulfilment', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('quantity BETWEEN 1 AND 3', name=op.f('ck_kitchen_standing_orders_quantity_range')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_standing_orders_community_id_communities')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_kitchen_standing_orders_created_by_id_users')),
    sa.ForeignKeyConstraint(['kitchen_id'], ['kitchen_kitchens.id'], name=op.f('fk_kitchen_standing_orders_kitchen_id_kitchen_kitchens')),
    sa.ForeignKeyConstraint(['resident_id'], ['users.id'], name=op.f('fk_kitchen_standing_orders_resident_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_standing_orders'))
    )
    with op.batch_alter_table('kitchen_standing_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_standing_orders_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_standing_orders_kitchen_id'), ['kitchen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_standing_orders_resident_id'), ['resident_id'], unique=False)

    op.create_table('kitchen_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('meal_id', sa.Integer(), nullable=False),
    sa.Column('kitchen_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('standing_order_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('fulfilment', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('subsidy_fen', sa.Integer(), nullable=False),
    sa.Column('due_fen', sa.Integer(), nullable=False),
    sa.Column('subsidy_rule', sa.JSON(), nullable=False),
    sa.Column('payment_method', sa.String(length=20), nullable=True),
    sa.Column('paid_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submission_key', sa.String(length=40), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("fulfilment IN ('dine_in','pickup','delivery')", name=op.f('ck_kitchen_orders_known_fulfilment')),
    sa.CheckConstraint('due_fen = price_fen * quantity - subsidy_fen', name=op.f('ck_kitchen_orders_due_adds_up')),
    sa.CheckConstraint('quantity BETWEEN 1 AND 3', name=op.f('ck_kitchen_orders_quantity_range')),
    sa.CheckConstraint('subsidy_fen >= 0 AND subsidy_fen <= price_fen', name=op.f('ck_kitchen_orders_subsidy_range')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_kitchen_orders_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_orders_community_id_communities')),
    sa.ForeignKeyConstraint(['kitchen_id'], ['kitchen_kitchens.id'], name=op.f('fk_kitchen_orders_kitchen_id_kitchen_kitchens')),
    sa.ForeignKeyConstraint(['meal_id'], ['kitchen_meals.id'], name=op.f('fk_kitchen_orders_meal_id_kitchen_meals')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['users.id'], name=op.f('fk_kitchen_orders_placed_by_id_users')),
    sa.ForeignKeyConstraint(['resident_id'], ['users.id'], name=op.f('fk_kitchen_orders_resident_id_users')),
    sa.ForeignKeyConstraint(['standing_order_id'], ['kitchen_standing_orders.id'], name=op.f('fk_kitchen_orders_standing_order_id_kitchen_standing_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_orders')),
    sa.UniqueConstraint('community_id', 'submission_key', name=op.f('uq_kitchen_orders_community_id_submission_key'))
    )
    with op.batch_alter_table('kitchen_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_orders_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_orders_kitchen_id'), ['kitchen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_orders_meal_id'), ['meal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_orders_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_orders_served_on'), ['served_on'], unique=False)
        batch_op.create_index('uq_kitchen_orders_one_subsidy_a_day', ['resident_id', 'served_on'], unique=True, sqlite_where=sa.text('subsidy_fen > 0 AND cancelled_at IS NULL'), postgresql_where=sa.text('subsidy_fen > 0 AND cancelled_at IS NULL'))

    op.create_table('kitchen_standing_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('standing_order_id', sa.Integer(), nullable=False),
    sa.Column('from_day', sa.Date(), nullable=False),
    sa.Column('to_day', sa.Date(), nullable=False),
    sa.CheckConstraint('from_day <= to_day', name=op.f('ck_kitchen_standing_pauses_in_order')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_standing_pauses_community_id_communities')),
    sa.ForeignKeyConstraint(['standing_order_id'], ['kitchen_standing_orders.id'], name=op.f('fk_kitchen_standing_pauses_standing_order_id_kitchen_standing_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_standing_pauses'))
    )
    with op.batch_alter_table('kitchen_standing_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_standing_pauses_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_standing_pauses_standing_order_id'), ['standing_order_id'], unique=False)

    op.create_table('kitchen_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('kitchen_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=300), nullable=False),
    sa.Column('created_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_kitchen_feedback_rating_range')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_kitchen_feedback_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_feedback_community_id_communities')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_kitchen_feedback_hidden_by_id_users')),
    sa.ForeignKeyConstraint(['kitchen_id'], ['kitchen_kitchens.id'], name=op.f('fk_kitchen_feedback_kitchen_id_kitchen_kitchens')),
    sa.ForeignKeyConstraint(['order_id'], ['kitchen_orders.id'], name=op.f('fk_kitchen_feedback_order_id_kitchen_orders')),
    sa.ForeignKeyConstraint(['resident_id'], ['users.id'], name=op.f('fk_kitchen_feedback_resident_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_feedback')),
    sa.UniqueConstraint('order_id', name=op.f('uq_kitchen_feedback_order_id'))
    )
    with op.batch_alter_table('kitchen_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_feedback_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_feedback_kitchen_id'), ['kitchen_id'], unique=False)

    op.create_table('kitchen_order_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_kitchen_order_events_actor_id_users')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_order_events_community_id_communities')),
    sa.ForeignKeyConstraint(['order_id'], ['kitchen_orders.id'], name=op.f('fk_kitchen_order_events_order_id_kitchen_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_order_events'))
    )
    with op.batch_alter_table('kitchen_order_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_order_events_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_order_events_order_id'), ['order_id'], unique=False)

    op.create_table('kitchen_standing_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('standing_order_id', sa.Integer(), nullable=False),
    sa.Column('meal_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_standing_attempts_community_id_communities')),
    sa.ForeignKeyConstraint(['meal_id'], ['kitchen_meals.id'], name=op.f('fk_kitchen_standing_attempts_meal_id_kitchen_meals')),
    sa.ForeignKeyConstraint(['order_id'], ['kitchen_orders.id'], name=op.f('fk_kitchen_standing_attempts_order_id_kitchen_orders')),
    sa.ForeignKeyConstraint(['standing_order_id'], ['kitchen_standing_orders.id'], name=op.f('fk_kitchen_standing_attempts_standing_order_id_kitchen_standing_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_standing_attempts')),
    sa.UniqueConstraint('standing_order_id', 'meal_id', name=op.f('uq_kitchen_standing_attempts_standing_order_id_meal_id'))
    )
    with op.batch_alter_table('kitchen_standing_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_standing_attempts_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_standing_attempts_meal_id'), ['meal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_standing_attempts_standing_order_id'), ['standing_order_id'], unique=False)

    op.create_table('kitchen_welfare_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', neighbors.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', neighbors.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('how', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_kitchen_welfare_checks_community_id_communities')),
    sa.ForeignKeyConstraint(['order_id'], ['kitchen_orders.id'], name=op.f('fk_kitchen_welfare_checks_order_id_kitchen_orders')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_kitchen_welfare_checks_raised_by_id_users')),
    sa.ForeignKeyConstraint(['resident_id'], ['users.id'], name=op.f('fk_kitchen_welfare_checks_resident_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_kitchen_welfare_checks_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kitchen_welfare_checks')),
    sa.UniqueConstraint('order_id', name=op.f('uq_kitchen_welfare_checks_order_id'))
    )
    with op.batch_alter_table('kitchen_welfare_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kitchen_welfare_checks_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_kitchen_welfare_checks_resident_id'), ['resident_id'], unique=False)



def downgrade():
    with op.batch_alter_table('kitchen_welfare_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_welfare_checks_resident_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_welfare_checks_community_id'))

    op.drop_table('kitchen_welfare_checks')
    with op.batch_alter_table('kitchen_standing_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_attempts_standing_order_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_attempts_meal_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_attempts_community_id'))

    op.drop_table('kitchen_standing_attempts')
    with op.batch_alter_table('kitchen_order_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_order_events_order_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_order_events_community_id'))

    op.drop_table('kitchen_order_events')
    with op.batch_alter_table('kitchen_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_feedback_kitchen_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_feedback_community_id'))

    op.drop_table('kitchen_feedback')
    with op.batch_alter_table('kitchen_standing_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_pauses_standing_order_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_pauses_community_id'))

    op.drop_table('kitchen_standing_pauses')
    with op.batch_alter_table('kitchen_orders', schema=None) as batch_op:
        batch_op.drop_index('uq_kitchen_orders_one_subsidy_a_day', sqlite_where=sa.text('subsidy_fen > 0 AND cancelled_at IS NULL'), postgresql_where=sa.text('subsidy_fen > 0 AND cancelled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_kitchen_orders_served_on'))
        batch_op.drop_index(batch_op.f('ix_kitchen_orders_resident_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_orders_meal_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_orders_kitchen_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_orders_community_id'))

    op.drop_table('kitchen_orders')
    with op.batch_alter_table('kitchen_standing_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_orders_resident_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_orders_kitchen_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_standing_orders_community_id'))

    op.drop_table('kitchen_standing_orders')
    with op.batch_alter_table('kitchen_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_settings_community_id'))

    op.drop_table('kitchen_settings')
    with op.batch_alter_table('kitchen_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_profiles_community_id'))

    op.drop_table('kitchen_profiles')
    with op.batch_alter_table('kitchen_operators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_operators_user_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_operators_kitchen_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_operators_community_id'))

    op.drop_table('kitchen_operators')
    with op.batch_alter_table('kitchen_meals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_meals_served_on'))
        batch_op.drop_index(batch_op.f('ix_kitchen_meals_kitchen_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_meals_community_id'))

    op.drop_table('kitchen_meals')
    with op.batch_alter_table('kitchen_delivery_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_delivery_areas_kitchen_id'))
        batch_op.drop_index(batch_op.f('ix_kitchen_delivery_areas_community_id'))

    op.drop_table('kitchen_delivery_areas')
    with op.batch_alter_table('kitchen_subsidy_tiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_subsidy_tiers_community_id'))

    op.drop_table('kitchen_subsidy_tiers')
    with op.batch_alter_table('kitchen_kitchens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kitchen_kitchens_community_id'))

    op.drop_table('kitchen_kitchens')
