"""Behind a reverse proxy: X-Forwarded-For/-Proto are trusted only when NEIGHBORS_PROXY_HOPS says
how many proxies append them; otherwise a forged header must not give a guesser a fresh address."""
import re

import pytest
import flask

from neighbors import create_app
from neighbors.config import ConfigError, from_environment
from neighbors.extensions import db, limiter
from tests.conftest import IsolatedClient, _test_config, empty_all_tables
from tests.factories import PASSWORD, make_community, make_user
from tests.security.conftest import assert_friendly_error

PROXY = "10.0.0.1"  # the load balancer: every request arrives from it when the app sits behind one
ADDRESS_LIMIT = 30  # failed logins per address per 15 minutes (neighbors/auth/views.py)


@pytest.fixture
def proxied_app(request, _schema, database_url, upload_dir):
    """An app with rate limits on and NEIGHBORS_PROXY_HOPS = the test's parameter, plus a probe of what it sees."""
    app = create_app({**_test_config(database_url, upload_dir), "RATELIMIT_ENABLED": True,
                      "NEIGHBORS_PROXY_HOPS": request.param})
    app.test_client_class = IsolatedClient

    @app.get("/_probe/client")
    def probe():
        seen = flask.request
        return {"address": seen.remote_addr, "secure": seen.is_secure, "scheme": seen.scheme}

    with app.app_context():
        empty_all_tables()
        limiter.reset()
        yield app
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def client_from(app, address: str = PROXY):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def failed_login(client, phone: str, headers: dict | None = None, base_url: str = "http://localhost"):
    return login(client, phone, "wrong-password-1", headers, base_url)


def login(client, phone: str, password: str, headers: dict | None = None, base_url: str = "http://localhost"):
    headers = dict(headers or {})
    page = client.get("/auth/login", headers=headers, base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/auth/login", data={"phone": phone, "password": password, "csrf_token": token},
                       headers={**headers, "Referer": base_url + "/auth/login"}, base_url=base_url)


@pytest.mark.parametrize("proxied_app", [0], indirect=True)
def test_without_the_setting_a_forged_forwarded_for_does_not_dodge_the_login_limit(proxied_app):
    client = client_from(proxied_app, "198.51.100.7")
    for number in range(ADDRESS_LIMIT):
        forged = {"X-Forwarded-For": f"203.0.113.{number + 1}", "X-Real-IP": f"203.0.113.{number + 1}"}
        assert failed_login(client, f"1381234{number:04d}", forged).status_code == 422
    forged = {"X-Forwarded-For": "192.0.2.200"}
    assert_friendly_error(failed_login(client, "13899990000", forged), 429)


@pytest.mark.parametrize("proxied_app", [0], indirect=True)
def test_without_the_setting_the_app_sees_the_connecting_address_and_scheme(proxied_app):
    seen = client_from(proxied_app, "198.51.100.7").get(
        "/_probe/client", headers={"X-Forwarded-For": "203.0.113.1", "X-Forwarded-Proto": "https"}).get_json()
    assert seen == {"address": "198.51.100.7", "secure": False, "scheme": "http"}


@pytest.mark.parametrize("proxied_app", [1], indirect=True)
def test_behind_one_proxy_two_clients_are_limited_separately(proxied_app):
    proxy = client_from(proxied_app)
    first = {"X-Forwarded-For": "203.0.113.5"}
    for number in range(ADDRESS_LIMIT):
        # whatever the client puts in front, the proxy appends the address it saw: that one counts
        sent = {"X-Forwarded-For": f"192.0.2.{number + 1}, 203.0.113.5"}
        assert failed_login(proxy, f"1381234{number:04d}", sent).status_code == 422
    assert_friendly_error(failed_login(proxy, "13899990000", first), 429)
    second = {"X-Forwarded-For": "203.0.113.9"}
    assert failed_login(proxy, "13899990001", second).status_code == 422, "another client behind the proxy"
    user = make_user(make_community())
    assert login(proxy, user.phone, PASSWORD, second).status_code == 303


@pytest.mark.parametrize("proxied_app", [1], indirect=True)
def test_behind_one_proxy_the_app_sees_the_client_and_the_scheme_the_proxy_reports(proxied_app):
    proxy = client_from(proxied_app)
    seen = proxy.get("/_probe/client", headers={"X-Forwarded-For": "192.0.2.1, 203.0.113.5",
                                                "X-Forwarded-Proto": "https"}).get_json()
    assert seen == {"address": "203.0.113.5", "secure": True, "scheme": "https"}
    seen = proxy.get("/_probe/client", headers={"X-Forwarded-For": "203.0.113.5",
                                                "X-Forwarded-Proto": "http"}).get_json()
    assert seen == {"address": "203.0.113.5", "secure": False, "scheme": "http"}
    user = make_user(make_community())
    over_https = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https"}
    assert login(proxy, user.phone, PASSWORD, over_https).status_code == 400, \
        "an https page posted from an http referer is refused (CSRF strict referer on secure requests)"
    assert login(proxy, user.phone, PASSWORD, over_https, base_url="https://localhost").status_code == 303


@pytest.mark.parametrize(("value", "hops"), [(None, 0), ("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_proxy_hops_are_read_from_the_environment(monkeypatch, tmp_path, value, hops):
    if value is None:
        monkeypatch.delenv("NEIGHBORS_PROXY_HOPS", raising=False)
    else:
        monkeypatch.setenv("NEIGHBORS_PROXY_HOPS", value)
    assert from_environment(str(tmp_path))["NEIGHBORS_PROXY_HOPS"] == hops


@pytest.mark.parametrize("value", ["-1", "yes", "1.5"])
def test_a_proxy_hops_value_that_is_not_a_count_stops_the_app(monkeypatch, tmp_path, value):
    monkeypatch.setenv("NEIGHBORS_PROXY_HOPS", value)
    with pytest.raises(ConfigError, match="NEIGHBORS_PROXY_HOPS"):
        from_environment(str(tmp_path))
