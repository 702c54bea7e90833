"""The staff console's rules: people, the audit log, the work queue. Reports live in reports.py.

Every public function takes the acting staff member (or a community id they were checked
for) and the time explicitly; the ones that change something are one transaction each.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext, ngettext
from sqlalchemy.orm import lazyload

from .. import accounts, appeals
from ..clock import local_to_utc, to_local
from ..database import begin_write
from ..errors import N_, InvalidInput, NotAllowed, NotFound
from ..extensions import db
from ..models import AuditEntry, Building, CarerLink, Community, Role, RoleGrant, User
from ..workqueue import QueueItem
from .modules import MODULES, service

log = logging.getLogger(__name__)

DEPARTMENTS = ("城管", "市场监管", "环卫", "住建", "消防", "派出所")
PEOPLE_PAGE = 50
AUDIT_PAGE = 50
AUDIT_CSV_LIMIT = 50_000


# --- which community, which person ------------------------------------------------------

def managed_community(actor: User, community_id: int | str | None = None) -> Community:
    """The community the actor works on: staff only their own, an admin any (their own by default)."""
    if community_id in (None, ""):
        community_id = actor.community_id
    try:
        community = db.session.get(Community, int(community_id))
    except (TypeError, ValueError):
        community = None
    if community is None:
        raise NotFound(N_("That community was not found."))
    if not actor.is_staff_of(community.id):
        raise NotAllowed(N_("Only staff of this community can do that."))
    return community


def all_communities() -> list[Community]:
    return list(db.session.scalars(sa.select(Community).order_by(Community.name)))


def person(actor: User, user_id: int, lock: bool = False) -> User:
    """A person the actor may manage; anyone in another community does not exist for them."""
    found = db.session.get(User, user_id, with_for_update=lock or None)
    if found is None or not actor.is_staff_of(found.community_id):
        raise NotFound(N_("That person was not found."))
    return found


def _like(text: str) -> str:
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
        pattern = _like(text)
        address = sa.func.coalesce(Building.name, "") + User.unit
        matches = [User.name.ilike(pattern, escape="\\"), address.ilike(pattern, escape="\\")]
        digits = "".join(ch for ch in text if ch.isdigit())
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


def module_summaries(community_id: int, user_id: int) -> dict[str, dict | None]:
    """What each module knows about one person (None for a module that offers no summary)."""
    summaries: dict[str, dict | None] = {}
    for module in MODULES:
        function = service(module, "person_summary")
        summaries[module] = function(community_id, user_id) if function else None
    return summaries


# Words for the codes the modules' person summaries carry (the codes are their published contract).
STATUS_LABELS = {
    "kitchen": {
        "placed": N_("Ordered"), "cooking": N_("Cooking"), "out_for_delivery": N_("On its way"),
        "delivered": N_("Delivered"), "picked_up": N_("Picked up"), "no_show": N_("Did not come"),
        "no_answer": N_("Nobody answered"), "cancelled": N_("Cancelled"),
        "lunch": N_("Lunch"), "dinner": N_("Dinner"),
    },
    "mutualaid": {
        "open": N_("Waiting for a volunteer"), "accepted": N_("A volunteer is coming"),
        "done": N_("Done, waiting for confirmation"), "disputed": N_("Being checked by staff"),
        "confirmed": N_("Confirmed"), "cancelled": N_("Cancelled"), "voided": N_("Voided by staff"),
    },
    "alleys": {
        "reported": N_("Reported"), "dispatched": N_("Sent to the department"), "accepted": N_("Being handled"),
        "resolved": N_("Fixed, waiting for check"), "verified": N_("Checked"), "closed": N_("Closed"),
    },
}
TRUST_LABELS = [
    ("completed", N_("Help completed"), "count"),
    ("minutes", N_("Hours given"), "hours"),
    ("average_rating", N_("Average rating (1–5)"), "rating"),
    ("ratings_count", N_("Ratings given"), "count"),
    ("declines_after_accept", N_("Gave work back after accepting"), "count"),
    ("no_shows", N_("Did not come"), "count"),
    ("disputes_lost", N_("Disputes lost"), "count"),
    ("current_load", N_("Requests in hand"), "count"),
]


def status_label(module: str, code) -> str:
    label = STATUS_LABELS.get(module, {}).get(str(code))
    return gettext(label) if label else str(code)


# --- changing people (each one transaction) -------------------------------------------

def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(N_("Choose a role from the list."), field="role") from None


def grant_role(actor: User, user_id: int, role: str, department: str = "") -> None:
    begin_write()
    target = person(actor, user_id, lock=True)
    role = _role(role)
    department = " ".join((department or "").split())
    if role == Role.OFFICER and not department:
        raise InvalidInput(N_("Enter the officer's department, e.g. 城管."), field="department")
    if len(department) > 50:
        raise InvalidInput(N_("A department can have at most 50 characters."), field="department")
    if role != Role.OFFICER:
        department = ""
    if role in target.roles:
        raise InvalidInput(N_("This person already has that role."), field="role")
    accounts.grant_role(actor, target, role, department=department)
    _commit_once()


def revoke_role(actor: User, user_id: int, role: str) -> None:
    begin_write()
    target = person(actor, user_id, lock=True)
    accounts.revoke_role(actor, target, _role(role))
    db.session.commit()


def set_volunteer_verified(actor: User, user_id: int, verified: bool, now: datetime) -> None:
    begin_write()
    target = person(actor, user_id, lock=True)
    accounts.set_volunteer_verified(actor, target, verified, now=now)
    db.session.commit()


def link_carer(actor: User, resident_id: int, carer_phone: str, relation: str = "") -> CarerLink:
    """Link someone of the same community, found by their phone number, as the resident's carer."""
    begin_write()
    resident = person(actor, resident_id, lock=True)
    try:
        phone = accounts.normalise_phone(carer_phone)
    except InvalidInput as error:
        raise InvalidInput(error.msgid, field="carer") from None
    carer = db.session.scalar(
        sa.select(User).where(User.phone == phone, User.community_id == resident.community_id)
    )
    if carer is None:
        raise InvalidInput(N_("No one in this community has that phone number."), field="carer")
    relation = " ".join((relation or "").split())
    if len(relation) > 30:
        raise InvalidInput(N_("Describe the relation in at most 30 characters."), field="relation")
    if carer.id in {link.carer_id for link in carer_links_of(resident)}:
        raise InvalidInput(N_("%(name)s is already a carer of this person."), field="carer", name=carer.name)
    link = accounts.link_carer(actor, carer, resident, relation=relation)
    _commit_once()
    return link


