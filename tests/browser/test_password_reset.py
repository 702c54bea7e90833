"""A staff member resets a forgotten password on a phone, without any script; the resident then must choose a new one."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_community, make_user


def test_staff_reset_then_the_resident_chooses_a_new_password(page, server, app, browser, browser_context_args):
    home = make_community("镇海社区", "中华街道")
    staff = make_user(home, "staff", name="陈丽华")
    resident = make_user(home, name="王美玲", phone="13912345678")

    login(page, server.url, staff.phone, PASSWORD)
    page.goto(f"{server.url}/staff/people/{resident.id}")
    shot(page, "staff-person-reset-button-phone")
    page.get_by_role("button", name=re.compile("重设密码")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("要重设王美玲的密码吗？")
    shot(page, "staff-password-reset-confirm-phone")
    page.get_by_role("button", name=re.compile("确定，重设密码")).click()
    digits = page.locator(".one-time-password")
    expect(digits).to_be_visible()
    one_time = digits.inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{8}", one_time)
    assert float(digits.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(page, "staff-password-reset-done-phone")

    context = browser.new_context(**browser_context_args)
    try:
        elder = context.new_page()
        login(elder, server.url, resident.phone, one_time)
        assert elder.url.endswith("/auth/password")
        expect(elder.locator("main")).to_contain_text("一次性密码")
        elder.goto(server.url + "/account")
        assert elder.url.endswith("/auth/password")
        shot(elder, "resident-forced-password-change-phone")
        elder.fill("input[name=current_password]", one_time)
        elder.fill("input[name=new_password]", "wang-meiling-2026")
        elder.click("main button[type=submit]")
        elder.wait_for_url(lambda url: "/auth/password" not in url)
        assert elder.url.endswith("/account")
    finally:
        context.close()
