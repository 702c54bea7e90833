"""The work queue on a weak line: a small status line polled every minute, the list reloaded only when it changed,
and `staffQueueChanged` sent after every change a staff member makes through htmx."""
import gzip
import json
import re
from datetime import timedelta

import pytest
from flask import Response
from flask_login import login_user

from neighbors.clock import local_today, utcnow
from neighbors.kitchen import services as kitchen
from neighbors.links import Link
from neighbors.staff import services
from neighbors.web import _with_event
from neighbors.workqueue import QueueItem, announce_queue_change
from tests.factories import make_building, make_user



def status_url(page: str) -> str:
    """The URL the page's status line polls, as htmx would ask for it."""
    found = re.search(r'id="queue-status"[^>]*hx-get="([^"]+)"[^>]*hx-trigger="every 60s"', page)
    assert found, "the status line polls"
    return found.group(1).replace("&amp;", "&")


def test_the_page_polls_only_its_status_line(client, auth, world):
    auth.login(world.staff)
    page = client.get("/staff/").get_data(as_text=True)
    queue = page[page.index('<section id="work-queue"'):page.index("</section>", page.index('id="work-queue"'))]
    assert queue.count('hx-trigger="every') == 1, "one poll in the queue, and it is the status line's"
    assert re.search(r'id="work-queue"[^>]*hx-trigger="staffQueueChanged from:body"', page)
    assert status_url(page).startswith("/staff/?part=status&seen=")


def test_an_unchanged_queue_answers_a_small_status_line_and_no_event(client, auth, world, htmx_client):
    auth.login(world.staff)
    page = client.get("/staff/").get_data(as_text=True)
    response = htmx_client.get(status_url(page))
    status = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Trigger" not in response.headers
    assert status.lstrip().startswith('<p id="queue-status"') and "<html" not in status
    assert 'data-count="1"' in status and "1 件事等待处理" in status
    assert "郑长华" not in status, "the items are not sent again"
    assert gzip.compress(status.encode()).__len__() * 5 < len(gzip.compress(page.encode()))
    assert "HX-Request" in response.headers["Vary"]


def test_a_changed_queue_triggers_the_list_to_reload(client, web, auth, world, htmx_client):
    auth.login(world.staff)
    polled = status_url(client.get("/staff/").get_data(as_text=True))
    web.post(f"/staff/people/{world.elder.id}/carers", {"carer": world.resident.phone, "relation": "女儿"})
    response = htmx_client.get(polled)
    assert response.headers["HX-Trigger"] == "staffQueueChanged"
    assert 'data-count="0"' in response.get_data(as_text=True)
    fresh = htmx_client.get("/staff/").get_data(as_text=True)
    assert fresh.lstrip().startswith('<section id="work-queue"') and "郑长华" not in fresh
    assert "HX-Trigger" not in htmx_client.get(status_url(fresh)).headers


def test_the_status_line_of_another_community_follows_the_admin(client, auth, world, htmx_client):
    auth.login(world.admin)
    page = client.get(f"/staff/?community={world.other.id}").get_data(as_text=True)
    assert f"community={world.other.id}" in status_url(page)
    assert htmx_client.get(status_url(page)).status_code == 200
    auth.login(world.other_staff)
    assert htmx_client.get(f"/staff/?community={world.home.id}&part=status").status_code == 403


def test_without_javascript_the_status_address_is_the_whole_page(client, auth, world):
    auth.login(world.staff)
    page = client.get("/staff/?part=status&seen=x").get_data(as_text=True)
    assert "<html" in page and "郑长华" in page


