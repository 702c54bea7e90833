"""The rules of mutual aid: every change goes through here, one transaction per public function.

Public functions take `actor` and `now`, commit before they return, and roll back and raise a
DomainError when a rule refuses. Helpers (leading underscore) only flush.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from .. import accounts, audit, uploads
from ..clock import local_to_utc, to_local
from ..database import begin_write
from ..errors import N_, DomainError, InvalidInput, NotAllowed, NotFound
from ..extensions import db
from ..models import Role, RoleGrant, User
from ..links import Link
from ..registry import HiddenRecord
from ..notifications import notify
from ..workqueue import QueueItem
from .models import (
    DEFAULT_SKILLS, TRANSITIONS, AidSettings, Availability, CreditAccount, CreditTransaction, HelpRequest,
    LedgerEntry, Offer, RequestEvent, RequestWindow, Skill, Status, TransactionKind, VolunteerProfile, VolunteerSkill,
)

AUTO_CONFIRM_AFTER = timedelta(hours=72)
MAX_MINUTES_PER_VISIT = 12 * 60
MAX_GIFT_MINUTES = 100 * 60
STALE_OPEN_AFTER = timedelta(days=1)


class Conflict(DomainError):
    status = 409


def service(fn):
    """One transaction: commit on success, roll back (and discard nothing half-done) on any error."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except BaseException:
            db.session.rollback()
            raise

    return wrapped


def _insert(model):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


# --- settings and the skill list --------------------------------------------------------

@dataclass(frozen=True)
class CreditRules:
    starting_grant_minutes: int = 5 * 60
    floor_minutes: int = -10 * 60
    ceiling_minutes: int = 1500 * 60
    pool_paid_age: int = 70


def rules(community_id: int) -> CreditRules:
    row = db.session.scalar(sa.select(AidSettings).where(AidSettings.community_id == community_id))
    if row is None:
        return CreditRules()
    return CreditRules(row.starting_grant_minutes, row.floor_minutes, row.ceiling_minutes, row.pool_paid_age)


def _settings_row(community_id: int, now: datetime) -> AidSettings:
    defaults = CreditRules()
    db.session.execute(
        _insert(AidSettings).values(
            community_id=community_id, starting_grant_minutes=defaults.starting_grant_minutes,
            floor_minutes=defaults.floor_minutes, ceiling_minutes=defaults.ceiling_minutes,
            pool_paid_age=defaults.pool_paid_age, skills_seeded=False, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["community_id"])
    )
    return db.session.scalar(
        sa.select(AidSettings).where(AidSettings.community_id == community_id).execution_options(populate_existing=True)
    )


def _seed_skills(community_id: int, now: datetime) -> None:
    """A community starts with the usual list; staff change it afterwards (retired skills stay retired)."""
    seeded = db.session.scalar(sa.select(AidSettings.skills_seeded).where(AidSettings.community_id == community_id))
    if seeded:
        return
    _settings_row(community_id, now)
    for position, name in enumerate(DEFAULT_SKILLS):
        db.session.execute(
            _insert(Skill).values(community_id=community_id, name=name, active=True, position=position)
            .on_conflict_do_nothing(index_elements=["community_id", "name"])
        )
    db.session.execute(
        sa.update(AidSettings).where(AidSettings.community_id == community_id).values(skills_seeded=True)
    )


def skill_list(community_id: int, now: datetime, include_retired: bool = False) -> list[Skill]:
    """The community's skills, storing the usual list the first time (a change; pages use `skills_to_show`)."""
    _ensure_skills(community_id, now)
    query = sa.select(Skill).where(Skill.community_id == community_id)
    if not include_retired:
        query = query.where(Skill.active.is_(True))
    return list(db.session.scalars(query.order_by(Skill.position, Skill.id)))


def skills_to_show(community_id: int, include_retired: bool = False) -> list[Skill]:
    """The community's skills for a page, read-only: before the usual list is stored (by the first change that
    needs it, the demo data or a staff settings save), its skills are unsaved rows without an id, exactly as
    storing them would add them."""
    seeded = db.session.scalar(sa.select(AidSettings.skills_seeded).where(AidSettings.community_id == community_id))
    skills = list(db.session.scalars(sa.select(Skill).where(Skill.community_id == community_id)))
    if not seeded:
        known = {skill.name for skill in skills}
        skills += [Skill(community_id=community_id, name=name, active=True, position=position)
                   for position, name in enumerate(DEFAULT_SKILLS) if name not in known]
    if not include_retired:
        skills = [skill for skill in skills if skill.active]
    return sorted(skills, key=lambda skill: (skill.position, skill.id is None, skill.id or 0))


def skill_key(skill: Skill) -> str:
    """The form value of a skill: its id, or its name while the usual list is not stored yet."""
    return str(skill.id) if skill.id is not None else skill.name


def _ensure_skills(community_id: int, now: datetime) -> None:
    """Store the usual list before a change refers to it (its own commit: two first requests may race)."""
    seeded = db.session.scalar(sa.select(AidSettings.skills_seeded).where(AidSettings.community_id == community_id))
    if seeded:
        return
    try:
        begin_write()
        _seed_skills(community_id, now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


@service
def seed_skills(community_id: int, now: datetime) -> None:
    """Store a community's usual skill list (demo data; otherwise the first change that needs it does)."""
    begin_write()
    _seed_skills(community_id, now)


def _skill(community_id: int, value, field: str = "skill") -> Skill:
    """A skill by id or by name; it must be on this community's active list."""
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(N_("Choose the kind of help."), field=field)
    query = sa.select(Skill).where(Skill.community_id == community_id, Skill.active.is_(True))
    as_id = text.isdecimal() and len(text) <= 9  # an id, not a number too large for the database (a 500)
    query = query.where(Skill.id == int(text)) if as_id else query.where(Skill.name == text)
    skill = db.session.scalar(query)
    if skill is None:
        raise InvalidInput(N_("Choose the kind of help from the list."), field=field)
    return skill


@service
def update_settings(actor: User, community_id: int, *, starting_grant_hours: int, floor_hours: int,
                    ceiling_hours: int, pool_paid_age: int, now: datetime) -> AidSettings:
    accounts.require_staff_of(actor, community_id)
    if not 0 <= starting_grant_hours <= 100:
        raise InvalidInput(N_("The starting grant must be between 0 and 100 hours."), field="starting_grant_hours")
    if not -100 <= floor_hours <= 0:
        raise InvalidInput(N_("The lowest balance must be between -100 and 0 hours."), field="floor_hours")
    if not 1 <= ceiling_hours <= 10000:
        raise InvalidInput(N_("The highest balance must be between 1 and 10000 hours."), field="ceiling_hours")
    if not 50 <= pool_paid_age <= 120:
        raise InvalidInput(N_("The age must be between 50 and 120."), field="pool_paid_age")
    begin_write()
    _seed_skills(community_id, now)  # a staff settings save stores the usual skill list too
    row = _settings_row(community_id, now)
    before = {"starting_grant_minutes": row.starting_grant_minutes, "floor_minutes": row.floor_minutes,
              "ceiling_minutes": row.ceiling_minutes, "pool_paid_age": row.pool_paid_age}
    row.starting_grant_minutes = starting_grant_hours * 60
    row.floor_minutes = floor_hours * 60
    row.ceiling_minutes = ceiling_hours * 60
    row.pool_paid_age = pool_paid_age
    row.updated_at = now
    audit.record(actor, "mutualaid.settings_changed", row, community_id=community_id, before=before,
                 after={"starting_grant_minutes": row.starting_grant_minutes, "floor_minutes": row.floor_minutes,
                        "ceiling_minutes": row.ceiling_minutes, "pool_paid_age": row.pool_paid_age}, now=now)
    return row


@service
def add_skill(actor: User, community_id: int, name: str, now: datetime) -> Skill:
    accounts.require_staff_of(actor, community_id)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Enter the name of the skill."), field="name")
    if len(name) > 30:
        raise InvalidInput(N_("A skill name can have at most 30 characters."), field="name")
    begin_write()
    _seed_skills(community_id, now)
    existing = db.session.scalar(sa.select(Skill).where(Skill.community_id == community_id, Skill.name == name))
    if existing is not None:
        if existing.active:
            raise InvalidInput(N_("This skill is already on the list."), field="name")
        existing.active = True
        skill = existing
    else:
        position = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Skill.position), 0)).where(Skill.community_id == community_id)
        )
        skill = Skill(community_id=community_id, name=name, position=position + 1)
        db.session.add(skill)
        db.session.flush()
    audit.record(actor, "mutualaid.skill_added", skill, community_id=community_id, after={"name": name}, now=now)
    return skill


@service
def retire_skill(actor: User, skill_id: int, now: datetime) -> Skill:
    skill = db.session.get(Skill, skill_id)
    if skill is None or (skill.community_id != actor.community_id and not actor.is_admin):
        raise NotFound(N_("That skill was not found."))
    accounts.require_staff_of(actor, skill.community_id)
    begin_write()
    skill.active = False
    audit.record(actor, "mutualaid.skill_retired", skill, community_id=skill.community_id,
                 before={"name": skill.name, "active": True}, after={"active": False}, now=now)
    return skill


# --- volunteers -------------------------------------------------------------------------

