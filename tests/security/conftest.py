"""Fixtures for the security suite: one user per role in two communities, sign-in without a form,
a fingerprint of every table (to prove a refused request changed nothing), and an app
with rate limiting switched on."""
from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from neighbors import create_app
from neighbors.extensions import db, limiter
from neighbors.models import CarerLink, Notification, Role, User
from tests.conftest import IsolatedClient, _test_config, empty_all_tables
from tests.factories import make_building, make_community, make_user
from tests.security import records

# The people the matrix checks, in the order of its columns. Everyone is in "here" except
# staff-other, the staff of the other community.
ROLES = ("visitor", "resident", "carer", "volunteer", "volunteer+", "kitchen", "patroller", "officer",
         "staff", "staff-other", "street", "admin")

# role -> roles granted besides resident (and how the volunteer is vouched for)
ROLE_GRANTS = {
    "resident": [],
    "carer": [],
    "volunteer": ["volunteer"],
    "volunteer+": ["volunteer"],
    "kitchen": ["kitchen"],
    "patroller": ["patroller"],
    "officer": ["officer"],
    "staff": ["staff"],
    "street": ["street_staff"],  # 街道: reads the registers and reports of its street's communities
    "admin": ["admin"],
}
DEPARTMENTS = {"officer": "城管"}
WHERE = {"here": ("镇海社区", "中华街道"), "other": ("鹭江道社区", "鹭江街道")}
_phones = itertools.count(1)
CJK = r"[\u4e00-\u9fff]"


def next_phone(prefix: str = "1360") -> str:
    return f"{prefix}{next(_phones):07d}"


@dataclass
class World:
    """Two communities, everybody of each role in both, an elder cared for in each, and
    one private notification per person. Private markers (phone, flat, notification) let a
    test prove a page shows nobody's data it should not."""

    communities: dict[str, Any]
    people: dict[tuple[str, str], User]
    elders: dict[str, User]
    notes: dict[int, str] = field(default_factory=dict)  # user id -> private notification text
    _records: dict[tuple[str, str], Any] = field(default_factory=dict)

    def community(self, where: str = "here"):
        return self.communities[where]

    def user(self, role: str, where: str = "here") -> User:
        if role == "elder":
            return self.elders[where]
        return self.people[(role, where)]

    def actor(self, role: str) -> User | None:
        """The person a matrix column stands for (None for a visitor)."""
        if role == "visitor":
            return None
        if role == "staff-other":
            return self.people[("staff", "other")]
        return self.people[(role, "here")]

    def record(self, kind: str, where: str = "here"):
        """A record of `kind` in the community `where`, built once per test by its builder."""
        if (kind, where) not in self._records:
            if kind not in records.BUILDERS:
                raise LookupError(f"no record builder for {kind!r}: add one in tests/security/records.py")
            self._records[(kind, where)] = records.BUILDERS[kind](self, where)
        return self._records[(kind, where)]

    def everyone(self) -> list[User]:
        return [*self.people.values(), *self.elders.values()]

    def private_markers(self, person: User) -> list[str]:
        markers = [person.unit, self.notes[person.id]]
        if person.phone:
            markers.append(person.phone)
        return markers

    def visible_to(self, role: str, wider: str | None = None) -> set[int]:
        """Whose private data a role may see: oneself, the elder one cares for, staff their
        community, an admin everybody. `wider="community"` widens it to the actor's community."""
        actor = self.actor(role)
        if actor is None:
            return set()
        if actor.is_admin:
            return {person.id for person in self.everyone()}
        if actor.has_role(Role.STAFF) or wider == "community":
            return {person.id for person in self.everyone() if person.community_id == actor.community_id}
        seen = {actor.id}
        if role == "carer":
            seen.add(self.elders["here"].id)
        return seen


def build_world() -> World:
    communities = {where: make_community(name, street) for where, (name, street) in WHERE.items()}
    people: dict[tuple[str, str], User] = {}
    elders: dict[str, User] = {}
    flat = itertools.count(101)
    for where, community in communities.items():
        building = make_building(community, "镇海路12号" if where == "here" else "鹭江道8号")
        for role, extra in ROLE_GRANTS.items():
            people[(role, where)] = make_user(community, *extra, name=f"{role}-{where}", phone=next_phone(),
                                              building=building.name, unit=f"{next(flat)}室",
                                              department=DEPARTMENTS.get(role, ""), verified=role == "volunteer+")
        elders[where] = make_user(community, name=f"elder-{where}", phone=None, password=None, needs_care=True,
                                  building=building.name, unit=f"{next(flat)}室")
    for where in communities:
        db.session.add(CarerLink(carer_id=people[("carer", where)].id, resident_id=elders[where].id,
                                 community_id=communities[where].id, relation="女儿"))
    world = World(communities=communities, people=people, elders=elders)
    for person in world.everyone():
        text = f"private-note-{person.id}-{person.unit}"
        world.notes[person.id] = text
        db.session.add(Notification(community_id=person.community_id, user_id=person.id, message=text))
    db.session.commit()
    return world


@pytest.fixture
def world(app) -> World:
    return build_world()


def sign_in(client, user: User | None) -> None:
    """Put `user` in the client's session as Flask-Login does (logging in is tested elsewhere)."""
    if user is None:
        return
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()  # "id.epoch": a password change or logout ends it
        session["_fresh"] = True
        session["signed_in_at"] = int(time.time())  # staff sessions end after 12 hours


def fingerprint() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, by primary key: compare two to see what a request changed."""
    db.session.commit()
    tables: dict[str, dict[Any, dict[str, Any]]] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            key_columns = list(table.primary_key.columns)
            rows = connection.execute(sa.select(table).order_by(*key_columns)).mappings().all()
            tables[table.name] = {tuple(row[c.name] for c in key_columns): dict(row) for row in rows}
    return tables


def changes(before: dict, after: dict) -> set[str]:
    """What differs, as "table.column" for changed values and "table.+"/"table.-" for rows."""
    found: set[str] = set()
    for name in before.keys() | after.keys():
        old, new = before.get(name, {}), after.get(name, {})
        if old.keys() - new.keys():
            found.add(f"{name}.-")
        if new.keys() - old.keys():
            found.add(f"{name}.+")
        for key in old.keys() & new.keys():
            found.update(f"{name}.{column}" for column, value in old[key].items() if new[key].get(column) != value)
    return found


@pytest.fixture
def rated_app(_schema, database_url, upload_dir):
    """The app with rate limiting on (the shared `app` fixture turns it off)."""
    app = create_app({**_test_config(database_url, upload_dir), "RATELIMIT_ENABLED": True})
    app.test_client_class = IsolatedClient
    with app.app_context():
        empty_all_tables()
        limiter.reset()
        yield app
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def zh_text(message) -> str:
    """A lazy msgid as a Chinese reader sees it."""
    from flask import current_app
    from flask_babel import force_locale

    with current_app.test_request_context(), force_locale("zh"):
        return str(message)


def assert_friendly_error(response, status: int) -> None:
    """The app's own error page, in Chinese, for `status` — never a bare server message."""
    from neighbors.error_pages import MESSAGES

    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    page = response.get_data(as_text=True)
    assert 'data-testid="error-page"' in page
    assert '<html lang="zh-CN"' in page
    title, text = MESSAGES[status]
    assert zh_text(title) in page and zh_text(text) in page
    assert re.search(CJK, zh_text(title)), "the error title has no Chinese translation"
