"""A staff member's first login sets up the authenticator app; the next one asks for its code (issue 19 item 10).

Its own gunicorn, with the second factor on as in production (the shared browser server runs the test
environment, where staff are not asked)."""
from datetime import datetime, timedelta, timezone

import pyotp
import pytest

from neighbors.models import Role
from tests.browser.conftest import shot
from tests.factories import PASSWORD, make_community, make_user
from tests.live import Gunicorn

NARROW = {"width": 360, "height": 780}


@pytest.fixture
def strict_server(app, database_url, upload_dir, problems):
    with Gunicorn(database_url, upload_dir, workers=1, threads=2, env={"NEIGHBORS_STAFF_TWO_FACTOR": "1"}) as server:
        yield server


def _password_step(page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/auth/login?next=/staff/")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_staff_enrol_at_the_first_login_and_type_the_code_at_the_next(page, strict_server):
    staff = make_user(make_community("镇海社区"), Role.STAFF, name="李静")
    page.set_viewport_size(NARROW)
    _password_step(page, strict_server.url, staff.phone)
    page.wait_for_url(strict_server.url + "/auth/second-factor/enrol")
    assert page.locator("[data-testid=enrol-qr] svg").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]  # nothing wider than the phone
    shot(page, "second-factor-enrol-360")
    secret = page.locator("[data-testid=enrol-secret]").inner_text().replace(" ", "")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("[data-testid=enrol-submit]")
    page.wait_for_selector("[data-testid=recovery-codes]")
    codes = page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    shot(page, "second-factor-recovery-codes-360")
    page.click("text=我已经记下了")
    page.wait_for_url(strict_server.url + "/staff/")

    page.goto(strict_server.url + "/account")
    with page.expect_navigation():  # the logout's answer clears the session before the next login page is read
        page.click("form[action='/auth/logout'] button")
    _password_step(page, strict_server.url, staff.phone)
    page.wait_for_url(strict_server.url + "/auth/second-factor")
    page.fill("input[name=code]", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.click("[data-testid=second-factor-submit]")
    page.wait_for_selector(".notice-error, .error-text")
    shot(page, "second-factor-code-refused-360")
    # the next half-minute's code: the one used to enrol never works twice, a phone a little ahead is allowed
    page.fill("input[name=code]", pyotp.TOTP(secret).at(datetime.now(timezone.utc) + timedelta(seconds=30)))
    page.click("[data-testid=second-factor-submit]")
    page.wait_for_url(strict_server.url + "/staff/")
    assert page.locator("h1").first.is_visible()