def profile_of(community_id: int, user_id: int) -> VolunteerProfile | None:
    return db.session.scalar(
        sa.select(VolunteerProfile).where(VolunteerProfile.community_id == community_id,
                                          VolunteerProfile.user_id == user_id)
    )


def _parse_windows(windows) -> list[tuple[int, time, time]]:
    cleaned = set()
    for weekday, starts, ends in windows:
        if not 0 <= int(weekday) <= 6 or starts >= ends:
            raise InvalidInput(N_("Each time you are free must start before it ends."), field="availability")
        cleaned.add((int(weekday), starts, ends))
    return sorted(cleaned)


@service
def save_profile(actor: User, *, skill_ids: list, windows: list, intro: str, now: datetime) -> VolunteerProfile:
    """A resident offers their skills; staff must verify them before they can take work."""
    intro = (intro or "").strip()
    if len(intro) > 300:
        raise InvalidInput(N_("The introduction can have at most 300 characters."), field="intro")
    if not skill_ids:
        raise InvalidInput(N_("Choose at least one skill."), field="skills")
    _ensure_skills(actor.community_id, now)
    skills = [_skill(actor.community_id, value, field="skills") for value in skill_ids]
    slots = _parse_windows(windows)
    begin_write()
    profile = profile_of(actor.community_id, actor.id)
    before = None
    if profile is None:
        profile = VolunteerProfile(community_id=actor.community_id, user_id=actor.id, created_at=now)
        db.session.add(profile)
    else:
        before = {"skills": sorted(s.name for s in profile.skills)}
        profile.skill_links = []
        profile.availability = []
        db.session.flush()
    profile.intro = intro
    profile.updated_at = now
    profile.skill_links = [VolunteerSkill(community_id=actor.community_id, skill_id=skill_id)
                           for skill_id in sorted({skill.id for skill in skills})]
    profile.availability = [Availability(community_id=actor.community_id, weekday=w, starts=s, ends=e)
                            for w, s, e in slots]
    if not actor.has_role(Role.VOLUNTEER):
        accounts.grant_role(None, actor, Role.VOLUNTEER)
        for person in accounts.staff_of(actor.community_id):
            notify(person, N_("%(name)s wants to volunteer. Please check and verify them."),
                   link="/aid/manage/volunteers", now=now, name=actor.name)
    db.session.flush()
    db.session.refresh(profile)
    if before and before["skills"] != sorted(s.name for s in profile.skills):
        audit.record(actor, "mutualaid.skills_changed", profile, community_id=actor.community_id, subject=actor,
                     before=before, after={"skills": sorted(s.name for s in profile.skills)}, now=now)
    db.session.flush()
    return profile


@service
def set_verified(actor: User, volunteer_id: int, verified: bool, now: datetime) -> User:
    """Staff vouch for (or withdraw) a volunteer's party membership and skills; audit-logged."""
    volunteer = db.session.get(User, volunteer_id)
    if volunteer is None or (volunteer.community_id != actor.community_id and not actor.is_admin):
        raise NotFound(N_("That person was not found."))
    accounts.require_staff_of(actor, volunteer.community_id)
    begin_write()
    accounts.set_volunteer_verified(actor, volunteer, verified, now=now)
    if verified:
        notify(volunteer, N_("You are now a verified volunteer. You can accept requests for help."),
               link="/aid/", now=now)
    else:
        notify(volunteer, N_("Your volunteer verification was withdrawn. Please talk to your community worker."),
               link="/aid/volunteer", now=now)
    return volunteer


def volunteers(community_id: int) -> list[tuple[User, VolunteerProfile | None, RoleGrant]]:
    rows = db.session.execute(
        sa.select(User, RoleGrant)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.VOLUNTEER, RoleGrant.community_id == community_id, User.active.is_(True))
        .order_by(RoleGrant.verified_at.is_not(None), User.name)
    ).all()
    profiles = {p.user_id: p for p in db.session.scalars(
        sa.select(VolunteerProfile).where(VolunteerProfile.community_id == community_id))}
    return [(user, profiles.get(user.id), grant) for user, grant in rows]


# --- the trust record ------------------------------------------------------------------

NEEDS_ATTENTION_PROBLEMS = 3


PROBLEM_ACTIONS = ("decline", "no_show", "resolve_change", "resolve_void")


def trust_records(community_id: int, user_ids) -> dict[int, dict]:
    """Plain numbers from confirmed work and recorded problems, for several volunteers in two queries."""
    ids = sorted({int(user_id) for user_id in user_ids if user_id is not None})
    if not ids:
        return {}
    confirmed = HelpRequest.status == Status.CONFIRMED
    work = {row.volunteer_id: row for row in db.session.execute(
        sa.select(HelpRequest.volunteer_id,
                  sa.func.count(sa.case((confirmed, HelpRequest.id))).label("completed"),
                  sa.func.coalesce(sa.func.sum(sa.case((confirmed, HelpRequest.confirmed_minutes))), 0).label("minutes"),
                  sa.func.avg(sa.case((confirmed, HelpRequest.rating))).label("average"),
                  sa.func.count(sa.case((confirmed, HelpRequest.rating))).label("ratings"),
                  sa.func.count(sa.case((HelpRequest.status.in_([Status.ACCEPTED, Status.DONE, Status.DISPUTED]),
                                         HelpRequest.id))).label("load"))
        .where(HelpRequest.community_id == community_id, HelpRequest.volunteer_id.in_(ids))
        .group_by(HelpRequest.volunteer_id))}
    problems: dict[int, dict[str, int]] = {user_id: {} for user_id in ids}
    for volunteer_id, action, count in db.session.execute(
            sa.select(RequestEvent.volunteer_id, RequestEvent.action, sa.func.count(RequestEvent.id))
            .where(RequestEvent.community_id == community_id, RequestEvent.volunteer_id.in_(ids),
                   RequestEvent.action.in_(PROBLEM_ACTIONS))
            .group_by(RequestEvent.volunteer_id, RequestEvent.action)):
        problems[volunteer_id][action] = count
    return {user_id: _trust(work.get(user_id), problems[user_id]) for user_id in ids}


def _trust(work, problems: dict[str, int]) -> dict:
    average = round(float(work.average), 1) if work is not None and work.average is not None else None
    record = {
        "completed": work.completed if work is not None else 0,
        "minutes": int(work.minutes) if work is not None else 0,
        "average_rating": average,
        "ratings_count": work.ratings if work is not None else 0,
        "declines_after_accept": problems.get("decline", 0),
        "no_shows": problems.get("no_show", 0),
        "disputes_lost": problems.get("resolve_change", 0) + problems.get("resolve_void", 0),
        "current_load": work.load if work is not None else 0,
    }
    record["needs_attention"] = (
        record["declines_after_accept"] + record["no_shows"] + record["disputes_lost"] >= NEEDS_ATTENTION_PROBLEMS
        or (record["ratings_count"] >= 3 and (average or 5) < 3)
    )
    return record


def trust_record(community_id: int, user_id: int) -> dict:
    """Plain numbers from confirmed work and recorded problems; never a hidden score."""
    return trust_records(community_id, [user_id])[int(user_id)]


# --- requests: who may do what -----------------------------------------------------------

def permitted(request: HelpRequest, action: str, user: User | None) -> bool:
    """The one place that says who may move a request; `HelpRequest.can` and every service ask it."""
    if action in TRANSITIONS and not request.allows(action):
        return False
    if action == "auto_confirm":
        return user is None
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.community_id != request.community_id and not user.is_admin:
        return False
    staff = user.is_staff_of(request.community_id)

    def requester_side() -> bool:  # asked only where it matters: it may cost a query about carers
        return user.id == request.requester_id or user.id == request.created_by_id or (
            accounts.can_act_for(user, request.requester))

    match action:
        case "accept":
            return (user.is_verified_volunteer and user.id != request.requester_id
                    and not request.hidden)
        case "decline" | "done":
            return user.id == request.volunteer_id
        case "no_show":
            return (staff or requester_side()) and user.id != request.volunteer_id
        case "confirm" | "dispute":
            return user.id != request.volunteer_id and requester_side()
        case "resolve_confirm" | "resolve_change" | "resolve_void":
            return staff
        case "cancel":
            return staff or requester_side()
        case "edit" | "invite":
            return request.status == Status.OPEN and (staff or requester_side())
        case "decline_invite":
            return request.status == Status.OPEN and user.id == request.invited_id
        case "hide":
            return staff
        case "view":
            return staff or user.id in (request.volunteer_id, request.invited_id) or (
                user.has_role(Role.VOLUNTEER) and not request.hidden) or requester_side()
    return False


def _refuse(request: HelpRequest, action: str, actor: User | None) -> None:
    if permitted(request, action, actor):
        return
    if action in TRANSITIONS and not request.allows(action):
        if action == "accept" and request.volunteer_id is not None:
            if actor is not None and request.volunteer_id == actor.id:
                raise Conflict(N_("You have already accepted this request."))
            raise Conflict(N_("Another volunteer has already accepted this request."))
        if action in ("confirm", "resolve_confirm", "resolve_change") and request.status == Status.CONFIRMED:
            raise Conflict(N_("This help has already been confirmed. The time credits moved once."))
        raise Conflict(N_("This request has moved on in the meantime. Reload the page to see where it is now."))
    if action == "accept" and actor is not None and not actor.is_verified_volunteer:
        raise NotAllowed(N_("Only volunteers verified by the community can accept requests."))
    if action == "accept" and actor is not None and actor.id == request.requester_id:
        raise NotAllowed(N_("You cannot accept your own request."))
    if action in ("edit", "invite") and request.status != Status.OPEN:
        raise Conflict(N_("This request can no longer be changed because a volunteer has taken it."))
    raise NotAllowed(N_("You cannot do that for this request."))


