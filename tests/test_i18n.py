"""Chinese first, English second: the switch, Accept-Language, and complete catalogues."""
from neighbors.i18n_catalogs import conflicts, missing
from tests.factories import make_user


def test_every_message_is_translated_in_both_catalogues():
    assert missing() == []


def test_one_english_message_has_one_chinese_translation_across_modules():
    assert conflicts() == []


def test_chinese_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN"' in page and "邻里守望" in page


def test_accept_language_english_is_honoured(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en"' in page and "Neighbors helping neighbors" in page


def test_the_switch_is_remembered_and_redirects_back(client):
    response = client.get("/lang/en?next=/auth/login")
    assert response.status_code == 303 and response.headers["Location"] == "/auth/login"
    page = client.get("/auth/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en"' in page and "Log in" in page
    client.get("/lang/zh")
    assert '<html lang="zh-CN"' in client.get("/").get_data(as_text=True)


def test_the_switch_never_redirects_off_site(client):
    assert client.get("/lang/en?next=https://evil.example/x").headers["Location"] == "/"
    assert client.get("/lang/en?next=//evil.example/x").headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    client.get("/lang/fr")
    assert '<html lang="zh-CN"' in client.get("/").get_data(as_text=True)


def test_a_logged_in_users_choice_follows_them_to_a_new_browser(app, auth, web):
    user = make_user()
    auth.login(user)
    web.get("/lang/en")
    other_browser = app.test_client()
    other_browser.get("/auth/login")
    from tests.conftest import CsrfClient, Auth

    Auth(CsrfClient(other_browser)).login(user)
    other_browser.delete_cookie("lang")
    assert '<html lang="en"' in other_browser.get("/").get_data(as_text=True)
