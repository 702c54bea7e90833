"""Browser protections on every kind of response, session cookies, session fixation,
password rules and the rate limits on logging in and registering."""
import re

import pytest
import sqlalchemy as sa

from neighbors import create_app
from neighbors.extensions import db
from neighbors.models import User
from neighbors.passwords import common_passwords, weakness
from tests.conftest import _test_config
from tests.factories import PASSWORD, make_community, make_user
from tests.security.conftest import CJK, assert_friendly_error, sign_in

PAGES = ["/", "/auth/login", "/auth/register", "/account", "/notifications", "/auth/password", "/no-such-page"]


def csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def kinds_of_response(client, world):
    """A page, a fragment, an error page, a refused method, a refused token, plain text, a static file."""
    sign_in(client, world.actor("resident"))
    yield "page", client.get("/account")
    yield "htmx fragment", client.get("/notifications/bell", headers={"HX-Request": "true"})
    yield "404", client.get("/no-such-page")
    yield "405", client.get("/auth/logout")
    yield "400", client.post("/elder-mode", data={"on": "1"})
    yield "healthz", client.get("/healthz")
    yield "static", client.get("/static/css/app.css")


def test_every_kind_of_response_carries_the_protective_headers(client, world):
    for kind, response in kinds_of_response(client, world):
        directives = csp(response)
        assert directives, f"{kind}: no Content-Security-Policy"
        scripts = directives.get("script-src", directives.get("default-src"))
        assert scripts == ["'self'"], f"{kind}: script-src {scripts}"
        assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(response.headers["Content-Security-Policy"].split())
        assert directives["frame-ancestors"] == ["'none'"], kind
        assert directives["object-src"] == ["'none'"], kind
        assert directives["base-uri"] == ["'self'"], kind
        assert directives["form-action"] == ["'self'"], kind
        assert response.headers["X-Content-Type-Options"] == "nosniff", kind
        assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
        assert response.headers["X-Frame-Options"] == "DENY", kind


def test_pages_have_nothing_the_policy_would_block(client, world):
    """No inline script, event handler, javascript: link or style attribute; htmx never evaluates."""
    sign_in(client, world.actor("staff"))
    for path in PAGES:
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), f"{path}: inline <script>"
        assert not re.search(r"\son[a-z]+\s*=", page, re.I), f"{path}: inline event handler"
        assert "javascript:" not in page.lower(), path
        assert not re.search(r"\sstyle\s*=", page, re.I), f"{path}: style attribute (blocked by style-src)"
        assert not re.search(r"\shx-on[:-]", page), f"{path}: hx-on needs eval"
        config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page)
        assert config, f"{path}: htmx is not configured"
        assert '"allowEval": false' in config.group(1)
        assert '"includeIndicatorStyles": false' in config.group(1)


def test_pages_vary_on_htmx(client, world):
    sign_in(client, world.actor("resident"))
    response = client.get("/account")
    assert "HX-Request" in response.headers.get("Vary", "")


