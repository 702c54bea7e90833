"""From a need found at the door to the service, acting for the resident: the order or help request made from a
visit is told to 千户访 through the registry, kept once, shown on the household page and counted in coverage."""
import re
from datetime import date, timedelta

import pytest

from neighbors.clock import local_today, utcnow
from neighbors.errors import NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.kitchen import services as kitchen
from neighbors.kitchen.models import MealOrder
from neighbors.mutualaid import services as aid
from neighbors.visits import services
from neighbors.visits.models import VisitFollowUp
from tests.factories import make_user


@pytest.fixture
def kitchen_place(staff, community, now):
    operator = make_user(community, "kitchen", name="林阿水")
    return operator, kitchen.register_kitchen(staff, staff.community_id, "镇海邻里厨房", "镇海路36号", "10:30-13:00",
                                              True, [], [operator.id], now)


@pytest.fixture
def meal(kitchen_place, now):
    operator, place = kitchen_place
    return kitchen.publish_meal(operator, place.id, date(2026, 5, 12), "lunch", "卤肉", "清炒地瓜叶", "紫菜蛋花汤", 30, now)


@pytest.fixture
def need_visit(worker, elder_home, now):
    return services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["meals", "repair", "hazard"]), now)


def help_details():
    return aid.RequestDetails(skill="水电维修", title="厨房水龙头漏水", description="一直滴水", address="图强路6号2梯103")


def test_an_order_and_a_request_made_from_a_visit_are_kept_and_counted(staff, worker, elder_home, meal, need_visit,
                                                                       now):
    elder = elder_home.contact
    origin = services.origin_of(need_visit)
    order = kitchen.place_order(worker, meal.id, elder, 1, "delivery", "图强路6号2梯103", "", "k" * 32, now,
                                origin=origin)
    again = kitchen.place_order(worker, meal.id, elder, 1, "delivery", "图强路6号2梯103", "", "k" * 32, now,
                                origin=origin)  # the same form sent twice
    request = aid.create_request(worker, elder.id, help_details(), now, origin=origin)
    assert again.id == order.id and (order.resident_id, order.placed_by_id) == (elder.id, worker.id)
    assert (request.requester_id, request.created_by_id) == (elder.id, worker.id)
    kept = db.session.scalars(db.select(VisitFollowUp).order_by(VisitFollowUp.id)).all()
    assert [(f.visit_id, f.service, f.kind, f.record_id, f.made_by_id) for f in kept] == [
        (need_visit.id, "order", "kitchen.order", order.id, worker.id),
        (need_visit.id, "request", "mutualaid.request", request.id, worker.id)]
    report = services.coverage(staff, date(2026, 5, 1), date(2026, 6, 1), now)
    assert report.grids[0].led_to == {"order": 1, "request": 1} and report.workers[0].led_to["order"] == 1
    header, lines = services.coverage_table(report)
    assert lines[0][header.index("成为订餐")] == 1 and lines[0][header.index("成为问题上报")] == 0
    year = services.coverage(staff, date(2026, 1, 1), date(2027, 1, 1), now + timedelta(days=30))
    assert year.is_year and year.code == "2026" and year.whole.led_to["request"] == 1


def test_a_visit_of_another_grid_or_nowhere_makes_nothing(worker_b, other_grid_home, need_visit, meal, now):
    neighbour = other_grid_home.contact
    with pytest.raises(NotAllowed):  # worker_b may act for 李阿婆, but not record for another grid's visit
        kitchen.place_order(worker_b, meal.id, neighbour, 1, "dine_in", "", "", "b" * 32, now,
                            origin=services.origin_of(need_visit))
    with pytest.raises(NotFound):
        aid.create_request(worker_b, neighbour.id, help_details(), now, origin="visit:999999")
    assert db.session.scalar(db.select(db.func.count(MealOrder.id))) == 0
    assert db.session.scalar(db.select(db.func.count(VisitFollowUp.id))) == 0
    plain = kitchen.place_order(worker_b, meal.id, neighbour, 1, "dine_in", "", "", "c" * 32, now, origin="visit:x")
    assert plain.id and db.session.scalar(db.select(db.func.count(VisitFollowUp.id))) == 0


def test_the_forms_carry_the_visit_and_the_household_shows_what_it_led_to(auth, web, worker, elder_home,
                                                                          kitchen_place, need_visit):
    operator, place = kitchen_place  # pages read the real clock: tomorrow's lunch
    meal = kitchen.publish_meal(operator, place.id, local_today(utcnow()) + timedelta(days=1), "lunch", "卤肉",
                                "清炒地瓜叶", "紫菜蛋花汤", 30, utcnow())
    auth.login(worker)
    elder, origin = elder_home.contact_id, services.origin_of(need_visit)
    page = web.get(f"/visits/households/{elder_home.id}").get_data(as_text=True)
    assert f'href="/kitchen/?for_user={elder}&amp;origin={origin}"' in page
    assert f'href="/alleys/findings/new?origin={origin}"' in page
    assert web.get(f"/kitchen/?for_user={elder}&origin={origin}").status_code == 200
    form = web.get(f"/kitchen/meals/{meal.id}?for_user={elder}&origin={origin}").get_data(as_text=True)
    assert re.search(rf'name="origin" type="hidden" value="{origin}"|type="hidden" name="origin" value="{origin}"'
                     rf'|id="origin" name="origin" type="hidden" value="{origin}"', form)
    answer = web.post(f"/kitchen/meals/{meal.id}/order", {"for_user": str(elder), "quantity": "1",
                                                          "fulfilment": "dine_in", "origin": origin})
    assert answer.status_code == 303
    request_form = web.get(f"/aid/requests/new?for_user={elder}&origin={origin}").get_data(as_text=True)
    assert f'value="{origin}"' in request_form
    page = web.get(f"/visits/households/{elder_home.id}").get_data(as_text=True)
    order = db.session.scalar(db.select(MealOrder))
    assert f'<a href="/kitchen/orders/{order.id}">一份订餐</a>' in page
