"""Hostile input to every form of the modules (issue 9, part three): for every POST route of the
app, as a person allowed to use it, on a record of their own community, hypothesis posts
generated values for every field of the form the view reads — empty, huge, control and
combining characters, right-to-left marks, emoji, injection strings, numbers out of range,
malformed dates, choices that are not offered, lists where one value is expected, files that
are not photos. Never a 5xx; a refusal speaks Chinese and changes nothing in the database.

The fields come from the forms the view itself validates (seen while a first post runs), so a
field added to a form is attacked without touching this file. A POST route must either have
fields to attack or be listed in ONE_TAP (a button that sends only the CSRF token) or in
ELSEWHERE (covered by another test), each with its reason; a new route fails until it is.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from neighbors.extensions import db
from tests.security.conftest import CJK, ROLES, changes, fingerprint, sign_in
from tests.security.hostile import forms_read, hostile_value
from tests.security.test_authorization import CALLS, ENTRIES, Call, concrete_path, csrf_token, route_keys

ELSEWHERE = {
    "POST /auth/login": "hypothesis in test_hostile_input.py (every field, both languages)",
    "POST /auth/register": "hypothesis in test_hostile_input.py (every field, both languages)",
    "POST /auth/password": "hypothesis in test_hostile_input.py",
    # reached only between a staff password and its code, which no matrix column is in
    "POST /auth/second-factor": "wrong, reused, malformed codes and limits in tests/auth/test_second_factor.py and "
                                "test_second_factor_limits.py",
    "POST /auth/second-factor/enrol": "wrong and malformed codes in tests/auth/test_second_factor.py",
    "POST /auth/second-factor/recovery-codes": "tests/auth/test_second_factor.py",
    # a partner system's API key, not a session: bad input answered as Open311 errors, nothing filed
    "POST /open311/v2/requests.json": "bad input of every field in tests/open311/test_services.py and test_api.py",
    "POST /open311/v2/requests.xml": "the same view as requests.json; its refusals in XML in tests/open311/test_api.py",
}
# Buttons whose form carries nothing but the CSRF token (the test proves the view reads no field).
ONE_TAP = {
    "POST /notifications/read": "mark all read",
    "POST /staff/assessment/<int:year>/publish": "the admin publishes a year's results (the year is in the path)",
    "POST /auth/logout": "log out",
    "POST /kitchen/orders/<int:order_id>/cancel": "cancel my order",
    "POST /kitchen/feedback/<int:feedback_id>/acknowledge": "operator acknowledges a feedback",
    "POST /kitchen/standing/<int:standing_id>/end": "end a standing order",
    "POST /alleys/shifts/<int:shift_id>/signup": "sign up for a shift",
    "POST /alleys/shifts/<int:shift_id>/withdraw": "withdraw from a shift",
    "POST /alleys/shifts/<int:shift_id>/release": "release a slot",
    "POST /alleys/shifts/<int:shift_id>/take-back": "take a released slot back",
    "POST /alleys/shifts/<int:shift_id>/checkin": "check in",
    "POST /alleys/shifts/<int:shift_id>/checkout": "check out",
    "POST /alleys/me/calendar/reset": "new calendar link",
    "POST /alleys/findings/<int:finding_id>/accept": "officer accepts",
    "POST /alleys/findings/<int:finding_id>/verify": "reporter confirms the fix",
    "POST /alleys/findings/<int:finding_id>/close": "reporter closes",
    "POST /alleys/manage/members/<int:member_id>/remove": "remove a branch member",
    "POST /alleys/manage/holidays/<int:holiday_id>/remove": "remove a holiday",
    "POST /staff/people/<int:user_id>/roles/<role>/revoke": "revoke a role (the role is in the path)",
    "POST /staff/people/<int:user_id>/volunteer/<any(verify,unverify):change>": "verify a volunteer",
    "POST /staff/people/<int:user_id>/carers/<int:link_id>/unlink": "unlink a carer",
    "POST /aid/manage/skills/<int:skill_id>/retire": "retire a skill",
    "POST /aid/offers/<int:offer_id>/close": "close my offer",
    "POST /aid/requests/<int:request_id>/accept": "volunteer takes a request",
    "POST /aid/requests/<int:request_id>/decline-invitation": "volunteer declines an invitation",
    "POST /aid/requests/<int:request_id>/no-show": "the volunteer did not come",
    "POST /kitchen/manage/kitchens/<int:kitchen_id>/copy-last-week": "copy last week's menu",
    "POST /kitchen/manage/kitchens/<int:kitchen_id>/resume": "resume a suspended kitchen",
    "POST /kitchen/manage/meals/<int:meal_id>/close": "close orders for a meal",
    "POST /kitchen/manage/settings/tiers/<int:tier_id>/delete": "delete a price tier",
    "POST /open311/keys/<int:key_id>/revoke": "revoke a partner's API key",
    "POST /open311/webhooks/<int:webhook_id>/enabled": "turn a partner's webhook off or on",
    "POST /open311/webhooks/<int:webhook_id>/delete": "delete a partner's webhook",
    "POST /visits/grids/<int:grid_id>/workers/<int:user_id>/remove": "take a grid worker off a grid",
    "POST /visits/visits/<int:visit_id>/attended": "staff saw to a need found at a visit",
}

POSTS = sorted(key for key in ENTRIES if key.startswith("POST ") and key not in ELSEWHERE)
ERRORS = re.compile(r'class="(?:error-text|notice notice-error)"[^>]*>(.*?)</(?:p|div)>', re.S)
TRACEBACK = re.compile(r"Traceback|File \"[^\"]+\.py\", line|sqlalchemy\.exc|IntegrityError|OperationalError")
# A value outside a multiple-choice field's choices once got WTForms' own English sentence on a Chinese page
# (now our own message, neighbors.forms.MultiCheckboxField); test_a_value_not_offered_is_refused_in_chinese
# keeps these routes from going back.
WAS_ENGLISH = {
    "POST /alleys/<int:alley_id>/rules/new": "weekdays",
    "POST /alleys/<int:alley_id>/rules/<int:rule_id>": "weekdays",
    "POST /kitchen/standing/": "weekdays",
}
# (route, field, value) that once answered 500: an id no column can hold (20 digits) or a superscript digit
# ("²": isdigit() but not int()). Now refused as any bad input (422, nothing changed); the generated values
# include them again, and test_a_value_the_database_cannot_hold_is_refused pins each one.
WAS_500 = {
    ("POST /aid/credits/gift", "for_user"): "99999999999999999999",
    ("POST /aid/credits/gift", "to"): "99999999999999999999",
    ("POST /aid/requests/<int:request_id>/edit", "for_user"): "²",
    ("POST /aid/requests/<int:request_id>/invite", "volunteer"): "99999999999999999999",
    ("POST /alleys/findings/new", "alley"): "99999999999999999999",
    ("POST /kitchen/meals/<int:meal_id>/order", "for_user"): "²",
    ("POST /kitchen/orders/<int:order_id>/again", "meal_id"): "99999999999999999999",
    ("POST /kitchen/standing/", "for_user"): "99999999999999999999",
    ("POST /kitchen/standing/", "kitchen_id"): "99999999999999999999",
    ("POST /staff/people/<int:user_id>/edit", "building"): "99999999999999999999",
    ("POST /staff/people/new", "building"): "99999999999999999999",
}
FIGURES: Counter = Counter()
SILENT: set[str] = set()  # refusals that gave a page without a message (reported, see check_refusal)


def allowed_role(key: str) -> str | None:
    """The first column of the table that may use the route on a record of its own community
    (done: 303, or a page such as the one-time password a confirmed reset shows: 200)."""
    return next((role for role in ROLES if ENTRIES[key].here[role] in ("303", "200")), None)


def _post(app, path: str, actor, data: dict, prefixes=()):
    client = app.test_client()
    sign_in(client, actor)
    token = csrf_token(client)
    payload = {**data, "csrf_token": token, **{f"{prefix}-csrf_token": token for prefix in prefixes}}
    return client.post(path, data=payload)


def discover(app, world, key: str, path: str, role: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The fields the view's forms read, and their prefixes: first from a post with the token only
    (itself checked like any hostile post), else from the valid post the authorization matrix sends."""
    actor = world.actor(role)
    call = CALLS.get(key, Call())
    for data in ({}, None):
        if data is None:
            data = call.data(world, "here", actor) if call.data else {}
        before = fingerprint() if not data else None
        with forms_read() as seen:
            response = _post(app, path, actor, data, call.prefixes)
        if before is not None:
            check_refusal(key, response, before, role)
        fields = {name: kind for _cls, _prefix, found in seen for name, kind in found.items()}
        for name, value in (call.data(world, "here", actor) if call.data else {}).items():
            if name not in fields and not name.endswith("csrf_token"):  # read from request.form by the view
                fields[name] = "file" if isinstance(value, tuple) else "text"
        prefixes = tuple(sorted({prefix.rstrip("-") for _cls, prefix, _f in seen if prefix}))
        if fields or response.status_code < 400:
            return fields, prefixes or call.prefixes  # read fields, or done with the token alone
    return {}, call.prefixes


