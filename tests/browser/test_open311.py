"""Staff's open-interface page in real Chromium at 360 px (standard and 长辈版): name the community's code, publish
its cases, issue a key that is shown once, revoke it."""
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_community, make_user

NARROW = {"width": 360, "height": 780}


def _signed_in_phone(browser, server, staff, mode: str):
    """A 360 px phone in standard or 长辈版 with the staff member signed in."""
    context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN")
    context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
    page = context.new_page()
    login(page, server.url, staff.phone, PASSWORD)
    return context, page


def test_staff_issue_and_revoke_a_key_at_360_px(browser, server, app):
    staff = make_user(make_community("鹭江道社区", street="鹭江街道"), "staff", name="蔡慧敏")
    for mode in ("standard", "elder"):
        context, page = _signed_in_phone(browser, server, staff, mode)
        page.goto(server.url + "/open311/keys")
        settings = page.locator("[data-testid=open311-settings]")
        settings.locator("input[name=code]").fill("lujiangdao")
        settings.locator("input[name=publishes]").check()
        settings.locator("button[type=submit]").click()
        page.wait_for_selector("text=已保存。")
        form = page.locator("[data-testid=key-form]")
        form.locator("input[name=name]").fill(f"12345热线（{mode}）")
        form.locator("button[type=submit]").click()
        key = page.locator("[data-testid=new-key-value]").inner_text()
        assert key.startswith("nbk_")
        assert settings.locator("input[name=publishes]").is_checked()  # the page after issuing shows the saved choice
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"open311-01-new-key-{mode}")
        page.goto(server.url + "/open311/keys")
        assert key not in page.content() and key[:10] in page.content()
        card = page.locator("[data-testid=api-key]", has_text=f"12345热线（{mode}）")
        card.locator("button", has_text="吊销").click()
        page.wait_for_selector("text=该密钥已停用。")
        assert "已吊销" in page.locator("[data-testid=api-key]", has_text=f"12345热线（{mode}）").inner_text()
        shot(page, f"open311-02-revoked-{mode}")
        context.close()


def test_staff_add_a_webhook_and_see_its_secret_once_at_360_px(browser, server, app):
    staff = make_user(make_community("鹭江道社区", street="鹭江街道"), "staff", name="蔡慧敏")
    for mode in ("standard", "elder"):
        context, page = _signed_in_phone(browser, server, staff, mode)
        page.goto(server.url + "/open311/webhooks")
        form = page.locator("[data-testid=webhook-form]")
        form.locator("input[name=url]").fill(f"https://12345.example.gov.cn/neighbors/{mode}")
        form.locator("input[name=events]").first.check()
        form.locator("button[type=submit]").click()
        secret = page.locator("[data-testid=new-secret-value]").inner_text()
        assert len(secret) >= 32
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"open311-03-webhook-added-{mode}")
        page.goto(server.url + "/open311/webhooks")
        assert secret not in page.content()
        assert page.locator("[data-testid=webhook]", has_text=f"/neighbors/{mode}").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"open311-04-webhooks-{mode}")
        context.close()
