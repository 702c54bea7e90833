"""The first three journeys in English (`/lang/en`); the Chinese ones live with their modules.

The chrome (navigation, buttons, headings) must be English while people's names and dishes
stay as they were typed.
"""
import re

from playwright.sync_api import expect

from tests.browser.conftest import shot
from tests.browser.journeys import kitchen_place, log_in
from tests.factories import make_community

NAVIGATION = ["Home", "Kitchen", "Mutual aid", "Alleys"]


def in_english(page) -> None:
    assert page.locator("html").get_attribute("lang") == "en"
    # textContent: in 长辈版 "Alleys" sits folded under "More"
    assert [text.strip() for text in page.locator("nav.main-nav a").all_text_contents()][:4] == NAVIGATION


def remaining(page) -> int:
    return int(page.locator("[data-testid=remaining]").inner_text())


def test_a_visitor_registers_turns_on_elder_mode_and_logs_in_again_in_english(page, server, app):
    make_community("镇海社区")
    page.goto(server.url + "/lang/en")
    page.goto(server.url + "/auth/register")
    in_english(page)
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=name]", "林秀英")
    page.fill("input[name=password]", "lin-xiuying-2024")
    page.select_option("select[name=community]", label="镇海社区（中华街道）")
    shot(page, "english-register-1-form")
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").inner_text() == "Hello, 林秀英"
    shot(page, "english-register-2-home")
    page.click("[data-testid=elder-switch] button")
    page.wait_for_selector("html.elder")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    assert "Elder mode is on" in page.locator("[data-testid=elder-switch] button").inner_text()
    shot(page, "english-register-3-elder-home")
    page.goto(server.url + "/account")
    page.click("form[action='/auth/logout'] button")
    page.wait_for_url(server.url + "/")
    page.goto(server.url + "/auth/login")
    in_english(page)
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=password]", "lin-xiuying-2024")
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("html").get_attribute("class") == "elder"
    in_english(page)
    shot(page, "english-register-4-logged-in-again")


def test_a_resident_orders_tomorrows_lunch_cancels_and_orders_again_in_english(page, server, app, now):
    place = kitchen_place(now, capacity=20)
    meal_path = f"/kitchen/meals/{place.meal_id}"
    page.goto(server.url + "/lang/en")
    log_in(page, server.url, place.resident)
    page.goto(server.url + "/kitchen/")
    in_english(page)
    shot(page, "english-kitchen-1-menu")
    page.click(f"a[href='{meal_path}']")
    page.wait_for_url(server.url + meal_path)
    assert remaining(page) == 20
    page.check("input[name=quantity][value='2']")
    page.check("input[name=fulfilment][value=delivery]")
    shot(page, "english-kitchen-2-meal")
    page.click(f"form[action='{meal_path}/order'] button[type=submit]")
    page.wait_for_url(re.compile(r"/kitchen/orders/\d+$"))
    in_english(page)
    assert "Deliver to my door" in page.locator("dl.facts").inner_text()
    order_url = page.url
    shot(page, "english-kitchen-3-ordered")
    page.goto(server.url + meal_path)
    assert remaining(page) == 18
    page.goto(order_url)
    page.click("form[action$='/cancel'] button[type=submit]")
    expect(page.locator("form[action$='/cancel']")).to_have_count(0)
    shot(page, "english-kitchen-4-cancelled")
    page.goto(server.url + meal_path)
    assert remaining(page) == 20
    page.check("input[name=quantity][value='1']")
    page.check("input[name=fulfilment][value=delivery]")
    page.click(f"form[action='{meal_path}/order'] button[type=submit]")
    page.wait_for_url(re.compile(r"/kitchen/orders/\d+$"))
    page.goto(server.url + meal_path)
    assert remaining(page) == 19
    shot(page, "english-kitchen-5-ordered-again")


def test_a_carer_orders_for_her_mother_and_sets_a_weekday_standing_order_in_english(page, server, app, now):
    place = kitchen_place(now)
    meal_path = f"/kitchen/meals/{place.meal_id}"
    page.goto(server.url + "/lang/en")
    log_in(page, server.url, place.daughter)
    page.goto(server.url + meal_path)
    in_english(page)
    page.select_option("select[name=for_user]", str(place.mother.id))
    page.check("input[name=fulfilment][value=delivery]")
    page.fill("[name=note]", "软烂")
    shot(page, "english-carer-1-meal")
    page.click(f"form[action='{meal_path}/order'] button[type=submit]")
    page.wait_for_url(re.compile(r"/kitchen/orders/\d+$"))
    facts = page.locator("dl.facts").inner_text()
    assert "For\n林秀英" in facts and "Ordered by\n王美玲" in facts, facts
    shot(page, "english-carer-2-ordered-for-mother")

    page.goto(server.url + "/kitchen/standing/")
    in_english(page)
    page.select_option("select[name=for_user]", str(place.mother.id))
    weekdays = page.locator("input[name=weekdays]")
    for index in range(weekdays.count()):
        value = weekdays.nth(index).get_attribute("value")
        weekdays.nth(index).set_checked(value in {"0", "1", "2", "3", "4"})
    page.select_option("select[name=slot]", "lunch")
    page.check("input[name=fulfilment][value=delivery]")
    shot(page, "english-carer-3-standing-form")
    page.click("form[action='/kitchen/standing/'] button[type=submit]")
    card = page.locator("ul.cards li.card", has_text="林秀英").first
    expect(card).to_be_visible()
    text = card.inner_text()
    assert "Mon" in text and "Fri" in text and "Sat" not in text and "Sun" not in text, text
    shot(page, "english-carer-4-standing-set")
