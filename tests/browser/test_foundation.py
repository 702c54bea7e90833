"""The home page, login and registration in a real browser, in Chinese and English."""
import pytest

from neighbors.extensions import db
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_community, make_user


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_home_login_and_register_render_on_a_phone(page, server, app, lang):
    make_community("镇海社区")
    page.goto(server.url + f"/lang/{lang}")
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.locator("h1").first.is_visible()
    shot(page, f"foundation-home-{lang}")
    page.goto(server.url + "/auth/login")
    assert page.locator("input[name=phone]").is_visible()
    shot(page, f"foundation-login-{lang}")
    page.goto(server.url + "/auth/register")
    options = page.locator("select[name=community] option").all_inner_texts()
    assert any("镇海社区" in text for text in options)
    shot(page, f"foundation-register-{lang}")


def test_a_visitor_registers_turns_on_elder_mode_and_logs_in_again(page, server, app):
    make_community("镇海社区")
    page.goto(server.url + "/auth/register")
    page.fill("input[name=phone]", "13812345678")
    page.fill("input[name=name]", "林秀英")
    page.fill("input[name=password]", "lin-xiuying-2024")
    page.select_option("select[name=community]", label="镇海社区（中华街道）")
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert "林秀英" in page.locator("h1").inner_text()
    page.click("[data-testid=elder-switch] button")
    page.wait_for_selector("html.elder")
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 24  # MIIT 2021 适老化: 18 pt
    shot(page, "foundation-elder-home")
    page.goto(server.url + "/account")
    page.click("form[action='/auth/logout'] button")
    page.wait_for_url(server.url + "/")
    login(page, server.url, "13812345678", "lin-xiuying-2024")
    assert page.locator("html").get_attribute("class") == "elder"


def test_wrong_password_shows_a_message_in_chinese(page, server, app):
    user = make_user(make_community(), name="郑长华")
    page.goto(server.url + "/auth/login")
    page.fill("input[name=phone]", user.phone)
    page.fill("input[name=password]", "not-the-password")
    page.click("main button[type=submit]")
    page.wait_for_selector(".notice-error")
    assert "手机号或密码不正确" in page.locator(".notice-error").inner_text()
    assert PASSWORD not in page.content()


# --- 长辈版 (MIIT 2021 适老化): a home with the few things an elder does, a one-row menu ---------------

def elder_page(browser, browser_context_args, base_url: str, javascript: bool = True):
    context = browser.new_context(**browser_context_args, java_script_enabled=javascript)
    context.add_cookies([{"name": "elder", "value": "1", "url": base_url}])
    return context, context.new_page()


def test_the_elder_home_has_four_big_tiles_and_calls_the_community(browser, browser_context_args, server, app):
    community = make_community("镇海社区")
    community.phone = "0592-0200001"
    elder = make_user(community, name="郑长华")
    db.session.commit()
    context, page = elder_page(browser, browser_context_args, server.url)
    try:
        login(page, server.url, elder.phone, PASSWORD)
        page.goto(server.url + "/")
        tiles = page.locator("[data-testid=elder-home] .tile")
        assert [" ".join(text.split()) for text in tiles.all_inner_texts()] == [
            "订饭", "找人帮忙", "我的订单", "给社区打电话 0592-0200001"]
        assert page.get_attribute("[data-testid=call-community]", "href") == "tel:05920200001"
        for index in range(4):
            box = tiles.nth(index).bounding_box()
            assert box["width"] >= 300 and box["height"] >= 90, box
            assert box["y"] + box["height"] <= 780, "every tile on the first screen of a 360 x 780 phone"
        assert not page.locator("main a.tile[href='/alleys/']").is_visible()  # the rest is folded away
        page.click("details.more summary")
        assert page.locator("main a.tile[href='/alleys/']").is_visible()
        page.set_viewport_size({"width": 360, "height": 780})
        page.click("details.more summary")
        shot(page, "foundation-elder-home-tiles")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_elder_menu_keeps_one_row_and_opens_more_without_javascript(browser, browser_context_args, server, app,
                                                                        lang):
    community = make_community("镇海社区")
    staff = make_user(community, "staff", name="陈丽华")
    db.session.commit()
    context, page = elder_page(browser, browser_context_args, server.url, javascript=False)
    try:
        page.set_viewport_size({"width": 360, "height": 780})
        page.goto(server.url + f"/lang/{lang}")
        login(page, server.url, staff.phone, PASSWORD)
        page.goto(server.url + "/kitchen/")
        rows = page.evaluate("""() => new Set([...document.querySelectorAll('.main-nav > a, .main-nav > details')]
            .map((el) => Math.round(el.getBoundingClientRect().top))).size""")
        assert rows == 1
        brand = page.evaluate("""() => { const r = document.createRange();
            r.selectNodeContents([...document.querySelector('.brand').childNodes].find((n) => n.nodeType === 3 && n.nodeValue.trim())); return new Set([...r.getClientRects()].filter((x) => x.width > 0)
            .map((x) => Math.round(x.top))).size; }""")
        assert brand == 1, "the name of the app on one line (not Neighbor/s)"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        manage = page.locator(".nav-more a[href='/staff/']")
        assert not manage.is_visible()
        page.click(".nav-more summary")
        assert manage.is_visible()
        shot(page, f"foundation-elder-menu-open-{lang}")
        manage.click()
        page.wait_for_url(server.url + "/staff/")
        assert page.locator(".nav-more summary.nav-more-current").count() == 1
    finally:
        context.close()


