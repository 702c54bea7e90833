"""Chinese first, English second: the switch, Accept-Language, and complete catalogues."""
from pathlib import Path

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


def test_a_stored_term_is_shown_in_the_readers_language(app):
    """A notification keeps a category as its msgid; each reader sees it in their own language."""
    from flask_babel import force_locale

    from neighbors.i18n import term, with_terms

    params = {"category": term("Broken facility"), "alley": "打铁巷"}
    with app.test_request_context():
        with force_locale("en"):
            assert with_terms(params) == {"category": "Broken facility", "alley": "打铁巷"}
        with force_locale("zh"):
            assert with_terms(params) == {"category": "设施损坏", "alley": "打铁巷"}


CHINESE_TERMS = ["占道", "卫生", "安全隐患", "设施损坏", "城管", "市场监管", "环卫"]


def test_english_pages_name_categories_and_departments_in_english(app, auth, web):
    """The demo's staff queue, cases, case list and an officer's page, and the meal forms' examples, read in English."""
    import re

    import sqlalchemy as sa

    from neighbors import demo
    from neighbors.extensions import db
    from neighbors.models import User

    demo.build()
    db.session.commit()
    web.get("/lang/en")
    seen, pages = {}, {}
    officer = db.session.scalar(sa.select(User).where(User.phone == "13900000006"))  # 城管
    for phone, paths in {"13900000008": ["/staff/", "/alleys/findings", "/alleys/findings?state=all"],
                         "13900000004": ["/kitchen/profile/"]}.items():
        auth.login(phone, "demo1234")
        for path in paths:
            page = web.get(path, follow_redirects=True).get_data(as_text=True)
            text = re.sub(r"<[^>]+>", " ", page)
            seen[path] = [word for word in CHINESE_TERMS if word in text]
            pages[path] = " ".join(text.split())
        web.post("/auth/logout")
    assert seen == {path: [] for path in seen}
    assert re.search(r"(Overdue case|Needs a department): (Blocked passage|Sanitation|Street vending|Safety hazard"
                     r"|Broken facility|Other) in ", pages["/staff/"])
    assert "For example: less salt, soft food" in pages["/kitchen/profile/"]
    auth.login("13900000008", "demo1234")
    person = web.get(f"/staff/people/{officer.id}").get_data(as_text=True)  # its form's examples are the names to type
    assert '<span class="meta">City management</span>' in person and '<span class="meta">城管</span>' not in person


def test_make_compiles_every_catalogue_the_app_reads():
    """A catalogue the Makefile does not compile has no .mo on a fresh clone: its pages would be in English."""
    from neighbors import MODULE_TRANSLATIONS

    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    catalogues = makefile.split("CATALOGS :=", 1)[1].split("\n\n", 1)[0].split()
    assert {f"neighbors/{folder}" for folder in MODULE_TRANSLATIONS} <= set(catalogues)