def unlink_carer(actor: User, resident_id: int, link_id: int) -> None:
    begin_write()
    resident = person(actor, resident_id, lock=True)
    link = db.session.scalar(
        sa.select(CarerLink).where(CarerLink.id == link_id, CarerLink.resident_id == resident.id,
                                   CarerLink.community_id == resident.community_id)
    )
    if link is None:
        raise NotFound(N_("That carer link was not found."))
    accounts.unlink_carer(actor, link)
    db.session.commit()


def _check_building(community_id: int, building_id: int | None) -> None:
    if building_id is None:
        return
    if db.session.scalar(
        sa.select(Building.id).where(Building.id == building_id, Building.community_id == community_id)
    ) is None:
        raise InvalidInput(N_("Choose a building from the list."), field="building")


@dataclass(frozen=True)
class Registered:
    resident: User
    created: bool


def register_resident(
    actor: User,
    community_id: int,
    *,
    name: str,
    birth_date: date | None,
    building_id: int | None,
    unit: str,
    needs_care: bool,
    now: datetime,
) -> Registered:
    """Register an elder without a phone. The same form sent twice by the same worker makes one person."""
    begin_write()
    community = db.session.get(Community, community_id, with_for_update=True)
    if community is None or not actor.is_staff_of(community.id):
        raise NotAllowed(N_("Only staff of this community can do that."))
    name = accounts.clean_name(name)
    accounts.check_birth_date(birth_date, to_local(now).date())
    _check_building(community.id, building_id)
    unit = " ".join((unit or "").split())
    if len(unit) > 50:
        raise InvalidInput(N_("A unit can have at most 50 characters."), field="unit")
    twin = db.session.scalar(
        sa.select(User).where(User.community_id == community.id, User.name == name,
                              User.building_id.is_(None) if building_id is None
                              else User.building_id == building_id,
                              User.unit == unit)
    )
    if twin is not None:
        just_made = db.session.scalar(
            sa.select(AuditEntry.id).where(
                AuditEntry.action == "resident.registered", AuditEntry.subject_user_id == twin.id,
                AuditEntry.actor_id == actor.id, AuditEntry.created_at >= now - timedelta(minutes=10),
                AuditEntry.created_at <= now,
            )
        )
        if just_made and twin.birth_date == birth_date:
            db.session.rollback()
            return Registered(twin, created=False)
        raise InvalidInput(N_("%(name)s is already registered at this address."), field="name", name=name)
    resident = accounts.register_resident_without_phone(
        actor, name, community.id, birth_date=birth_date, building_id=building_id, unit=unit,
        needs_care=needs_care, now=now,
    )
    db.session.commit()
    return Registered(resident, created=True)


