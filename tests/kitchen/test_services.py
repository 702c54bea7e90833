"""The kitchen's rules, tested through services.py without HTTP."""
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from neighbors import tick
from neighbors.links import Link
from neighbors.clock import local_to_utc
from neighbors.errors import DomainError, InvalidInput, NotAllowed
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.services.ordering import move
from neighbors.kitchen.models import (
    ORDER_STATES, Meal, MealOrder, OrderEvent, OrderStatus, StandingAttempt, StandingOrder, WelfareCheck,
)
from neighbors.models import AuditEntry, Notification
from neighbors.spreadsheets import Yuan
from tests.factories import link_carer, make_user
from tests.kitchen.helpers import NOW, TODAY, born, later, make_place, order, publish


SERVING = later(minutes=180)  # 11:00: that day's lunch is being served, so it can be handed over or missed


def notes_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id)))


# --- meals -------------------------------------------------------------------------------

def test_publishing_uses_standard_price_and_default_deadlines(app):
    place = make_place()
    lunch = publish(place)
    dinner = publish(place, slot="dinner")
    assert lunch.price_fen == 1200
    assert lunch.order_deadline == local_to_utc(TODAY, time(10, 0))
    assert dinner.order_deadline == local_to_utc(TODAY, time(16, 0))


@pytest.mark.parametrize("change, field", [
    ({"day": TODAY - timedelta(days=1)}, "served_on"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 501}, "capacity"),
    ({"slot": "breakfast"}, "slot"),
    ({"deadline": NOW - timedelta(minutes=1)}, "order_deadline"),
    ({"deadline": local_to_utc(TODAY, time(13, 0))}, "order_deadline"),
])
def test_publishing_refuses_bad_input(app, change, field):
    place = make_place()
    with pytest.raises(InvalidInput) as refused:
        publish(place, **change)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Meal.id))) == 0


def test_same_day_and_slot_twice_is_refused(app):
    place = make_place()
    publish(place)
    with pytest.raises(InvalidInput) as refused:
        publish(place)
    assert refused.value.field == "served_on"


def test_only_operators_and_staff_publish(app):
    place = make_place()
    other = make_user(place.community, "kitchen", name="王秀英")
    with pytest.raises(NotAllowed):
        services.publish_meal(other, place.kitchen.id, TODAY, "lunch", "a", "b", "c", 10, NOW)
    meal = services.publish_meal(place.staff, place.kitchen.id, TODAY, "lunch", "a", "b", "c", 10, NOW)
    assert meal.id


def test_copy_last_week_publishes_the_coming_week(app):
    place = make_place()
    past = NOW - timedelta(days=7)
    for offset in range(5):
        day = TODAY - timedelta(days=7) + timedelta(days=offset)
        services.publish_meal(place.operator, place.kitchen.id, day, "lunch", f"菜{offset}", "青菜", "汤", 20, past)
    made = services.copy_last_week(place.operator, place.kitchen.id, NOW)
    assert sorted(m.served_on for m in made) == [TODAY + timedelta(days=i) for i in range(5)]
    assert {m.meat for m in made} == {f"菜{i}" for i in range(5)}
    with pytest.raises(DomainError):
        services.copy_last_week(place.operator, place.kitchen.id, NOW)


def test_capacity_can_be_lowered_but_not_below_sold(app):
    place = make_place()
    meal = publish(place, capacity=10)
    resident = make_user(place.community)
    order(resident, meal, quantity=3)
    assert services.set_capacity(place.operator, meal.id, 5, NOW).capacity == 5
    with pytest.raises(InvalidInput) as refused:
        services.set_capacity(place.operator, meal.id, 2, NOW)
    assert refused.value.field == "capacity" and "3" in str(refused.value)
    assert db.session.get(Meal, meal.id).capacity == 5


@pytest.mark.parametrize("capacity", [0, 501])
def test_capacity_stays_between_one_and_five_hundred(app, capacity):
    place = make_place()
    meal = publish(place, capacity=10)
    with pytest.raises(InvalidInput) as refused:
        services.set_capacity(place.operator, meal.id, capacity, NOW)
    assert refused.value.field == "capacity"
    assert db.session.get(Meal, meal.id).capacity == 10


