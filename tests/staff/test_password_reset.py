"""Staff reset a forgotten password: a one-time password shown once, old sessions ended, a new password forced."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from neighbors import accounts
from neighbors.clock import utcnow
from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, Notification, User
from tests.conftest import CsrfClient
from tests.factories import PASSWORD, make_user


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def reset_entries(user: User) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "accounts.password_reset", AuditEntry.subject_user_id == user.id)))


# --- the service ----------------------------------------------------------------------------

def test_staff_reset_keeps_only_the_hash_ends_sessions_audits_and_notifies(world, now):
    resident = world.resident
    epoch_before, hash_before = resident.session_epoch, resident.password_hash
    password = accounts.reset_password(world.staff, resident.id, now)
    assert re.fullmatch(r"\d{8}", password)
    resident = reload(resident)
    assert resident.must_change_password is True
    assert resident.session_epoch > epoch_before
    assert resident.password_hash != hash_before and password not in resident.password_hash
    assert resident.check_password(password) and not resident.check_password(PASSWORD)
    [entry] = reset_entries(resident)
    assert entry.actor_id == world.staff.id and entry.community_id == world.home.id
    assert password not in str(entry.before) + str(entry.after) + entry.reason
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == resident.id))
    assert note is not None and "one-time password" in note.message and password not in str(note.params)


def test_one_time_passwords_are_eight_digits_differ_and_pass_the_strength_check():
    passwords = {accounts.one_time_password() for _ in range(200)}
    assert len(passwords) > 190
    assert all(re.fullmatch(r"\d{8}", p) and accounts.weakness(p) is None for p in passwords)


def test_an_admin_may_reset_staff_and_residents_of_any_community(world, now):
    assert accounts.reset_password(world.admin, world.other_staff.id, now)
    assert accounts.reset_password(world.admin, world.outsider.id, now)
    assert reload(world.other_staff).must_change_password


@pytest.mark.parametrize("actor, target, error", [
    ("other_staff", "resident", NotFound),  # another community's person does not exist for them
    ("resident", "outsider", NotFound),
    ("resident", "resident", NotFound),  # a resident is not staff, not even for themselves
    ("staff", "other_staff", NotFound),
    ("staff", "admin", NotAllowed),
    ("staff", "staff", NotAllowed),  # their own: the account page, with the current password
    ("staff", "elder", InvalidInput),  # no phone login, nothing to reset
])
def test_refusals_change_nothing(world, actor, target, error, now):
    subject = getattr(world, target)
    before = (subject.password_hash, subject.session_epoch)
    with pytest.raises(error):
        accounts.reset_password(getattr(world, actor), subject.id, now)
    db.session.rollback()
    subject = reload(subject)
    assert (subject.password_hash, subject.session_epoch) == before and not subject.must_change_password
    assert reset_entries(subject) == []


def test_staff_cannot_reset_a_colleague(world, now):
    colleague = make_user(world.home, "staff", name="林建国")
    with pytest.raises(NotAllowed):
        accounts.reset_password(world.staff, colleague.id, now)


# --- over HTTP ------------------------------------------------------------------------------

def login(web: CsrfClient, phone: str, password: str):
    return web.post("/auth/login", {"phone": phone, "password": password})


def test_the_whole_reset_as_staff_and_resident_see_it(app, world):
    resident_web = CsrfClient(app.test_client())
    staff_web = CsrfClient(app.test_client())
    assert login(resident_web, world.resident.phone, PASSWORD).status_code == 303
    assert resident_web.get("/account").status_code == 200
    assert login(staff_web, world.staff.phone, PASSWORD).status_code == 303

    page = staff_web.get(f"/staff/people/{world.resident.id}").get_data(as_text=True)
    assert f'action="/staff/people/{world.resident.id}/password-reset"' in page and "重设密码" in page

    # the button asks first; nothing has changed yet
    confirm = staff_web.post(f"/staff/people/{world.resident.id}/password-reset")
    assert confirm.status_code == 200 and confirm.headers["Cache-Control"] == "no-store"
    assert 'name="confirm" value="yes"' in confirm.get_data(as_text=True)
    assert not reload(world.resident).must_change_password
    assert resident_web.get("/account").status_code == 200

    done = staff_web.post(f"/staff/people/{world.resident.id}/password-reset", {"confirm": "yes"})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    html = done.get_data(as_text=True)
    digits = re.search(r'class="one-time-password"[^>]*>(\d{4}) (\d{4})<', html)
    assert digits, html[:2000]
    one_time = digits.group(1) + digits.group(2)
    assert reload(world.resident).check_password(one_time)

    # the resident's old session is over
    assert resident_web.get("/account").status_code == 302
    # the old password no longer works; the one-time one does, and leads to choosing a new password
    assert login(resident_web, world.resident.phone, PASSWORD).status_code == 422
    response = login(resident_web, world.resident.phone, one_time)
    assert response.status_code == 303 and response.headers["Location"] == "/auth/password"
    for path in ("/", "/account", "/notifications"):
        blocked = resident_web.get(path)
        assert blocked.status_code == 303 and blocked.headers["Location"] == "/auth/password", path
    page = resident_web.get("/auth/password")
    assert page.status_code == 200 and "一次性密码" in page.get_data(as_text=True)
    # posting elsewhere is turned back too, and nothing happens
    assert resident_web.post("/elder-mode", {"on": "1"}).status_code == 303
    weak = resident_web.post("/auth/password", {"current_password": one_time, "new_password": "12345678"})
    assert weak.status_code == 422 and reload(world.resident).must_change_password
    changed = resident_web.post("/auth/password", {"current_password": one_time, "new_password": "wang-meiling-2026"})
    assert changed.status_code == 303
    assert not reload(world.resident).must_change_password
    assert resident_web.get("/account").status_code == 200

    resident_web.post("/auth/logout")
    assert login(resident_web, world.resident.phone, one_time).status_code == 422
    assert login(resident_web, world.resident.phone, "wang-meiling-2026").headers["Location"] == "/"


def test_a_one_time_password_works_for_24_hours_until_a_new_one_is_chosen(world, now):
    phone = world.resident.phone
    password = accounts.reset_password(world.staff, world.resident.id, now)
    assert accounts.authenticate(phone, password, now + timedelta(hours=23, minutes=59)) == world.resident
    accounts.change_password(reload(world.resident), password, "wang-meiling-2026")
    assert reload(world.resident).one_time_password_until is None
    assert accounts.authenticate(phone, "wang-meiling-2026", now + timedelta(days=30)) == world.resident


def test_an_expired_one_time_password_is_refused_with_a_clear_message(world, now):
    phone = world.resident.phone
    password = accounts.reset_password(world.staff, world.resident.id, now)
    assert accounts.authenticate(phone, "wrong-password", now + timedelta(hours=25)) is None  # no hint for guessers
    with pytest.raises(NotAllowed) as refused:
        accounts.authenticate(phone, password, now + timedelta(hours=24, minutes=1))
    assert "expired" in refused.value.msgid


def test_an_expired_one_time_password_logs_nobody_in(app, world):
    password = accounts.reset_password(world.staff, world.resident.id, utcnow() - timedelta(hours=25))
    web = CsrfClient(app.test_client())
    refused = login(web, world.resident.phone, password)
    assert refused.status_code == 422
    assert "已过期" in refused.get_data(as_text=True)
    assert web.get("/account").status_code == 302


def test_logout_is_open_during_the_forced_change(app, world):
    password = accounts.reset_password(world.staff, world.resident.id, utcnow())
    web = CsrfClient(app.test_client())
    assert login(web, world.resident.phone, password).headers["Location"] == "/auth/password"
    assert web.post("/auth/logout").headers["Location"] == "/"
    assert web.get("/account").status_code == 302  # logged out, sent to log in


@pytest.mark.parametrize("who, target, status", [
    ("other_staff", "resident", 404),
    ("resident", "outsider", 403),
    ("resident", "resident", 403),
    ("staff", "admin", 403),
    ("staff", "outsider", 404),
    ("staff", "elder", 422),
])
def test_http_refusals_change_nothing(app, world, who, target, status):
    web = CsrfClient(app.test_client())
    assert login(web, getattr(world, who).phone, PASSWORD).status_code == 303
    subject = getattr(world, target)
    before = (subject.password_hash, subject.session_epoch)
    for data in ({}, {"confirm": "yes"}):
        response = web.post(f"/staff/people/{subject.id}/password-reset", data)
        assert response.status_code == status
    if status in (403, 422) and who == "staff":
        assert "管理员" in response.get_data(as_text=True) or "手机号" in response.get_data(as_text=True)
    subject = reload(subject)
    assert (subject.password_hash, subject.session_epoch) == before and not subject.must_change_password


def test_the_reset_route_refuses_get_and_a_missing_token(app, world):
    web = CsrfClient(app.test_client())
    login(web, world.staff.phone, PASSWORD)
    url = f"/staff/people/{world.resident.id}/password-reset"
    assert web.get(url).status_code == 405
    assert web.post(url, {"confirm": "yes"}, csrf=False).status_code == 400
    assert not reload(world.resident).must_change_password


def test_the_button_shows_only_where_a_reset_is_allowed(app, world):
    web = CsrfClient(app.test_client())
    login(web, world.staff.phone, PASSWORD)
    assert "password-reset" in web.get(f"/staff/people/{world.resident.id}").get_data(as_text=True)
    assert "password-reset" not in web.get(f"/staff/people/{world.elder.id}").get_data(as_text=True)
    assert "password-reset" not in web.get(f"/staff/people/{world.admin.id}").get_data(as_text=True)
