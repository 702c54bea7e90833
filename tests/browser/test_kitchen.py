"""The neighbour kitchen in real headless Chromium at 360×740, in Chinese, with and without elder mode."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from neighbors.clock import local_today, utcnow
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Meal, MealOrder
from tests.browser.conftest import SCREENSHOTS, login, shot
from tests.factories import PASSWORD, link_carer, make_building, make_community, make_user
from tests.kitchen.helpers import served_yesterday

ELDER = [pytest.param(False, id="standard"), pytest.param(True, id="elder")]
NARROW = {"width": 360, "height": 740}


def snap(page, name: str) -> None:
    """`shot`, then drop the empty style="" Playwright leaves on inputs after hiding the caret.

    Otherwise htmx, settling a boosted page whose inputs share ids (csrf_token), copies that
    attribute and the CSP (style-src 'self') reports it: an artefact of the screenshot, not the app.
    """
    shot(page, name)
    page.evaluate("document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


def _setup(elder: bool, page, server):
    page.set_viewport_size(NARROW)  # the narrowest phones the pilot met
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
    pay = page.locator("[data-testid=you-pay]")
    expect(pay).to_contain_text("您付")
    expect(pay).to_contain_text("¥9.00")
    expect(pay).to_contain_text("厦门助餐补贴")
    assert pay.bounding_box()["y"] < page.locator("main form button[type=submit]").bounding_box()["y"]
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
    main = page.locator("main").inner_text()
    assert "不用付：订单已取消" in main and "¥21.00" not in main and "拿到饭时付款" not in main
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
    expect(page.locator("[data-testid=you-pay]")).to_contain_text("¥12.00")  # her own price: she is 58
    page.select_option("select[name=for_user]", label="郑长华")
    expect(page.locator("[data-testid=you-pay]")).to_contain_text("郑长华付")  # swapped by htmx
    expect(page.locator("[data-testid=you-pay]")).to_contain_text("¥9.00")
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

    # her mother, not knowing, orders the same meal too: the page asks first
    page.goto(server.url + f"/kitchen/meals/{meal.id}")
    page.select_option("select[name=for_user]", label="郑长华")
    page.check("input[name=fulfilment][value='delivery']")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("郑长华已经订了这一餐")
    assert "王美玲在" in page.locator("[data-testid=already-ordered]").inner_text() or \
        "您在" in page.locator("[data-testid=already-ordered]").inner_text()
    _no_sideways_scroll(page)
    snap(page, f"kitchen-order-twice-{tag}")
    page.click("text=不用，只要一份")
    page.wait_for_url(re.compile(r"/kitchen/orders/\d+$"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(MealOrder.id))) == 1


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
    services.place_order(people[0], meal_id, people[0], 1, "delivery", "", "", "d" * 32, utcnow(), also=True)
    page.reload()
    assert "4" in page.locator(".meal-counts").inner_text()
    assert page.locator("[data-testid=ordered-twice]").count() == 2  # 郑长华 has two orders of this meal
    snap(page, f"kitchen-operator-day-{tag}")

    page.click("a:has-text('送餐单')")
    page.wait_for_url(re.compile(rf"/kitchen/manage/meals/{meal_id}/sheet$"))
    sheet = page.locator("main").inner_text()
    for text in ("镇海路12号", "郑长华", "少盐，软烂", "王美玲", "13900000011", "放门口的凳子上", people[0].phone,
                 "订了两份"):
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
    page.set_viewport_size(NARROW)

    page.goto(server.url + f"/kitchen/manage/meals/{meal_id}")
    db.session.rollback()
    extra = db.session.scalar(sa.select(MealOrder).where(MealOrder.submission_key == "d" * 32))
    services.cancel_order(people[0], extra.id, utcnow())
    ahead = db.session.scalar(sa.select(MealOrder.id).where(MealOrder.resident_id == people[-1].id))
    for step in ("cooking", "out_for_delivery"):  # sent out early: still not to be marked delivered today
        services.advance_order(operator, ahead, step, utcnow())
    page.reload()
    expect(page.locator(f"#order-{ahead} [data-testid=not-started]")).to_be_visible()
    assert page.locator(f"#order-{ahead} button[data-step=delivered]").count() == 0
    snap(page, f"kitchen-not-started-{tag}")
    served_yesterday(db.session.get(Meal, meal_id))  # time passes: the meal was yesterday's
    page.reload()
    for person in people:
        order_id = db.session.scalar(sa.select(MealOrder.id).where(MealOrder.resident_id == person.id,
                                                                   MealOrder.status != "cancelled"))
        row = f"#order-{order_id}"
        for step in () if order_id == ahead else ("cooking", "out_for_delivery"):
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
    orders = db.session.scalars(sa.select(MealOrder).where(MealOrder.status != "cancelled")).all()
    assert {(o.status, o.payment_method) for o in orders} == {("delivered", "wechat")}


def _household(community, name: str, unit: str, diet: str = ""):
    person = make_user(community, name=name, unit=unit, birth_date=date(1940, 1, 1))
    if diet:
        services.update_profile(person, person, diet, "王美玲", "13900000011", utcnow())
    return person


@pytest.mark.parametrize("elder", ELDER)
def test_at_360_px_the_delivery_sheet_is_a_card_per_home(page, server, app, elder):
    community, _staff, operator, kitchen = _setup(elder, page, server)
    tag = "elder" if elder else "standard"
    meal = _meal(operator, kitchen)
    homes = [_household(community, "郑长华", "3单元502室", "少盐，软烂"), _household(community, "陈秀英", "1单元101室"),
             _household(community, "蔡阿水", "2单元301室", "糖尿病，不要甜")]
    orders = {}
    for person in homes:
        placed = services.place_order(person, meal.id, person, 1, "delivery", "", "", f"{person.id:032x}", utcnow())
        for step in ("cooking", "out_for_delivery"):
            services.advance_order(operator, placed.id, step, utcnow())
        orders[person.name] = placed.id
    served_yesterday(meal)
    login(page, server.url, operator.phone, PASSWORD)
    page.goto(server.url + f"/kitchen/manage/meals/{meal.id}/sheet")
    cards = page.locator("[data-testid=sheet-cards] > li")
    expect(cards).to_have_count(3)
    assert not page.locator(".sheet-table").first.is_visible()
    # in delivery order: by unit within the building
    assert [cards.nth(i).locator(".stop-who strong").first.inner_text() for i in range(3)] == ["陈秀英", "蔡阿水", "郑长华"]
    first = cards.nth(0)
    delivered, nobody = first.locator("button[data-step=delivered]"), first.locator("button[data-step=no_answer]")
    for button in (delivered, nobody):
        box = button.bounding_box()
        assert box["height"] >= 60 and box["width"] >= 120, box
        assert box["height"] < 100, box  # the words on one line, not one character a line
    assert abs(delivered.bounding_box()["y"] - nobody.bounding_box()["y"]) < 2  # side by side: a pair
    assert first.locator("input[name=payment_method]:checked").count() == 0  # nothing assumed
    _no_sideways_scroll(page)
    snap(page, f"kitchen-sheet-360-{tag}")

    first.locator("input[name=payment_method][value=wechat]").check()
    delivered.click()
    status = "#stop-{} .stop-who .tag:last-child"
    expect(page.locator(status.format(orders["陈秀英"]))).to_have_text("已送达")
    expect(page.locator(f"#stop-{orders['陈秀英']} button")).to_have_count(0)  # nothing left to do there
    page.locator(f"#stop-{orders['蔡阿水']} button[data-step=no_answer]").click()
    expect(page.locator(status.format(orders["蔡阿水"]))).to_have_text("无人应门")
    expect(page.locator(f"#stop-{orders['蔡阿水']} button[data-step=no_answer]")).to_have_count(0)
    snap(page, f"kitchen-sheet-360-done-{tag}")
    db.session.rollback()
    assert (db.session.get(MealOrder, orders["陈秀英"]).status, db.session.get(MealOrder, orders["陈秀英"]).payment_method) \
        == ("delivered", "wechat")
    assert db.session.get(MealOrder, orders["蔡阿水"]).status == "no_answer"

    page.set_viewport_size({"width": 794, "height": 1123})
    page.emulate_media(media="print")
    assert page.locator(".sheet-table").first.is_visible() and not cards.first.is_visible()
    page.emulate_media(media="screen")


@pytest.mark.parametrize("elder", ELDER)
def test_at_360_px_the_next_meal_is_on_the_first_screen_and_says_tomorrow(page, server, app, elder):
    community, _staff, operator, kitchen = _setup(elder, page, server)
    tag = "elder" if elder else "standard"
    resident = make_user(community, name="郑长华", birth_date=date(1941, 3, 2))
    meals = [_meal(operator, kitchen, days=day) for day in (1, 2, 3, 4, 5)]
    for meal in meals[1:]:  # four coming orders; tomorrow's meal she has not ordered yet
        services.place_order(resident, meal.id, resident, 1, "pickup", "", "", f"{meal.id:032x}", utcnow())
    login(page, server.url, resident.phone, PASSWORD)
    page.goto(server.url + "/kitchen/")
    _elder_checked(page, elder)
    assert page.locator("#day-1").inner_text().startswith("明天")
    assert page.locator("#day-2").inner_text().startswith("后天")
    snap(page, f"kitchen-menu-360-{tag}")
    page.screenshot(path=str(SCREENSHOTS / f"kitchen-menu-360-{tag}-first-screen.png"))  # what she sees at once
    card = page.locator(".meal-card").first
    box = card.bounding_box()
    assert box["y"] + box["height"] <= 740, box  # the next meal, whole, without scrolling
    _no_sideways_scroll(page)

    page.goto(server.url + "/kitchen/orders/")
    again = page.locator("[data-testid=order-again] button")
    expect(again).to_have_count(1)
    expect(again).to_contain_text("再订一次：明天午餐")  # the one meal she does not have
    assert page.locator("main select").count() == 0
    _no_sideways_scroll(page)
    snap(page, f"kitchen-orders-360-{tag}")
