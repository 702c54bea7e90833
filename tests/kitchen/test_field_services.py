"""What a pilot in 镇海社区 ran into (issue 14, kitchen), as rules tested without HTTP: a second order of one meal
is a choice, the price is known before ordering, and only a meal being served is handed over or missed."""
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from neighbors.clock import local_to_utc
from neighbors.errors import Conflict, InvalidInput
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Meal, MealOrder, StandingAttempt
from neighbors.models import Notification
from tests.factories import link_carer, make_user
from tests.kitchen.helpers import NOW, TODAY, born, later, make_place, order, publish

SERVING = later(minutes=180)  # 11:00: that day's lunch is being served


def _mother_and_daughter(place):
    mother = make_user(place.community, name="郑长华", birth_date=born(85), phone=None)
    daughter = make_user(place.community, name="王美玲", birth_date=born(58))
    link_carer(daughter, mother)
    return mother, daughter


# --- 1. a second order of the same meal for the same person --------------------------------

def test_a_second_order_of_the_same_meal_is_refused_naming_the_first(app):
    place = make_place()
    meal = publish(place)
    mother, daughter = _mother_and_daughter(place)
    first = order(daughter, meal, for_user=mother, fulfilment="delivery")
    with pytest.raises(services.AlreadyOrdered) as refused:
        order(mother, meal, fulfilment="delivery", now=later(minutes=5))
    assert refused.value.status == 409
    assert [o.id for o in refused.value.orders] == [first.id]
    assert refused.value.orders[0].placed_by.name == "王美玲"
    assert "郑长华" in str(refused.value)
    assert db.session.get(Meal, meal.id).sold == 1  # the refused order took no portion
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1


def test_a_second_order_is_made_when_asked_for_and_a_double_tap_is_still_one(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community, birth_date=born(70))
    first = order(resident, meal)
    again = services.place_order(resident, meal.id, resident, 1, "pickup", "", "", "a" * 32, NOW, also=True)
    tapped = services.place_order(resident, meal.id, resident, 1, "pickup", "", "", "a" * 32, NOW, also=True)
    assert tapped.id == again.id != first.id
    assert db.session.get(Meal, meal.id).sold == 2
    # the same form posted twice without `also` is also one order, not a question
    assert order(resident, meal, submission_key=first.submission_key).id == first.id


def test_a_cancelled_order_does_not_count_as_having_the_meal(app):
    place = make_place()
    meal = publish(place)
    resident = make_user(place.community)
    first = order(resident, meal)
    services.cancel_order(resident, first.id, NOW)
    assert order(resident, meal).id != first.id


def test_a_standing_order_skips_a_meal_she_already_has_and_says_so(app):
    place = make_place()
    mother, daughter = _mother_and_daughter(place)
    tomorrow = publish(place, day=TODAY + timedelta(days=1))
    by_hand = order(mother, tomorrow, fulfilment="delivery")
    standing = services.create_standing_order(daughter, mother, place.kitchen.id, [0, 1, 2, 3, 4], "lunch",
                                              "delivery", 1, "", "", NOW)
    orders = db.session.scalars(sa.select(MealOrder).where(MealOrder.resident_id == mother.id)).all()
    assert [o.id for o in orders] == [by_hand.id]
    assert db.session.scalar(sa.select(StandingAttempt.outcome)) == "already_ordered"
    assert services.skipped_meals([standing], NOW) == {standing.id: [tomorrow]}
    assert not any("could not be placed" in m for m in db.session.scalars(sa.select(Notification.message)))
    assert services.standing_orders_job(later(minutes=1)) == 0  # tried once, not again every minute


def test_the_operator_sees_who_ordered_one_meal_twice(app):
    place = make_place()
    meal = publish(place)
    mother, daughter = _mother_and_daughter(place)
    once = order(make_user(place.community), meal, fulfilment="delivery")
    first = order(daughter, meal, for_user=mother, fulfilment="delivery")
    second = services.place_order(mother, meal.id, mother, 1, "delivery", "", "", "b" * 32, NOW, also=True)
    assert services.meal_day(meal)["twice"] == {first.id, second.id}
    rows = [row for group in services.delivery_sheet(meal) for row in group["rows"]]
    assert {row["order"].id: row["twice"] for row in rows} == {once.id: False, first.id: True, second.id: True}
    services.cancel_order(mother, second.id, NOW)
    assert services.meal_day(meal)["twice"] == set()


# --- 2. the price before ordering -----------------------------------------------------------