def update_resident(
    actor: User,
    user_id: int,
    *,
    name: str,
    birth_date: date | None,
    building_id: int | None,
    unit: str,
    needs_care: bool,
    now: datetime,
) -> dict:
    begin_write()
    target = person(actor, user_id, lock=True)
    changed = accounts.update_resident(actor, target, name=name, birth_date=birth_date, building_id=building_id,
                                       unit=unit, needs_care=needs_care, now=now)
    db.session.commit()
    return changed


def _commit_once() -> None:
    """Commit; a unique constraint hit means the same change was made at the same moment."""
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise InvalidInput(N_("Someone made the same change a moment ago. Reload the page.")) from None


# --- the audit log ----------------------------------------------------------------------

ACTION_LABELS = {
    "resident.registered": N_("Resident registered"),
    "resident.updated": N_("Resident details changed"),
    "role.granted": N_("Role granted"),
    "role.revoked": N_("Role removed"),
    "volunteer.verified": N_("Volunteer verified"),
    "volunteer.unverified": N_("Volunteer verification withdrawn"),
    "carer.linked": N_("Carer linked"),
    "carer.unlinked": N_("Carer removed"),
    "accounts.password_reset": N_("Password reset by staff"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return gettext(label) if label else action


@dataclass(frozen=True)
class AuditFilter:
    community_id: int | None  # None: every community (admins only)
    person_id: int | None = None
    who: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None  # inclusive, local date


def audit_filter(actor: User, community_id: int | None, **filters) -> AuditFilter:
    """Staff read their own community's log; an admin may read one community's or the whole district's."""
    if community_id is None and not actor.is_admin:
        community_id = actor.community_id
    if community_id is not None:
        managed_community(actor, community_id)
    start, end = filters.get("start"), filters.get("end")
    if start and end and end < start:
        raise InvalidInput(N_("The end date is before the start date."), field="end")
    return AuditFilter(community_id=community_id, **filters)


def _audit_statement(chosen: AuditFilter) -> sa.Select:
    statement = sa.select(AuditEntry)
    if chosen.community_id is not None:
        statement = statement.where(AuditEntry.community_id == chosen.community_id)
    if chosen.person_id:
        statement = statement.where(sa.or_(AuditEntry.actor_id == chosen.person_id,
                                           AuditEntry.subject_user_id == chosen.person_id))
    if chosen.who:
        text = " ".join(chosen.who.split())[:50]
        people = sa.select(User.id).where(sa.or_(User.name.ilike(_like(text), escape="\\"),
                                                 User.phone.contains(text, autoescape=True)))
        if chosen.community_id is not None:
            people = people.where(User.community_id == chosen.community_id)
        statement = statement.where(sa.or_(AuditEntry.actor_id.in_(people), AuditEntry.subject_user_id.in_(people)))
    if chosen.action:
        statement = statement.where(AuditEntry.action == chosen.action)
    if chosen.start:
        statement = statement.where(AuditEntry.created_at >= local_to_utc(chosen.start, time.min))
    if chosen.end:
        statement = statement.where(AuditEntry.created_at < local_to_utc(chosen.end + timedelta(days=1), time.min))
    return statement


def audit_entries(chosen: AuditFilter, page: int = 1, per_page: int = AUDIT_PAGE) -> tuple[list[AuditEntry], bool]:
    """One page of entries, newest first, and whether there are older ones."""
    page = max(1, page)
    rows = list(db.session.scalars(
        _audit_statement(chosen).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * per_page).limit(per_page + 1)
    ))
    return rows[:per_page], len(rows) > per_page


def audit_actions(community_id: int | None) -> list[str]:
    statement = sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if community_id is not None:
        statement = statement.where(AuditEntry.community_id == community_id)
    return list(db.session.scalars(statement))


def describe_change(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(what, before, after) lines for people to read."""
    before, after = entry.before or {}, entry.after or {}
    lines = []
    for key in sorted(set(before) | set(after), key=lambda k: (k not in after, k)):
        lines.append((key, _plain(before.get(key)), _plain(after.get(key))))
    return lines


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_csv(chosen: AuditFilter) -> str:
    """The filtered log as CSV, oldest first, with a BOM so Excel reads the Chinese correctly."""
    rows = db.session.scalars(
        _audit_statement(chosen).order_by(AuditEntry.created_at, AuditEntry.id).limit(AUDIT_CSV_LIMIT)
    )
    names = {c.id: c.name for c in all_communities()}
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([gettext("Time"), gettext("Community"), gettext("Who"), gettext("Act"), gettext("Code"),
                     gettext("Record"), gettext("Person concerned"), gettext("Before"), gettext("After"),
                     gettext("Reason")])
    for entry in rows:
        writer.writerow([
            to_local(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            names.get(entry.community_id, ""),
            entry.actor.name if entry.actor else gettext("System"),
            action_label(entry.action),
            entry.action,
            f"{entry.target_type} {entry.target_id}" if entry.target_id else entry.target_type,
            entry.subject.name if entry.subject else "",
            json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before else "",
            json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after else "",
            entry.reason,
        ])
    return out.getvalue()


# --- the work queue ---------------------------------------------------------------------

@dataclass(frozen=True)
class WorkQueue:
    items: list[QueueItem]
    unavailable: list[str]  # modules whose list could not be read just now


def _alone(community_id: int):
    """Residents needing care with no carer linked."""
    has_carer = sa.select(CarerLink.id).where(CarerLink.resident_id == User.id,
                                              CarerLink.community_id == community_id).exists()
    return sa.and_(User.community_id == community_id, User.needs_care.is_(True), User.active.is_(True), ~has_carer)


def foundation_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """What the foundation itself leaves waiting: residents needing care with nobody to act for them."""
    alone = db.session.scalars(
        sa.select(User).where(_alone(community_id)).options(lazyload(User.role_grants))
        .order_by(User.created_at, User.id)
    )
    return [
        QueueItem(
            kind="staff.no_carer",
            title=N_("%(name)s needs care but has no carer linked"),
            since=resident.created_at,
            url=f"/staff/people/{resident.id}#carers",
            action=N_("Link a carer"),
            params={"name": resident.name},
        )
        for resident in alone
    ]


def work_queue(community_id: int, now: datetime) -> WorkQueue:
    """Everything waiting for a person in one community: urgent first, then oldest first, once each."""
    items: list[QueueItem] = []
    unavailable: list[str] = []
    for module in MODULES:
        function = service(module, "staff_queue")
        if function is None:
            continue
        try:
            items.extend(function(community_id, now))
        except Exception:  # one module's failure must not hide the others' urgent work
            log.exception("staff_queue of %s failed", module)
            db.session.rollback()
            unavailable.append(module)
    items.extend(foundation_queue(community_id, now))
    items.extend(appeals.staff_queue(community_id, now))  # hidden-content appeals, from every module
    seen: set[tuple[str, str]] = set()
    unique = []
    for item in items:
        key = (item.kind, item.url)
        if key in seen:
            continue
        seen.add(key)
        unique.append(item)
    unique.sort(key=lambda item: (not item.urgent, item.since, item.kind, item.url))
    return WorkQueue(unique, unavailable)


def work_queue_count(community_id: int, now: datetime) -> int:
    """len(work_queue(...).items) cheaply, for the staff menu on every page: one statement per module."""
    alone = sa.select(sa.func.count(User.id)).where(_alone(community_id)).scalar_subquery()
    total = db.session.scalar(sa.select(alone + appeals.open_count(community_id))) or 0  # one statement for both
    for module in MODULES:
        count = service(module, "staff_queue_count")
        listing = service(module, "staff_queue")
        try:
            if count is not None:
                total += count(community_id, now)
            elif listing is not None:
                total += len({(item.kind, item.url) for item in listing(community_id, now)})
        except Exception:  # as in work_queue: one module's failure must not hide the others
            log.exception("staff_queue_count of %s failed", module)
            db.session.rollback()
    return total


def queue_version(work: WorkQueue, now: datetime) -> str:
    """A short fingerprint of what the queue page shows: its items, their ages as written, unread modules.

    The page polls with the version it shows; only a different version makes it reload the list.
    """
    shown = [
        (item.kind, item.url, item.since.isoformat(), item.urgent, item.title, sorted(item.params.items()),
         item.action, age(item.since, now))
        for item in work.items
    ]
    return hashlib.sha256(repr((shown, work.unavailable)).encode()).hexdigest()[:16]


def age(since: datetime, now: datetime) -> tuple[str, int]:
    """How long something has waited, in the unit the queue shows it in."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return "minutes", minutes
    hours = minutes // 60
    if hours < 48:
        return "hours", hours
    return "days", hours // 24


def age_text(since: datetime, now: datetime) -> str:
    unit, number = age(since, now)
    if unit == "minutes":
        return ngettext("%(num)d minute", "%(num)d minutes", number)
    if unit == "hours":
        return ngettext("%(num)d hour", "%(num)d hours", number)
    return ngettext("%(num)d day", "%(num)d days", number)
