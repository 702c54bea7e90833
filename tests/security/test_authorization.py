"""Who may open or use each route: one table, every route of the app, every role.

A route the table does not name fails `test_every_route_has_an_entry`, so a new route
cannot ship without someone deciding who may use it. For each role the matrix opens every
route (for routes about a record: one of this community and one of the other) and checks
the outcome; a refused POST must change nothing in the database, and no page may show a
person's phone, flat or notifications to someone who has no business seeing them.

How to add a module route:
1. a line in MATRIX below, with the outcome for each role;
2. if its rule has an id (`/kitchen/meals/<int:meal_id>`), a `Call` in CALLS saying how
   to fill it from a record (builders live in `tests/security/records.py`), and for a POST
   the form data a permitted user would send.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from neighbors.extensions import db
from tests.factories import PASSWORD
from tests.security.conftest import ROLES, World, changes, fingerprint, password_hash, sign_in

# Outcomes:  200 the page · 303 done (sent on, not to the login page) · login sent to log in
#            403 refused · 404 looks like nothing is there · 422/409 refused by a rule
# "x/y" in a cell: x for a record of this community, y for a record of the other community.
# Columns: carer = a resident who cares for an elder; volunteer+ = a verified volunteer;
# staff-other = staff of the other community; everyone else belongs to this community.
MATRIX = """
route                             visitor resident carer volunteer volunteer+ kitchen patroller officer staff staff-other admin
GET  /                            200     200      200   200       200        200     200       200     200   200         200
GET  /healthz                     200     200      200   200       200        200     200       200     200   200         200
GET  /static/<path:filename>      200     200      200   200       200        200     200       200     200   200         200
GET  /lang/<code>                 303     303      303   303       303        303     303       303     303   303         303
POST /elder-mode                  303     303      303   303       303        303     303       303     303   303         303
GET  /account                     login   200      200   200       200        200     200       200     200   200         200
GET  /notifications               login   200      200   200       200        200     200       200     200   200         200
GET  /notifications/bell          login   200      200   200       200        200     200       200     200   200         200
POST /notifications/read          login   303      303   303       303        303     303       303     303   303         303
GET  /auth/login                  200     200      200   200       200        200     200       200     200   200         200
POST /auth/login                  303     303      303   303       303        303     303       303     303   303         303
GET  /auth/register               200     200      200   200       200        200     200       200     200   200         200
POST /auth/register               303     303      303   303       303        303     303       303     303   303         303
GET  /auth/password               login   200      200   200       200        200     200       200     200   200         200
POST /auth/password               login   303      303   303       303        303     303       303     303   303         303
POST /auth/logout                 303     303      303   303       303        303     303       303     303   303         303
"""

FOUNDATION_BLUEPRINTS = {"main", "auth", None}  # None: the app's own `static` route
_new_phones = itertools.count(1)


@dataclass(frozen=True)
class Call:
    """How to use a route: the URL (from a record for routes with an id), the form a
    permitted user would post, what to undo afterwards, and whose private data the page
    may show beyond the default (`wider={"kitchen": "community"}`)."""

    path: str | Callable[[World, str], str] | None = None
    data: Callable[[World, str, Any], dict] | None = None
    undo: Callable[[World, Any], None] | None = None
    wider: dict[str, str] = field(default_factory=dict)


def _login_data(world: World, _where: str, actor) -> dict:
    person = actor or world.user("resident", "other")
    return {"phone": person.phone, "password": PASSWORD}


def _register_data(world: World, _where: str, _actor) -> dict:
    return {"phone": f"1350{next(_new_phones):07d}", "name": "新邻居", "password": "a-new-neighbour-2024",
            "community": str(world.community("here").id)}


def _restore_password(_world: World, actor) -> None:
    if actor is not None:
        actor.password_hash = password_hash()


CALLS: dict[str, Call] = {
    "GET /static/<path:filename>": Call(path="/static/css/app.css"),
    "GET /lang/<code>": Call(path="/lang/en?next=/account"),
    "POST /elder-mode": Call(data=lambda world, where, actor: {"on": "1", "next": "/"}),
    "POST /auth/login": Call(data=_login_data),
    "POST /auth/register": Call(data=_register_data),
    "POST /auth/password": Call(data=lambda world, where, actor: {"current_password": PASSWORD,
                                                                   "new_password": "changed-pass-2025"},
                                undo=_restore_password),
}


@dataclass(frozen=True)
class Entry:
    key: str  # "METHOD rule"
    here: dict[str, str]
    other: dict[str, str] | None  # None when the route is about no record


def parse_matrix(text: str) -> dict[str, Entry]:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    header = lines[0].split()[1:]
    assert tuple(header) == ROLES, f"matrix columns {header} are not {ROLES}"
    entries: dict[str, Entry] = {}
    for line in lines[1:]:
        method, rule, *cells = line.split()
        assert len(cells) == len(ROLES), f"{method} {rule}: {len(cells)} outcomes for {len(ROLES)} roles"
        key = f"{method} {rule}"
        assert key not in entries, f"{key} is in the matrix twice"
        split = [cell.split("/") for cell in cells]
        has_record = "<" in rule
        entries[key] = Entry(
            key=key,
            here=dict(zip(ROLES, (parts[0] for parts in split), strict=True)),
            other=dict(zip(ROLES, (parts[-1] for parts in split), strict=True)) if has_record else None,
        )
    return entries


ENTRIES = parse_matrix(MATRIX)


def route_keys(app: Flask) -> dict[str, str | None]:
    """Every "METHOD rule" the app answers, with the blueprint it belongs to."""
    keys: dict[str, str | None] = {}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0] or None
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            keys[f"{method} {rule.rule}"] = blueprint
    return keys


@pytest.mark.parametrize("scope", [
    "foundation",
    # Fails, naming them, until each module route has its line in MATRIX (issue 9, part two).
    pytest.param("modules", id="module-routes-awaiting-entries"),
])
def test_every_route_has_an_entry(app, scope):
    routes = route_keys(app)
    mine = {key for key, blueprint in routes.items() if (blueprint in FOUNDATION_BLUEPRINTS) == (scope == "foundation")}
    missing = sorted(mine - ENTRIES.keys())
    assert not missing, f"{len(missing)} {scope} route(s) have no line in MATRIX:\n  " + "\n  ".join(missing)
    needs_call = sorted(key for key in mine & ENTRIES.keys() if "<" in key and key not in CALLS)
    assert not needs_call, "routes with an id need a Call saying how to fill it:\n  " + "\n  ".join(needs_call)


def test_matrix_names_only_real_routes(app):
    routes = route_keys(app)
    stale = sorted(key for key in ENTRIES if key not in routes)
    assert not stale, "MATRIX names routes the app does not have:\n  " + "\n  ".join(stale)
    assert not sorted(CALLS.keys() - ENTRIES.keys()), "CALLS for routes that are not in MATRIX"


def outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        return "login" if re.match(r"^(https?://[^/]+)?/auth/login", location) else "303"
    return str(response.status_code)


def csrf_token(client) -> str:
    """The token a browser would send, read from a form page (bad tokens: test_csrf_and_methods)."""
    page = client.get("/auth/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def concrete_path(key: str, world: World, where: str) -> str:
    call = CALLS.get(key, Call())
    if callable(call.path):
        return call.path(world, where)
    return call.path or key.split()[1]


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, world, role):
    """Every route in the table, as `role`: the expected outcome, nothing changed by a refusal,
    and no private data of people the role may not see."""
    routes = route_keys(app)
    actor = world.actor(role)
    problems: list[str] = []
    checked = 0
    for key, entry in ENTRIES.items():
        if key not in routes:
            continue  # reported by test_every_route_has_an_entry
        method = key.split()[0]
        call = CALLS.get(key, Call())
        for where, expected in (("here", entry.here), ("other", entry.other)):
            if expected is None:
                continue
            path = concrete_path(key, world, where)
            client = app.test_client()
            sign_in(client, actor)
            before = fingerprint() if method == "POST" else None
            if method == "POST":
                data = {**(call.data(world, where, actor) if call.data else {}), "csrf_token": csrf_token(client)}
                response = client.post(path, data=data)
            else:
                response = client.get(path)
            checked += 1
            got = outcome(response)
            if got != expected[role]:
                problems.append(f"{key} [{where}]: expected {expected[role]}, got {got}")
            if before is not None and got in {"login", "403", "404", "405", "409", "422"}:
                changed = changes(before, fingerprint())
                if changed:
                    problems.append(f"{key} [{where}]: refused ({got}) but changed {sorted(changed)}")
            if response.status_code == 200 and response.mimetype == "text/html":
                page = response.get_data(as_text=True)
                allowed = world.visible_to(role, call.wider.get(role))
                for person in world.everyone():
                    if person.id in allowed:
                        continue
                    leaked = [marker for marker in world.private_markers(person) if marker in page]
                    if leaked:
                        problems.append(f"{key} [{where}]: shows {person.name}'s private data {leaked}")
            if call.undo:
                call.undo(world, actor)
                db.session.commit()
    assert checked >= len(ENTRIES), "fewer checks than table lines"
    assert not problems, f"{role}: " + "\n".join(problems)