def seed_usual_skills(world) -> None:
    """Mutual aid stores a community's usual skill list (its own commit, by design) the first time a
    request refers to it, refused or not; store it first so a refusal can be seen to change nothing."""
    from neighbors.clock import utcnow
    from neighbors.mutualaid import services

    services.ensure_skills(world.community("here").id, utcnow())
    db.session.commit()


def check_refusal(key: str, response, before, role: str) -> None:
    status = response.status_code
    page = response.get_data(as_text=True)
    assert status < 500, f"{key}: {status}\n{page[:800]}"
    assert not TRACEBACK.search(page), f"{key}: a traceback in the answer"
    if status in (301, 302, 303) or (status == 200 and ENTRIES[key].here[role] == "200"):
        FIGURES["done"] += 1
        return
    FIGURES[f"refused {status}"] += 1
    assert 400 <= status < 500, f"{key}: {status}"
    assert '<html lang="zh-CN"' in page, f"{key}: {status} refusal is not a Chinese page"
    messages = [re.sub(r"<[^>]+>", "", text).replace("⚠", "").strip() for text in ERRORS.findall(page)]
    if 'data-testid="error-page"' in page:
        messages += re.findall(r'<p class="lead">([^<]+)</p>', page)
    body = page[page.find("<main"):]
    assert re.search(CJK, re.sub(r"<[^>]+>", "", body)), f"{key}: a {status} refusal without Chinese:\n{body[:1500]}"
    if not messages:
        # A page in Chinese but no sentence saying what went wrong (e.g. a form posted to a record whose
        # state has moved on, so the form is no longer shown): reported in the figures, not a failure.
        SILENT.add(f"{key} {status}")
    for message in messages:
        assert re.search(CJK, message), f"{key}: an English message {message!r}"
    changed = changes(before, fingerprint())
    assert changed == set(), f"{key}: refused ({status}) but changed {sorted(changed)}"