def _locked_request(request_id: int, actor: User | None) -> HelpRequest:
    """The request, re-read under a row lock (PostgreSQL) or the write lock (SQLite)."""
    begin_write()
    request = db.session.scalar(
        sa.select(HelpRequest).where(HelpRequest.id == request_id)
        .with_for_update().execution_options(populate_existing=True)
    )
    if request is None or (actor is not None and not actor.is_admin and actor.community_id != request.community_id):
        raise NotFound(N_("That request was not found."))
    return request


def _move(request: HelpRequest, action: str, actor: User | None, now: datetime, *, minutes: int | None = None,
          note: str = "", **changes) -> RequestEvent:
    """Check the TRANSITIONS table and permissions, move the request (with `changes`), write its history row."""
    _refuse(request, action, actor)
    _sources, target = TRANSITIONS[action]
    event = RequestEvent(
        community_id=request.community_id, request_id=request.id, actor_id=actor.id if actor else None,
        volunteer_id=changes.get("volunteer_id") or request.volunteer_id, action=action,
        from_status=str(request.status), to_status=str(target), minutes=minutes, note=(note or "")[:500],
        created_at=now,
    )
    request.status = str(target)
    for name, value in changes.items():
        setattr(request, name, value)
    db.session.add(event)
    db.session.flush()
    return event


def _requester_side(request: HelpRequest) -> list[User]:
    people = {request.requester_id: request.requester, request.created_by_id: request.created_by}
    return [person for person in people.values() if person.active]


def _link(request: HelpRequest) -> str:
    return f"/aid/requests/{request.id}"


# --- requests: making and changing them -----------------------------------------------

MAX_WINDOWS = 3


@dataclass
class RequestDetails:
    skill: str | int
    title: str
    description: str
    address: str
    asap: bool = True
    day: date | None = None  # the first window …
    starts: time | None = None
    ends: time | None = None
    more_windows: list[tuple[date | None, time | None, time | None]] = field(default_factory=list)  # … the others


def window_field(name: str, position: int) -> str:
    """The form field of a window's part: `day`, `starts`, `ends` for the first; `day_2` … for the others."""
    return name if position == 0 else f"{name}_{position + 1}"


def _clean_windows(details: RequestDetails, now: datetime) -> list[tuple[datetime, datetime]]:
    """Each window on its own day, end after start, not past, within two months; none overlapping another.

    A row left wholly empty is no window (the form shows a few rows; people fill one or more).
    """
    given = [(details.day, details.starts, details.ends), *details.more_windows]
    rows = [(day, starts, ends, position) for position, (day, starts, ends) in enumerate(given)
            if any(part is not None for part in (day, starts, ends))]
    if not rows:
        raise InvalidInput(N_("Choose the day."), field="day")
    if len(rows) > MAX_WINDOWS:
        raise InvalidInput(N_("Give at most %(count)s times."), field="day", count=MAX_WINDOWS)
    windows: list[tuple[datetime, datetime]] = []
    for day, starts, ends, position in rows:
        if day is None:
            raise InvalidInput(N_("Choose the day."), field=window_field("day", position))
        if starts is None or ends is None:
            raise InvalidInput(N_("Choose from what time until what time."), field=window_field("starts", position))
        if starts >= ends:
            raise InvalidInput(N_("The end time must be after the start time."), field=window_field("ends", position))
        window_start, window_end = local_to_utc(day, starts), local_to_utc(day, ends)
        if window_end <= now:
            raise InvalidInput(N_("Choose a time that has not passed yet."), field=window_field("day", position))
        if window_start > now + timedelta(days=60):
            raise InvalidInput(N_("Choose a day within the next two months."), field=window_field("day", position))
        if any(window_start < other_end and other_start < window_end for other_start, other_end in windows):
            raise InvalidInput(N_("These times overlap. Give each time once."), field=window_field("day", position))
        windows.append((window_start, window_end))
    return sorted(windows)


def _clean_details(community_id: int, details: RequestDetails, now: datetime, home: str = "") -> dict:
    skill = _skill(community_id, details.skill)
    title = " ".join((details.title or "").split())
    if len(title) < 2:
        raise InvalidInput(N_("Say in a few words what you need, e.g. 厨房水龙头漏水."), field="title")
    if len(title) > 80:
        raise InvalidInput(N_("The title can have at most 80 characters."), field="title")
    description = (details.description or "").strip()
    if len(description) > 1000:
        raise InvalidInput(N_("The description can have at most 1000 characters."), field="description")
    address = " ".join((details.address or "").split()) or home
    if not address:
        raise InvalidInput(N_("Enter where the help is needed."), field="address")
    if len(address) > 200:
        raise InvalidInput(N_("The address can have at most 200 characters."), field="address")
    windows = [] if details.asap else _clean_windows(details, now)
    return {"skill_id": skill.id, "title": title, "description": description, "address": address,
            "asap": details.asap, "windows": windows}


def _set_windows(request: HelpRequest, windows: list[tuple[datetime, datetime]]) -> None:
    """Replace the request's windows; its span (earliest start, latest end) orders the board."""
    if request.windows:
        request.windows.clear()
        db.session.flush()  # the old rows go before new ones with the same start arrive
    request.windows = [RequestWindow(community_id=request.community_id, starts=starts, ends=ends)
                       for starts, ends in windows]
    request.window_start = min((starts for starts, _ends in windows), default=None)
    request.window_end = max((ends for _starts, ends in windows), default=None)


def pays_from_pool(requester: User, settings: CreditRules, now: datetime) -> bool:
    """Elders (70+ by default) and residents needing care are helped at the pool's cost."""
    age = requester.age(to_local(now).date())
    return requester.needs_care or (age is not None and age >= settings.pool_paid_age)


@service
def create_request(actor: User, for_user_id, details: RequestDetails, now: datetime, *, photo=None,
                   invited_id: int | None = None, offer_id: int | None = None,
                   submission_key: str | None = None) -> HelpRequest:
    requester = accounts.resolve_for_user(actor, for_user_id)
    if requester.community_id != actor.community_id and not actor.is_admin:
        raise NotAllowed(N_("You cannot act for this person."), field="for_user")
    community_id = requester.community_id
    if submission_key:
        earlier = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.submission_key == submission_key,
                                                                 HelpRequest.community_id == community_id))
        if earlier is not None:
            return earlier
    _ensure_skills(community_id, now)
    values = _clean_details(community_id, details, now, home=requester.address)
    windows = values.pop("windows")
    invited = _invitable(community_id, invited_id, requester) if invited_id else None
    offer = None
    if offer_id:
        offer = db.session.scalar(sa.select(Offer).where(Offer.id == offer_id, Offer.community_id == community_id,
                                                         Offer.active.is_(True), Offer.hidden_at.is_(None)))
        if offer is None:
            raise Conflict(N_("This offer is no longer available."))
    stored = uploads.store_image(photo, community_id) if photo else None
    try:
        begin_write()
        settings = rules(community_id)
        if not pays_from_pool(requester, settings, now):
            balance = _member_account(community_id, requester.id, now).balance_minutes
            if balance <= settings.floor_minutes:
                raise Conflict(N_("The time credits are at the lowest allowed balance. Help a neighbour to earn "
                                  "hours, receive hours as a gift, or ask your community worker."))
        request = HelpRequest(community_id=community_id, requester_id=requester.id, created_by_id=actor.id,
                              photo_key=stored.key if stored else None, status=Status.OPEN,
                              invited_id=invited.id if invited else None, offer_id=offer.id if offer else None,
                              submission_key=submission_key or None, created_at=now, **values)
        _set_windows(request, windows)
        db.session.add(request)
        db.session.flush()
        db.session.add(RequestEvent(community_id=community_id, request_id=request.id, actor_id=actor.id,
                                    action="create", from_status=None, to_status=Status.OPEN, created_at=now))
        if invited:
            _notify_invited(request, invited, now)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        if stored:
            uploads.discard(stored.key)
        earlier = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.submission_key == submission_key))
        if earlier is not None:
            return earlier
        raise
    except BaseException:
        if stored:
            uploads.discard(stored.key)
        raise
    return request


@service
def edit_request(actor: User, request_id: int, details: RequestDetails, now: datetime, *, photo=None,
                 remove_photo: bool = False) -> HelpRequest:
    request = _locked_request(request_id, actor)
    _refuse(request, "edit", actor)
    values = _clean_details(request.community_id, details, now, home=request.requester.address)
    windows = values.pop("windows")
    stored = uploads.store_image(photo, request.community_id) if photo else None
    old_photo = request.photo_key
    for key, value in values.items():
        setattr(request, key, value)
    _set_windows(request, windows)
    if stored or remove_photo:
        request.photo_key = stored.key if stored else None
    db.session.add(RequestEvent(community_id=request.community_id, request_id=request.id, actor_id=actor.id,
                                action="edit", from_status=request.status, to_status=request.status, created_at=now))
    try:
        db.session.flush()
    except BaseException:
        if stored:
            uploads.discard(stored.key)
        raise
    if old_photo and old_photo != request.photo_key:
        uploads.discard(old_photo)
    return request


