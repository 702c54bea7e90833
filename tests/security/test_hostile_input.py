"""Hostile and odd input to the foundation's forms: never a 5xx, always an answer in the
reader's language, nothing stored when refused, and user text always shown inert."""
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from neighbors.extensions import db
from neighbors.models import User
from tests.factories import PASSWORD, make_community, make_user
from tests.security.conftest import CJK, changes, fingerprint, sign_in

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ERRORS = re.compile(r'class="(?:error-text|notice notice-error)"[^>]*>(.*?)</(?:p|div)>', re.S)

NASTY = [
    "", " ", "\t\r\n", "\x00", "abc\x00def", "\u202eRTL\u202c", "\u200b\u200c\u200d", "\ufeff", "👵🏻👨‍👩‍👧", "𠀀𪚥",
    "١٢٣٤٥٦٧٨٩٠", "１３８１２３４５６７８", "ｐａｓｓｗｏｒｄ", "\ud7ff", "x" * 5_000, "字" * 60_000,
    "' OR '1'='1' --", "1; DROP TABLE users; --", "\" OR \"\"=\"", "%' AND 1=1 AND '%'='",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}", "{% raw %}", "${7*7}",
    "%s%s%s%n", "../../../../etc/passwd", "javascript:alert(1)", "-1", "0", "1e309", "NaN", "-0",
    "99999999999999999999999999", str(2**63), str(-(2**31) - 1), "[]", "{}", "null", "true", "13812345678",
    "+86 138 1234 5678", "008613812345678",
]
value = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
)
# A field is absent, sent once, or sent several times (a list where a string is expected).
field = st.one_of(st.none(), value, st.lists(value, min_size=2, max_size=3))
HOSTILE = settings(max_examples=40, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def form(**fields) -> dict:
    return {name: content for name, content in fields.items() if content is not None}


def post(client, path: str, data: dict):
    token = TOKEN.search(client.get(path).get_data(as_text=True)).group(1)
    return client.post(path, data={**data, "csrf_token": token})


def check_answer(response, before, language: str = "zh") -> None:
    """Not a 5xx; a refusal says why in the reader's language and changes nothing."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code == 303:
        return
    assert response.status_code in (413, 422), response.status_code
    page = response.get_data(as_text=True)
    assert f'<html lang="{"zh-CN" if language == "zh" else "en"}"' in page
    if response.status_code == 422:
        messages = [re.sub(r"<[^>]+>", "", text).replace("⚠", "").strip() for text in ERRORS.findall(page)]
        if 'data-testid="error-page"' in page:  # refused before the form was read (e.g. a NUL character)
            messages = re.findall(r'<p class="lead">([^<]+)</p>', page)
        assert messages, "a refused form must say what is wrong"
        for message in messages:
            assert bool(re.search(CJK, message)) == (language == "zh"), message
    assert changes(before, fingerprint()) == set()


@HOSTILE
@given(phone=field, name=field, password=field, community=field)
def test_registration_survives_anything(app, phone, name, password, community):
    make_community()
    client = app.test_client()
    before = fingerprint()
    response = post(client, "/auth/register", form(phone=phone, name=name, password=password, community=community))
    check_answer(response, before)
    if response.status_code == 303:
        user = db.session.scalar(sa.select(User).order_by(User.id.desc()))
        assert user.name == " ".join(str(name).split()) and len(user.phone) == 11 and user.roles == {"resident"}


def the_user() -> User:
    """One person for every example (the database is not emptied between examples)."""
    return db.session.scalar(sa.select(User).where(User.phone == "13812345678")) or make_user(
        make_community(), phone="13812345678")


@HOSTILE
@given(phone=field, password=field)
def test_login_survives_anything(app, phone, password):
    the_user()
    client = app.test_client()
    before = fingerprint()
    check_answer(post(client, "/auth/login", form(phone=phone, password=password)), before)


@settings(HOSTILE, max_examples=20)
@given(current=field, new=field)
def test_changing_password_survives_anything(app, current, new):
    user = the_user()
    client = app.test_client()
    sign_in(client, user)
    before = fingerprint()
    response = post(client, "/auth/password", form(current_password=current, new_password=new))
    check_answer(response, before)
    if response.status_code == 303:
        db.session.expire_all()
        assert db.session.get(User, user.id).check_password(new)
        user.set_password(PASSWORD)
        db.session.commit()


@settings(HOSTILE, max_examples=15)
@given(phone=field, name=field, password=field)
def test_refusals_speak_english_to_an_english_reader(app, phone, name, password):
    community = make_community()
    client = app.test_client()
    client.get("/lang/en")
    before = fingerprint()
    response = post(client, "/auth/register", form(phone=phone, name=name, password=password, community=community.id))
    check_answer(response, before, language="en")


@pytest.mark.parametrize("community", ["abc", "-1", "0", "99999999999999999999", str(2**31), "1.5", "", "1 OR 1=1"])
def test_a_community_that_does_not_exist_is_a_clear_refusal(web, app, community):
    make_community()
    before = fingerprint()
    response = web.post("/auth/register", {"phone": "13812345678", "name": "林秀英", "password": "lin-xiuying-2024",
                                           "community": community})
    check_answer(response, before)
    assert response.status_code == 422


XSS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "<a href=\"javascript:alert(1)\">点我</a>",
    "</title><script>alert(1)</script>",
    "<iframe srcdoc=\"<script>alert(1)</script>\">",
]
PAGES_SHOWING_NAME = ["/", "/account", "/notifications", "/auth/password", "/auth/login", "/no-such-page"]


@pytest.mark.parametrize("payload", XSS)
def test_a_hostile_name_is_shown_escaped_everywhere(web, app, payload):
    community = make_community()
    response = web.post("/auth/register", {"phone": "13812345678", "name": payload, "password": "lin-xiuying-2024",
                                           "community": community.id})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(User.name)) == payload, "the name is kept as typed, and escaped when shown"
    escaped = str(escape(payload))
    for path in PAGES_SHOWING_NAME:
        page = web.get(path).get_data(as_text=True)
        assert payload not in page, f"{path} shows the raw payload"
        assert escaped in page, f"{path} does not show the name"
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), f"{path}: an inline script got in"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", page, re.I), f"{path}: an event handler got in"
        assert not re.search(r"<[a-z]+[^>]*(alert|javascript)", page, re.I), f"{path}: an element got in"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                                    "\\\\evil.example", "http:/evil.example", " //evil.example"])
def test_redirect_targets_stay_on_this_site(web, app, target):
    user = make_user(make_community())
    response = web.post(f"/auth/login?next={target}", {"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] in ("/", "http://localhost/")
    response = web.get("/lang/en", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] in ("/", "http://localhost/")


@pytest.mark.parametrize("field_name", ["name", "password", "phone"])
def test_each_nasty_value_in_an_otherwise_good_registration(web, app, field_name):
    """The generated tests rarely pair a nasty value with three good ones; this does, for each."""
    community = make_community()
    for number, nasty in enumerate(NASTY):
        data = {"phone": f"1391234{number:04d}", "name": "林秀英", "password": "lin-xiuying-2024",
                "community": community.id, field_name: nasty}
        before = fingerprint()
        response = web.post("/auth/register", data)
        check_answer(response, before)
        if response.status_code == 303:
            web.post("/auth/logout")
