"""The page shell: elder mode, error pages, the bell, headers and the health check."""
import pytest

from neighbors.extensions import db
from neighbors.notifications import notify
from tests.factories import make_user


def test_elder_mode_is_remembered_per_browser(web, client):
    response = web.post("/elder-mode", {"on": "1", "next": "/auth/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"
    assert '<html lang="zh-CN" class="elder">' in client.get("/").get_data(as_text=True)
    web.post("/elder-mode", {"on": "0"})
    assert 'class="elder"' not in client.get("/").get_data(as_text=True)


def test_elder_mode_is_remembered_per_user(app, web, auth):
    user = make_user()
    auth.login(user)
    web.post("/elder-mode", {"on": "1"})
    db.session.refresh(user)
    assert user.elder_mode is True
    browser = app.test_client()
    from tests.conftest import Auth, CsrfClient

    Auth(CsrfClient(browser)).login(user)
    assert 'class="elder"' in browser.get("/").get_data(as_text=True)


def test_the_home_page_has_a_prominent_elder_mode_switch(client):
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="elder-switch"' in page and "长辈版" in page


@pytest.mark.parametrize("lang, text", [("zh", "找不到这个页面"), ("en", "Page not found")])
def test_404_is_friendly_in_both_languages(client, lang, text):
    client.get(f"/lang/{lang}")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/aid/requests/99999999999999999999", "/kitchen/meals/2147483648",
                                  "/alleys/findings/184467440737095516160"])
def test_an_id_no_record_can_have_is_simply_not_found(app, auth, client, path):
    auth.login(make_user(name="郑长华"))
    response = client.get(path)
    assert response.status_code == 404
    assert "找不到" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)


def test_403_for_a_user_without_the_role(app, auth, client):
    auth.login(make_user())
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "您无法打开这个页面" in response.get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_405_and_400_pages_are_friendly(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405 and "不能这样使用这个页面" in response.get_data(as_text=True)
    response = client.post("/elder-mode", data={"on": "1"})
    assert response.status_code == 400 and "页面可能打开太久了" in response.get_data(as_text=True)


def test_413_page_for_a_huge_body(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/login", data={"phone": "1" * 5000})
    assert response.status_code == 413 and "文件太大了" in response.get_data(as_text=True)


def test_500_page_hides_the_error(fresh_app):
    fresh_app.config["PROPAGATE_EXCEPTIONS"] = False

    @fresh_app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = fresh_app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "抱歉，系统出了点问题" in page and "secret internals" not in page and "Traceback" not in page


def test_the_bell_counts_unread_notifications_and_the_list_reads_them(app, auth, client):
    user = make_user()
    notify(user, "Your password has been changed.")
    notify(user, "Your password has been changed.")
    db.session.commit()
    auth.login(user)
    bell = client.get("/notifications/bell").get_data(as_text=True)
    assert '<span class="badge">2</span>' in bell
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("密码已修改。") == 2
    assert 'class="badge"' not in client.get("/notifications/bell").get_data(as_text=True)


def test_healthz_touches_no_database(app, client):
    from sqlalchemy import event

    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    db.session.commit()
    response = client.get("/healthz")
    event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"
    assert statements == []


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_requests_send_the_csrf_token_as_a_header(app, htmx_client):
    response = htmx_client.post("/elder-mode", {"on": "1"})
    assert response.status_code == 303