@service
def cancel_request(actor: User, request_id: int, now: datetime, reason: str = "") -> HelpRequest:
    request = _locked_request(request_id, actor)
    volunteer = request.volunteer
    _move(request, "cancel", actor, now, note=reason)
    if volunteer is not None and volunteer.id != actor.id:
        notify(volunteer, N_("%(title)s was cancelled. Thank you all the same."), link=_link(request), now=now,
               title=request.title)
    return request


def _invitable(community_id: int, volunteer_id, requester: User) -> User:
    try:
        volunteer = db.session.get(User, int(volunteer_id))
    except (TypeError, ValueError):
        volunteer = None
    if volunteer is None or volunteer.community_id != community_id or not volunteer.active:
        raise InvalidInput(N_("That volunteer was not found."), field="volunteer")
    if not volunteer.is_verified_volunteer:
        raise InvalidInput(N_("Only verified volunteers can be invited."), field="volunteer")
    if volunteer.id == requester.id:
        raise InvalidInput(N_("You cannot invite yourself."), field="volunteer")
    return volunteer


def _notify_invited(request: HelpRequest, volunteer: User, now: datetime) -> None:
    notify(volunteer, N_("%(name)s asks for your help: %(title)s."), link=_link(request), now=now,
           name=request.requester.name, title=request.title)


@service
def invite(actor: User, request_id: int, volunteer_id, now: datetime) -> HelpRequest:
    request = _locked_request(request_id, actor)
    _refuse(request, "invite", actor)
    volunteer = _invitable(request.community_id, volunteer_id, request.requester)
    if request.invited_id == volunteer.id:
        return request
    request.invited_id = volunteer.id
    db.session.add(RequestEvent(community_id=request.community_id, request_id=request.id, actor_id=actor.id,
                                volunteer_id=volunteer.id, action="invite", from_status=request.status,
                                to_status=request.status, created_at=now))
    _notify_invited(request, volunteer, now)
    return request


@service
def decline_invitation(actor: User, request_id: int, now: datetime) -> HelpRequest:
    request = _locked_request(request_id, actor)
    _refuse(request, "decline_invite", actor)
    request.invited_id = None
    db.session.add(RequestEvent(community_id=request.community_id, request_id=request.id, actor_id=actor.id,
                                action="decline_invite", from_status=request.status, to_status=request.status,
                                created_at=now))
    for person in _requester_side(request):
        notify(person, N_("%(volunteer)s cannot help with %(title)s this time. You can invite someone else."),
               link=_link(request), now=now, volunteer=actor.name, title=request.title)
    return request


# --- requests: the lifecycle ---------------------------------------------------------

@service
def accept(actor: User, request_id: int, now: datetime) -> HelpRequest:
    """Exactly one volunteer gets a request: the row is locked, then its state is checked."""
    request = _locked_request(request_id, actor)
    _move(request, "accept", actor, now, volunteer_id=actor.id, accepted_at=now, invited_id=None)
    for person in _requester_side(request):
        notify(person, N_("%(volunteer)s will help with: %(title)s."), link=_link(request), now=now,
               volunteer=actor.name, title=request.title)
    return request


@service
def decline(actor: User, request_id: int, now: datetime, reason: str = "") -> HelpRequest:
    """The volunteer gives an accepted request back; it is open again and counts on their record."""
    request = _locked_request(request_id, actor)
    _move(request, "decline", actor, now, note=reason, volunteer_id=None, accepted_at=None)
    for person in _requester_side(request):
        notify(person, N_("%(volunteer)s can no longer help with %(title)s. It is open for others again."),
               link=_link(request), now=now, volunteer=actor.name, title=request.title)
    return request


@service
def report_no_show(actor: User, request_id: int, now: datetime, note: str = "") -> HelpRequest:
    request = _locked_request(request_id, actor)
    volunteer = request.volunteer
    _move(request, "no_show", actor, now, note=note, volunteer_id=None, accepted_at=None)
    if volunteer is not None:
        notify(volunteer, N_("%(title)s was reported as missed and is open for others again."),
               link=_link(request), now=now, title=request.title)
    return request


def _clean_minutes(minutes) -> int:
    try:
        value = int(str(minutes).strip())
    except (TypeError, ValueError):
        raise InvalidInput(N_("Enter the time spent in minutes, e.g. 90."), field="minutes") from None
    if not 5 <= value <= MAX_MINUTES_PER_VISIT:
        raise InvalidInput(N_("Enter between 5 and 720 minutes."), field="minutes")
    return value


@service
def report_done(actor: User, request_id: int, minutes, now: datetime) -> HelpRequest:
    value = _clean_minutes(minutes)
    request = _locked_request(request_id, actor)
    _move(request, "done", actor, now, minutes=value, reported_minutes=value, done_at=now)
    for person in _requester_side(request):
        notify(person, N_("%(volunteer)s has finished %(title)s (%(minutes)s minutes). Please confirm."),
               link=_link(request), now=now, volunteer=actor.name, title=request.title, minutes=value)
    return request


def _clean_rating(rating) -> int:
    try:
        value = int(str(rating).strip())
    except (TypeError, ValueError):
        raise InvalidInput(N_("Choose a rating from 1 to 5 stars."), field="rating") from None
    if not 1 <= value <= 5:
        raise InvalidInput(N_("Choose a rating from 1 to 5 stars."), field="rating")
    return value


def _complete(request: HelpRequest, action: str, actor: User | None, minutes: int, now: datetime,
              note: str = "") -> None:
    """Move to confirmed and pay, in the same transaction: credits move exactly once."""
    _move(request, action, actor, now, minutes=minutes, note=note, confirmed_minutes=minutes, confirmed_at=now)
    _pay_for_help(request, minutes, actor, now)
    notify(request.volunteer, N_("Thank you! %(title)s is confirmed and %(minutes)s minutes were added to your "
                                 "time credits."), link="/aid/credits", now=now, title=request.title, minutes=minutes)


@service
def confirm(actor: User, request_id: int, rating, comment: str, now: datetime) -> HelpRequest:
    score = _clean_rating(rating)
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise InvalidInput(N_("The comment can have at most 500 characters."), field="comment")
    request = _locked_request(request_id, actor)
    _refuse(request, "confirm", actor)
    request.rating = score
    request.comment = comment
    _complete(request, "confirm", actor, request.reported_minutes, now)
    return request


@service
def dispute(actor: User, request_id: int, reason: str, now: datetime) -> HelpRequest:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Say briefly what is wrong, so staff can sort it out."), field="reason")
    if len(reason) > 500:
        raise InvalidInput(N_("The reason can have at most 500 characters."), field="reason")
    request = _locked_request(request_id, actor)
    _move(request, "dispute", actor, now, note=reason, dispute_reason=reason)
    notify(request.volunteer, N_("%(title)s was questioned. Community staff will look at it."),
           link=_link(request), now=now, title=request.title)
    for person in accounts.staff_of(request.community_id):
        notify(person, N_("A request needs a decision: %(title)s."), link=_link(request), now=now,
               title=request.title)
    return request


RESOLUTIONS = {"confirm": "resolve_confirm", "change": "resolve_change", "void": "resolve_void"}


@service
def resolve_dispute(actor: User, request_id: int, outcome: str, now: datetime, *, minutes=None,
                    note: str = "") -> HelpRequest:
    """Staff decide: confirm the reported time, confirm a changed time, or void (no credits move)."""
    action = RESOLUTIONS.get(outcome)
    if action is None:
        raise InvalidInput(N_("Choose how to settle it."), field="outcome")
    note = (note or "").strip()
    if not note:
        raise InvalidInput(N_("Write down the reason for the decision."), field="note")
    value = _clean_minutes(minutes) if action == "resolve_change" else None
    request = _locked_request(request_id, actor)
    _refuse(request, action, actor)
    before = {"status": request.status, "reported_minutes": request.reported_minutes}
    if action == "resolve_void":
        _move(request, action, actor, now, note=note)
    else:
        _complete(request, action, actor, value or request.reported_minutes, now, note=note)
    audit.record(actor, f"mutualaid.dispute_{outcome}", request, community_id=request.community_id,
                 subject=request.volunteer, before=before,
                 after={"status": request.status, "confirmed_minutes": request.confirmed_minutes}, reason=note, now=now)
    for person in {*_requester_side(request), request.volunteer}:
        notify(person, N_("Staff have settled %(title)s: %(note)s"), link=_link(request), now=now,
               title=request.title, note=note)
    return request


def auto_confirm_due(now: datetime) -> int:
    """Done and unquestioned for 72 hours: confirmed by the system (one transaction per request)."""
    due = db.session.scalars(
        sa.select(HelpRequest.id).where(HelpRequest.status == Status.DONE,
                                        HelpRequest.done_at <= now - AUTO_CONFIRM_AFTER)
        .order_by(HelpRequest.done_at)
    ).all()
    db.session.commit()
    confirmed = 0
    for request_id in due:
        try:
            _auto_confirm_one(request_id, now)
            confirmed += 1
        except Conflict:
            continue  # another server confirmed it, or someone disputed it just now
    return confirmed


