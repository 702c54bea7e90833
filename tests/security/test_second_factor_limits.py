"""The code step of a staff login is rate-limited per account (and per address), like the password step:
a guesser with the password gets five tries at a six-digit code, in any browser (issue 19 item 10)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp

from neighbors import two_factor
from neighbors.models import Role
from tests.factories import PASSWORD, make_community, make_user
from tests.security.conftest import assert_friendly_error


def _post(client, path: str, data: dict):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(path, data={**data, "csrf_token": token})


def test_five_wrong_codes_and_even_the_right_one_waits(rated_app):
    rated_app.config["STAFF_TWO_FACTOR"] = True
    staff = make_user(make_community(), Role.STAFF)
    secret = two_factor.new_secret()
    earlier = datetime.now(timezone.utc) - timedelta(minutes=2)
    two_factor.enrol(staff, secret, pyotp.TOTP(secret).at(earlier), earlier)
    wrong = "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"
    client = rated_app.test_client()
    assert _post(client, "/auth/login", {"phone": staff.phone, "password": PASSWORD}).status_code == 303
    for _ in range(5):
        assert _post(client, "/auth/second-factor", {"code": wrong}).status_code == 422
    assert_friendly_error(_post(client, "/auth/second-factor", {"code": wrong}), 429)
    another_browser = rated_app.test_client()  # the password again, elsewhere: the same account's count
    assert _post(another_browser, "/auth/login", {"phone": staff.phone, "password": PASSWORD}).status_code == 303
    assert _post(another_browser, "/auth/second-factor", {"code": pyotp.TOTP(secret).now()}).status_code == 429
    assert another_browser.get("/staff/").status_code in (302, 303)
