"""Registering, logging in and out, changing a password, and the login rate limit."""
import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from neighbors.extensions import db
from neighbors.passwords import hash_password
from neighbors.models import User
from tests.factories import PASSWORD, make_community, make_user


def register(web, **fields):
    community = make_community()
    data = {"phone": "13812345678", "name": "林秀英", "password": "lin-xiuying-2024", "community": community.id}
    data.update(fields)
    return web.post("/auth/register", data)


def users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_registering_creates_a_resident_and_logs_in(web, client):
    response = register(web)
    assert response.status_code == 303
    user = db.session.scalar(sa.select(User).where(User.phone == "13812345678"))
    assert user.name == "林秀英" and user.roles == {"resident"}
    assert check_password_hash(user.password_hash, "lin-xiuying-2024")
    assert "林秀英" in client.get("/").get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt_unless_a_test_configuration_says_otherwise(app):
    assert hash_password("lin-xiuying-2024").startswith("pbkdf2:sha256:1000$")  # the suite's fast hasher
    app.config.pop("PASSWORD_HASH_METHOD")
    try:
        assert hash_password("lin-xiuying-2024").startswith("scrypt:")
    finally:
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    from neighbors.config import from_environment

    assert "PASSWORD_HASH_METHOD" not in from_environment(app.instance_path)


def test_registration_form_lists_communities_by_id_and_name(client, app):
    community = make_community("深田社区", street="开元街道")
    page = client.get("/auth/register").get_data(as_text=True)
    assert f'<option value="{community.id}">深田社区（开元街道）</option>' in page


def test_phone_with_spaces_or_country_code_is_stored_as_eleven_digits(web):
    assert register(web, phone="+86 138 1234 5678").status_code == 303
    assert db.session.scalar(sa.select(User.phone)) == "13812345678"


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "010-62345678", "abc", "13812345678901234"])
def test_a_bad_phone_is_refused_in_chinese(web, phone):
    response = register(web, phone=phone)
    assert response.status_code == 422
    assert "请输入中国大陆手机号" in response.get_data(as_text=True)
    assert users() == 0


def test_a_taken_phone_is_refused(web, app):
    make_user(phone="13812345678")
    response = register(web)
    assert response.status_code == 422
    assert "这个手机号已经注册过了" in response.get_data(as_text=True)
    assert users() == 1


@pytest.mark.parametrize("password, message", [
    ("short1", "密码至少 8 位"),
    ("12345678", "这个密码太容易被猜到"),
    ("password123", "这个密码太容易被猜到"),
    ("aaaaaaaaaa", "这个密码太容易被猜到"),
    ("demo1234", "这个密码太容易被猜到"),  # the demo logins' password, printed in the README
    ("DEMO1234", "这个密码太容易被猜到"),
])
def test_a_weak_password_is_refused(web, password, message):
    response = register(web, password=password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert users() == 0


def test_an_unknown_community_is_refused(web):
    response = register(web, community="99999")
    assert response.status_code == 422
    assert "请从列表中选择" in response.get_data(as_text=True)
    assert users() == 0


def test_login_and_logout(web, client, app):
    user = make_user(name="郑长华")
    response = web.post("/auth/login", {"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "郑长华" in client.get("/account").get_data(as_text=True)
    assert web.post("/auth/logout").status_code == 303
    assert client.get("/account").status_code == 302


def test_login_follows_only_local_next(web, app):
    user = make_user()
    response = web.post("/auth/login?next=https://evil.example/", {"phone": user.phone, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    response = web.post("/auth/logout")
    response = web.post("/auth/login?next=/notifications", {"phone": user.phone, "password": PASSWORD})
    assert response.headers["Location"] == "/notifications"


def test_a_wrong_password_says_so_without_saying_which_part(web, app):
    user = make_user()
    response = web.post("/auth/login", {"phone": user.phone, "password": "wrong-password"})
    assert response.status_code == 422
    assert "手机号或密码不正确" in response.get_data(as_text=True)


def test_a_resident_without_phone_login_cannot_log_in(web, app):
    make_user(phone="13812345678", password=None)
    response = web.post("/auth/login", {"phone": "13812345678", "password": ""})
    assert response.status_code == 422


def test_logout_is_post_only(client, app):
    assert client.get("/auth/logout").status_code == 405


def test_change_password(web, auth, app):
    user = make_user()
    auth.login(user)
    response = web.post("/auth/password", {"current_password": "nope-nope-1", "new_password": "new-secret-2025"})
    assert response.status_code == 422 and "原密码不正确" in response.get_data(as_text=True)
    response = web.post("/auth/password", {"current_password": PASSWORD, "new_password": "new-secret-2025"})
    assert response.status_code == 303
    auth.logout()
    auth.login(user, password="new-secret-2025")


def test_failed_logins_are_limited_per_phone_with_a_clear_message(limited_app, web):
    user = make_user()
    for _ in range(5):
        assert web.post("/auth/login", {"phone": user.phone, "password": "wrong-password"}).status_code == 422
    response = web.post("/auth/login", {"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 429
    assert "尝试次数太多" in response.get_data(as_text=True)
    other = make_user()
    assert web.post("/auth/login", {"phone": other.phone, "password": PASSWORD}).status_code == 303


def test_successful_logins_do_not_count_against_the_limit(limited_app, web, auth):
    user = make_user()
    for _ in range(7):
        auth.login(user)
        auth.logout()


def test_failed_logins_are_limited_per_client_address(limited_app, web):
    for n in range(30):
        web.post("/auth/login", {"phone": f"1370000{n:04d}", "password": "wrong-password"})
    response = web.post("/auth/login", {"phone": "13700009999", "password": "wrong-password"})
    assert response.status_code == 429


def test_logging_out_makes_a_copied_session_cookie_worthless(app, web, auth):
    user = make_user()
    auth.login(user)
    stolen = app.test_client()
    for cookie in web.client._cookies.values():
        stolen.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert stolen.get("/account").status_code == 200
    auth.logout()
    assert stolen.get("/account").status_code == 302


def test_changing_the_password_logs_out_other_devices_but_not_this_one(app, web, auth):
    user = make_user()
    auth.login(user)
    other_device = app.test_client()
    from tests.conftest import Auth, CsrfClient

    Auth(CsrfClient(other_device)).login(user)
    web.post("/auth/password", {"current_password": PASSWORD, "new_password": "brand-new-secret-9"})
    assert web.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