@service
def _auto_confirm_one(request_id: int, now: datetime) -> None:
    request = _locked_request(request_id, None)
    if request.status != Status.DONE or request.done_at > now - AUTO_CONFIRM_AFTER:
        raise Conflict(N_("This request has moved on in the meantime. Reload the page to see where it is now."))
    _complete(request, "auto_confirm", None, request.reported_minutes, now)


# --- moderation -------------------------------------------------------------------------

def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Write down the reason."), field="reason")
    if len(reason) > 300:
        raise InvalidInput(N_("The reason can have at most 300 characters."), field="reason")
    return reason


@service
def hide_request(actor: User, request_id: int, reason: str, now: datetime) -> HelpRequest:
    reason = _clean_reason(reason)
    request = _locked_request(request_id, actor)
    _refuse(request, "hide", actor)
    if request.hidden:
        raise Conflict(N_("This has already been hidden."))
    request.hidden_at, request.hidden_by_id, request.hidden_reason = now, actor.id, reason
    audit.record(actor, "mutualaid.request_hidden", request, community_id=request.community_id,
                 subject=request.requester, before={"hidden": False}, after={"hidden": True}, reason=reason, now=now)
    for person in _requester_side(request):
        notify(person, N_("Community staff hid your request %(title)s. Reason: %(reason)s"), link=_link(request),
               now=now, title=request.title, reason=reason)
    return request


@service
def hide_offer(actor: User, offer_id: int, reason: str, now: datetime) -> Offer:
    reason = _clean_reason(reason)
    begin_write()
    offer = db.session.scalar(sa.select(Offer).where(Offer.id == offer_id).with_for_update())
    if offer is None or not actor.is_staff_of(offer.community_id):
        raise NotFound(N_("That offer was not found."))
    if offer.hidden:
        raise Conflict(N_("This has already been hidden."))
    offer.hidden_at, offer.hidden_by_id, offer.hidden_reason = now, actor.id, reason
    audit.record(actor, "mutualaid.offer_hidden", offer, community_id=offer.community_id, subject=offer.volunteer,
                 before={"hidden": False}, after={"hidden": True}, reason=reason, now=now)
    notify(offer.volunteer, N_("Community staff hid your offer %(title)s. Reason: %(reason)s"),
           link=f"/aid/volunteers/{offer.volunteer_id}#hidden-offers",
           now=now, title=offer.title, reason=reason)
    return offer


# --- appeals against hidden content (registered with neighbors.appeals) ------------------

def _hidden_request(request_id: int) -> HiddenRecord | None:
    request = db.session.get(HelpRequest, request_id)
    if request is None:
        return None
    return HiddenRecord(community_id=request.community_id,
                                author_ids=frozenset({request.requester_id, request.created_by_id}),
                                hidden=request.hidden, reason=request.hidden_reason)


def _describe_requests(community_id: int, request_ids: list[int]) -> dict[int, tuple[str, Link]]:
    rows = db.session.execute(sa.select(HelpRequest.id, HelpRequest.title).where(
        HelpRequest.community_id == community_id, HelpRequest.id.in_(request_ids)))
    return {request_id: (title, Link("mutualaid.request_page", request_id=request_id)) for request_id, title in rows}


def _reinstate_request(actor: User, request_id: int, now: datetime) -> None:
    """Staff show a hidden request again after an appeal; flushes only (the appeal's decision commits)."""
    request = _locked_request(request_id, actor)
    if not actor.is_staff_of(request.community_id):
        raise NotAllowed(N_("Only staff of this community can do that."))
    if not request.hidden:
        raise Conflict(N_("This is no longer hidden."))
    audit.record(actor, "mutualaid.request_reinstated", request, community_id=request.community_id,
                 subject=request.requester, before={"hidden": True, "reason": request.hidden_reason},
                 after={"hidden": False}, now=now)
    request.hidden_at, request.hidden_by_id, request.hidden_reason = None, None, ""
    db.session.flush()


def _hidden_offer(offer_id: int) -> HiddenRecord | None:
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        return None
    return HiddenRecord(community_id=offer.community_id, author_ids=frozenset({offer.volunteer_id}),
                                hidden=offer.hidden, reason=offer.hidden_reason)


def _describe_offers(community_id: int, offer_ids: list[int]) -> dict[int, tuple[str, Link]]:
    rows = db.session.execute(sa.select(Offer.id, Offer.title, Offer.volunteer_id).where(
        Offer.community_id == community_id, Offer.id.in_(offer_ids)))
    return {offer_id: (title, Link("mutualaid.volunteer_page", user_id=volunteer_id, anchor="offers")) for offer_id, title, volunteer_id in rows}


def _reinstate_offer(actor: User, offer_id: int, now: datetime) -> None:
    """Staff show a hidden offer again after an appeal; flushes only."""
    begin_write()
    offer = db.session.scalar(sa.select(Offer).where(Offer.id == offer_id).with_for_update())
    if offer is None or not actor.is_staff_of(offer.community_id):
        raise NotFound(N_("That offer was not found."))
    if not offer.hidden:
        raise Conflict(N_("This is no longer hidden."))
    audit.record(actor, "mutualaid.offer_reinstated", offer, community_id=offer.community_id, subject=offer.volunteer,
                 before={"hidden": True, "reason": offer.hidden_reason}, after={"hidden": False}, now=now)
    offer.hidden_at, offer.hidden_by_id, offer.hidden_reason = None, None, ""
    db.session.flush()




def hidden_offers_of(community_id: int, user_id: int) -> list[Offer]:
    """A volunteer's own offers that staff hid, so they see why and may appeal."""
    return list(db.session.scalars(
        sa.select(Offer).where(Offer.community_id == community_id, Offer.volunteer_id == user_id,
                               Offer.active.is_(True), Offer.hidden_at.is_not(None))
        .options(joinedload(Offer.skill)).order_by(Offer.hidden_at.desc())
    ))


# --- offers -----------------------------------------------------------------------------

@service
def create_offer(actor: User, skill, title: str, description: str, now: datetime) -> Offer:
    if not actor.is_verified_volunteer:
        raise NotAllowed(N_("Only volunteers verified by the community can post offers."))
    _ensure_skills(actor.community_id, now)
    skill_row = _skill(actor.community_id, skill)
    title = " ".join((title or "").split())
    if len(title) < 2:
        raise InvalidInput(N_("Say in a few words what you offer, e.g. 周六上午义务理发."), field="title")
    if len(title) > 80:
        raise InvalidInput(N_("The title can have at most 80 characters."), field="title")
    description = (description or "").strip()
    if len(description) > 500:
        raise InvalidInput(N_("The description can have at most 500 characters."), field="description")
    begin_write()
    offer = Offer(community_id=actor.community_id, volunteer_id=actor.id, skill_id=skill_row.id, title=title,
                  description=description, created_at=now)
    db.session.add(offer)
    db.session.flush()
    return offer


@service
def close_offer(actor: User, offer_id: int, now: datetime) -> Offer:
    begin_write()
    offer = db.session.get(Offer, offer_id)
    if offer is None or (offer.community_id != actor.community_id and not actor.is_admin):
        raise NotFound(N_("That offer was not found."))
    if offer.volunteer_id != actor.id:  # staff hide an offer with a reason, so its author is told
        raise NotAllowed(N_("You cannot do that for this offer."))
    offer.active = False
    return offer


def offers(community_id: int, include_hidden: bool = False) -> list[Offer]:
    query = sa.select(Offer).where(Offer.community_id == community_id, Offer.active.is_(True)).options(
        joinedload(Offer.skill), _person(Offer.volunteer))
    if not include_hidden:
        query = query.where(Offer.hidden_at.is_(None))
    return list(db.session.scalars(query.order_by(Offer.created_at.desc())))


def get_offer(community_id: int, offer_id: int) -> Offer | None:
    return db.session.scalar(sa.select(Offer).where(Offer.id == offer_id, Offer.community_id == community_id))


# --- reading requests ------------------------------------------------------------------

def get_request(request_id: int) -> HelpRequest | None:
    return db.session.get(HelpRequest, request_id)


def _person(relationship):
    """Load a related person in the same query; their role grants only if something asks for them."""
    return joinedload(relationship).lazyload(User.role_grants)


# Cards show the windows too: joined in the same statement (lists call .unique() for that collection).
CARD = (joinedload(HelpRequest.skill), _person(HelpRequest.requester), joinedload(HelpRequest.windows))


def request_for_page(request_id: int) -> HelpRequest | None:
    """A request with the people, the skill and the timeline its page shows, in two queries."""
    return db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.id == request_id)
        .options(*CARD, _person(HelpRequest.created_by), _person(HelpRequest.volunteer),
                 _person(HelpRequest.invited),
                 selectinload(HelpRequest.history).options(_person(RequestEvent.actor)))
    ).unique().one_or_none()


def skill_ids_of(community_id: int, user_id: int) -> set[int] | None:
    """The skills a volunteer offers, or None when they have no volunteer profile (one query)."""
    rows = db.session.execute(
        sa.select(VolunteerProfile.id, VolunteerSkill.skill_id)
        .outerjoin(VolunteerSkill, VolunteerSkill.profile_id == VolunteerProfile.id)
        .where(VolunteerProfile.community_id == community_id, VolunteerProfile.user_id == user_id)
    ).all()
    if not rows:
        return None
    return {skill_id for _profile_id, skill_id in rows if skill_id is not None}


