"""Real concurrent HTTP against gunicorn: never oversold, never doubled (SQLite and PostgreSQL)."""
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Meal, MealOrder
from tests.factories import make_building, make_community, make_user
from tests.live import all_at_once, csrf_token, logged_in, post_form, post_form_resending

pytestmark = pytest.mark.live


def _kitchen_with_meal(capacity: int):
    community = make_community("镇海社区")
    staff = make_user(community, "staff", name="陈丽华")
    operator = make_user(community, "kitchen", name="林阿水")
    building = make_building(community, "镇海路12号")
    kitchen = services.register_kitchen(staff, community.id, "镇海邻里厨房", "镇海路36号", "", True, [building.id],
                                        [operator.id], utcnow())
    meal = services.publish_meal(operator, kitchen.id, local_today() + timedelta(days=1), "lunch", "卤肉",
                                 "清炒地瓜叶", "紫菜蛋花汤", capacity, utcnow())
    return community, meal


def test_two_hundred_attempts_on_the_last_fifty_portions_sell_exactly_fifty(live_server, app):
    community, meal = _kitchen_with_meal(capacity=80)
    early = make_user(community, name="早到的人")
    for n in range(30):  # 30 portions already gone: 50 are left
        services.place_order(early, meal.id, early, 1, "dine_in", "", "", f"{n:032x}", utcnow(), also=True)
    phones = [make_user(community).phone for _ in range(10)]
    meal_id = meal.id
    db.session.remove()

    sessions = [logged_in(live_server.url, phone) for phone in phones]
    tokens = [csrf_token(s, live_server.url, f"/kitchen/meals/{meal_id}") for s in sessions]
    for session in sessions:  # a fresh connection per attempt: no stale keep-alive socket closed under us
        session.headers["Connection"] = "close"
    path = f"/kitchen/meals/{meal_id}/order"

    def attempt(n: int):
        session, token = sessions[n % len(sessions)], tokens[n % len(sessions)]
        data = {"quantity": "1", "fulfilment": "pickup", "address": "", "note": "",  # each a deliberate extra order
                "submission_key": f"{n + 1000:032x}", "also": "1"}
        return lambda: post_form_resending(session, live_server.url, path, data, token).status_code

    codes = Counter(all_at_once(attempt(n) for n in range(200)))
    assert codes == {303: 50, 409: 150}, codes
    meal = db.session.get(Meal, meal_id)
    assert meal.sold == meal.capacity == 80
    live = db.session.scalar(sa.select(sa.func.sum(MealOrder.quantity)).where(MealOrder.meal_id == meal_id,
                                                                             MealOrder.status != "cancelled"))
    assert live == 80


def test_the_same_form_posted_at_once_makes_one_order(live_server, app):
    community, meal = _kitchen_with_meal(capacity=20)
    phone = make_user(community, name="郑长华").phone
    meal_id = meal.id
    db.session.remove()

    session = logged_in(live_server.url, phone)
    token = csrf_token(session, live_server.url, f"/kitchen/meals/{meal_id}")
    session.headers["Connection"] = "close"
    data = {"quantity": "2", "fulfilment": "pickup", "address": "", "note": "少盐", "submission_key": "9" * 32}
    path = f"/kitchen/meals/{meal_id}/order"
    responses = all_at_once(lambda: post_form(session, live_server.url, path, data, token) for _ in range(8))
    assert {r.status_code for r in responses} == {303}
    assert len({r.headers["Location"] for r in responses}) == 1
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1
    assert db.session.get(Meal, meal_id).sold == 2


def test_a_mother_and_her_daughter_ordering_her_meal_at_once_make_one_order(live_server, app):
    """Different forms (different keys) for the same person and meal at the same moment: one order, the rest are
    asked to confirm a second one (409), and no portion is taken by the refused ones."""
    from tests.factories import link_carer

    community, meal = _kitchen_with_meal(capacity=20)
    mother = make_user(community, name="郑长华")
    daughter = make_user(community, name="王美玲")
    link_carer(daughter, mother)
    meal_id, mother_id = meal.id, mother.id
    phones = [mother.phone, daughter.phone]
    db.session.remove()

    sessions = [logged_in(live_server.url, phone) for phone in phones]
    tokens = [csrf_token(s, live_server.url, f"/kitchen/meals/{meal_id}") for s in sessions]
    for session in sessions:
        session.headers["Connection"] = "close"
    path = f"/kitchen/meals/{meal_id}/order"

    def attempt(n: int):
        session, token = sessions[n % 2], tokens[n % 2]
        data = {"quantity": "1", "fulfilment": "pickup", "address": "", "note": "", "for_user": str(mother_id),
                "submission_key": f"{n + 5000:032x}"}
        return lambda: post_form(session, live_server.url, path, data, token).status_code

    codes = Counter(all_at_once(attempt(n) for n in range(8)))
    assert codes == {303: 1, 409: 7}, codes
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id)).where(MealOrder.resident_id == mother_id)) == 1
    assert db.session.get(Meal, meal_id).sold == 1
