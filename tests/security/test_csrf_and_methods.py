"""Every route that changes something takes POST only, with a valid CSRF token.

Generic over the URL map, so module routes are covered the moment they exist: GET on a
POST route is 405 with the friendly page; a POST without a valid token is 400 and changes
nothing; and a GET changes nothing beyond the few harmless preferences listed here.
"""
import re

from tests.security.conftest import assert_friendly_error, changes, fingerprint, sign_in

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

# GET routes allowed to write, and exactly what. Both only touch the reader's own settings:
# the language link must work as a plain link (no form) in the footer of every page, and
# opening the notification list is what marks one's own notifications as seen.
GET_MAY_CHANGE = {
    "/lang/<code>": {"users.locale"},
    "/notifications": {"notifications.read_at"},
    # reading or downloading a person's information is itself recorded (PIPL: who read whose information)
    "/privacy/<int:user_id>": {"audit_entries.+"},
    "/privacy/<int:user_id>/download": {"audit_entries.+"},
}
# Partner systems' API: no cookie, no session, so nothing for a forged page to borrow; a post without its API key
# is refused as unauthorised (403, Open311's error list) and changes nothing.
KEY_AUTHENTICATED = {"open311_api"}
SAMPLE = {"int": "1", "path": "x/y.txt", "default": "x"}


def sample_path(rule) -> str:
    """The rule with every variable filled (CSRF and methods are checked before any record is read)."""

    def fill(match: re.Match) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip().strip("'\"")
        return SAMPLE.get(converter.split("(")[0] or "default", SAMPLE["default"])

    return re.sub(r"<([^>]+)>", fill, rule.rule)


def rules_with(app, method: str) -> list:
    return [rule for rule in app.url_map.iter_rules() if method in rule.methods]


def answers_get(app, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except Exception:  # MethodNotAllowed or NotFound: nobody serves GET here
        return False
    return True


def token_of(client) -> str:
    return TOKEN.search(client.get("/auth/login").get_data(as_text=True)).group(1)


def test_every_post_route_refuses_get_with_the_friendly_page(app, world):
    checked = []
    before = fingerprint()
    for rule in rules_with(app, "POST"):
        path = sample_path(rule)
        if answers_get(app, path):
            continue  # a form page: its GET is checked by test_get_changes_nothing
        for who in (None, world.actor("admin")):
            client = app.test_client()
            sign_in(client, who)
            response = client.get(path)
            assert_friendly_error(response, 405)
            assert "POST" in response.headers["Allow"], rule.rule
        checked.append(rule.rule)
    assert "/auth/logout" in checked and "/elder-mode" in checked
    assert changes(before, fingerprint()) == set()


FORGED = ["no token", "garbage", "another session's token", "bad header"]


def test_every_post_without_a_valid_token_is_400_and_changes_nothing(app, world):
    admin = world.actor("admin")
    before = fingerprint()
    foreign_token = token_of(app.test_client())
    checked = 0
    for rule in rules_with(app, "POST"):
        path = sample_path(rule)
        client = app.test_client()
        sign_in(client, admin)
        token_of(client)  # the client has a token of its own in its session, as a real page would
        for how in FORGED:
            data = {"phone": admin.phone, "password": "secret-pass-2024", "on": "1", "name": "x"}
            headers = {}
            if how == "garbage":
                data["csrf_token"] = "IjAxMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1Njc4OTAi.Z0000w.xxxxxxxxxxxxxxxxxxxxxxxxxxx"
            elif how == "another session's token":
                data["csrf_token"] = foreign_token
            elif how == "bad header":
                headers = {"HX-Request": "true", "X-CSRFToken": foreign_token}
            response = client.post(path, data=data, headers=headers)
            expected = 403 if rule.endpoint.split(".")[0] in KEY_AUTHENTICATED else 400
            assert response.status_code == expected, f"{rule.rule} with {how}: {response.status_code}"
            checked += 1
        if expected == 400:
            assert_friendly_error(response, 400)
    assert checked >= 6 * len(FORGED)
    assert changes(before, fingerprint()) == set()


def test_a_valid_token_is_what_makes_the_difference(app, world):
    """The control for the test above: the same posts with the page's token are not refused as forged."""
    for rule in rules_with(app, "POST"):
        client = app.test_client()
        sign_in(client, world.actor("admin"))
        response = client.post(sample_path(rule), data={"csrf_token": token_of(client)})
        assert response.status_code != 400, rule.rule
        assert response.status_code < 500, rule.rule


def test_get_changes_nothing(app, world):
    problems = []
    before = fingerprint()
    for rule in rules_with(app, "GET"):
        for who in (world.actor("admin"), world.actor("resident"), None):
            client = app.test_client()
            sign_in(client, who)
            response = client.get(sample_path(rule))
            if response.status_code >= 500:
                problems.append(f"GET {rule.rule}: {response.status_code}")
            after = fingerprint()
            changed = changes(before, after) - GET_MAY_CHANGE.get(rule.rule, set())
            if changed:
                problems.append(f"GET {rule.rule} changed {sorted(changed)}")
            before = after
    assert not problems, "\n".join(problems)


def test_logout_is_post_only(app, world, web):
    resident = world.actor("resident")
    sign_in(web.client, resident)
    assert web.get("/account").status_code == 200
    assert_friendly_error(web.get("/auth/logout"), 405)
    assert web.get("/account").status_code == 200, "a GET must not log anyone out (e.g. an <img> on another site)"
    assert_friendly_error(web.post("/auth/logout", csrf=False), 400)
    assert web.get("/account").status_code == 200
    assert web.post("/auth/logout").status_code == 303
    assert web.get("/account").status_code in (302, 303)


def test_htmx_requests_carry_the_token_in_a_header(app, world, htmx_client):
    """htmx posts send X-CSRFToken from <body hx-headers>; with it a post works, without it 400."""
    page = htmx_client.get("/").get_data(as_text=True)
    match = re.search(r"""hx-headers='\{"X-CSRFToken": "([^"]+)"\}'""", page)
    assert match, "base.html must give htmx the CSRF header"
    sign_in(htmx_client.client, world.actor("resident"))
    assert htmx_client.post("/notifications/read").status_code == 200
    assert_friendly_error(htmx_client.post("/notifications/read", csrf=False), 400)
