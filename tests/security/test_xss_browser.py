"""XSS payloads in every user text field of the modules, shown in real headless Chromium.

Each text a resident, operator, volunteer or patroller can type is stored with a payload; every
page that shows it is opened as someone allowed to see it. The payload must come out as plain
text: no dialog opens, no element it carries (`<svg onload>`, `<script>`, `<img onerror>`)
appears in the page, and the text reads literally as typed. (The CSP would also stop an inline
script: the test checks the escaping itself, not only that second wall.)
"""
import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from werkzeug.datastructures import FileStorage

from neighbors.clock import local_today, utcnow
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD
from tests.security.conftest import build_world
from tests.security.records import jpeg_bytes

pytestmark = pytest.mark.browser

# The browser suite's fixtures (Chromium, the live server, the console-error watch), for a test
# that lives outside tests/browser.
globals().update({name: getattr(browser_fixtures, name) for name in (
    "browser_type_launch_args", "browser_context_args", "problems", "server", "browser_server")
    if hasattr(browser_fixtures, name)})


def payload(tag: str) -> str:
    """At most 50 characters (the shortest fields), a different tag per field to tell them apart."""
    return f'{tag}"><svg onload=alert(1)><script>alert(2)</script>'


def _photo(name="photo.jpg") -> FileStorage:
    return FileStorage(stream=BytesIO(jpeg_bytes()), filename=name, content_type="image/jpeg")