def board(user: User, now: datetime, skill_ids: set[int] | None = None) -> list[HelpRequest]:
    """Open requests of the user's community: their skills first, then the most urgent, then the oldest."""
    requests = db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.community_id == user.community_id,
                                     HelpRequest.status == Status.OPEN, HelpRequest.hidden_at.is_(None))
        .options(*CARD)
    ).unique().all()
    mine = skill_ids if skill_ids is not None else (skill_ids_of(user.community_id, user.id) or set())
    far = now + timedelta(days=3650)

    def order(request: HelpRequest):
        return (request.skill_id not in mine, request.invited_id != user.id, not request.asap,
                request.window_start or far, request.created_at, request.id)

    return sorted(requests, key=order)


def requests_for(user: User, people: list[User] | None = None) -> list[HelpRequest]:
    """Requests the user made, made for them, or made for the people they care for (`people`, if known)."""
    ids = [person.id for person in (people if people is not None else accounts.people_i_can_act_for(user))]
    return list(db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.community_id == user.community_id,
                                     sa.or_(HelpRequest.requester_id.in_(ids),
                                            HelpRequest.created_by_id == user.id))
        .options(*CARD).order_by(HelpRequest.created_at.desc()).limit(50)
    ).unique())


def work_of(user: User) -> list[HelpRequest]:
    """What a volunteer has taken on or been invited to."""
    return list(db.session.scalars(
        sa.select(HelpRequest).where(
            HelpRequest.community_id == user.community_id,
            sa.or_(sa.and_(HelpRequest.volunteer_id == user.id,
                           HelpRequest.status.in_([Status.ACCEPTED, Status.DONE, Status.DISPUTED])),
                   sa.and_(HelpRequest.invited_id == user.id, HelpRequest.status == Status.OPEN)))
        .options(*CARD).order_by(HelpRequest.created_at)
    ).unique())


def all_requests(community_id: int, status: str | None = None) -> list[HelpRequest]:
    query = sa.select(HelpRequest).where(HelpRequest.community_id == community_id)
    if status:
        query = query.where(HelpRequest.status == status)
    return list(db.session.scalars(query.options(*CARD).order_by(HelpRequest.created_at.desc()).limit(200)).unique())


def _available_for(profile: VolunteerProfile | None, request: HelpRequest, now: datetime) -> bool:
    if profile is None:
        return False
    if request.asap or not request.windows:
        return profile.available_on(to_local(now).weekday())
    return any(_overlaps(slot, to_local(window.starts), to_local(window.ends))
               for window in request.windows for slot in profile.availability)


def _overlaps(slot, start: datetime, end: datetime) -> bool:
    """A weekly free slot meets a window (both local; a window lies within one day)."""
    return slot.weekday == start.weekday() and slot.starts < end.time() and start.time() < slot.ends


def suggestions(request: HelpRequest, now: datetime, limit: int = 3) -> list[dict]:
    """Up to three verified volunteers: skill first, then free at that time, then record, then least busy."""
    candidates = []
    eligible = [(user, profile) for user, profile, grant in volunteers(request.community_id)
                if grant.verified_at is not None and user.id != request.requester_id]
    records = trust_records(request.community_id, [user.id for user, _profile in eligible])
    for user, profile in eligible:
        trust = records[user.id]
        has_skill = bool(profile and profile.has_skill(request.skill_id))
        available = _available_for(profile, request, now)
        problems = trust["declines_after_accept"] + trust["no_shows"] + trust["disputes_lost"]
        candidates.append({
            "user": user, "profile": profile, "trust": trust, "has_skill": has_skill, "available": available,
            "rank": (not has_skill, not available, problems, -(trust["average_rating"] or 0), -trust["completed"],
                     trust["current_load"], user.id),
        })
    candidates.sort(key=lambda item: item["rank"])
    return candidates[:limit]


# --- the ledger -----------------------------------------------------------------------

class InsufficientCredits(Conflict):
    pass


def _pool_account(community_id: int, now: datetime) -> CreditAccount:
    db.session.execute(
        _insert(CreditAccount).values(community_id=community_id, user_id=None, is_pool=True, balance_minutes=0,
                                      created_at=now)
        .on_conflict_do_nothing(index_elements=["community_id"], index_where=sa.text("is_pool"))
    )
    return db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == community_id,
                                                            CreditAccount.is_pool.is_(True)))


def _member_account(community_id: int, user_id: int, now: datetime) -> CreditAccount:
    """A member's account, opened with the starting grant from the pool the first time it is needed."""
    account = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == community_id,
                                                               CreditAccount.user_id == user_id))
    if account is not None:
        return account
    created = db.session.execute(
        _insert(CreditAccount).values(community_id=community_id, user_id=user_id, is_pool=False,
                                      balance_minutes=0, created_at=now)
        .on_conflict_do_nothing(index_elements=["community_id", "user_id"]).returning(CreditAccount.id)
    ).scalar()  # None when another transaction opened it first (rowcount is not reliable here)
    account = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == community_id,
                                                               CreditAccount.user_id == user_id))
    grant = rules(community_id).starting_grant_minutes
    if created is not None and grant > 0:
        pool = _pool_account(community_id, now)
        _post(community_id, TransactionKind.GRANT, [(pool.id, -grant), (account.id, grant)], actor=None, now=now,
              grant_account_id=account.id)
    db.session.refresh(account)
    return account


def _lock_balances(account_ids) -> dict[int, int]:
    """Current balances, locked in id order (no deadlocks between two transfers in opposite directions)."""
    rows = db.session.execute(
        sa.select(CreditAccount.id, CreditAccount.balance_minutes)
        .where(CreditAccount.id.in_(sorted(set(account_ids)))).order_by(CreditAccount.id).with_for_update()
    ).all()
    return {row.id: row.balance_minutes for row in rows}


def _post(community_id: int, kind: str, legs: list[tuple[int, int]], *, actor: User | None, now: datetime,
          reason: str = "", minimums: dict[int, int] | None = None, **links) -> CreditTransaction:
    """Write one balanced transaction and move the cached balances.

    Member accounts are kept between their minimum (the floor unless given) and the ceiling;
    what would pass the ceiling goes to the pool instead.
    """
    settings = rules(community_id)
    pool = _pool_account(community_id, now)
    merged: dict[int, int] = {}
    for account_id, minutes in legs:
        merged[account_id] = merged.get(account_id, 0) + minutes
    if sum(merged.values()) != 0:
        raise ValueError("a transaction's entries must sum to zero")
    balances = _lock_balances([*merged, pool.id])
    members = {row.id for row in db.session.execute(
        sa.select(CreditAccount.id).where(CreditAccount.id.in_(list(merged)), CreditAccount.is_pool.is_(False)))}
    for account_id in sorted(merged):
        if account_id not in members:
            continue
        after = balances[account_id] + merged[account_id]
        if merged[account_id] > 0 and after > settings.ceiling_minutes:
            excess = min(merged[account_id], after - settings.ceiling_minutes)
            merged[account_id] -= excess
            merged[pool.id] = merged.get(pool.id, 0) + excess
        minimum = (minimums or {}).get(account_id, settings.floor_minutes)
        if merged[account_id] < 0 and after < minimum:
            raise InsufficientCredits(N_("There are not enough hours for this. The most that can be given now "
                                         "is %(minutes)s minutes."), field="minutes",
                                      minutes=max(0, balances[account_id] - minimum))
    if not any(merged.values()):
        raise Conflict(N_("This balance is already at the highest allowed, so nothing would move."), field="minutes")
    transaction = CreditTransaction(community_id=community_id, kind=str(kind), actor_id=actor.id if actor else None,
                                    reason=reason[:300], created_at=now, **links)
    db.session.add(transaction)
    db.session.flush()
    for account_id in sorted(merged):
        minutes = merged[account_id]
        if minutes == 0:
            continue
        db.session.add(LedgerEntry(community_id=community_id, transaction_id=transaction.id, account_id=account_id,
                                   minutes=minutes, created_at=now))
        db.session.execute(sa.update(CreditAccount).where(CreditAccount.id == account_id)
                           .values(balance_minutes=CreditAccount.balance_minutes + minutes)
                           .execution_options(synchronize_session=False))
    db.session.flush()
    for account in db.session.identity_map.values():
        if isinstance(account, CreditAccount) and account.id in merged:
            db.session.expire(account, ["balance_minutes"])
    return transaction


def _pay_for_help(request: HelpRequest, minutes: int, actor: User | None, now: datetime) -> CreditTransaction:
    """The requester pays down to the floor; the pool pays the rest, or all of it for elders and care."""
    community_id = request.community_id
    settings = rules(community_id)
    volunteer = _member_account(community_id, request.volunteer_id, now)
    pool = _pool_account(community_id, now)
    if pays_from_pool(request.requester, settings, now):
        legs = [(pool.id, -minutes)]
    else:
        payer = _member_account(community_id, request.requester_id, now)
        balance = _lock_balances([payer.id])[payer.id]
        own = max(0, min(minutes, balance - settings.floor_minutes))
        legs = [(payer.id, -own), (pool.id, -(minutes - own))]
    legs.append((volunteer.id, minutes))
    try:
        with db.session.begin_nested():
            return _post(community_id, TransactionKind.HELP, [leg for leg in legs if leg[1]], actor=actor, now=now,
                         reason=request.title, request_id=request.id)
    except IntegrityError:
        raise Conflict(N_("This help has already been confirmed. The time credits moved once.")) from None