def test_every_post_route_is_covered_or_listed(app):
    posts = {key for key in route_keys(app) if key.startswith("POST ")}
    missing = sorted(posts - ENTRIES.keys())
    assert not missing, "POST routes without a line in the authorization matrix (so no hostile test):\n  " + \
        "\n  ".join(missing)
    stale = sorted((ONE_TAP.keys() | ELSEWHERE.keys()) - posts)
    assert not stale, f"listed routes the app does not have: {stale}"
    nobody = sorted(key for key in POSTS if key not in ONE_TAP and allowed_role(key) is None)
    assert not nobody, f"no role may use these, so nothing can be posted to them: {nobody}"


HOSTILE = settings(max_examples=6, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                          HealthCheck.data_too_large])


# A one-tap route that no column of the table may use has nothing to post (the coverage test checks the listing).
ATTACKED = [key for key in POSTS if not (key in ONE_TAP and allowed_role(key) is None)]


@pytest.mark.parametrize("key", ATTACKED)
def test_hostile_values_in_every_field(app, world, key, record_property):
    role = allowed_role(key)
    actor = world.actor(role)
    seed_usual_skills(world)
    path = concrete_path(key, world, "here")  # builds the record once (a one-tap delete removes it)
    fields, prefixes = discover(app, world, key, path, role)
    if key in ONE_TAP:
        assert not fields, f"{key} is listed as a one-tap button but its form reads {sorted(fields)}"
        return
    assert fields, f"{key}: the view reads no form field; list it in ONE_TAP with its reason"
    call = CALLS.get(key, Call())
    names = sorted(fields)
    tried = []

    @HOSTILE
    @given(data=st.data())
    def attack(data):
        valid = call.data(world, "here", actor) if call.data else {}
        form = {}
        for name in names:
            keep = name in valid and data.draw(st.booleans(), label=f"keep {name}")
            strategy = hostile_value(fields[name])
            value = valid[name] if keep else data.draw(strategy, label=name)
            if value is not None:
                form[name] = value
        for name, value in valid.items():  # what the form does not declare (a `row` selector, ...)
            if name not in fields:
                form[name] = value
        before = fingerprint()
        check_refusal(key, _post(app, path, actor, form, prefixes), before, role)
        tried.append(1)

    attack()
    FIGURES["routes"] += 1
    FIGURES["fields"] += len(names)
    FIGURES["examples"] += len(tried)
    record_property("hostile", f"{key} as {role}: {len(names)} fields, {len(tried)} examples")
    print(f"\n{key} as {role}: fields {names}, {len(tried)} examples; so far {dict(FIGURES)}; silent {sorted(SILENT)}")


