"""Which community and which person a staff member works on, and what the console reads about people."""
from __future__ import annotations

import sqlalchemy as sa

from ...errors import N_, NotFound
from ...extensions import db
from ...models import Building, CarerLink, Community, Role, User
from ...phones import ascii_digits
from ...registry import installed
from ..policy import policy

DEPARTMENTS = ("城管", "市场监管", "环卫", "住建", "消防", "派出所")
PEOPLE_PAGE = 50


def _community(actor: User, community_id: int | str | None) -> Community:
    if community_id in (None, ""):
        community_id = actor.community_id
    try:
        community = db.session.get(Community, int(community_id))
    except (TypeError, ValueError):
        community = None
    if community is None:
        raise NotFound(N_("That community was not found."))
    return community


def managed_community(actor: User, community_id: int | str | None = None) -> Community:
    """The community the actor works on: staff only their own, an admin any (their own by default)."""
    community = _community(actor, community_id)
    policy.require(actor, "manage", community.id, N_("Only staff of this community can do that."))
    return community


def reported_community(actor: User, community_id: int | str | None = None) -> Community:
    """The community whose reports the actor reads: its staff, the staff of its street, the admin."""
    community = _community(actor, community_id)
    policy.require(actor, "read_reports", community, N_("Only staff of this community or its street can do that."))
    return community


def all_communities() -> list[Community]:
    return list(db.session.scalars(sa.select(Community).order_by(Community.name)))


def switchable_communities(actor: User) -> list[Community]:
    """The communities the actor may switch the console to (none for staff: they see only their own)."""
    if policy.may(actor, "switch_community"):
        return all_communities()
    if actor.has_role(Role.STREET_STAFF) and actor.community is not None:
        return [c for c in all_communities() if c.sub_district_id == actor.community.sub_district_id]
    return []


def person(actor: User, user_id: int, lock: bool = False) -> User:
    """A person the actor may manage; anyone in another community does not exist for them."""
    found = db.session.get(User, user_id, with_for_update=lock or None)
    if found is None or not policy.may(actor, "manage_person", found):
        raise NotFound(N_("That person was not found."))
    return found


def like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_people(community_id: int, query: str = "", limit: int = PEOPLE_PAGE) -> list[User]:
    """Residents of one community whose name, phone or address contains the query."""
    text = " ".join((query or "").split())[:50]
    statement = (
        sa.select(User)
        .outerjoin(Building, User.building_id == Building.id)
        .where(User.community_id == community_id)
    )
    if text:
        pattern = like(text)
        address = sa.func.coalesce(Building.name, "") + User.unit
        matches = [User.name.ilike(pattern, escape="\\"), address.ilike(pattern, escape="\\")]
        digits = "".join(ch for ch in ascii_digits(text) if ch in "0123456789")
        if len(digits) >= 3 and len(digits) == len(text.replace(" ", "")):
            matches.append(User.phone.contains(digits, autoescape=True))
        statement = statement.where(sa.or_(*matches))
    statement = statement.order_by(User.needs_care.desc(), User.name, User.id).limit(limit)
    return list(db.session.scalars(statement))


def buildings_of(community_id: int) -> list[Building]:
    return list(db.session.scalars(
        sa.select(Building).where(Building.community_id == community_id).order_by(Building.name)
    ))


def carer_links_of(resident: User) -> list[CarerLink]:
    return list(db.session.scalars(
        sa.select(CarerLink)
        .where(CarerLink.resident_id == resident.id, CarerLink.community_id == resident.community_id)
        .order_by(CarerLink.created_at, CarerLink.id)
    ))


def cared_for_by(carer: User) -> list[CarerLink]:
    return list(db.session.scalars(
        sa.select(CarerLink)
        .where(CarerLink.carer_id == carer.id, CarerLink.community_id == carer.community_id)
        .order_by(CarerLink.created_at, CarerLink.id)
    ))


SUMMARISED = ("kitchen", "mutualaid", "alleys")  # the sections of the person page, in order


def module_summaries(community_id: int, user_id: int) -> dict[str, dict | None]:
    """What each installed module knows about one person (None for a module that is not installed)."""
    modules = installed().modules
    return {name: modules[name].person_summary(community_id, user_id) if name in modules else None
            for name in SUMMARISED}