def balance_minutes(community_id: int, user_id: int) -> int:
    """The cached balance (what check-ledger proves); a member without an account yet has none."""
    value = db.session.scalar(sa.select(CreditAccount.balance_minutes).where(
        CreditAccount.community_id == community_id, CreditAccount.user_id == user_id))
    return int(value or 0)


@dataclass(frozen=True)
class Balance:
    """What a member has. Without an account yet, the starting grant they will get on first use (`pending_grant`,
    already counted in `minutes`): reading a balance never opens an account."""

    minutes: int
    pending_grant: int = 0


def balances(community_id: int, user_ids) -> dict[int, Balance]:
    """The balances of several members in one query, read-only."""
    ids = sorted({int(user_id) for user_id in user_ids})
    found = dict(db.session.execute(
        sa.select(CreditAccount.user_id, CreditAccount.balance_minutes)
        .where(CreditAccount.community_id == community_id, CreditAccount.user_id.in_(ids))
    ).all()) if ids else {}
    pending = 0
    if len(found) < len(ids):
        settings = rules(community_id)
        pending = max(0, min(settings.starting_grant_minutes, settings.ceiling_minutes))
    return {user_id: Balance(int(found[user_id])) if user_id in found else Balance(pending, pending)
            for user_id in ids}


@service
def open_account(user: User, now: datetime) -> CreditAccount:
    """Make sure a member has an account (and their starting grant); returns it."""
    existing = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == user.community_id,
                                                                CreditAccount.user_id == user.id))
    if existing is not None:
        return existing
    begin_write()
    return _member_account(user.community_id, user.id, now)


def statement(community_id: int, user_id: int | None, limit: int = 30) -> list[dict]:
    """A member's (or the pool's) latest entries with what each was for."""
    account_filter = (CreditAccount.user_id == user_id) if user_id else CreditAccount.is_pool.is_(True)
    rows = db.session.execute(
        sa.select(LedgerEntry, CreditTransaction)
        .join(CreditTransaction, LedgerEntry.transaction_id == CreditTransaction.id)
        .join(CreditAccount, LedgerEntry.account_id == CreditAccount.id)
        .where(LedgerEntry.community_id == community_id, CreditAccount.community_id == community_id, account_filter)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()).limit(limit)
    ).all()
    return [{"entry": entry, "transaction": transaction, "minutes": entry.minutes, "kind": transaction.kind,
             "reason": transaction.reason, "at": entry.created_at, "transaction_id": transaction.id,
             "request_id": transaction.request_id} for entry, transaction in rows]


def _clean_gift_minutes(minutes) -> int:
    try:
        value = int(str(minutes).strip())
    except (TypeError, ValueError):
        raise InvalidInput(N_("Enter the number of minutes, e.g. 60."), field="minutes") from None
    if not 1 <= value <= MAX_GIFT_MINUTES:
        raise InvalidInput(N_("Enter between 1 and 6000 minutes."), field="minutes")
    return value


def _recipient(actor: User, community_id: int, to: str | int | None, phone: str = "") -> User | None:
    """None means the community pool."""
    if phone and phone.strip():
        try:
            person = accounts.find_by_phone(phone)
        except DomainError:
            raise InvalidInput(N_("No one in this community has that phone number."), field="phone") from None
    elif str(to or "") == "pool":
        return None
    else:
        try:
            person = db.session.get(User, int(to))
        except (TypeError, ValueError):
            person = None
    if person is None or person.community_id != community_id:
        raise InvalidInput(N_("No one in this community has that phone number."), field="phone")
    return person


@service
def give_hours(actor: User, for_user_id, to, minutes, now: datetime, *, phone: str = "", note: str = "",
               submission_key: str | None = None) -> CreditTransaction:
    """A member gives some of their own hours (never borrowed ones) to a person or to the pool."""
    giver = accounts.resolve_for_user(actor, for_user_id)
    value = _clean_gift_minutes(minutes)
    note = (note or "").strip()[:200]
    recipient = _recipient(actor, giver.community_id, to, phone)
    if recipient is not None and recipient.id == giver.id:
        raise InvalidInput(N_("Choose someone other than the giver."), field="phone")
    community_id = giver.community_id
    if submission_key:
        earlier = db.session.scalar(sa.select(CreditTransaction).where(
            CreditTransaction.submission_key == submission_key, CreditTransaction.community_id == community_id))
        if earlier is not None:
            return earlier
    begin_write()
    source = _member_account(community_id, giver.id, now)
    target = _member_account(community_id, recipient.id, now) if recipient else _pool_account(community_id, now)
    try:
        with db.session.begin_nested():
            transaction = _post(community_id, TransactionKind.GIFT, [(source.id, -value), (target.id, value)],
                                actor=actor, now=now, reason=note, minimums={source.id: 0},
                                submission_key=submission_key or None)
    except IntegrityError:
        raise Conflict(N_("This gift was already sent.")) from None
    audit.record(actor, "mutualaid.hours_given", transaction, community_id=community_id, subject=giver,
                 after={"minutes": value, "to": recipient.name if recipient else "pool"}, reason=note, now=now)
    if recipient is not None:
        notify(recipient, N_("%(name)s gave you %(minutes)s minutes of time credits."), link="/aid/credits",
               now=now, name=giver.name, minutes=value)
    return transaction


@service
def grant_from_pool(actor: User, user_id: int, minutes, reason: str, now: datetime) -> CreditTransaction:
    person = db.session.get(User, int(user_id)) if str(user_id).isdecimal() else None
    if person is None or not actor.is_staff_of(person.community_id):
        raise InvalidInput(N_("That person was not found."), field="phone")
    value = _clean_gift_minutes(minutes)
    reason = _clean_reason(reason)
    begin_write()
    account = _member_account(person.community_id, person.id, now)
    pool = _pool_account(person.community_id, now)
    transaction = _post(person.community_id, TransactionKind.POOL_GRANT, [(pool.id, -value), (account.id, value)],
                        actor=actor, now=now, reason=reason)
    audit.record(actor, "mutualaid.pool_grant", transaction, community_id=person.community_id, subject=person,
                 after={"minutes": value}, reason=reason, now=now)
    notify(person, N_("The community gave you %(minutes)s minutes of time credits."), link="/aid/credits", now=now,
           minutes=value)
    return transaction


@service
def correct(actor: User, transaction_id: int, reason: str, now: datetime) -> CreditTransaction:
    """Undo a transaction by adding its mirror image, with a reason; the original stays as it was."""
    reason = _clean_reason(reason)
    begin_write()
    original = db.session.get(CreditTransaction, transaction_id)
    if original is None or not actor.is_staff_of(original.community_id):
        raise NotFound(N_("That transaction was not found."))
    if original.kind == TransactionKind.CORRECTION:
        raise Conflict(N_("A correction cannot itself be corrected. Make a new grant or gift instead."))
    if db.session.scalar(sa.select(CreditTransaction.id).where(CreditTransaction.corrects_id == original.id)):
        raise Conflict(N_("This transaction has already been corrected."))
    legs = [(entry.account_id, -entry.minutes) for entry in original.entries]
    try:
        with db.session.begin_nested():
            transaction = _post(original.community_id, TransactionKind.CORRECTION, legs, actor=actor, now=now,
                                reason=reason, corrects_id=original.id,
                                minimums={account_id: -10**9 for account_id, _m in legs})
    except IntegrityError:
        raise Conflict(N_("This transaction has already been corrected.")) from None
    audit.record(actor, "mutualaid.transaction_corrected", original, community_id=original.community_id,
                 before={"transaction": original.id}, after={"correction": transaction.id}, reason=reason, now=now)
    return transaction


def recent_transactions(community_id: int, limit: int = 50) -> list[CreditTransaction]:
    return list(db.session.scalars(
        sa.select(CreditTransaction).where(CreditTransaction.community_id == community_id)
        .order_by(CreditTransaction.created_at.desc(), CreditTransaction.id.desc()).limit(limit)
    ))


def corrected_ids(community_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(CreditTransaction.corrects_id).where(
        CreditTransaction.community_id == community_id, CreditTransaction.corrects_id.is_not(None))))


def check_ledger(community_id: int | None = None) -> list[str]:
    """Every problem found: unbalanced transactions and cached balances that differ from their entries."""
    problems = []
    entry_sums = sa.select(LedgerEntry.transaction_id, sa.func.sum(LedgerEntry.minutes).label("total")) \
        .group_by(LedgerEntry.transaction_id)
    if community_id is not None:
        entry_sums = entry_sums.where(LedgerEntry.community_id == community_id)
    for transaction_id, total in db.session.execute(entry_sums.having(sa.func.sum(LedgerEntry.minutes) != 0)):
        problems.append(f"transaction {transaction_id} sums to {total}, not 0")
    empty = sa.select(CreditTransaction.id).where(~sa.exists().where(LedgerEntry.transaction_id == CreditTransaction.id))
    if community_id is not None:
        empty = empty.where(CreditTransaction.community_id == community_id)
    for transaction_id in db.session.scalars(empty):
        problems.append(f"transaction {transaction_id} has no entries")
    totals = sa.select(LedgerEntry.account_id, sa.func.sum(LedgerEntry.minutes).label("total")) \
        .group_by(LedgerEntry.account_id).subquery()
    accounts_query = sa.select(CreditAccount.id, CreditAccount.community_id, CreditAccount.user_id,
                               CreditAccount.balance_minutes, sa.func.coalesce(totals.c.total, 0)) \
        .outerjoin(totals, totals.c.account_id == CreditAccount.id)
    if community_id is not None:
        accounts_query = accounts_query.where(CreditAccount.community_id == community_id)
    for account_id, community, user_id, cached, actual in db.session.execute(accounts_query):
        if cached != actual:
            owner = f"user {user_id}" if user_id else "pool"
            problems.append(f"account {account_id} ({owner}, community {community}) caches {cached} "
                            f"but its entries sum to {actual}")
    mixed = sa.select(LedgerEntry.id).join(CreditAccount, LedgerEntry.account_id == CreditAccount.id) \
        .where(CreditAccount.community_id != LedgerEntry.community_id)
    for entry_id in db.session.scalars(mixed):
        problems.append(f"entry {entry_id} belongs to another community than its account")
    return problems


