"""The home page, login and registration in a real browser, in Chinese and English."""
import pytest

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
    assert font >= 22
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