def check_pages(page, base_url: str, person, pages: dict[str, list[str]], name: str,
                fields: dict[str, dict[str, str]] | None = None) -> None:
    """Log in as `person`, open each page, and check that each payload on it is shown inert
    (as text, or as the value of a form field: `fields={path: {selector: text}}`)."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, base_url, person.phone, PASSWORD)
    for path, texts in pages.items():
        response = page.goto(base_url + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        assert page.locator("svg[onload], img[onerror]").count() == 0, f"{path}: an injected element is in the page"
        assert page.locator("script:not([src])").count() == 0, f"{path}: an inline script is in the page"
        shown = page.locator("body").inner_text()
        for text in texts:
            assert text in shown, f"{path} does not show {text!r} as text"
        for selector, text in (fields or {}).get(path, {}).items():
            assert page.locator(selector).input_value() == text, f"{path}: {selector} does not hold the text"
        assert dialogs == [], f"{path} opened a dialog: {dialogs}"
    shot(page, name)


def test_kitchen_texts_are_inert(page, server, app):
    from neighbors.kitchen import services

    world = build_world()
    staff, operator, carer, elder = (world.user("staff"), world.user("kitchen"), world.user("carer"),
                                     world.user("elder"))
    now = utcnow()
    meat, vegetable, soup, note, comment, diet = (payload(t) for t in ("m1", "v1", "s1", "n1", "c1", "d1"))
    kitchen = services.register_kitchen(staff, world.community().id, "镇海邻里厨房", "镇海路36号", "10:30-13:00", True,
                                        [elder.building_id], [operator.id], now)
    services.update_profile(carer, elder, diet, "王美玲", "13900001111", now)
    meal = services.publish_meal(operator, kitchen.id, local_today() + timedelta(days=1), "lunch", meat, vegetable,
                                 soup, 30, now)
    order = services.place_order(carer, meal.id, elder, 1, "delivery", elder.address, note, uuid.uuid4().hex, now)
    served = services.publish_meal(operator, kitchen.id, local_today() + timedelta(days=1), "dinner", meat,
                                   vegetable, soup, 30, now)
    eaten = services.place_order(carer, served.id, elder, 1, "delivery", elder.address, note, uuid.uuid4().hex, now)
    for step in ("cooking", "out_for_delivery", "delivered"):  # handed over once the dinner is served
        services.advance_order(operator, eaten.id, step, served.serving_from, payment_method="cash")
    services.leave_feedback(carer, eaten.id, 2, comment, served.serving_from)

    dishes = [meat, vegetable, soup]
    check_pages(page, server.url, staff, {
        "/kitchen/": dishes,
        f"/kitchen/meals/{meal.id}": dishes,
        f"/kitchen/orders/{order.id}": [*dishes, note],
        f"/kitchen/kitchens/{kitchen.id}": [comment],
        f"/kitchen/manage/meals/{meal.id}": [note],
        f"/kitchen/manage/meals/{meal.id}/sheet": [note, diet],
        f"/kitchen/profile/{elder.id}": [],
    }, "xss-kitchen", fields={f"/kitchen/profile/{elder.id}": {"textarea[name=dietary_needs]": diet}})


def test_mutualaid_texts_are_inert(page, server, app):
    from neighbors.mutualaid import services

    world = build_world()
    staff, resident, volunteer = world.user("staff"), world.user("resident"), world.user("volunteer+")
    now = utcnow()
    title, description, place, intro, offer_title, offer_text, comment, reason = (
        payload(t) for t in ("t1", "d1", "p1", "i1", "o1", "o2", "c1", "r1"))
    skill = next(s for s in services.skill_list(world.community().id, now) if s.name == "水电维修")
    services.save_profile(volunteer, skill_ids=[services.skill_key(skill)], windows=[], intro=intro, now=now)
    offer = services.create_offer(volunteer, services.skill_key(skill), offer_title, offer_text, now)
    asked = services.create_request(resident, str(resident.id), services.RequestDetails(
        skill=services.skill_key(skill), title=title, description=description, address=place), now)
    helped = services.create_request(resident, str(resident.id), services.RequestDetails(
        skill=services.skill_key(skill), title=title, description=description, address=place), now)
    services.accept(volunteer, helped.id, now)
    services.report_done(volunteer, helped.id, 60, now)
    services.confirm(resident, helped.id, 4, comment, now)
    disputed = services.create_request(resident, str(resident.id), services.RequestDetails(
        skill=services.skill_key(skill), title=title, description=description, address=place), now)
    services.accept(volunteer, disputed.id, now)
    services.report_done(volunteer, disputed.id, 60, now)
    services.dispute(resident, disputed.id, reason, now)
    assert offer.id

    check_pages(page, server.url, staff, {
        "/aid/": [title, offer_title],
        f"/aid/requests/{asked.id}": [title, description, place],
        f"/aid/requests/{disputed.id}": [title, reason],
        f"/aid/requests/{helped.id}": [title, comment],
        f"/aid/volunteers/{volunteer.id}": [intro, offer_title],
        "/aid/manage": [title, offer_title],
    }, "xss-mutualaid")


def test_alleys_texts_are_inert(page, server, app):
    from neighbors.alleys import services

    world = build_world()
    staff, patroller, officer = world.user("staff"), world.user("patroller"), world.user("officer")
    now = utcnow()
    description, place, added, fixed, alley_text = (payload(t) for t in ("f1", "p1", "a1", "x1", "l1"))
    branch = services.save_branch(staff, world.community().id, "打铁巷党支部", patroller.id, now=now)
    services.add_member(staff, branch.id, officer.id, "officer", "城管", now=now)
    alley = services.save_alley(staff, world.community().id, "打铁巷", alley_text, "打铁巷口", branch.id, now=now)
    services.set_route(staff, alley.id, "obstruction", "城管", 30, 120, now=now)
    finding = services.report_finding(patroller, alley.id, "obstruction", description, place, [_photo()],
                                      uuid.uuid4().hex, now, new_anyway=True)
    services.add_to_finding(patroller, finding.id, added, [], now)
    fixed_case = services.report_finding(patroller, alley.id, "obstruction", description, place, [_photo()],
                                         uuid.uuid4().hex, now, new_anyway=True)
    services.accept(officer, fixed_case.id, now)
    services.resolve(officer, fixed_case.id, fixed, _photo("after.jpg"), now)

    check_pages(page, server.url, staff, {
        "/alleys/findings?show=all": [description],
        f"/alleys/findings/{finding.id}": [description, place, added],
        f"/alleys/findings/{fixed_case.id}": [description, fixed],
        f"/alleys/{alley.id}": [alley_text],
        f"/alleys/findings/new?alley={alley.id}&category=obstruction": [description],
    }, "xss-alleys")


def test_staff_console_shows_module_texts_inert(page, server, app):
    from neighbors.alleys import services as alleys
    from neighbors.kitchen import services as kitchen
    from neighbors.mutualaid import services as aid

    world = build_world()
    staff, resident, volunteer, carer, elder = (world.user("staff"), world.user("resident"),
                                                world.user("volunteer+"), world.user("carer"), world.user("elder"))
    now = utcnow()
    title, reason, description, comment = (payload(t) for t in ("t1", "r1", "f1", "c1"))
    skill = next(s for s in aid.skill_list(world.community().id, now) if s.name == "水电维修")
    disputed = aid.create_request(resident, str(resident.id), aid.RequestDetails(
        skill=aid.skill_key(skill), title=title, description="", address=resident.address), now)
    aid.accept(volunteer, disputed.id, now)
    aid.report_done(volunteer, disputed.id, 60, now)
    aid.dispute(resident, disputed.id, reason, now)
    branch = alleys.save_branch(staff, world.community().id, "打铁巷党支部", None, now=now)
    alley = alleys.save_alley(staff, world.community().id, "打铁巷", "", "", branch.id, now=now)
    alleys.report_finding(resident, alley.id, "other", description, "巷口", [_photo()], uuid.uuid4().hex, now,
                          new_anyway=True)  # nobody set for 其他: it waits in the staff queue
    operator = world.user("kitchen")
    place = kitchen.register_kitchen(staff, world.community().id, "镇海邻里厨房", "镇海路36号", "", True, [],
                                     [operator.id], now)
    meal = kitchen.publish_meal(operator, place.id, local_today() + timedelta(days=1), "dinner", "卤肉", "青菜",
                                "汤", 30, now)
    order = kitchen.place_order(carer, meal.id, elder, 1, "dine_in", "", "", uuid.uuid4().hex, now)
    for step in ("cooking", "picked_up"):  # picked up once the dinner is served
        kitchen.advance_order(operator, order.id, step, meal.serving_from, payment_method="cash")
    kitchen.leave_feedback(carer, order.id, 1, comment, meal.serving_from)

    check_pages(page, server.url, staff, {
        "/staff/": [title],
        f"/staff/people/{resident.id}": [title],
        "/staff/audit": [],
    }, "xss-staff")