def ledger_totals(community_id: int) -> dict:
    """For reconciliation: every figure the check-ledger command relies on, for one community."""
    pool = db.session.scalar(sa.select(CreditAccount.balance_minutes).where(
        CreditAccount.community_id == community_id, CreditAccount.is_pool.is_(True))) or 0
    members = db.session.execute(
        sa.select(sa.func.count(CreditAccount.id), sa.func.coalesce(sa.func.sum(CreditAccount.balance_minutes), 0))
        .where(CreditAccount.community_id == community_id, CreditAccount.is_pool.is_(False))).one()
    entries = db.session.execute(
        sa.select(sa.func.count(LedgerEntry.id), sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0))
        .where(LedgerEntry.community_id == community_id)).one()
    transactions = db.session.scalar(sa.select(sa.func.count(CreditTransaction.id)).where(
        CreditTransaction.community_id == community_id)) or 0
    problems = check_ledger(community_id)
    return {
        "transactions": transactions,
        "entries": entries[0],
        "entries_sum": int(entries[1]),
        "accounts": members[0],
        "members_balance": int(members[1]),
        "pool_balance": int(pool),
        "balances_sum": int(members[1]) + int(pool),
        "problems": problems,
        "balanced": not problems and int(entries[1]) == 0 and int(members[1]) + int(pool) == 0,
    }


# --- for staff and other modules -----------------------------------------------------

def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    items = []
    waiting = db.session.execute(
        sa.select(User.id, User.name, RoleGrant.granted_at, RoleGrant.verified_at)
        .join(RoleGrant, _volunteer_grant(community_id))
        .where(sa.or_(RoleGrant.verified_at.is_(None), _needs_attention(community_id)))
        .order_by(RoleGrant.verified_at.is_not(None), User.name))
    for user_id, name, granted_at, verified_at in waiting:
        if verified_at is None:
            items.append(QueueItem(kind="mutualaid.verify", title=N_("Volunteer %(name)s is waiting to be verified"),
                                   since=granted_at, url="/aid/manage/volunteers",
                                   action=N_("Verify"), params={"name": name}))
        else:
            items.append(QueueItem(kind="mutualaid.record", title=N_("The record of volunteer %(name)s needs a look"),
                                   since=verified_at, url=f"/aid/volunteers/{user_id}", params={"name": name}))
    disputed = db.session.execute(
        sa.select(HelpRequest, sa.func.max(RequestEvent.created_at))
        .join(RequestEvent, RequestEvent.request_id == HelpRequest.id)
        .where(HelpRequest.community_id == community_id, HelpRequest.status == Status.DISPUTED,
               RequestEvent.action == "dispute")
        .group_by(HelpRequest.id)
    ).all()
    for request, since in disputed:
        items.append(QueueItem(kind="mutualaid.dispute", title=N_("Settle the question about %(title)s"),
                               since=since, url=_link(request), action=N_("Settle"),
                               params={"title": request.title}, urgent=False))
    stale = db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.community_id == community_id, HelpRequest.status == Status.OPEN,
                                     HelpRequest.hidden_at.is_(None), HelpRequest.invited_id.is_(None),
                                     HelpRequest.created_at <= now - STALE_OPEN_AFTER)
    ).all()
    for request in stale:
        items.append(QueueItem(kind="mutualaid.unmatched", title=N_("Nobody has taken %(title)s yet"),
                               since=request.created_at, url=_link(request), action=N_("Invite a volunteer"),
                               params={"title": request.title}, urgent=request.asap))
    return sorted(items, key=lambda item: (not item.urgent, item.since))


def _volunteer_grant(community_id: int):
    return sa.and_(RoleGrant.user_id == User.id, RoleGrant.role == Role.VOLUNTEER,
                   RoleGrant.community_id == community_id, User.active.is_(True))


def _needs_attention(community_id: int):
    """trust_record(...)["needs_attention"] of the volunteer `User` in SQL."""
    rated = sa.and_(HelpRequest.community_id == community_id, HelpRequest.volunteer_id == User.id,
                    HelpRequest.status == Status.CONFIRMED)
    problems = (sa.select(sa.func.count(RequestEvent.id))
                .where(RequestEvent.community_id == community_id, RequestEvent.volunteer_id == User.id,
                       RequestEvent.action.in_(PROBLEM_ACTIONS)).scalar_subquery())
    ratings = sa.select(sa.func.count(HelpRequest.rating)).where(rated).scalar_subquery()
    rating_sum = sa.select(sa.func.coalesce(sa.func.sum(HelpRequest.rating), 0)).where(rated).scalar_subquery()
    # an average that rounds (to one decimal, as trust_record shows it) below 3 is one below 2.95
    return sa.or_(problems >= NEEDS_ATTENTION_PROBLEMS, sa.and_(ratings >= 3, rating_sum * 20 < ratings * 59))


def staff_queue_count(community_id: int, now: datetime) -> int:
    """len(staff_queue(...)) in one aggregate statement: the staff menu shows it on every page."""
    waiting_volunteers = (sa.select(sa.func.count(User.id)).select_from(User)
                          .join(RoleGrant, _volunteer_grant(community_id))
                          .where(sa.or_(RoleGrant.verified_at.is_(None), _needs_attention(community_id)))
                          .scalar_subquery())
    disputed = sa.select(sa.func.count(HelpRequest.id)).where(
        HelpRequest.community_id == community_id, HelpRequest.status == Status.DISPUTED,
        sa.select(RequestEvent.id).where(RequestEvent.request_id == HelpRequest.id,
                                         RequestEvent.action == "dispute").exists()).scalar_subquery()
    stale = sa.select(sa.func.count(HelpRequest.id)).where(
        HelpRequest.community_id == community_id, HelpRequest.status == Status.OPEN,
        HelpRequest.hidden_at.is_(None), HelpRequest.invited_id.is_(None),
        HelpRequest.created_at <= now - STALE_OPEN_AFTER).scalar_subquery()
    return int(db.session.scalar(sa.select(waiting_volunteers + disputed + stale)) or 0)


def monthly_summary(community_id: int, start: date, end: date) -> dict:
    """Figures for local dates [start, end)."""
    since, until = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    made = db.session.scalar(sa.select(sa.func.count(HelpRequest.id)).where(
        HelpRequest.community_id == community_id, HelpRequest.created_at >= since, HelpRequest.created_at < until))
    done = db.session.execute(
        sa.select(sa.func.count(HelpRequest.id), sa.func.coalesce(sa.func.sum(HelpRequest.confirmed_minutes), 0),
                  sa.func.count(sa.distinct(HelpRequest.volunteer_id)), sa.func.avg(HelpRequest.rating),
                  sa.func.count(HelpRequest.rating))
        .where(HelpRequest.community_id == community_id, HelpRequest.status == Status.CONFIRMED,
               HelpRequest.confirmed_at >= since, HelpRequest.confirmed_at < until)
    ).one()
    pool_paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0))
        .join(CreditTransaction, LedgerEntry.transaction_id == CreditTransaction.id)
        .join(CreditAccount, LedgerEntry.account_id == CreditAccount.id)
        .where(LedgerEntry.community_id == community_id, CreditAccount.is_pool.is_(True),
               CreditTransaction.kind == TransactionKind.HELP,
               CreditTransaction.created_at >= since, CreditTransaction.created_at < until)
    )
    return {
        "requests_made": made or 0,
        "requests_completed": done[0],
        "minutes_given": int(done[1]),
        "volunteers_active": done[2],
        "average_rating": round(float(done[3]), 2) if done[3] is not None else None,
        "ratings_count": done[4],
        "pool_minutes_paid": -int(pool_paid or 0),
    }


def person_summary(community_id: int, user_id: int) -> dict:
    requests = db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.community_id == community_id,
                                     sa.or_(HelpRequest.requester_id == user_id, HelpRequest.volunteer_id == user_id))
        .order_by(HelpRequest.created_at.desc()).limit(5)
    ).all()
    is_volunteer = db.session.scalar(sa.select(RoleGrant.id).where(
        RoleGrant.user_id == user_id, RoleGrant.role == Role.VOLUNTEER, RoleGrant.community_id == community_id))
    return {
        "balance_minutes": balance_minutes(community_id, user_id),
        "recent_requests": [{"id": r.id, "title": r.title, "status": r.status, "url": _link(r)} for r in requests],
        "trust": trust_record(community_id, user_id) if is_volunteer else None,
    }
