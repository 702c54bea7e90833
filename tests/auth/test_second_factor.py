"""Staff log in with a password and a code from an authenticator app (issue 19 item 10; ASVS 2.7, 2.8)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
import sqlalchemy as sa

from neighbors import accounts, two_factor
from neighbors.errors import InvalidInput
from neighbors.extensions import db
from neighbors.models import AuditEntry, RecoveryCode, Role, User
from tests.factories import PASSWORD, make_user

NOW = datetime(2026, 5, 11, 2, 0, 5, tzinfo=timezone.utc)


def _code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


@pytest.fixture
def required(app):
    app.config["STAFF_TWO_FACTOR"] = True
    return app


# --- services, without HTTP ------------------------------------------------------------------------

def test_enrolling_needs_a_code_the_app_made_and_gives_ten_single_use_recovery_codes(app):
    staff = make_user(None, Role.STAFF)
    secret = two_factor.new_secret()
    with pytest.raises(InvalidInput):
        two_factor.enrol(staff, secret, "000000" if _code(secret, NOW) != "000000" else "111111", NOW)
    assert db.session.get(User, staff.id).totp_secret is None
    codes = two_factor.enrol(staff, secret, _code(secret, NOW), NOW)
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == staff.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in hashed for code in codes for hashed in stored)
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.subject_user_id == staff.id)) == \
        "two_factor.enrolled"


def test_a_code_works_once_in_its_half_minute_and_an_old_one_not_at_all(app):
    staff = make_user(None, Role.STAFF)
    secret = two_factor.new_secret()
    two_factor.enrol(staff, secret, _code(secret, NOW), NOW)
    later = NOW + timedelta(seconds=60)
    assert two_factor.verify(staff, _code(secret, later), later) == "app"
    with pytest.raises(InvalidInput):  # the same code again (someone watching over a shoulder)
        two_factor.verify(staff, _code(secret, later), later + timedelta(seconds=5))
    with pytest.raises(InvalidInput):  # a code from five minutes ago
        two_factor.verify(staff, _code(secret, later - timedelta(minutes=5)), later + timedelta(seconds=30))
    slow_phone = later + timedelta(seconds=60)
    assert two_factor.verify(staff, _code(secret, slow_phone - timedelta(seconds=30)), slow_phone) == "app"


def test_a_recovery_code_works_once(app):
    staff = make_user(None, Role.STAFF)
    secret = two_factor.new_secret()
    codes = two_factor.enrol(staff, secret, _code(secret, NOW), NOW)
    assert two_factor.verify(staff, codes[3].upper().replace("-", " "), NOW) == "recovery code"
    with pytest.raises(InvalidInput):
        two_factor.verify(staff, codes[3], NOW + timedelta(seconds=1))
    assert two_factor.recovery_codes_left(staff) == 9


def test_new_recovery_codes_replace_the_old_ones(app):
    staff = make_user(None, Role.STAFF)
    secret = two_factor.new_secret()
    old = two_factor.enrol(staff, secret, _code(secret, NOW), NOW)
    new = two_factor.new_recovery_codes(staff, NOW)
    with pytest.raises(InvalidInput):
        two_factor.verify(staff, old[0], NOW)
    assert two_factor.verify(staff, new[0], NOW) == "recovery code"


def test_staff_choose_passwords_of_at_least_twelve_characters(app):
    staff = make_user(None, Role.STAFF)
    resident = make_user()
    with pytest.raises(InvalidInput) as refused:
        accounts.change_password(staff, PASSWORD, "short-pw-7")  # 10 characters
    assert "12" in str(refused.value.message)
    accounts.change_password(staff, PASSWORD, "a-long-staff-pass-1")
    accounts.change_password(resident, PASSWORD, "short-pw-7")  # residents: 8 is enough


def test_the_operator_cannot_create_staff_with_a_short_password(app):
    community = make_user().community
    with pytest.raises(InvalidInput):
        accounts.register_with_roles("13812345670", "黄建国", "huang-jg-1", community.id, [Role.STAFF])
    assert accounts.register_with_roles("13812345670", "黄建国", "huang-jianguo-2026", community.id, [Role.STAFF])


def test_the_rule_is_on_outside_the_test_suites_and_production_cannot_turn_it_off(app, monkeypatch):
    from neighbors.config import ConfigError, from_environment

    app.config.update(STAFF_TWO_FACTOR=None, NEIGHBORS_ENV="development")
    assert two_factor.required()
    app.config["NEIGHBORS_ENV"] = "production"
    assert two_factor.required()
    monkeypatch.setenv("NEIGHBORS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("NEIGHBORS_STAFF_TWO_FACTOR", "0")
    with pytest.raises(ConfigError):
        from_environment(app.instance_path)


# --- over HTTP ----------------------------------------------------------------------------------------

def _form(web, path: str) -> str:
    return web.get(path).get_data(as_text=True)


def test_a_resident_logs_in_with_the_password_alone(required, web):
    resident = make_user()
    response = web.post("/auth/login", {"phone": resident.phone, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert web.get("/account").status_code == 200


def test_new_staff_enrol_at_their_first_login_and_see_the_recovery_codes_once(required, web):
    staff = make_user(None, Role.STAFF)
    response = web.post("/auth/login?next=/staff/", {"phone": staff.phone, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/second-factor/enrol"
    assert web.get("/staff/").status_code == 302  # not logged in yet
    page = _form(web, "/auth/second-factor/enrol")
    assert "<svg" in page and 'data-testid="enrol-qr"' in page
    secret = re.search(r'data-testid="enrol-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    wrong = web.post("/auth/second-factor/enrol", {"code": "12345"})
    assert wrong.status_code == 422 and "<svg" in wrong.get_data(as_text=True)
    done = web.post("/auth/second-factor/enrol", {"code": pyotp.TOTP(secret).now()})
    shown = done.get_data(as_text=True)
    assert done.status_code == 200 and len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", shown)) == 10
    assert 'href="/staff/"' in shown
    assert web.get("/staff/").status_code == 200
    assert db.session.get(User, staff.id).totp_secret == secret


def test_enrolled_staff_type_the_code_after_the_password(required, web, auth):
    staff = make_user(None, Role.STAFF)
    secret = two_factor.new_secret()
    earlier = datetime.now(timezone.utc) - timedelta(minutes=2)
    two_factor.enrol(staff, secret, _code(secret, earlier), earlier)
    response = web.post("/auth/login?next=/staff/people", {"phone": staff.phone, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/second-factor"
    assert web.get("/staff/").status_code == 302
    wrong = web.post("/auth/second-factor", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 422 and "不对" in wrong.get_data(as_text=True)
    right = web.post("/auth/second-factor", {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 303 and right.headers["Location"] == "/staff/people"
    assert web.get("/staff/").status_code == 200


def test_the_code_step_without_a_password_sends_one_to_log_in(required, web):
    response = web.get("/auth/second-factor")
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"
    assert web.post("/auth/second-factor", {"code": "123456"}).headers["Location"] == "/auth/login"


def test_a_staff_session_from_before_the_rule_logs_in_again(required, app):
    from tests.security.conftest import sign_in

    staff = make_user(None, Role.STAFF)
    client = app.test_client()
    sign_in(client, staff)  # a session with no second factor in it
    response = client.get("/staff/")
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"


def test_the_demo_staff_log_in_with_the_published_key(required, web):
    from neighbors import demo

    demo.build()
    db.session.expire_all()
    staff = db.session.scalar(sa.select(User).where(User.phone == "13900000001"))
    assert staff.totp_secret == two_factor.DEMO_SECRET
    web.post("/auth/login", {"phone": "13900000001", "password": demo.DEMO_PASSWORD})
    right = web.post("/auth/second-factor", {"code": two_factor.demo_code(datetime.now(timezone.utc))})
    assert right.status_code == 303 and web.get("/staff/").status_code == 200
    assert db.session.scalar(sa.select(User.totp_secret).where(User.phone == "13900000004")) is None  # a resident


def test_the_demo_code_command_prints_the_code_of_now(app):
    printed = app.test_cli_runner().invoke(args=["demo-code"]).output
    assert two_factor.demo_code(datetime.now(timezone.utc)) in printed or \
        two_factor.demo_code(datetime.now(timezone.utc) - timedelta(seconds=30)) in printed
