"""Security events for the operator: failed logins and rate-limit refusals reach the log, phone masked."""
import logging

import pytest

from neighbors.phones import masked_phone
from tests.factories import PASSWORD, make_user


def security_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "neighbors.security"]


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"),
    ("+86 138 1234 5678", "138****5678"),
    ("1381234", "1381234"),
    ("12345", "*****"),
    ("", ""),
    ("abc", ""),
])
def test_a_phone_is_masked_in_the_middle(raw, masked):
    assert masked_phone(raw) == masked


def test_a_failed_login_is_logged_without_the_number_or_the_password(web, app, caplog):
    user = make_user(phone="13912345678")
    caplog.set_level(logging.WARNING, logger="neighbors.security")
    web.post("/auth/login", {"phone": user.phone, "password": "wrong-password-1"})
    [line] = security_lines(caplog)
    assert "login failed" in line and "139****5678" in line
    assert "13912345678" not in line and "wrong-password-1" not in line


def test_a_good_login_is_logged_by_user_id_only(web, app, caplog):
    user = make_user(phone="13912345678")
    caplog.set_level(logging.INFO, logger="neighbors.security")
    assert web.post("/auth/login", {"phone": user.phone, "password": PASSWORD}).status_code == 303
    [line] = security_lines(caplog)
    assert line.startswith(f"login: user={user.id} ")
    assert "1391234" not in line and PASSWORD not in line


def test_a_rate_limit_refusal_is_logged(limited_app, web, caplog):
    caplog.set_level(logging.WARNING, logger="neighbors.security")
    for _ in range(5):
        web.post("/auth/login", {"phone": "13700001234", "password": "wrong-password"})
    response = web.post("/auth/login", {"phone": "13700001234", "password": "wrong-password"})
    assert response.status_code == 429
    refusals = [line for line in security_lines(caplog) if "rate limit refused" in line]
    assert refusals and "137****1234" in refusals[-1] and "auth.login" in refusals[-1]
    assert all("13700001234" not in line and "wrong-password" not in line for line in security_lines(caplog))