def test_the_price_shown_is_the_persons_own(app):
    place = make_place()
    meal = publish(place)
    mother, daughter = _mother_and_daughter(place)
    theirs = services.price_for(meal, mother)
    assert (theirs["due_fen"], theirs["subsidy_fen"], theirs["rule"]["reason"]) == (900, 300, "age_65")
    assert services.price_for(meal, daughter)["due_fen"] == 1200
    order(mother, meal)
    dinner = publish(place, slot="dinner")
    assert services.price_for(dinner, mother)["rule"]["reason"] == "already_today"
    assert services.price_for(dinner, mother)["due_fen"] == 1200


def test_the_no_subsidy_note_names_the_day_it_is_about(app):
    place = make_place()
    mother, _daughter = _mother_and_daughter(place)
    tomorrow = TODAY + timedelta(days=1)
    order(mother, publish(place, day=tomorrow))
    rule = services.price_for(publish(place, day=tomorrow, slot="dinner"), mother)["rule"]
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        note = services.describe_rule(rule, tomorrow, TODAY)
        assert "明天" in note and "今天" not in note
        later_day = services.describe_rule(rule, TODAY + timedelta(days=4), TODAY)
        assert "3月6日 周五" in later_day


@pytest.mark.parametrize("offset, word", [(0, "今天"), (1, "明天"), (2, "后天"), (3, "3月5日 周四"), (-1, "3月1日 周日")])
def test_days_are_said_as_people_say_them(app, offset, word):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert services.near_day(TODAY + timedelta(days=offset), TODAY) == word


# --- 4. handing over only a meal that is being served ----------------------------------------

@pytest.mark.parametrize("way, steps", [
    ("pickup", ["picked_up"]), ("dine_in", ["no_show"]),
    ("delivery", ["cooking", "out_for_delivery", "delivered"]), ("delivery", ["cooking", "out_for_delivery", "no_answer"]),
])
def test_tomorrows_order_cannot_be_handed_over_or_missed_today(app, way, steps):
    place = make_place()
    tomorrow = publish(place, day=TODAY + timedelta(days=1))
    placed = order(make_user(place.community), tomorrow, fulfilment=way)
    for step in steps[:-1]:  # cooking and sending out are not held back
        services.advance_order(place.operator, placed.id, step, SERVING)
    with pytest.raises(Conflict) as refused:
        services.advance_order(place.operator, placed.id, steps[-1], SERVING, payment_method="cash")
    assert "not started" in str(refused.value)
    seen = db.session.get(MealOrder, placed.id)
    assert seen.status != steps[-1] and seen.payment_method is None
    assert steps[-1] not in seen.steps_at(SERVING)
    started = local_to_utc(tomorrow.served_on, time(10, 0))
    assert steps[-1] in seen.steps_at(started)
    services.advance_order(place.operator, placed.id, steps[-1], started, payment_method="cash")
    assert db.session.get(MealOrder, placed.id).status == steps[-1]


def test_settlement_does_not_count_a_refused_early_hand_over(app):
    place = make_place()
    tomorrow = publish(place, day=TODAY + timedelta(days=1))
    placed = order(make_user(place.community), tomorrow, fulfilment="pickup")
    with pytest.raises(Conflict):
        services.advance_order(place.operator, placed.id, "picked_up", SERVING, payment_method="cash")
    report = services.settlement(place.community.id, place.kitchen.id, TODAY)
    assert (report["meals_served"], report["paid_fen"], report["no_shows"]) == (0, 0, 0)


@pytest.mark.parametrize("method", [None, "", "bitcoin"])
def test_a_hand_over_without_a_chosen_payment_method_is_refused(app, method):
    place = make_place()
    placed = order(make_user(place.community), publish(place), fulfilment="pickup")
    with pytest.raises(InvalidInput) as refused:
        services.advance_order(place.operator, placed.id, "picked_up", SERVING, payment_method=method)
    assert (refused.value.status, refused.value.field) == (422, "payment_method")
    assert db.session.get(MealOrder, placed.id).status == "placed"


# --- 5. "order again" leads to a meal she does not have ---------------------------------------

def test_order_again_leads_to_the_next_meal_she_does_not_have(app):
    place = make_place()
    resident = make_user(place.community)
    today, tomorrow = publish(place), publish(place, day=TODAY + timedelta(days=1))
    full = publish(place, day=TODAY + timedelta(days=2), capacity=1)
    order(make_user(place.community), full)
    last = publish(place, day=TODAY + timedelta(days=3))
    assert services.next_meal_without(resident, NOW).id == today.id
    order(resident, today)
    assert services.next_meal_without(resident, NOW).id == tomorrow.id
    order(resident, tomorrow)
    assert services.next_meal_without(resident, NOW).id == last.id  # the sold-out day is passed over
    order(resident, last)
    assert services.next_meal_without(resident, NOW) is None