def test_the_version_changes_with_what_the_list_shows(app, now):
    since = now - timedelta(minutes=30)
    item = QueueItem(kind="staff.no_carer", title="%(name)s needs care", since=since,
                     link=Link("staff.person_page", user_id=1), params={"name": "郑长华"})
    queue = services.WorkQueue([item], [])
    version = services.queue_version(queue, now)
    assert services.queue_version(services.WorkQueue([item], []), now + timedelta(seconds=20)) == version
    assert services.queue_version(queue, now + timedelta(minutes=1)) != version, "the age shown changed"
    assert services.queue_version(services.WorkQueue([], []), now) != version
    assert services.queue_version(services.WorkQueue([item], ["kitchen"]), now) != version


def test_the_nav_count_alone_listens_for_the_event(client, web, auth, world):
    auth.login(world.staff)
    badge = client.get("/staff/count").get_data(as_text=True)
    assert badge.startswith('<span id="staff-queue-count"') and ">1</span>" in badge
    assert 'hx-trigger="staffQueueChanged from:body"' in badge and "hidden" not in badge
    web.post(f"/staff/people/{world.elder.id}/carers", {"carer": world.resident.phone, "relation": "女儿"})
    assert " hidden>0</span>" in client.get("/staff/count").get_data(as_text=True)
    assert client.get("/staff/count").status_code == 200
    auth.login(world.resident)
    assert client.get("/staff/count").status_code == 403


@pytest.fixture
def order(world):
    """An order at a kitchen of the home community, which staff may move on from the kitchen's page."""
    operator = make_user(world.home, "kitchen", name="林阿水")
    building = make_building(world.home, "镇海路12号")
    place = kitchen.register_kitchen(world.staff, world.home.id, "镇海邻里厨房", "镇海路36号", "10:30-13:00", True,
                                     [building.id], [operator.id], utcnow())
    meal = kitchen.publish_meal(operator, place.id, local_today() + timedelta(days=1), "lunch", "卤肉", "清炒地瓜叶",
                                "紫菜蛋花汤", 10, utcnow())
    return kitchen.place_order(world.resident, meal.id, world.resident, 1, "pickup", "", "", "f" * 32, utcnow())


def test_a_staff_change_through_htmx_announces_itself_next_to_the_modules_event(auth, world, order, htmx_client):
    auth.login(world.staff)
    response = htmx_client.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "cooking"})
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "kitchenOrderChanged, staffQueueChanged"


def test_refusals_gets_and_plain_posts_announce_nothing(auth, world, order, htmx_client, web):
    auth.login(world.staff)
    refused = htmx_client.post(f"/kitchen/manage/orders/{order.id}/status", {"to_status": "delivered"})
    assert refused.status_code in (409, 422) and "staffQueueChanged" not in refused.headers.get("HX-Trigger", "")
    assert "HX-Trigger" not in htmx_client.get("/staff/people").headers
    plain = web.post(f"/staff/people/{world.elder.id}/carers", {"carer": world.resident.phone})
    assert plain.status_code == 303 and "HX-Trigger" not in plain.headers


def test_a_residents_htmx_change_announces_nothing(app, world):
    """The hook itself, for a resident and for staff, on the same successful htmx POST."""
    for user, expected in ((world.resident, None), (world.staff, "staffQueueChanged"), (world.admin,
                                                                                         "staffQueueChanged")):
        with app.test_request_context("/aid/requests/1/accept", method="POST", headers={"HX-Request": "true"}):
            login_user(user)
            assert announce_queue_change(Response("ok")).headers.get("HX-Trigger") == expected
        with app.test_request_context("/aid/requests/1/accept", method="POST"):
            login_user(user)
            assert "HX-Trigger" not in announce_queue_change(Response("ok")).headers


def test_the_event_joins_the_header_in_either_form():
    assert _with_event("", "staffQueueChanged") == "staffQueueChanged"
    assert _with_event("creditsChanged", "staffQueueChanged") == "creditsChanged, staffQueueChanged"
    assert _with_event("a, staffQueueChanged", "staffQueueChanged") == "a, staffQueueChanged"
    assert json.loads(_with_event('{"showMessage": "已保存"}', "staffQueueChanged")) == {
        "showMessage": "已保存", "staffQueueChanged": None}