# --- 读给我听: the page's main content read aloud by the browser's own speech -------------------------

FAKE_SPEECH = """(() => {
  window.spoken = [];
  const speech = {speaking: false, speak: (u) => window.spoken.push({text: u.text, lang: u.lang}), cancel: () => {}};
  Object.defineProperty(window, "speechSynthesis", {value: speech, configurable: true});
})()"""
NO_SPEECH = "delete Window.prototype.speechSynthesis; delete window.speechSynthesis;"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_read_it_to_me_reads_the_meal_and_the_order_in_the_readers_language(page, server, app, now, lang):
    from tests.browser.journeys import kitchen_place, log_in

    place = kitchen_place(now)
    page.add_init_script(script=FAKE_SPEECH)
    page.goto(server.url + f"/lang/{lang}")
    log_in(page, server.url, place.resident)
    page.goto(server.url + f"/kitchen/meals/{place.meal_id}")
    page.click("[data-testid=read-aloud]")
    spoken = page.evaluate("window.spoken")
    assert len(spoken) == 1 and spoken[0]["lang"] == ("zh-CN" if lang == "zh" else "en")
    for words in ("卤肉", "清炒地瓜叶", "紫菜蛋花汤", "¥12.00", "Price" if lang == "en" else "价格"):
        assert words in spoken[0]["text"], spoken[0]["text"]
    assert "Order this meal" not in spoken[0]["text"] and "订这一餐" not in spoken[0]["text"]  # the content, not the form
    page.check("input[name=fulfilment][value=delivery]")
    page.click(f"form[action='/kitchen/meals/{place.meal_id}/order'] button[type=submit]")
    page.wait_for_url(lambda url: "/kitchen/orders/" in url)
    page.click("[data-testid=read-aloud]")
    text = page.evaluate("window.spoken")[-1]["text"]
    assert ("The kitchen has your order." if lang == "en" else "厨房已收到您的订单") in text, text
    shot(page, f"foundation-read-aloud-order-{lang}")


def test_read_it_to_me_reads_a_help_requests_status(page, server, app, now):
    from tests.browser.journeys import aid_place, log_in

    place = aid_place(now)
    page.add_init_script(script=FAKE_SPEECH)
    log_in(page, server.url, place.daughter)
    page.goto(server.url + f"/aid/requests/new?for_user={place.mother.id}")
    page.select_option("select[name=skill]", label="水电维修")
    page.fill("input[name=title]", "厨房水龙头漏水")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/aid/requests/" in url and "/new" not in url)
    page.click("[data-testid=read-aloud]")
    text = page.evaluate("window.spoken")[-1]["text"]
    status = page.locator("[data-testid=status]").inner_text()
    assert "厨房水龙头漏水" in text and status in text and "郑长华" in text, text
    shot(page, "foundation-read-aloud-help-request")


def test_read_it_to_me_stays_hidden_where_the_browser_cannot_speak(page, server, app, now):
    from tests.browser.journeys import kitchen_place, log_in

    place = kitchen_place(now)
    page.add_init_script(script=NO_SPEECH)
    log_in(page, server.url, place.resident)
    page.goto(server.url + f"/kitchen/meals/{place.meal_id}")
    assert page.evaluate("'speechSynthesis' in window") is False
    assert page.locator("[data-testid=read-aloud]").count() == 1
    assert not page.locator("[data-testid=read-aloud]").is_visible()
    assert page.locator("main form button[type=submit]").first.is_visible()  # the page works as before