def test_private_pages_are_not_kept_by_any_cache_but_public_files_are(client, world):
    """On a shared phone, the back button after logging out must not bring an address or a balance back."""
    assert "no-store" not in client.get("/auth/login").headers.get("Cache-Control", "")
    sign_in(client, world.actor("resident"))
    for path in ("/", "/account", "/notifications", "/no-such-page"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    assert client.get("/notifications/bell", headers={"HX-Request": "true"}).headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_https_responses_ask_the_browser_to_stay_on_https(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers  # plain http: meaningless
    secure = client.get("/auth/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_refused_requests_are_logged_with_who_and_what(client, world, caplog):
    """ASVS 7.2.2: a forbidden page and a missing CSRF token leave a line in the security log."""
    resident = world.actor("resident")
    sign_in(client, resident)
    with caplog.at_level("WARNING", logger="neighbors.security"):
        assert client.get("/staff/").status_code == 403
        assert client.post("/elder-mode", data={"on": "1"}).status_code == 400
    lines = [record.getMessage() for record in caplog.records if record.name == "neighbors.security"]
    assert any(f"refused (forbidden): user={resident.id} GET /staff/" in line for line in lines), lines
    assert any(f"refused (csrf): user={resident.id} POST /elder-mode" in line for line in lines), lines
    assert not any(resident.phone in line or "csrf_token=" in line for line in lines)


def session_cookie(response, name: str = "session") -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no {name} cookie set")


def flags(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() + ("=" + part.split("=", 1)[1].strip().lower() if "samesite" in
            part.lower() else "") for part in cookie.split(";")[1:]}


def test_session_and_remember_cookies_are_httponly_and_lax(web, app):
    user = make_user(make_community())
    response = web.post("/auth/login", {"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 303
    for name in ("session", "remember_token"):
        cookie_flags = flags(session_cookie(response, name))
        assert "httponly" in cookie_flags and "samesite=lax" in cookie_flags, (name, cookie_flags)
        assert "secure" not in cookie_flags  # plain http in tests; see the next test


@pytest.mark.parametrize("environment", [{"SESSION_COOKIE_SECURE": "1"},
                                         {"NEIGHBORS_ENV": "production", "SECRET_KEY": "p" * 40}])
def test_cookies_are_secure_when_configured_or_in_production(monkeypatch, database_url, upload_dir, app, environment):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = {key: value for key, value in _test_config(database_url, upload_dir).items()
              if key not in {"NEIGHBORS_ENV", "SECRET_KEY"}}
    secure_app = create_app(config)
    user = make_user(make_community())
    with secure_app.app_context():
        client = secure_app.test_client()
        page = client.get("/auth/login", base_url="https://localhost").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/auth/login", data={"phone": user.phone, "password": PASSWORD, "csrf_token": token},
                               base_url="https://localhost", headers={"Referer": "https://localhost/auth/login"})
        assert response.status_code == 303, response.get_data(as_text=True)[:300]
        for name in ("session", "remember_token"):
            assert "secure" in flags(session_cookie(response, name)), name
        db.session.remove()


def session_contents(app, cookie_value: str) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(cookie_value)


def test_logging_in_starts_a_new_session(app, web):
    """Session fixation: a session someone planted before login is not the one that logs in."""
    user = make_user(make_community())
    web.get("/lang/zh")
    planted = web.client.get_cookie("session").value
    web.token()
    before = session_contents(app, web.client.get_cookie("session").value)
    assert "csrf_token" in before and "_user_id" not in before
    response = web.post("/auth/login", {"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 303
    after_cookie = web.client.get_cookie("session").value
    after = session_contents(app, after_cookie)
    assert after_cookie != planted
    assert after["_user_id"] == user.get_id()  # "<id>.<session epoch>"
    assert after.get("csrf_token") != before["csrf_token"], "the pre-login CSRF secret survived login"
    assert after.get("lang") == "zh", "the language choice is kept"
    attacker = app.test_client()
    attacker.set_cookie("session", planted, domain="localhost")
    assert attacker.get("/account").status_code in (302, 303), "the planted session became logged in"


def test_logging_out_forgets_the_user_and_the_remember_cookie(app, web):
    user = make_user(make_community())
    web.post("/auth/login", {"phone": user.phone, "password": PASSWORD})
    assert web.get("/account").status_code == 200
    response = web.post("/auth/logout")
    assert response.status_code == 303
    assert re.search(r"remember_token=;.*(Expires=Thu, 01 Jan 1970|Max-Age=0)", session_cookie(response, "remember_token"))
    assert web.get("/account").status_code in (302, 303)


def test_staff_get_no_remember_cookie_and_log_in_again_after_twelve_hours(app, web):
    """ASVS 3.3.2 for the accounts that see every resident's address: a resident stays logged in on her own
    phone, a staff member's session ends 12 hours after logging in, however busy."""
    community = make_community()
    resident = make_user(community, phone="13800000001")
    staff = make_user(community, "staff", phone="13800000002")
    resident_login = web.post("/auth/login", {"phone": resident.phone, "password": PASSWORD})
    assert "remember_token=" in " ".join(resident_login.headers.getlist("Set-Cookie"))
    web.post("/auth/logout")
    staff_login = web.post("/auth/login", {"phone": staff.phone, "password": PASSWORD})
    assert staff_login.status_code == 303
    assert not any(c.startswith("remember_token=") and "Expires=Thu, 01 Jan 1970" not in c
                   for c in staff_login.headers.getlist("Set-Cookie"))
    assert web.get("/staff/").status_code == 200
    with web.client.session_transaction() as session:
        session["signed_in_at"] -= 11 * 3600
    assert web.get("/staff/").status_code == 200
    with web.client.session_transaction() as session:
        session["signed_in_at"] -= 2 * 3600
    expired = web.get("/staff/")
    assert expired.status_code == 303 and "/auth/login" in expired.headers["Location"]
    assert "12" in web.get(expired.headers["Location"]).get_data(as_text=True)
    assert web.get("/staff/").status_code in (302, 303), "the old session still works"
    polled = web.client.get("/staff/count", headers={"HX-Request": "true"})
    assert polled.status_code in (302, 303) or "HX-Redirect" in polled.headers


def zh_message(msgid: str) -> str:
    from flask import current_app
    from flask_babel import force_locale, gettext

    with current_app.test_request_context(), force_locale("zh"):
        return gettext(msgid)


@pytest.mark.parametrize("password, problem", [
    ("1234567", "Use at least 8 characters."),
    ("短密码七个字", "Use at least 8 characters."),
    ("12345678", "This password is too easy to guess. Choose another."),
    ("PASSWORD", "This password is too easy to guess. Choose another."),
    ("Qwertyuiop", "This password is too easy to guess. Choose another."),
    ("aaaaaaaaaaaa", "This password is too easy to guess. Choose another."),
    ("abababababab", "This password is too easy to guess. Choose another."),
    ("19550312", "This password is too easy to guess. Choose another."),  # a birthday
    ("23456789", "This password is too easy to guess. Choose another."),
    ("poiuytrewq", "This password is too easy to guess. Choose another."),
    ("abcdefghij", "This password is too easy to guess. Choose another."),
    ("abcabcabc", "This password is too easy to guess. Choose another."),
    ("52005200", "This password is too easy to guess. Choose another."),
    ("x" * 129, "Use at most 128 characters."),
])
def test_weak_passwords_are_refused_on_registering_and_changing(web, app, password, problem):
    community = make_community()
    message = zh_message(problem)
    assert re.search(CJK, message)
    response = web.post("/auth/register", {"phone": "13812345678", "name": "林秀英", "password": password,
                                           "community": community.id})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page or (len(password) > 128 and "128" in page)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    user = make_user(community)
    old_hash = user.password_hash
    sign_in(web.client, user)
    response = web.post("/auth/password", {"current_password": PASSWORD, "new_password": password})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_ones_own_mobile_number_is_refused_on_registering_and_changing(web, app):
    community = make_community()
    message = zh_message("Do not use your mobile number in your password.")
    assert re.search(CJK, message)
    for password in ("13812345678", "lin13812345678", "12345678"):  # the number, inside, its last eight digits
        response = web.post("/auth/register", {"phone": "138 1234 5678", "name": "林秀英", "password": password,
                                               "community": community.id})
        assert response.status_code == 422
    assert message in web.post("/auth/register", {"phone": "13812345678", "name": "林秀英",
                                                  "password": "xiuying13812345678", "community": community.id}
                               ).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    user = make_user(community, phone="13957208164")
    sign_in(web.client, user)
    for password in ("13957208164", "57208164"):
        response = web.post("/auth/password", {"current_password": PASSWORD, "new_password": password})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert weakness("57208164-lin", phone="13957208164") is None  # the last digits inside a longer password


def test_dates_runs_and_repeats_are_refused_but_passwords_like_them_are_not():
    for password in ("20240229", "19991231", "zyxwvuts", "asdfghjkl", "0987654321", "12ab12ab12ab", "aaaabbbb"):
        assert weakness(password) is not None, password
    for password in ("20240230", "29991231", "abcdefgX", "asdfhgjkl", "12ab12ab12ac", "lin-1955-0312"):
        assert weakness(password) is None, password


def test_every_common_password_is_refused():
    listed = common_passwords()
    assert len(listed) >= 100
    for password in listed:
        assert weakness(password) is not None, password
        assert weakness(password.upper()) is not None, password
    assert weakness("lin-xiuying-2024") is None


def login_attempt(client, phone: str, password: str):
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/auth/login", data={"phone": phone, "password": password, "csrf_token": token})


def test_failed_logins_for_one_phone_are_limited_and_the_right_password_waits_too(rated_app):
    user = make_user(make_community())
    client = rated_app.test_client()
    for _ in range(5):
        assert login_attempt(client, user.phone, "wrong-password-1").status_code == 422
    limited = login_attempt(client, user.phone, "wrong-password-1")
    assert_friendly_error(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    assert login_attempt(client, user.phone, PASSWORD).status_code == 429, "a guesser who hits it must not get in"
    assert client.get("/account").status_code in (302, 303)
    other = make_user(make_community())
    assert login_attempt(client, other.phone, PASSWORD).status_code == 303, "other people can still log in"


def test_failed_logins_from_one_address_are_limited_across_phones(rated_app):
    client = rated_app.test_client()
    for number in range(30):
        assert login_attempt(client, f"1381234{number:04d}", "wrong-password-1").status_code == 422
    assert_friendly_error(login_attempt(client, "13899990000", "wrong-password-1"), 429)


def test_registration_is_limited_per_address(rated_app):
    community = make_community()
    client = rated_app.test_client()
    for number in range(10):
        page = client.get("/auth/register").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/auth/register", data={"phone": f"1381234{number:04d}", "name": "x",
                                                       "password": "short", "community": community.id,
                                                       "csrf_token": token})
        assert response.status_code == 422
    page = client.get("/auth/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/register", data={"phone": "13912345678", "name": "林秀英",
                                                   "password": "lin-xiuying-2024", "community": community.id,
                                                   "csrf_token": token})
    assert_friendly_error(response, 429)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