@pytest.mark.parametrize("key", sorted(WAS_ENGLISH))
def test_a_value_not_offered_is_refused_in_chinese(app, world, key):
    actor = world.actor(allowed_role(key))
    call = CALLS[key]
    path = concrete_path(key, world, "here")
    data = {**call.data(world, "here", actor), WAS_ENGLISH[key]: ["9"]}
    before = fingerprint()
    response = _post(app, path, actor, data, call.prefixes)
    assert response.status_code == 422
    assert "请只从列出的选项中选择。" in response.get_data(as_text=True)
    check_refusal(key, response, before, allowed_role(key))


@pytest.mark.parametrize("key,name", sorted(WAS_500))
def test_a_value_the_database_cannot_hold_is_refused(app, world, key, name):
    role = allowed_role(key)
    actor = world.actor(role)
    seed_usual_skills(world)
    call = CALLS[key]
    path = concrete_path(key, world, "here")
    data = {**(call.data(world, "here", actor) if call.data else {}), name: WAS_500[(key, name)]}
    before = fingerprint()
    response = _post(app, path, actor, data, call.prefixes)
    # editing a request never changes whom it is for: that field is not read there, so the edit goes through
    expected = {303} if key == "POST /aid/requests/<int:request_id>/edit" else {404, 422}  # no such person: 404
    assert response.status_code in expected, (key, name, response.status_code)
    check_refusal(key, response, before, role)


def test_a_skill_id_too_large_for_the_database_is_a_clear_refusal(app, world):
    """Was a 500 (OverflowError on SQLite, out of range on PostgreSQL): the skill looked up as an id."""
    key = "POST /aid/offers/new"
    actor = world.actor(allowed_role(key))
    seed_usual_skills(world)
    for skill in ("99999999999999999999", str(-(2**63) - 1), "²", "1" * 10):
        data = {**CALLS[key].data(world, "here", actor), "skill": skill}
        before = fingerprint()
        response = _post(app, "/aid/offers/new", actor, data)
        assert response.status_code == 422, (skill, response.status_code)
        check_refusal(key, response, before, allowed_role(key))