def test_closing_early_stops_orders(app):
    place = make_place()
    meal = publish(place)
    services.close_ordering(place.operator, meal.id, NOW)
    resident = make_user(place.community)
    with pytest.raises(services.OrderingClosed):
        order(resident, meal)


def test_cancelling_a_meal_cancels_every_order_and_tells_residents(app):
    place = make_place()
    meal = publish(place)
    residents = [make_user(place.community) for _ in range(3)]
    for resident in residents:
        order(resident, meal)
    services.cancel_meal(place.operator, meal.id, "停水", NOW)
    statuses = db.session.scalars(sa.select(MealOrder.status)).all()
    assert statuses == ["cancelled"] * 3
    assert db.session.get(Meal, meal.id).sold == 0
    for resident in residents:
        assert any("cancelled by the kitchen" in m for m in notes_for(resident))


# --- ordering ----------------------------------------------------------------------------

def test_ordering_takes_portions_and_records_the_price(app):
    place = make_place()
    meal = publish(place, capacity=5)
    resident = make_user(place.community, birth_date=born(70))
    placed = order(resident, meal, quantity=2, note="少盐")
    meal = db.session.get(Meal, meal.id)
    assert meal.sold == 2 and meal.portions_left == 3
    assert placed.price_fen == 1200 and placed.subsidy_fen == 300 and placed.due_fen == 2100
    assert placed.note == "少盐" and placed.status == "placed"


@pytest.mark.parametrize("quantity", [0, 4, -1])
def test_quantity_must_be_one_to_three(app, quantity):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    with pytest.raises(InvalidInput) as refused:
        order(resident, meal, quantity=quantity)
    assert refused.value.field == "quantity"


def test_never_more_than_capacity(app):
    place = make_place()
    meal = publish(place, capacity=3)
    people = [make_user(place.community) for _ in range(3)]
    order(people[0], meal, quantity=2)
    with pytest.raises(services.SoldOut) as refused:
        order(people[1], meal, quantity=2)
    assert "1" in str(refused.value)
    order(people[1], meal, quantity=1)
    with pytest.raises(services.SoldOut):
        order(people[2], meal)
    assert db.session.get(Meal, meal.id).sold == 3


def test_the_database_refuses_oversold_meals(app):
    place = make_place()
    meal = publish(place, capacity=1)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Meal).where(Meal.id == meal.id).values(sold=2))
    db.session.rollback()


