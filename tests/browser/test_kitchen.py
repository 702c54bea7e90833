"""The neighbour kitchen in real headless Chromium at 390×844, in Chinese, with and without elder mode."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Meal, MealOrder
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, link_carer, make_building, make_community, make_user

ELDER = [pytest.param(False, id="standard"), pytest.param(True, id="elder")]


def snap(page, name: str) -> None:
    """`shot`, then drop the empty style="" Playwright leaves on inputs after hiding the caret.

    Otherwise htmx, settling a boosted page whose inputs share ids (csrf_token), copies that
    attribute and the CSP (style-src 'self') reports it: an artefact of the screenshot, not the app.
    """
    shot(page, name)
    page.evaluate("document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def _setup(elder: bool, page, server):
    if elder:
        page.context.add_cookies([{"name": "elder", "value": "1", "url": server.url}])
    community = make_community("镇海社区")
    staff = make_user(community, "staff", name="陈丽华")
    operator = make_user(community, "kitchen", name="林阿水")
    near = make_building(community, "镇海路12号")
    make_building(community, "镇海路8号")
    kitchen = services.register_kitchen(staff, community.id, "镇海邻里厨房", "镇海路36号", "每天 10:30–13:00", True,
                                        [near.id], [operator.id], utcnow())
    return community, staff, operator, kitchen


def _meal(operator, kitchen, days: int = 1, capacity: int = 30) -> Meal:
    return services.publish_meal(operator, kitchen.id, local_today() + timedelta(days=days), "lunch", "姜母鸭",
                                 "空心菜", "冬瓜排骨汤", capacity, utcnow())


def _elder_checked(page, elder: bool) -> None:
    assert (page.locator("html").get_attribute("class") == "elder") is elder
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= (22 if elder else 18)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("elder", ELDER)
def test_a_resident_orders_and_cancels(page, server, app, elder):
    community, _staff, operator, kitchen = _setup(elder, page, server)
    meal = _meal(operator, kitchen, capacity=20)
    resident = make_user(community, name="陈秀英", birth_date=date(1950, 5, 1))
    tag = "elder" if elder else "standard"
    login(page, server.url, resident.phone, PASSWORD)
    page.goto(server.url + "/kitchen/")
    _elder_checked(page, elder)
    assert "姜母鸭" in page.locator("main").inner_text()
    _no_sideways_scroll(page)
    snap(page, f"kitchen-menu-{tag}")
    page.click(f"a[href='/kitchen/meals/{meal.id}']")
    page.wait_for_url(re.compile(rf"/kitchen/meals/{meal.id}$"))
    assert page.locator("[data-testid=remaining]").inner_text() == "20"
    page.check("input[name=quantity][value='2']")
    page.check("input[name=fulfilment][value='pickup']")
    page.fill("input[name=note]", "少盐，软烂")
    _no_sideways_scroll(page)
    snap(page, f"kitchen-meal-{tag}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/kitchen/orders/\d+$"))
    main = page.locator("main").inner_text()
    assert "订好了" in main and "少盐，软烂" in main and "已下单" in main
    assert "¥21.00" in main  # ¥24 less the ¥3 subsidy for a 75-year-old
    snap(page, f"kitchen-order-{tag}")
    page.click("main button:has-text('取消订餐')")
    page.wait_for_selector("text=订单已取消")
    assert "已取消" in page.locator(".order-status").inner_text()
    snap(page, f"kitchen-cancelled-{tag}")
    page.goto(server.url + f"/kitchen/meals/{meal.id}")
    assert page.locator("[data-testid=remaining]").inner_text() == "20"


@pytest.mark.parametrize("elder", ELDER)
def test_a_carer_orders_for_her_mother(page, server, app, elder):
    community, _staff, operator, kitchen = _setup(elder, page, server)
    meal = _meal(operator, kitchen)
    mother = make_user(community, name="郑长华", phone=None, birth_date=date(1941, 3, 2))
    daughter = make_user(community, name="王美玲", birth_date=date(1968, 11, 20), building="镇海路8号")
    link_carer(daughter, mother)
    tag = "elder" if elder else "standard"
    login(page, server.url, daughter.phone, PASSWORD)
    page.goto(server.url + f"/kitchen/meals/{meal.id}")
    _elder_checked(page, elder)
    page.select_option("select[name=for_user]", label="郑长华")
    page.check("input[name=fulfilment][value='delivery']")
    page.fill("input[name=note]", "不吃辣")
    snap(page, f"kitchen-carer-form-{tag}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/kitchen/orders/\d+$"))
    facts = page.locator(".facts").inner_text()
    assert "郑长华" in facts and "王美玲" in facts and "镇海路12号" in facts
    _no_sideways_scroll(page)
    snap(page, f"kitchen-carer-order-{tag}")
    db.session.rollback()  # end the test's read snapshot: the server wrote since
    order = db.session.scalar(sa.select(MealOrder))
    assert (order.resident_id, order.placed_by_id, order.subsidy_fen) == (mother.id, daughter.id, 300)
    page.goto(server.url + "/kitchen/orders/")
    assert "郑长华" in page.locator("main").inner_text()


@pytest.mark.parametrize("elder", ELDER)
def test_an_operator_publishes_prints_the_sheet_and_delivers(page, server, app, elder):
    community, _staff, operator, kitchen = _setup(elder, page, server)
    tag = "elder" if elder else "standard"
    tomorrow = local_today() + timedelta(days=1)
    login(page, server.url, operator.phone, PASSWORD)
    page.goto(server.url + "/kitchen/manage/meals/new")
    _elder_checked(page, elder)
    page.fill("input[name=served_on]", tomorrow.isoformat())
    page.select_option("select[name=slot]", "lunch")
    page.fill("input[name=meat]", "卤肉")
    page.fill("input[name=vegetable]", "清炒地瓜叶")
    page.fill("input[name=soup]", "紫菜蛋花汤")
    page.fill("input[name=capacity]", "30")
    snap(page, f"kitchen-publish-{tag}")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/kitchen/manage/meals/\d+$"))
    meal_id = int(page.url.rsplit("/", 1)[1])

    db.session.rollback()  # end the test's read snapshot: the server wrote since
    people = []
    for name, unit, diet in (("郑长华", "3单元502室", "少盐，软烂"), ("陈秀英", "1单元101室", ""),
                             ("蔡阿水", "2单元301室", "糖尿病，不要甜")):
        person = make_user(community, name=name, unit=unit, birth_date=date(1940, 1, 1))
        if diet:
            services.update_profile(person, person, diet, "王美玲", "13900000011", utcnow())
        services.place_order(person, meal_id, person, 1, "delivery", "", "放门口的凳子上" if name == "陈秀英" else "",
                             f"{person.id:032x}", utcnow())
        people.append(person)
    page.reload()
    assert "3" in page.locator(".meal-counts").inner_text()
    snap(page, f"kitchen-operator-day-{tag}")

    page.click("a:has-text('送餐单')")
    page.wait_for_url(re.compile(rf"/kitchen/manage/meals/{meal_id}/sheet$"))
    sheet = page.locator("main").inner_text()
    for text in ("镇海路12号", "郑长华", "少盐，软烂", "王美玲", "13900000011", "放门口的凳子上", people[0].phone):
        assert text in sheet
    snap(page, f"kitchen-sheet-{tag}")
    page.set_viewport_size({"width": 794, "height": 1123})  # an A4 page at 96 dpi
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator("[data-print]").is_visible()
    width = page.evaluate("document.querySelector('.sheet-table').getBoundingClientRect().width")
    assert width <= page.evaluate("document.documentElement.clientWidth") + 1
    snap(page, f"kitchen-sheet-print-{tag}")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(server.url + f"/kitchen/manage/meals/{meal_id}")
    for person in people:
        order_id = db.session.scalar(sa.select(MealOrder.id).where(MealOrder.resident_id == person.id))
        row = f"#order-{order_id}"
        for step in ("cooking", "out_for_delivery"):
            page.click(f"{row} button[data-step={step}]")
            page.wait_for_selector(f"{row} button[data-step={'out_for_delivery' if step == 'cooking' else 'delivered'}]")
        if person is people[0]:
            snap(page, f"kitchen-handover-{tag}")
        page.select_option(f"{row} select[name=payment_method]", "wechat")
        page.click(f"{row} button[data-step=delivered]")
        page.wait_for_selector(f"{row}.order-delivered")
    expect(page.locator("#meal-counts")).to_contain_text("已送达 (3)")
    snap(page, f"kitchen-delivered-{tag}")
    db.session.rollback()
    orders = db.session.scalars(sa.select(MealOrder)).all()
    assert {(o.status, o.payment_method) for o in orders} == {("delivered", "wechat")}