def test_past_the_deadline_orders_are_refused(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    with pytest.raises(services.OrderingClosed):
        order(resident, meal, now=local_to_utc(TODAY, time(10, 0)))


def test_same_submission_key_makes_one_order(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    first = order(resident, meal, submission_key="a" * 32)
    second = order(resident, meal, submission_key="a" * 32)
    assert first.id == second.id
    assert db.session.get(Meal, meal.id).sold == 1


def test_delivery_only_where_the_kitchen_delivers(app):
    place = make_place()
    meal = publish(place)
    inside = make_user(place.community, building="镇海路12号", unit="2单元301室")
    outside = make_user(place.community, building="镇海路8号")
    placed = order(inside, meal, fulfilment="delivery")
    assert placed.address == "镇海路12号2单元301室"
    with pytest.raises(InvalidInput) as refused:
        order(outside, meal, fulfilment="delivery")
    assert refused.value.field == "fulfilment"
    pickup_only = make_place("鹭江道社区", delivers=False)
    other_meal = publish(pickup_only)
    neighbour = make_user(pickup_only.community)
    with pytest.raises(InvalidInput):
        order(neighbour, other_meal, fulfilment="delivery")


def test_cancel_before_deadline_gives_portions_back(app):
    place = make_place()
    meal = publish(place, capacity=2)
    resident = make_user(place.community)
    placed = order(resident, meal, quantity=2)
    services.cancel_order(resident, placed.id, NOW)
    assert db.session.get(Meal, meal.id).sold == 0
    assert db.session.get(MealOrder, placed.id).status == "cancelled"


def test_after_deadline_only_the_kitchen_cancels(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    placed = order(resident, meal)
    late = local_to_utc(TODAY, time(10, 30))
    with pytest.raises(DomainError):
        services.cancel_order(resident, placed.id, late)
    services.cancel_order(place.operator, placed.id, late)
    assert db.session.get(MealOrder, placed.id).status == "cancelled"
    assert any("cancelled by" in m for m in notes_for(resident))


def test_order_again_repeats_the_order_for_another_meal(app):
    place = make_place()
    today = publish(place)
    tomorrow = publish(place, day=TODAY + timedelta(days=1))
    resident = make_user(place.community)
    first = order(resident, today, quantity=2, fulfilment="delivery", note="软烂")
    again = services.order_again(resident, first.id, tomorrow.id, "b" * 32, NOW)
    assert (again.quantity, again.fulfilment, again.note, again.meal_id) == (2, "delivery", "软烂", tomorrow.id)


# --- acting for someone ------------------------------------------------------------------

def test_a_carer_orders_for_her_mother(app):
    place = make_place()
    meal = publish(place)
    mother = make_user(place.community, name="郑长华", birth_date=born(85), phone=None)
    daughter = make_user(place.community, name="王美玲", birth_date=born(57))
    link_carer(daughter, mother)
    placed = order(daughter, meal, for_user=mother)
    assert placed.resident_id == mother.id and placed.placed_by_id == daughter.id
    assert placed.subsidy_fen == 300
    assert any("ordered a meal for you" in m for m in notes_for(mother))


def test_nobody_orders_for_a_stranger(app):
    place = make_place()
    meal = publish(place)
    stranger = make_user(place.community)
    neighbour = make_user(place.community)
    with pytest.raises(NotAllowed):
        order(neighbour, meal, for_user=stranger)
    assert order(place.staff, meal, for_user=stranger).placed_by_id == place.staff.id


# --- subsidies ---------------------------------------------------------------------------

@pytest.mark.parametrize("age, subsidy", [(64, 0), (65, 300), (85, 300)])
def test_xiamen_rule_at_the_age_edge(app, age, subsidy):
    place = make_place()
    meal = publish(place)
    placed = order(make_user(place.community, birth_date=born(age)), meal)
    assert placed.subsidy_fen == subsidy
    assert placed.subsidy_rule["reason"] == ("age_65" if subsidy else "under_age")


def test_sixty_five_on_the_day_of_the_meal_not_the_day_of_ordering(app):
    place = make_place()
    tomorrow = TODAY + timedelta(days=1)
    meal = publish(place, day=tomorrow)
    resident = make_user(place.community, birth_date=born(65, tomorrow))
    assert order(resident, meal).subsidy_fen == 300


def test_second_meal_of_a_day_is_not_subsidised(app):
    place = make_place()
    lunch = publish(place)
    dinner = publish(place, slot="dinner")
    elder = make_user(place.community, birth_date=born(80))
    assert order(elder, lunch).subsidy_fen == 300
    second = order(elder, dinner)
    assert second.subsidy_fen == 0 and second.subsidy_rule["reason"] == "already_today"
    assert second.due_fen == 1200


def test_cancelling_the_subsidised_meal_frees_the_subsidy(app):
    place = make_place()
    lunch = publish(place)
    dinner = publish(place, slot="dinner")
    elder = make_user(place.community, birth_date=born(80))
    first = order(elder, lunch)
    services.cancel_order(elder, first.id, NOW)
    assert order(elder, dinner).subsidy_fen == 300


def test_a_nine_yuan_meal_gets_no_subsidy(app):
    place = make_place()
    meal = publish(place, price_fen=900)
    placed = order(make_user(place.community, birth_date=born(90)), meal)
    assert placed.subsidy_fen == 0 and placed.due_fen == 900
    assert placed.subsidy_rule["reason"] == "below_minimum"


def test_subsidy_is_on_one_portion_only(app):
    place = make_place()
    meal = publish(place)
    placed = order(make_user(place.community, birth_date=born(70)), meal, quantity=3)
    assert placed.subsidy_fen == 300 and placed.due_fen == 3300


def test_staff_tiers_replace_the_xiamen_rule_and_orders_keep_theirs(app):
    place = make_place()
    cid, staff = place.community.id, place.staff
    services.add_tier(staff, cid, "低保/特困", "dibao", None, None, 1100, NOW)
    services.add_tier(staff, cid, "80岁以上", "", 80, None, 900, NOW)
    services.add_tier(staff, cid, "60-79岁", "", 60, 79, 700, NOW)
    lunch = publish(place)
    earlier = order(make_user(place.community, birth_date=born(70)), lunch)
    assert earlier.subsidy_fen == 300
    services.update_settings(staff, cid, 1200, "tiers", 1000, True, NOW)
    dinner = publish(place, slot="dinner")
    poor = make_user(place.community, birth_date=born(62))
    services.set_welfare_status(staff, poor, "dibao", NOW)
    cases = [(poor, 1100), (make_user(place.community, birth_date=born(85)), 900),
             (make_user(place.community, birth_date=born(60)), 700), (make_user(place.community, birth_date=born(59)), 0)]
    for resident, expected in cases:
        placed = order(resident, dinner)
        assert placed.subsidy_fen == expected, resident.birth_date
    assert db.session.get(MealOrder, earlier.id).subsidy_rule["policy"] == "xiamen"
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"kitchen.settings_changed", "kitchen.tier_added", "kitchen.welfare_status_changed"} <= actions


def test_only_staff_set_welfare_status_and_settings(app):
    place = make_place()
    resident = make_user(place.community)
    with pytest.raises(NotAllowed):
        services.set_welfare_status(resident, resident, "dibao", NOW)
    with pytest.raises(NotAllowed):
        services.update_settings(place.operator, place.community.id, 1500, "xiamen", 1000, True, NOW)
    with pytest.raises(InvalidInput):
        services.update_settings(place.staff, place.community.id, 1200, "tiers", 1000, True, NOW)


# --- the operator's day and welfare checks -----------------------------------------------

@pytest.mark.parametrize("fulfilment, path", [
    ("delivery", ["cooking", "out_for_delivery", "delivered"]),
    ("pickup", ["cooking", "picked_up"]),
    ("dine_in", ["picked_up"]),
    ("dine_in", ["cooking", "no_show"]),
    ("delivery", ["cooking", "out_for_delivery", "no_answer", "delivered"]),
])
def test_allowed_status_paths(app, fulfilment, path):
    place = make_place()
    meal = publish(place)
    placed = order(make_user(place.community), meal, fulfilment=fulfilment)
    for step in path:
        services.advance_order(place.operator, placed.id, step, SERVING, payment_method="cash")
    assert db.session.get(MealOrder, placed.id).status == path[-1]
    events = db.session.scalars(sa.select(OrderEvent.to_status).where(OrderEvent.order_id == placed.id)
                                .order_by(OrderEvent.id)).all()
    assert events == ["placed", *path]


@pytest.mark.parametrize("fulfilment, path", [
    ("dine_in", ["cooking", "out_for_delivery"]),
    ("delivery", ["picked_up"]),
    ("delivery", ["no_show"]),
    ("pickup", ["cooking", "no_answer"]),
    ("delivery", ["cooking", "out_for_delivery", "delivered", "cooking"]),
])
def test_refused_status_paths(app, fulfilment, path):
    place = make_place()
    meal = publish(place)
    placed = order(make_user(place.community), meal, fulfilment=fulfilment)
    *allowed, refused = path
    for step in allowed:
        services.advance_order(place.operator, placed.id, step, SERVING, payment_method="cash")
    with pytest.raises(DomainError):
        services.advance_order(place.operator, placed.id, refused, SERVING, payment_method="cash")
    assert db.session.get(MealOrder, placed.id).status == (allowed[-1] if allowed else "placed")


@pytest.mark.parametrize("fulfilment", ["dine_in", "pickup", "delivery"])
@pytest.mark.parametrize("status", [s.value for s in OrderStatus])
def test_the_buttons_are_exactly_the_moves_the_table_allows(fulfilment, status):
    shown = MealOrder(status=status, fulfilment=fulfilment).next_steps
    allowed = [ORDER_STATES[action].target for action in ORDER_STATES.transitions
               if action != "cancel" and ORDER_STATES.allows(MealOrder(status=status, fulfilment=fulfilment), action)]
    assert shown == allowed
    if status in ("delivered", "picked_up", "no_show", "cancelled"):
        assert shown == []


def test_a_move_someone_made_a_moment_ago_is_not_made_twice(app):
    place = make_place()
    placed = order(make_user(place.community), publish(place), fulfilment="pickup")
    seen = db.session.get(MealOrder, placed.id)  # as the operator's page showed it: placed
    db.session.execute(sa.update(MealOrder).where(MealOrder.id == placed.id).values(status="cooking")
                       .execution_options(synchronize_session=False))  # another operator's tap
    with pytest.raises(DomainError) as refused:
        move(seen, "cook", place.operator, NOW)
    assert "a moment ago" in str(refused.value)


def test_handover_needs_a_payment_method(app):
    place = make_place()
    meal = publish(place)
    placed = order(make_user(place.community), meal)
    with pytest.raises(InvalidInput) as refused:
        services.advance_order(place.operator, placed.id, "picked_up", SERVING)
    assert refused.value.field == "payment_method"
    services.advance_order(place.operator, placed.id, "picked_up", SERVING, payment_method="wechat")
    assert db.session.get(MealOrder, placed.id).payment_method == "wechat"


def test_residents_cannot_move_orders(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    placed = order(resident, meal)
    with pytest.raises(NotAllowed):
        services.advance_order(resident, placed.id, "cooking", NOW)


def test_leaving_the_kitchen_notifies_the_resident(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    placed = order(resident, meal, fulfilment="delivery")
    services.advance_order(place.operator, placed.id, "cooking", NOW)
    services.advance_order(place.operator, placed.id, "out_for_delivery", NOW)
    assert any("on its way" in m for m in notes_for(resident))


def _deliver_to_nobody(place, resident):
    meal = publish(place)
    placed = order(resident, meal, fulfilment="delivery")
    for step in ("cooking", "out_for_delivery", "no_answer"):
        services.advance_order(place.operator, placed.id, step, SERVING)
    return placed


def test_welfare_check_for_an_85_year_old_notifies_carer_and_staff_and_stays_open(app):
    place = make_place()
    mother = make_user(place.community, name="郑长华", birth_date=born(85), phone=None)
    daughter = make_user(place.community, name="王美玲")
    link_carer(daughter, mother)
    _deliver_to_nobody(place, mother)
    check = db.session.scalar(sa.select(WelfareCheck))
    assert check.is_open and check.resident_id == mother.id
    assert any(m.startswith("URGENT") for m in notes_for(daughter))
    assert any(m.startswith("URGENT") for m in notes_for(place.staff))
    queue = services.staff_queue(place.community.id, later(minutes=30))
    assert queue[0].urgent and queue[0].kind == "kitchen.welfare_check"
    assert services.staff_queue(place.community.id, later(days=3))[0].kind == "kitchen.welfare_check"
    with pytest.raises(InvalidInput):
        services.record_safe(place.staff, check.id, "other", "", later(minutes=40))
    neighbour = make_user(place.community)
    with pytest.raises(NotAllowed):
        services.record_safe(neighbour, check.id, "seen", "", later(minutes=40))
    services.record_safe(daughter, check.id, "phoned", "在女儿家吃饭", later(minutes=45))
    check = db.session.get(WelfareCheck, check.id)
    assert not check.is_open and check.resolved_by_id == daughter.id and check.how == "phoned"
    assert check.resolved_at == later(minutes=45)
    assert not [i for i in services.staff_queue(place.community.id, later(minutes=50)) if i.urgent]
    with pytest.raises(DomainError):
        services.record_safe(place.staff, check.id, "seen", "", later(minutes=50))


def test_no_answer_for_a_younger_resident_raises_no_check_unless_needing_care(app):
    place = make_place()
    _deliver_to_nobody(place, make_user(place.community, birth_date=born(50)))
    assert db.session.scalar(sa.select(sa.func.count(WelfareCheck.id))) == 0
    cared = make_user(place.community, birth_date=born(50), needs_care=True)
    meal = publish(place, slot="dinner")
    placed = order(cared, meal, fulfilment="delivery")
    for step in ("cooking", "out_for_delivery", "no_answer"):
        services.advance_order(place.operator, placed.id, step, later(minutes=12 * 60))  # 20:00, after dinner began
    assert db.session.scalar(sa.select(sa.func.count(WelfareCheck.id))) == 1


# --- standing orders ---------------------------------------------------------------------

def test_standing_order_places_matching_meals_once(app):
    place = make_place()
    elder = make_user(place.community, birth_date=born(80))
    standing = services.create_standing_order(elder, elder, place.kitchen.id, [0, 1, 2, 3, 4], "lunch",
                                               "delivery", 1, "", "少盐", NOW)
    meals = [publish(place, day=TODAY + timedelta(days=i)) for i in range(7)]  # Mon..Sun
    publish(place, slot="dinner")
    orders = db.session.scalars(sa.select(MealOrder).where(MealOrder.standing_order_id == standing.id)).all()
    assert sorted(o.served_on.weekday() for o in orders) == [0, 1, 2, 3, 4]
    assert all(o.note == "少盐" and o.fulfilment == "delivery" for o in orders)
    assert services.standing_orders_job(later(minutes=1)) == 0
    tick.run_all(later(minutes=2))
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 5
    assert meals[5].sold == 0


def test_standing_order_job_is_registered_and_idempotent(app):
    assert tick.jobs()["kitchen.standing_orders"] is services.standing_orders_job
    place = make_place()
    publish(place)
    elder = make_user(place.community, birth_date=born(80))
    db.session.add(StandingOrder(community_id=place.community.id, kitchen_id=place.kitchen.id,
                                          resident_id=elder.id, created_by_id=elder.id, weekdays="0123456",
                                          slot="lunch", fulfilment="dine_in", quantity=1))
    db.session.commit()
    assert services.standing_orders_job(NOW) == 1
    assert services.standing_orders_job(NOW) == 0
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1


def test_standing_order_sold_out_notifies_resident_and_carer(app):
    place = make_place()
    mother = make_user(place.community, birth_date=born(85), phone=None)
    daughter = make_user(place.community)
    link_carer(daughter, mother)
    services.create_standing_order(daughter, mother, place.kitchen.id, [0], "lunch", "pickup", 2, "", "", NOW)
    meal = publish(place, capacity=1)
    assert db.session.scalar(sa.select(StandingAttempt.outcome)) == "sold_out"
    assert db.session.get(Meal, meal.id).sold == 0
    assert any("could not be placed" in m for m in notes_for(mother))
    assert any("could not be placed" in m for m in notes_for(daughter))
    kinds = [i.kind for i in services.staff_queue(place.community.id, NOW)]
    assert "kitchen.standing_failed" in kinds


def test_paused_days_are_skipped_and_ended_orders_stop(app):
    place = make_place()
    elder = make_user(place.community, birth_date=born(80))
    standing = services.create_standing_order(elder, elder, place.kitchen.id, [0, 1, 2, 3, 4, 5, 6], "lunch",
                                              "dine_in", 1, "", "", NOW)
    first = publish(place)
    assert first.sold == 1
    services.pause_standing_order(elder, standing.id, TODAY, TODAY + timedelta(days=1), NOW)
    assert db.session.get(Meal, first.id).sold == 0  # the order already placed for a paused day is cancelled
    publish(place, day=TODAY + timedelta(days=1))
    publish(place, day=TODAY + timedelta(days=2))
    services.end_standing_order(elder, standing.id, NOW)
    publish(place, day=TODAY + timedelta(days=3))
    days = db.session.scalars(sa.select(MealOrder.served_on).where(MealOrder.status != "cancelled")).all()
    assert days == [TODAY + timedelta(days=2)]


# --- feedback ----------------------------------------------------------------------------

def test_feedback_after_delivery_and_hiding_is_audited(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    placed = order(resident, meal)
    with pytest.raises(DomainError):
        services.leave_feedback(resident, placed.id, 5, "好吃", NOW)
    services.advance_order(place.operator, placed.id, "picked_up", SERVING, payment_method="cash")
    with pytest.raises(InvalidInput):
        services.leave_feedback(resident, placed.id, 6, "", NOW)
    feedback = services.leave_feedback(resident, placed.id, 1, "太咸了，骂人的话", NOW)
    with pytest.raises(DomainError):
        services.leave_feedback(resident, placed.id, 5, "", NOW)
    assert services.kitchen_rating(place.kitchen) == {"average": 1.0, "count": 1}
    assert [i.kind for i in services.staff_queue(place.community.id, NOW)] == ["kitchen.low_rating"]
    with pytest.raises(NotAllowed):
        services.hide_feedback(place.operator, feedback.id, "不文明", NOW)
    services.hide_feedback(place.staff, feedback.id, "不文明", NOW)
    assert services.recent_feedback(place.kitchen) == []
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "kitchen.comment_hidden"))
    assert entry.actor_id == place.staff.id and entry.reason == "不文明"
    assert services.staff_queue(place.community.id, NOW) == []


# --- kitchens ----------------------------------------------------------------------------

def test_suspending_a_kitchen_stops_orders_and_tells_people_with_orders(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    order(resident, meal)
    with pytest.raises(NotAllowed):
        services.suspend_kitchen(place.operator, place.kitchen.id, place.community.id, "", NOW)
    services.suspend_kitchen(place.staff, place.kitchen.id, place.community.id, "卫生检查", NOW)
    assert any("closed for now" in m for m in notes_for(resident))
    neighbour = make_user(place.community)
    with pytest.raises(services.OrderingClosed):
        order(neighbour, meal)
    services.resume_kitchen(place.staff, place.kitchen.id, place.community.id, NOW)
    order(make_user(place.community), meal)


def test_operators_must_have_the_kitchen_role(app):
    place = make_place()
    resident = make_user(place.community)
    with pytest.raises(InvalidInput) as refused:
        services.register_kitchen(place.staff, place.community.id, "第二厨房", "镇海路3号", "", False, [],
                                  [resident.id], NOW)
    assert refused.value.field == "operators"


def test_profile_edited_by_resident_carer_or_staff_only(app):
    place = make_place()
    mother = make_user(place.community, phone=None)
    daughter = make_user(place.community)
    link_carer(daughter, mother)
    profile = services.update_profile(daughter, mother, "少盐，牙口不好", "王美玲", "13900000011", NOW)
    assert profile.emergency_contact == "王美玲 13900000011"
    neighbour = make_user(place.community)
    with pytest.raises(NotAllowed):
        services.update_profile(neighbour, mother, "", "", "", NOW)
    with pytest.raises(InvalidInput):
        services.update_profile(daughter, mother, "", "王美玲", "call me", NOW)


# --- settlement --------------------------------------------------------------------------

def evening(day):
    """20:00 in Xiamen on `day`: both of its meals have started."""
    return local_to_utc(day, time(20, 0))


def test_settlement_totals_reconcile_with_the_orders(app):
    place = make_place()
    other = services.register_kitchen(place.staff, place.community.id, "打铁巷食堂", "打铁巷3号", "", False, [],
                                      [place.operator.id], NOW)
    people = [make_user(place.community, birth_date=born(age)) for age in (50, 64, 65, 72, 80, 91)]
    expected = dict.fromkeys(("meals_served", "portions_served", "paid_fen", "subsidy_fen", "no_shows",
                              "cancellations"), 0)
    methods = ["cash", "wechat", "alipay", "other"]
    for offset in range(6):
        day = TODAY + timedelta(days=offset)
        for kitchen in (place.kitchen, other):
            for slot in ("lunch", "dinner"):
                meal = services.publish_meal(place.operator, kitchen.id, day, slot, "姜母鸭", "空心菜", "冬瓜排骨汤",
                                             20, NOW, price_fen=1200 if offset % 3 else 900)
                for index, person in enumerate(people):
                    if (index + offset) % 4 == 3:
                        continue
                    placed = order(person, meal, quantity=1 + (index + offset) % 3)
                    outcome = (index * 7 + offset + (slot == "dinner")) % 5
                    if outcome == 0:
                        services.cancel_order(person, placed.id, NOW)
                    elif outcome == 1:
                        services.advance_order(place.operator, placed.id, "no_show", evening(day))
                    else:
                        services.advance_order(place.operator, placed.id, "picked_up", evening(day),
                                               payment_method=methods[index % 4])
    all_orders = db.session.scalars(sa.select(MealOrder)).all()
    for o in all_orders:
        if o.status == "picked_up":
            expected["meals_served"] += 1
            expected["portions_served"] += o.quantity
            expected["paid_fen"] += o.due_fen
            expected["subsidy_fen"] += o.subsidy_fen
        expected["no_shows"] += o.status == "no_show"
        expected["cancellations"] += o.status == "cancelled"
    assert expected["subsidy_fen"] > 0 and expected["no_shows"] > 0 and expected["cancellations"] > 0

    reports = [services.settlement(place.community.id, k.id, TODAY) for k in (place.kitchen, other)]
    for report in reports:
        assert report["gross_fen"] == report["paid_fen"] + report["subsidy_fen"]
        for figure in services.FIGURES:
            assert report[figure] == sum(day[figure] for day in report["days"])
        assert sum(report["by_payment"].values()) == report["paid_fen"]
    for figure in expected:
        assert sum(r[figure] for r in reports) == expected[figure], figure
    summary = services.monthly_summary(place.community.id, date(2026, 3, 1), date(2026, 4, 1))
    for figure in expected:
        assert summary["totals"][figure] == expected[figure]
        assert summary["totals"][figure] == sum(k[figure] for k in summary["kitchens"])
    assert summary["residents_served"] == len({o.resident_id for o in all_orders if o.status == "picked_up"})
    assert services.monthly_summary(place.community.id, date(2026, 4, 1), date(2026, 5, 1))["totals"]["paid_fen"] == 0
    (_title, days), _payments = services.settlement_sheets(reports[0], {})
    assert days[-1][0] == "合计" and days[-1][4] == Yuan(reports[0]["paid_fen"])


def test_person_summary_lists_recent_orders_and_standing_orders(app):
    place = make_place()
    meal = publish(place)
    elder = make_user(place.community, birth_date=born(80))
    placed = order(elder, meal)
    services.create_standing_order(elder, elder, place.kitchen.id, [5], "lunch", "dine_in", 1, "", "", NOW)
    summary = services.person_summary(place.community.id, elder.id)
    assert summary["standing_orders"] == 1
    assert summary["recent_orders"][0] == {"id": placed.id, "day": TODAY, "slot": "lunch", "status": "placed",
                                           "quantity": 1, "url": Link("kitchen.order_page", order_id=placed.id)}
    assert summary["recent_orders"][0]["url"].url.endswith(f"/kitchen/orders/{placed.id}")
    assert services.person_summary(place.community.id + 99, elder.id)["recent_orders"] == []


def test_staff_queue_lists_kitchens_without_operators(app):
    place = make_place()
    services.register_kitchen(place.staff, place.community.id, "空厨房", "镇海路3号", "", False, [], [], NOW)
    assert [i.kind for i in services.staff_queue(place.community.id, NOW)] == ["kitchen.no_operator"]
