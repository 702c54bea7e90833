"""The rules of alley patrols and findings: the only way their state changes.

Public functions take `actor` and `now`, commit before they return, and raise DomainError
subclasses whose messages are English msgids.
"""
from __future__ import annotations

import csv
import io
import math
import re
import secrets
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import icalendar
import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload, selectinload

from .. import accounts, audit
from ..clock import local_to_utc, local_today, to_local, utcnow
from ..database import begin_write
from ..errors import N_, DomainError, InvalidInput, NotAllowed, NotFound
from ..extensions import db
from ..models import Role, RoleGrant, User
from ..notifications import notify
from ..uploads import StoredImage, discard, store_image, upload_root
from ..workqueue import QueueItem
from . import public_holidays
from .models import (
    CATEGORIES, CATEGORY_NAMES, DEFAULT_ACCEPT_MINUTES, DEFAULT_RESOLVE_MINUTES, DEPARTMENTS, OPEN_STATES, STATE_LABELS,
    VOLUNTEER, Alley,
    AlleyBranch, BranchMember, CalendarFeed, CategoryRoute, Finding, FindingEvent, FindingPhoto, Holiday,
    PatrolRule, PatrolShift, PatrolSignup,
)

HORIZON_DAYS = 28
WITHDRAW_BEFORE = timedelta(hours=2)
CHECKIN_EARLY = timedelta(minutes=30)
SHORT_NOTICE = timedelta(hours=48)
SIMILAR_WINDOW = timedelta(hours=24)
MAX_PHOTOS = 3
# Photos of a report answered with "possible duplicate" wait here (outside every community's folder) for the
# reporter's "report anyway"; the signed reference to them expires after HOLD_PHOTOS_FOR.
HELD_FOLDER = "alleys-held"
HOLD_PHOTOS_FOR = timedelta(minutes=30)
HELD_NAME = re.compile(r"[0-9a-f]{32}")


class ShiftFull(DomainError):
    status = 409


class DuplicateSuspected(DomainError):
    """Open findings like this one exist; the reporter chooses to add to one or report anew.

    `held` is the signed reference to the photos already checked and kept, so "report anyway" needs no files."""

    status = 409

    def __init__(self, similar: list[Finding], held: str = "", held_count: int = 0):
        super().__init__(N_("Someone already reported this kind of problem here today. Add to that report, "
                            "or tick “This is a different problem”."), field="new_anyway")
        self.similar = similar
        self.held = held
        self.held_count = held_count


# --- who may do what -------------------------------------------------------------------

def slot_kind(user: User) -> str | None:
    """Officers fill their department's slots; patrollers and volunteers fill volunteer slots."""
    officer = next((g for g in user.role_grants if g.role == Role.OFFICER and g.department), None)
    if officer is not None:
        return officer.department
    if user.has_role(Role.PATROLLER, Role.VOLUNTEER):
        return VOLUNTEER
    return None


def officer_department(user: User | None) -> str:
    if user is None:
        return ""
    grant = next((g for g in user.role_grants if g.role == Role.OFFICER), None)
    return grant.department if grant else ""


def is_member(user: User | None) -> bool:
    return user is not None and user.has_role(Role.PATROLLER, Role.OFFICER, Role.VOLUNTEER)


def is_staff(user: User | None, community_id: int) -> bool:
    return user is not None and user.is_staff_of(community_id)


def can_manage_alley(user: User | None, alley: Alley) -> bool:
    if user is None:
        return False
    return is_staff(user, alley.community_id) or (alley.branch is not None and alley.branch.secretary_id == user.id)


def can_manage_branch(user: User | None, branch: AlleyBranch) -> bool:
    return user is not None and (is_staff(user, branch.community_id) or branch.secretary_id == user.id)


def is_secretary(user: User) -> bool:
    return db.session.scalar(sa.select(AlleyBranch.id).where(
        AlleyBranch.community_id == user.community_id, AlleyBranch.secretary_id == user.id).limit(1)) is not None


def can_view_finding(finding: Finding, user: User | None) -> bool:
    if user is None or not (user.is_admin or user.community_id == finding.community_id):
        return False
    return finding.reporter_id == user.id or is_staff(user, finding.community_id) or is_member(user)


def _require_staff(actor: User, community_id: int) -> None:
    if not is_staff(actor, community_id):
        raise NotAllowed(N_("Only staff of this community can do that."))


def _require_manager(actor: User, alley: Alley) -> None:
    if not can_manage_alley(actor, alley):
        raise NotAllowed(N_("Only the branch secretary or community staff can do that."))


def _when(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.month}/{local.day} {local:%H:%M}"


def _clean(text: str | None, field: str, limit: int, required: bool = True) -> str:
    value = " ".join((text or "").split()) if "\n" not in (text or "") else (text or "").strip()
    if required and not value:
        raise InvalidInput(N_("Please fill this in."), field=field)
    if len(value) > limit:
        raise InvalidInput(N_("This is too long: at most %(limit)s characters."), field=field, limit=limit)
    return value


# --- lookups (read-only, filtered by community) -----------------------------------------

def in_reach(actor: User, community_id: int) -> bool:
    """Staff and members act in their own community; administrators in every community of the district."""
    return actor.is_admin or actor.community_id == community_id


def _reachable(actor: User, model, record_id: int | None, message: str):
    """A record by id, then its community checked: later queries of the action use `record.community_id`."""
    record = db.session.get(model, record_id) if record_id else None
    if record is None or not in_reach(actor, record.community_id):
        raise NotFound(message)
    return record


def alley_for(actor: User, alley_id: int | None) -> Alley:
    return _reachable(actor, Alley, alley_id, N_("That alley was not found."))


def branch_for(actor: User, branch_id: int | None) -> AlleyBranch:
    return _reachable(actor, AlleyBranch, branch_id, N_("That branch was not found."))


def shift_for(actor: User, shift_id: int | None) -> PatrolShift:
    return _reachable(actor, PatrolShift, shift_id, N_("That patrol shift was not found."))


def get_alley(community_id: int, alley_id: int) -> Alley:
    alley = db.session.scalar(sa.select(Alley).where(Alley.id == alley_id, Alley.community_id == community_id))
    if alley is None:
        raise NotFound(N_("That alley was not found."), field="alley")
    return alley


def get_branch(community_id: int, branch_id: int) -> AlleyBranch:
    branch = db.session.scalar(
        sa.select(AlleyBranch).where(AlleyBranch.id == branch_id, AlleyBranch.community_id == community_id))
    if branch is None:
        raise NotFound(N_("That branch was not found."))
    return branch


def get_shift(community_id: int, shift_id: int) -> PatrolShift:
    shift = db.session.scalar(
        sa.select(PatrolShift).where(PatrolShift.id == shift_id, PatrolShift.community_id == community_id))
    if shift is None:
        raise NotFound(N_("That patrol shift was not found."))
    return shift


def _person(relationship):
    """Load a related person in the same query; their role grants only if something asks for them."""
    return joinedload(relationship).lazyload(User.role_grants)


# what a list of shifts shows: the alley, and who is in each slot; one statement, with or without shifts
# (the query's result needs .unique())
SHIFT_LIST = (joinedload(PatrolShift.alley), joinedload(PatrolShift.signups).options(_person(PatrolSignup.user)))
# what a finding's page shows: the alley, the reporter, the photos and the timeline with its actors
FINDING_PAGE = (joinedload(Finding.alley), _person(Finding.reporter), selectinload(Finding.photos),
                selectinload(Finding.events).options(_person(FindingEvent.actor)))


def finding_for(actor: User, finding_id: int) -> Finding:
    """A finding with what its page shows, if it lies in the actor's reach."""
    finding = get_finding(None, finding_id)
    if not in_reach(actor, finding.community_id):
        raise NotFound(N_("That report was not found."))
    return finding


def get_finding(community_id: int | None, finding_id: int) -> Finding:
    """A finding with what its page shows; `community_id` None only for an administrator's look."""
    query = sa.select(Finding).where(Finding.id == finding_id).options(*FINDING_PAGE)
    if community_id is not None:
        query = query.where(Finding.community_id == community_id)
    finding = db.session.scalar(query)
    if finding is None:
        raise NotFound(N_("That report was not found."))
    return finding


def alleys_of(community_id: int) -> list[Alley]:
    return list(db.session.scalars(sa.select(Alley).where(Alley.community_id == community_id).order_by(Alley.name)))


def branches_of(community_id: int) -> list[AlleyBranch]:
    return list(db.session.scalars(
        sa.select(AlleyBranch).where(AlleyBranch.community_id == community_id).order_by(AlleyBranch.name)))


def people_of(community_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.community_id == community_id, User.active.is_(True), User.phone.is_not(None))
        .order_by(User.name)))


def branch_members(branch: AlleyBranch) -> list[BranchMember]:
    return sorted(branch.members, key=lambda m: (m.kind, m.user.name))


def holidays_of(community_id: int, start: date | None = None) -> list[Holiday]:
    query = sa.select(Holiday).where(Holiday.community_id == community_id)
    if start is not None:
        query = query.where(Holiday.day >= start)
    return list(db.session.scalars(query.order_by(Holiday.day)))


def routes_of(alley: Alley) -> dict[str, CategoryRoute]:
    rows = db.session.scalars(sa.select(CategoryRoute).where(
        CategoryRoute.community_id == alley.community_id, CategoryRoute.alley_id == alley.id))
    return {row.category: row for row in rows}


# --- alleys, branches, members, routing (staff) -----------------------------------------

def save_alley(actor: User, community_id: int, name: str, description: str = "", landmarks: str = "",
               branch_id: int | None = None, alley_id: int | None = None, now: datetime | None = None) -> Alley:
    _require_staff(actor, community_id)
    name = _clean(name, "name", 80)
    description = _clean(description, "description", 1000, required=False)
    landmarks = "\n".join(line.strip() for line in (landmarks or "").splitlines() if line.strip())
    if len(landmarks) > 1000:
        raise InvalidInput(N_("This is too long: at most %(limit)s characters."), field="landmarks", limit=1000)
    if branch_id:
        get_branch(community_id, branch_id)
    begin_write()
    clash = db.session.scalar(sa.select(Alley.id).where(
        Alley.community_id == community_id, Alley.name == name, Alley.id != (alley_id or 0)))
    if clash:
        raise InvalidInput(N_("An alley with this name already exists."), field="name")
    alley = get_alley(community_id, alley_id) if alley_id else Alley(community_id=community_id)
    before = {"name": alley.name, "branch": alley.branch_id} if alley_id else None
    alley.name, alley.description, alley.landmarks, alley.branch_id = name, description, landmarks, branch_id or None
    db.session.add(alley)
    db.session.flush()
    audit.record(actor, "alleys.alley_saved", alley, community_id=community_id, before=before,
                 after={"name": name, "branch": alley.branch_id}, now=now)
    db.session.commit()
    return alley


def save_branch(actor: User, community_id: int, name: str, secretary_id: int | None,
                branch_id: int | None = None, now: datetime | None = None) -> AlleyBranch:
    _require_staff(actor, community_id)
    name = _clean(name, "name", 80)
    secretary = None
    if secretary_id:
        secretary = db.session.get(User, secretary_id)
        if secretary is None or secretary.community_id != community_id:
            raise InvalidInput(N_("Choose the secretary from this community."), field="secretary")
    begin_write()
    clash = db.session.scalar(sa.select(AlleyBranch.id).where(
        AlleyBranch.community_id == community_id, AlleyBranch.name == name, AlleyBranch.id != (branch_id or 0)))
    if clash:
        raise InvalidInput(N_("A branch with this name already exists."), field="name")
    branch = get_branch(community_id, branch_id) if branch_id else AlleyBranch(community_id=community_id,
                                                                               created_at=now or utcnow())
    branch.name = name
    branch.secretary_id = secretary.id if secretary else None
    db.session.add(branch)
    db.session.flush()
    if secretary is not None and not any(m.user_id == secretary.id for m in branch.members):
        _add_member(actor, branch, secretary, "officer" if officer_department(secretary) else "patroller", "", now)
    audit.record(actor, "alleys.branch_saved", branch, community_id=community_id,
                 after={"name": name, "secretary": branch.secretary_id}, now=now)
    db.session.commit()
    return branch


def _add_member(actor: User | None, branch: AlleyBranch, user: User, kind: str, department: str,
                now: datetime | None) -> BranchMember:
    """Staff may make someone an officer of a department; a secretary adds officers staff already named,
    in their own department, and patrollers (the patroller role comes with the membership)."""
    staff = actor is None or is_staff(actor, branch.community_id)
    if kind == "officer":
        current = officer_department(user)
        department = department or current
        if department not in DEPARTMENTS:
            raise InvalidInput(N_("Choose the officer's department."), field="department")
        if not staff and department != current:
            raise InvalidInput(N_("Only staff can make someone an officer or change an officer's department."),
                               field="department")
        grant = accounts.grant_role(actor if staff else None, user, Role.OFFICER, department=department)
        if grant.department != department:
            audit.record(actor, "alleys.department_changed", grant, community_id=user.community_id, subject=user,
                         before={"department": grant.department}, after={"department": department}, now=now)
            grant.department = department
    else:
        if not user.has_role(Role.PATROLLER, Role.VOLUNTEER):
            # a secretary's new patroller: the grant is the membership's consequence, audited as member_added
            accounts.grant_role(actor if staff else None, user, Role.PATROLLER)
    member = BranchMember(community_id=branch.community_id, branch_id=branch.id, user_id=user.id, kind=kind,
                          joined_at=now or utcnow())
    db.session.add(member)
    db.session.flush()
    return member


def add_member(actor: User, branch_id: int, user_id: int, kind: str, department: str = "",
               now: datetime | None = None) -> BranchMember:
    if kind not in ("patroller", "officer"):
        raise InvalidInput(N_("Choose patroller or officer."), field="kind")
    begin_write()
    branch = branch_for(actor, branch_id)
    if not can_manage_branch(actor, branch):
        raise NotAllowed(N_("Only the branch secretary or community staff can do that."))
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.community_id != branch.community_id:
        raise InvalidInput(N_("Choose a person from this community."), field="user")
    if any(m.user_id == user.id for m in branch.members):
        raise InvalidInput(N_("This person is already a member of the branch."), field="user")
    member = _add_member(actor, branch, user, kind, department, now)
    audit.record(actor, "alleys.member_added", member, community_id=branch.community_id, subject=user,
                 after={"branch": branch.name, "kind": kind, "department": department}, now=now)
    db.session.commit()
    return member


def remove_member(actor: User, member_id: int, now: datetime | None = None) -> None:
    begin_write()
    member = _reachable(actor, BranchMember, member_id, N_("That member was not found."))
    _require_staff(actor, member.community_id)
    audit.record(actor, "alleys.member_removed", member, community_id=member.community_id, subject=member.user,
                 before={"branch": member.branch.name, "kind": member.kind}, now=now)
    db.session.delete(member)
    db.session.commit()


def set_route(actor: User, alley_id: int, category: str, department: str, accept_minutes: int | None,
              resolve_minutes: int | None, now: datetime | None = None) -> CategoryRoute:
    """Staff decide which department a category goes to in an alley, and how fast."""
    if category not in CATEGORIES:
        raise InvalidInput(N_("Choose a category from the list."), field="category")
    if department and department not in DEPARTMENTS:
        raise InvalidInput(N_("Choose a department from the list."), field="department")
    accept_minutes = accept_minutes or DEFAULT_ACCEPT_MINUTES
    resolve_minutes = resolve_minutes or DEFAULT_RESOLVE_MINUTES
    if not (1 <= accept_minutes <= 7 * 24 * 60) or not (1 <= resolve_minutes <= 30 * 24 * 60):
        raise InvalidInput(N_("Enter a deadline in minutes, more than 0."), field="accept_minutes")
    if accept_minutes > resolve_minutes:
        raise InvalidInput(N_("The time to accept cannot be longer than the time to fix."), field="accept_minutes")
    begin_write()
    alley = alley_for(actor, alley_id)
    _require_staff(actor, alley.community_id)
    route = db.session.scalar(sa.select(CategoryRoute).where(
        CategoryRoute.community_id == alley.community_id, CategoryRoute.alley_id == alley.id, CategoryRoute.category == category).with_for_update())
    before = None
    if route is None:
        route = CategoryRoute(community_id=alley.community_id, alley_id=alley.id, category=category)
        db.session.add(route)
    else:
        before = {"department": route.department, "accept": route.accept_minutes, "resolve": route.resolve_minutes}
    route.department, route.accept_minutes, route.resolve_minutes = department, accept_minutes, resolve_minutes
    db.session.flush()
    audit.record(actor, "alleys.route_set", route, community_id=alley.community_id, before=before,
                 after={"alley": alley.name, "category": category, "department": department,
                        "accept": accept_minutes, "resolve": resolve_minutes}, now=now)
    db.session.commit()
    return route


def route_for(alley: Alley, category: str) -> CategoryRoute | None:
    return db.session.scalar(sa.select(CategoryRoute).where(
        CategoryRoute.community_id == alley.community_id, CategoryRoute.alley_id == alley.id,
        CategoryRoute.category == category))


# --- holidays and rules -----------------------------------------------------------------

def add_holiday(actor: User, community_id: int, day: date, name: str = "", now: datetime | None = None) -> Holiday:
    _require_staff(actor, community_id)
    now = now or utcnow()
    if day is None:
        raise InvalidInput(N_("Choose a day."), field="day")
    name = _clean(name, "name", 50, required=False)
    begin_write()
    holiday = db.session.scalar(sa.select(Holiday).where(Holiday.community_id == community_id, Holiday.day == day))
    if holiday is None:
        holiday = Holiday(community_id=community_id, day=day, name=name)
        db.session.add(holiday)
        db.session.flush()
    _sync_community(community_id, now)
    audit.record(actor, "alleys.holiday_added", holiday, community_id=community_id,
                 after={"day": day.isoformat(), "name": name}, now=now)
    db.session.commit()
    return holiday


def remove_holiday(actor: User, holiday_id: int, now: datetime | None = None) -> None:
    now = now or utcnow()
    begin_write()
    holiday = _reachable(actor, Holiday, holiday_id, N_("That holiday was not found."))
    community_id = holiday.community_id
    _require_staff(actor, community_id)
    audit.record(actor, "alleys.holiday_removed", holiday, community_id=community_id,
                 before={"day": holiday.day.isoformat()}, now=now)
    db.session.delete(holiday)
    db.session.flush()
    _sync_community(community_id, now)
    db.session.commit()


def _parse_weekdays(weekdays) -> str:
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        days = []
    if not days or any(d < 0 or d > 6 for d in days):
        raise InvalidInput(N_("Choose at least one weekday."), field="weekdays")
    return "".join(str(d) for d in days)


def _parse_needs(needs: dict) -> dict[str, int]:
    clean: dict[str, int] = {}
    for kind, count in (needs or {}).items():
        if kind != VOLUNTEER and kind not in DEPARTMENTS:
            raise InvalidInput(N_("Unknown kind of slot."), field="needs")
        try:
            count = int(count or 0)
        except (TypeError, ValueError):
            raise InvalidInput(N_("Enter a number of people from 0 to 20."), field="needs") from None
        if not 0 <= count <= 20:
            raise InvalidInput(N_("Enter a number of people from 0 to 20."), field="needs")
        if count:
            clean[kind] = count
    if not clean:
        raise InvalidInput(N_("A patrol needs at least one person."), field="needs")
    return clean


def save_rule(actor: User, alley_id: int, weekdays, starts: time, ends: time, needs: dict,
              skip_holidays: bool = True, active: bool = True, rule_id: int | None = None,
              now: datetime | None = None, adjusted_workdays: bool = False) -> PatrolRule:
    """Create or change a rule, then bring its future shifts in line (notifying anyone affected)."""
    now = now or utcnow()
    weekdays = _parse_weekdays(weekdays)
    if starts is None or ends is None:
        raise InvalidInput(N_("Enter a start and an end time."), field="starts")
    if starts >= ends:
        raise InvalidInput(N_("The end time must be after the start time."), field="ends")
    needs = _parse_needs(needs)
    begin_write()
    alley = alley_for(actor, alley_id)
    _require_manager(actor, alley)
    if rule_id:
        rule = db.session.scalar(sa.select(PatrolRule).where(
            PatrolRule.id == rule_id, PatrolRule.alley_id == alley.id, PatrolRule.community_id == alley.community_id))
        if rule is None:
            raise NotFound(N_("That patrol rule was not found."))
        before = {"weekdays": rule.weekdays, "starts": rule.starts.isoformat(), "ends": rule.ends.isoformat(),
                  "needs": rule.needs, "active": rule.active, "skip_holidays": rule.skip_holidays,
                  "adjusted_workdays": rule.adjusted_workdays}
    else:
        rule = PatrolRule(community_id=alley.community_id, alley_id=alley.id, created_by_id=actor.id)
        db.session.add(rule)
        before = None
    rule.weekdays, rule.starts, rule.ends, rule.needs = weekdays, starts, ends, needs
    rule.skip_holidays, rule.active, rule.updated_at = bool(skip_holidays), bool(active), now
    rule.adjusted_workdays = bool(adjusted_workdays)
    db.session.flush()
    sync_rule_shifts(rule, now)
    audit.record(actor, "alleys.rule_saved", rule, community_id=alley.community_id, before=before,
                 after={"weekdays": weekdays, "starts": starts.isoformat(), "ends": ends.isoformat(),
                        "needs": needs, "active": rule.active, "skip_holidays": rule.skip_holidays,
                        "adjusted_workdays": rule.adjusted_workdays}, now=now)
    db.session.commit()
    return rule


def _desired_days(rule: PatrolRule, start: date, holidays: set[date]) -> set[date]:
    """The rule's weekdays in the horizon; without the official days off and the community's extra days when
    the rule skips holidays; with the official weekend working days (调休) when the rule asks for them."""
    if not rule.active:
        return set()
    wanted = set(rule.weekday_numbers)
    days = [start + timedelta(days=n) for n in range(HORIZON_DAYS)]
    desired = {d for d in days if d.weekday() in wanted
               or (rule.adjusted_workdays and public_holidays.is_adjusted_workday(d))}
    if rule.skip_holidays:
        desired = {d for d in desired if d not in holidays and not public_holidays.is_day_off(d)}
    return desired


def sync_rule_shifts(rule: PatrolRule, now: datetime) -> int:
    """Make the rule's future shifts match it; returns how many shifts were created. Flushes only."""
    start = local_today(now)
    holidays = {h.day for h in holidays_of(rule.community_id, start)}
    desired = _desired_days(rule, start, holidays)
    existing = {s.day: s for s in db.session.scalars(sa.select(PatrolShift).where(
        PatrolShift.community_id == rule.community_id, PatrolShift.rule_id == rule.id,
        PatrolShift.day >= start, PatrolShift.starts_at > now))}
    created = 0
    for day in sorted(desired):
        starts_at, ends_at = local_to_utc(day, rule.starts), local_to_utc(day, rule.ends)
        if starts_at <= now:
            continue
        shift = existing.get(day)
        if shift is None:
            if day in existing or db.session.scalar(sa.select(PatrolShift.id).where(
                    PatrolShift.rule_id == rule.id, PatrolShift.day == day)):
                continue  # a shift of this day has already started
            try:
                with db.session.begin_nested():
                    db.session.add(PatrolShift(community_id=rule.community_id, alley_id=rule.alley_id,
                                               rule_id=rule.id, day=day, starts_at=starts_at, ends_at=ends_at,
                                               needs=dict(rule.needs), created_at=now))
                created += 1
            except sa.exc.IntegrityError:
                continue  # another server made it at the same moment
            continue
        old_start = shift.starts_at
        moved = shift.starts_at != starts_at or shift.ends_at != ends_at
        shift.cancelled_at = None
        shift.starts_at, shift.ends_at = starts_at, ends_at
        if shift.needs != rule.needs:
            shift.needs = dict(rule.needs)
            shift.short_notified_at = None
        _drop_excess(shift, now)
        if moved:
            for signup in shift.signups:
                notify(signup.user, N_("The patrol in %(alley)s on %(when)s has moved to %(new_when)s."),
                       link=_shift_link(shift), now=now, alley=shift.alley.name, when=_when(old_start),
                       new_when=_when(starts_at))
    for day, shift in existing.items():
        if day not in desired and shift.cancelled_at is None:
            _cancel_shift(shift, now)
    db.session.flush()
    return created


def _shift_link(shift: PatrolShift) -> str:
    try:
        return url_for("alleys.shifts", _anchor=f"shift-{shift.id}")
    except RuntimeError:
        return f"/alleys/shifts#shift-{shift.id}"


def _finding_link(finding: Finding) -> str:
    try:
        return url_for("alleys.finding", finding_id=finding.id)
    except RuntimeError:
        return f"/alleys/findings/{finding.id}"


def _cancel_shift(shift: PatrolShift, now: datetime) -> None:
    shift.cancelled_at = now
    for signup in list(shift.signups):
        notify(signup.user, N_("The patrol in %(alley)s on %(when)s was cancelled. You do not need to come."),
               link=_shift_link(shift), now=now, alley=shift.alley.name, when=_when(shift.starts_at))
        shift.signups.remove(signup)


def _drop_excess(shift: PatrolShift, now: datetime) -> None:
    """After a rule needs fewer people, the last to sign up lose their place, and are told."""
    for kind in {s.kind for s in shift.signups}:
        people = sorted((s for s in shift.signups if s.kind == kind), key=lambda s: (s.created_at, s.id))
        keep = int(shift.needs.get(kind, 0))
        for signup in people[keep:]:
            notify(signup.user, N_("The patrol in %(alley)s on %(when)s needs fewer people now, so your place "
                                   "was freed. Thank you!"), link=_shift_link(shift), now=now,
                   alley=shift.alley.name, when=_when(shift.starts_at))
            shift.signups.remove(signup)
        db.session.flush()
        kept = people[:keep]
        if any(signup.slot_no != index + 1 for index, signup in enumerate(kept)):
            for index, signup in enumerate(kept):  # renumber through free numbers: the key stays unique
                signup.slot_no = 1000 + index
            db.session.flush()
            for index, signup in enumerate(kept):
                signup.slot_no = index + 1
            db.session.flush()


def _sync_community(community_id: int, now: datetime) -> int:
    rules = db.session.scalars(sa.select(PatrolRule).where(PatrolRule.community_id == community_id))
    return sum(sync_rule_shifts(rule, now) for rule in rules)


def generate_shifts(now: datetime) -> int:
    """Keep four weeks of shifts ahead for every rule; a second run finds nothing to make."""
    created = 0
    community_ids = db.session.scalars(sa.select(PatrolRule.community_id).distinct()).all()
    for community_id in community_ids:
        begin_write()
        created += _sync_community(community_id, now)
        db.session.commit()
    return created


# --- sign-up, release, check-in ---------------------------------------------------------

def _locked_shift(actor: User, shift_id: int) -> PatrolShift:
    """The shift, locked, if it lies in the actor's reach (an administrator's reach is the district)."""
    shift = db.session.scalar(
        sa.select(PatrolShift).where(PatrolShift.id == shift_id)
        .with_for_update().execution_options(populate_existing=True))
    if shift is None or not in_reach(actor, shift.community_id):
        raise NotFound(N_("That patrol shift was not found."))
    db.session.expire(shift, ["signups"])
    return shift


def sign_up(shift_id: int, actor: User, now: datetime, member: User | None = None) -> PatrolSignup:
    """Take a slot of one's kind (or one someone released); never more people than slots."""
    person = member or actor
    begin_write()
    shift = _locked_shift(actor, shift_id)
    if member is not None and member.id != actor.id:
        _require_manager(actor, shift.alley)
        if member.community_id != shift.community_id:
            raise InvalidInput(N_("Choose a person from this community."), field="user")
    kind = slot_kind(person)
    if kind is None:
        raise NotAllowed(N_("Only patrollers, volunteers and officers can sign up for patrols."))
    if shift.cancelled_at is not None:
        raise DomainError(N_("This patrol was cancelled."))
    if now >= shift.starts_at:
        raise DomainError(N_("This patrol has already started."))
    if shift.signup_of(person.id) is not None:
        raise DomainError(N_("Already signed up for this patrol."))
    released = sorted(shift.released(kind), key=lambda s: s.released_at)
    if released:
        signup = released[0]
        previous = signup.user
        done = db.session.execute(
            sa.update(PatrolSignup).where(PatrolSignup.id == signup.id, PatrolSignup.released_at.is_not(None))
            .values(user_id=person.id, released_at=None, assigned_by_id=actor.id if member else None, created_at=now)
        ).rowcount
        if done != 1:
            raise ShiftFull(N_("Sorry, this patrol is full."))
        db.session.expire(signup)
        notify(previous, N_("%(name)s took over your patrol in %(alley)s on %(when)s. You are free."),
               link=_shift_link(shift), now=now, name=person.name, alley=shift.alley.name,
               when=_when(shift.starts_at))
    else:
        need = int(shift.needs.get(kind, 0))
        taken = {s.slot_no for s in shift.signups if s.kind == kind}
        free = [n for n in range(1, need + 1) if n not in taken]
        if not free:
            raise ShiftFull(N_("Sorry, this patrol is full."))
        signup = PatrolSignup(community_id=shift.community_id, shift_id=shift.id, user_id=person.id, kind=kind,
                              slot_no=free[0], assigned_by_id=actor.id if member else None, created_at=now)
        db.session.add(signup)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            db.session.rollback()
            raise ShiftFull(N_("Sorry, this patrol is full.")) from None
    if member is not None and member.id != actor.id:
        notify(member, N_("You were put on the patrol in %(alley)s on %(when)s."), link=_shift_link(shift),
               now=now, alley=shift.alley.name, when=_when(shift.starts_at))
        audit.record(actor, "alleys.member_assigned", shift, community_id=shift.community_id, subject=member,
                     after={"kind": kind}, now=now)
    db.session.commit()
    return signup


def assign(shift_id: int, actor: User, member_id: int, now: datetime) -> PatrolSignup:
    shift = shift_for(actor, shift_id)
    member = db.session.get(User, member_id) if member_id else None
    if member is None or member.community_id != shift.community_id:
        raise InvalidInput(N_("Choose a person from this community."), field="user")
    return sign_up(shift.id, actor, now, member=member)


def _own_signup(shift: PatrolShift, actor: User) -> PatrolSignup:
    signup = shift.signup_of(actor.id)
    if signup is None:
        raise DomainError(N_("You are not signed up for this patrol."))
    return signup


def withdraw(shift_id: int, actor: User, now: datetime) -> None:
    begin_write()
    shift = _locked_shift(actor, shift_id)
    signup = _own_signup(shift, actor)
    if now > shift.starts_at - WITHDRAW_BEFORE:
        raise DomainError(N_("It is less than 2 hours to the patrol, so you can no longer withdraw. "
                             "Release your place to others instead."))
    shift.signups.remove(signup)
    db.session.commit()


def release(shift_id: int, actor: User, now: datetime) -> None:
    """Offer one's place to others; one stays responsible until someone takes it."""
    begin_write()
    shift = _locked_shift(actor, shift_id)
    signup = _own_signup(shift, actor)
    if now >= shift.starts_at:
        raise DomainError(N_("This patrol has already started."))
    if signup.released_at is None:
        signup.released_at = now
    db.session.commit()


def take_back(shift_id: int, actor: User, now: datetime) -> None:
    begin_write()
    shift = _locked_shift(actor, shift_id)
    signup = _own_signup(shift, actor)
    signup.released_at = None
    db.session.commit()


def check_in(shift_id: int, actor: User, now: datetime) -> PatrolSignup:
    begin_write()
    shift = _locked_shift(actor, shift_id)
    signup = _own_signup(shift, actor)
    if shift.cancelled_at is not None:
        raise DomainError(N_("This patrol was cancelled."))
    if now < shift.checkin_opens_at():
        raise DomainError(N_("Check-in opens 30 minutes before the patrol starts."))
    if now >= shift.ends_at:
        raise DomainError(N_("This patrol is over; check-in has closed."))
    if signup.checked_in_at is None:
        signup.checked_in_at = now
    db.session.commit()
    return signup


def check_out(shift_id: int, actor: User, now: datetime) -> PatrolSignup:
    begin_write()
    shift = _locked_shift(actor, shift_id)
    signup = _own_signup(shift, actor)
    if signup.checked_in_at is None:
        raise DomainError(N_("Check in first."))
    if signup.checked_out_at is None:
        signup.checked_out_at = max(now, signup.checked_in_at)
    db.session.commit()
    return signup


def upcoming_shifts(community_id: int, now: datetime, days: int = 14, alley_ids: list[int] | None = None,
                    include_running: bool = True) -> list[PatrolShift]:
    query = sa.select(PatrolShift).where(
        PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
        (PatrolShift.ends_at if include_running else PatrolShift.starts_at) > now,
        PatrolShift.starts_at < now + timedelta(days=days))
    if alley_ids is not None:
        query = query.where(PatrolShift.alley_id.in_(alley_ids or [0]))
    return list(db.session.scalars(query.options(*SHIFT_LIST).order_by(PatrolShift.starts_at, PatrolShift.id))
                .unique())


def my_shifts(user: User, now: datetime, days: int = HORIZON_DAYS) -> list[PatrolShift]:
    return list(db.session.scalars(
        sa.select(PatrolShift).join(PatrolSignup, PatrolSignup.shift_id == PatrolShift.id)
        .where(PatrolShift.community_id == user.community_id, PatrolSignup.user_id == user.id,
               PatrolShift.cancelled_at.is_(None), PatrolShift.ends_at > now,
               PatrolShift.starts_at < now + timedelta(days=days))
        .options(*SHIFT_LIST).order_by(PatrolShift.starts_at)).unique())


def coverage(community_id: int, now: datetime, alley_ids: list[int] | None = None) -> list[PatrolShift]:
    """Two weeks of shifts, short ones first within each day is left to the template; all are listed."""
    return upcoming_shifts(community_id, now, days=14, alley_ids=alley_ids)


def attendance(community_id: int, user_id: int, start: date, end: date, now: datetime) -> dict:
    """Per member for local dates [start, end): shifts signed up, attended and missed."""
    rows = db.session.execute(
        sa.select(PatrolSignup.checked_in_at, PatrolShift.ends_at)
        .join(PatrolShift, PatrolShift.id == PatrolSignup.shift_id)
        .where(PatrolSignup.community_id == community_id, PatrolSignup.user_id == user_id,
               PatrolShift.cancelled_at.is_(None), PatrolShift.day >= start, PatrolShift.day < end)).all()
    return {
        "signed_up": len(rows),
        "attended": sum(1 for checked_in, _ in rows if checked_in),
        "missed": sum(1 for checked_in, ends_at in rows if not checked_in and ends_at <= now),
    }


def member_attendance(community_id: int, start: date, end: date, now: datetime,
                      alley_ids: list[int] | None = None) -> list[dict]:
    """Per member for local dates [start, end): name, signed up, attended, missed; most missed first."""
    query = (sa.select(User.id, User.name, PatrolSignup.checked_in_at, PatrolShift.ends_at)
             .join(PatrolSignup, PatrolSignup.user_id == User.id)
             .join(PatrolShift, PatrolShift.id == PatrolSignup.shift_id)
             .where(PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
                    PatrolShift.day >= start, PatrolShift.day < end))
    if alley_ids is not None:
        query = query.where(PatrolShift.alley_id.in_(alley_ids or [0]))
    people: dict[int, dict] = {}
    for user_id, name, checked_in, ends_at in db.session.execute(query):
        row = people.setdefault(user_id, {"user_id": user_id, "name": name, "signed_up": 0, "attended": 0,
                                          "missed": 0})
        row["signed_up"] += 1
        row["attended"] += 1 if checked_in else 0
        row["missed"] += 1 if not checked_in and ends_at <= now else 0
    return sorted(people.values(), key=lambda row: (-row["missed"], row["name"]))


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def notify_short_shifts(now: datetime) -> int:
    """Two days ahead, tell the secretary (or staff) about each shift still short; once per shift."""
    sent = 0
    shifts = db.session.scalars(sa.select(PatrolShift).where(
        PatrolShift.cancelled_at.is_(None), PatrolShift.short_notified_at.is_(None),
        PatrolShift.starts_at > now, PatrolShift.starts_at <= now + SHORT_NOTICE)).all()
    for shift in shifts:
        if not shift.is_short:
            continue
        claimed = db.session.execute(sa.update(PatrolShift).where(
            PatrolShift.id == shift.id, PatrolShift.short_notified_at.is_(None)).values(short_notified_at=now)).rowcount
        if claimed != 1:
            continue
        branch = shift.alley.branch
        people = [branch.secretary] if branch is not None and branch.secretary else accounts.staff_of(shift.community_id)
        missing = shift.slots_needed - shift.slots_filled
        for person in people:
            notify(person, N_("The patrol in %(alley)s on %(when)s is still short of %(missing)s people."),
                   link=url_for_coverage(shift), now=now, alley=shift.alley.name, when=_when(shift.starts_at),
                   missing=missing)
        sent += 1
        db.session.commit()
    return sent


def url_for_coverage(shift: PatrolShift) -> str:
    try:
        return url_for("alleys.coverage", alley=shift.alley_id, _anchor=f"shift-{shift.id}")
    except RuntimeError:
        return f"/alleys/coverage?alley={shift.alley_id}#shift-{shift.id}"


# --- calendar feed ----------------------------------------------------------------------

def calendar_feed(user: User, now: datetime | None = None) -> CalendarFeed:
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is not None:
        return feed
    begin_write()
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:
        feed = CalendarFeed(community_id=user.community_id, user_id=user.id, token=secrets.token_urlsafe(24),
                            created_at=now or utcnow())
        db.session.add(feed)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:
            db.session.rollback()
            feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return feed


def reset_calendar(user: User, now: datetime | None = None) -> CalendarFeed:
    """A new secret: the old URL stops working at once."""
    feed = calendar_feed(user, now)
    begin_write()
    feed = db.session.get(CalendarFeed, feed.id)
    feed.token = secrets.token_urlsafe(24)
    feed.created_at = now or utcnow()
    db.session.commit()
    return feed


def calendar_ics(token: str, now: datetime, host: str = "neighbors") -> bytes:
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token)) if token else None
    if feed is None:
        raise NotFound(N_("This calendar link is not valid any more."))
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Neighbors//Alley patrols//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "巷道巡查 / Alley patrols")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    shifts = db.session.scalars(
        sa.select(PatrolShift).join(PatrolSignup, PatrolSignup.shift_id == PatrolShift.id)
        .where(PatrolShift.community_id == feed.community_id, PatrolSignup.user_id == feed.user_id,
               PatrolShift.cancelled_at.is_(None), PatrolShift.ends_at > now - timedelta(days=30))
        .order_by(PatrolShift.starts_at))
    for shift in shifts:
        event = icalendar.Event()
        event.add("uid", f"alleys-shift-{shift.id}-user-{feed.user_id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"巡查 {shift.alley.name}")
        event.add("location", shift.alley.name)
        event.add("description", "；".join(shift.alley.landmark_list) or shift.alley.description)
        calendar.add_component(event)
    return calendar.to_ical()


# --- findings ---------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "dispatch": (frozenset({"reported"}), "dispatched"),
    "accept": (frozenset({"dispatched"}), "accepted"),
    "resolve": (frozenset({"accepted"}), "resolved"),
    "verify": (frozenset({"resolved"}), "verified"),
    "reopen": (frozenset({"resolved"}), "accepted"),
    "close": (frozenset({"verified"}), "closed"),
    "send_back": (frozenset({"dispatched", "accepted"}), "reported"),
}


def finding_allows(finding: Finding, action: str, user: User | None) -> bool:
    """The one place that says who may move a case, used by services and templates alike."""
    if action not in TRANSITIONS or user is None:
        return False
    sources, _target = TRANSITIONS[action]
    if finding.state not in sources or not can_view_finding(finding, user):
        return False
    staff = is_staff(user, finding.community_id)
    if action == "dispatch":
        return staff
    if action in ("accept", "resolve", "send_back"):
        return bool(finding.department) and officer_department(user) == finding.department
    if action in ("verify", "reopen", "close"):
        return staff or finding.reporter_id == user.id
    return False


def _move(finding: Finding, action: str, actor: User | None, now: datetime, note: str = "") -> FindingEvent:
    sources, target = TRANSITIONS[action]
    if finding.state not in sources:
        raise DomainError(N_("This report cannot be changed that way now (it is: %(state)s)."),
                          state=STATE_LABELS[finding.state])
    event = FindingEvent(community_id=finding.community_id, finding_id=finding.id, action=action,
                         from_state=finding.state, to_state=target, actor_id=actor.id if actor else None,
                         note=note, department=finding.department, created_at=now)
    finding.state = target
    db.session.add(event)
    return event


def _locked_finding(community_id: int, finding_id: int) -> Finding:
    finding = db.session.scalar(
        sa.select(Finding).where(Finding.id == finding_id, Finding.community_id == community_id)
        .with_for_update().execution_options(populate_existing=True))
    if finding is None:
        raise NotFound(N_("That report was not found."))
    return finding


def _act(finding_id: int, action: str, actor: User, now: datetime) -> Finding:
    begin_write()
    finding = _locked_finding(_community_of(finding_id) if actor.is_admin else actor.community_id, finding_id)
    if not finding_allows(finding, action, actor):
        sources, _ = TRANSITIONS[action]
        if finding.state not in sources:
            raise DomainError(N_("This report cannot be changed that way now (it is: %(state)s)."),
                              state=STATE_LABELS[finding.state])
        raise NotAllowed(N_("You cannot do this for this report."))
    return finding


def _community_of(finding_id: int) -> int:
    return db.session.scalar(sa.select(Finding.community_id).where(Finding.id == finding_id)) or 0


def duty_officers(alley: Alley, department: str) -> list[User]:
    """The branch's officers of that department; if the branch has none, the community's."""
    base = (sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.OFFICER, RoleGrant.department == department,
                   RoleGrant.community_id == alley.community_id, User.active.is_(True)))
    if alley.branch_id:
        in_branch = list(db.session.scalars(base.join(BranchMember, BranchMember.user_id == User.id)
                                            .where(BranchMember.branch_id == alley.branch_id)))
        if in_branch:
            return in_branch
    return list(db.session.scalars(base))


def _dispatch(finding: Finding, department: str, actor: User | None, now: datetime, note: str = "") -> None:
    route = route_for(finding.alley, finding.category)
    accept_minutes = route.accept_minutes if route else DEFAULT_ACCEPT_MINUTES
    resolve_minutes = route.resolve_minutes if route else DEFAULT_RESOLVE_MINUTES
    finding.department = department
    finding.dispatched_at = now
    finding.accept_due_at = now + timedelta(minutes=accept_minutes)
    finding.resolve_due_at = now + timedelta(minutes=resolve_minutes)
    finding.accept_escalated_at = finding.resolve_escalated_at = None
    finding.sent_back_at = None
    _move(finding, "dispatch", actor, now, note)
    for officer in duty_officers(finding.alley, department):
        notify(officer, N_("New case in %(alley)s: %(category)s. Please accept it."), link=_finding_link(finding),
               now=now, alley=finding.alley.name, category=CATEGORY_NAMES.get(finding.category, finding.category))


def _tell_staff_to_dispatch(finding: Finding, now: datetime) -> None:
    for person in accounts.staff_of(finding.community_id):
        notify(person, N_("A report in %(alley)s needs a department. Please send it to one."),
               link=_finding_link(finding), now=now, alley=finding.alley.name)


def similar_open(community_id: int, alley_id: int | None, category: str | None, now: datetime) -> list[Finding]:
    if not alley_id or category not in CATEGORIES:
        return []
    return list(db.session.scalars(sa.select(Finding).where(
        Finding.community_id == community_id, Finding.alley_id == alley_id, Finding.category == category,
        Finding.state.in_(OPEN_STATES), Finding.created_at >= now - SIMILAR_WINDOW)
        .order_by(Finding.created_at.desc())))


def _files(photos) -> list:
    return [f for f in (photos or []) if f is not None and getattr(f, "filename", "")]


def _store_photos(files, community_id: int, field: str) -> list:
    stored = []
    try:
        for file in files:
            stored.append(store_image(file, community_id, field=field))
    except DomainError:
        for image in stored:
            discard(image.key)
        raise
    return stored


def _held_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="alleys.held-photos")


def _held_path(community_id: int, name: str):
    return upload_root() / HELD_FOLDER / str(int(community_id)) / f"{name}.jpg"


def _hold(actor: User, stored: list[StoredImage]) -> str:
    """Move checked photos aside and sign a reference to them, bound to the reporter."""
    kept = []
    for image in stored:
        name = image.key.rsplit("/", 1)[-1].removesuffix(".jpg")
        target = _held_path(actor.community_id, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        (upload_root() / image.key).replace(target)
        kept.append([name, image.width, image.height])
    return _held_serializer().dumps({"user": actor.id, "community": actor.community_id, "photos": kept})


def held_photos(actor: User, token: str | None) -> list[list]:
    """The photos a signed reference names, if it is this reporter's, fresh, and the files are still there.

    Nothing from the client names a file: only names this server signed, checked again for their shape."""
    if not token:
        return []
    expired = _held_expired()
    try:
        data = _held_serializer().loads(token, max_age=int(HOLD_PHOTOS_FOR.total_seconds()))
    except BadSignature:
        raise expired from None
    photos = data.get("photos") if isinstance(data, dict) else None
    if (data.get("user") != actor.id or data.get("community") != actor.community_id or not photos
            or len(photos) > MAX_PHOTOS):
        raise expired
    for entry in photos:
        if (not isinstance(entry, list) or len(entry) != 3 or not HELD_NAME.fullmatch(str(entry[0]))
                or not _held_path(actor.community_id, entry[0]).is_file()):
            raise expired
    return photos


def _held_expired() -> InvalidInput:
    return InvalidInput(N_("The photos you chose before have expired. Please choose them again."), field="photos")


def _held_or_nothing(actor: User, token: str | None) -> list[list]:
    try:
        return held_photos(actor, token)
    except InvalidInput:
        return []


def held_count(actor: User, token: str | None) -> int:
    """How many kept photos a reference still stands for (0 when it no longer does): for the form's note."""
    return len(_held_or_nothing(actor, token))


def _unhold(actor: User, photos: list[list]) -> list[StoredImage]:
    """Back from the waiting folder to the community's, as if just stored."""
    stored = []
    try:
        for name, width, height in photos:
            key = f"{int(actor.community_id)}/{name}.jpg"
            (upload_root() / key).parent.mkdir(parents=True, exist_ok=True)
            _held_path(actor.community_id, name).replace(upload_root() / key)
            stored.append(StoredImage(key=key, width=int(width), height=int(height)))
    except FileNotFoundError:  # taken by a simultaneous submission, or removed as expired just now
        for image in stored:
            discard(image.key)
        raise _held_expired() from None
    return stored


def _discard_held(actor: User, photos: list[list]) -> None:
    for name, _width, _height in photos:
        _held_path(actor.community_id, name).unlink(missing_ok=True)


def discard_expired_held_photos(now: datetime) -> int:
    """Photos kept for a "report anyway" that never came: gone once their reference has expired."""
    folder = upload_root() / HELD_FOLDER
    if not folder.is_dir():
        return 0
    cutoff = (now - HOLD_PHOTOS_FOR - timedelta(minutes=5)).timestamp()
    removed = 0
    for path in folder.glob("*/*.jpg"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another server removed it first
    return removed


def report_finding(actor: User, alley_id: int, category: str, description: str, place: str, photos,
                   submission_key: str, now: datetime, new_anyway: bool = False, held: str = "") -> Finding:
    """Save a report with 1–3 photos and send it straight to the responsible department.

    When similar open reports exist, the checked photos are kept and `DuplicateSuspected.held` refers to them,
    so the reporter's "report anyway" (`held=`) needs no files again."""
    community_id = actor.community_id
    alley = get_alley(community_id, alley_id) if alley_id else None
    if alley is None:
        raise InvalidInput(N_("Choose the alley."), field="alley")
    if category not in CATEGORIES:
        raise InvalidInput(N_("Choose a category from the list."), field="category")
    description = _clean(description, "description", 1000)
    place = _clean(place, "place", 200)
    files = _files(photos)
    if len(files) > MAX_PHOTOS:
        raise InvalidInput(N_("Add at most 3 photos."), field="photos")
    existing = db.session.scalar(sa.select(Finding).where(Finding.submission_key == submission_key))
    if existing is not None and existing.reporter_id == actor.id:
        return existing  # a double tap: the first submission already made it
    kept = held_photos(actor, held) if held and not files else []
    if not files and not kept:
        raise InvalidInput(N_("Add 1 to 3 photos of the problem."), field="photos")
    if files and held:
        _discard_held(actor, _held_or_nothing(actor, held))  # new photos chosen: the kept ones are not needed
    if not new_anyway:
        similar = similar_open(community_id, alley.id, category, now)
        if similar:
            reference = held if kept else _hold(actor, _store_photos(files, community_id, "photos"))
            raise DuplicateSuspected(similar, held=reference, held_count=len(kept) or len(files))
    stored = _unhold(actor, kept) if kept else _store_photos(files, community_id, "photos")
    try:
        begin_write()
        finding = Finding(community_id=community_id, alley_id=alley.id, category=category, description=description,
                          place=place, reporter_id=actor.id, state="reported", submission_key=submission_key,
                          created_at=now)
        db.session.add(finding)
        db.session.flush()
        for image in stored:
            db.session.add(FindingPhoto(community_id=community_id, finding_id=finding.id, key=image.key,
                                        kind="before", width=image.width, height=image.height,
                                        added_by_id=actor.id, created_at=now))
        db.session.add(FindingEvent(community_id=community_id, finding_id=finding.id, action="report",
                                    from_state="", to_state="reported", actor_id=actor.id, created_at=now))
        route = route_for(alley, category)
        if route is not None and route.department:
            _dispatch(finding, route.department, None, now)
        else:
            _tell_staff_to_dispatch(finding, now)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        for image in stored:
            discard(image.key)
        existing = db.session.scalar(sa.select(Finding).where(Finding.submission_key == submission_key))
        if existing is not None and existing.reporter_id == actor.id:
            return existing
        raise DomainError(N_("The report could not be saved. Please try again.")) from None
    except BaseException:
        db.session.rollback()
        for image in stored:
            discard(image.key)
        raise
    return finding


def add_to_finding(finding_id: int, actor: User, note: str, photos, now: datetime) -> Finding:
    """Join an open report instead of making a duplicate: a note and optional photos."""
    note = _clean(note, "note", 1000)
    files = _files(photos)
    if len(files) > MAX_PHOTOS:
        raise InvalidInput(N_("Add at most 3 photos."), field="photos")
    finding = finding_for(actor, finding_id)
    if not can_view_finding(finding, actor) or finding.state not in OPEN_STATES:
        raise DomainError(N_("This report is already finished; report the problem as new."))
    stored = _store_photos(files, finding.community_id, "photos")
    try:
        begin_write()
        finding = _locked_finding(finding.community_id, finding_id)
        for image in stored:
            db.session.add(FindingPhoto(community_id=finding.community_id, finding_id=finding.id, key=image.key,
                                        kind="before", width=image.width, height=image.height,
                                        added_by_id=actor.id, created_at=now))
        db.session.add(FindingEvent(community_id=finding.community_id, finding_id=finding.id, action="added",
                                    from_state=finding.state, to_state=finding.state, actor_id=actor.id,
                                    note=note, department=finding.department, created_at=now))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for image in stored:
            discard(image.key)
        raise
    return finding


def dispatch(finding_id: int, actor: User, department: str, now: datetime, note: str = "") -> Finding:
    if department not in DEPARTMENTS:
        raise InvalidInput(N_("Choose a department from the list."), field="department")
    finding = _act(finding_id, "dispatch", actor, now)
    _dispatch(finding, department, actor, now, _clean(note, "note", 1000, required=False))
    db.session.commit()
    return finding


def accept(finding_id: int, actor: User, now: datetime) -> Finding:
    finding = _act(finding_id, "accept", actor, now)
    _move(finding, "accept", actor, now)
    finding.accepted_at = finding.accepted_at or now
    finding.accepted_by_id = actor.id
    notify(finding.reporter, N_("Your report in %(alley)s was accepted by %(department)s."),
           link=_finding_link(finding), now=now, alley=finding.alley.name, department=finding.department)
    db.session.commit()
    return finding


def resolve(finding_id: int, actor: User, note: str, photo, now: datetime) -> Finding:
    """The officer's fix: a note and an after-photo, then the reporter is asked to check."""
    note = _clean(note, "note", 1000)
    files = _files([photo])
    if not files:
        raise InvalidInput(N_("Add a photo after the fix."), field="photo")
    finding = finding_for(actor, finding_id)
    if not finding_allows(finding, "resolve", actor):
        _act(finding_id, "resolve", actor, now)  # raises the right refusal
    stored = _store_photos(files, finding.community_id, "photo")
    try:
        finding = _act(finding_id, "resolve", actor, now)
        _move(finding, "resolve", actor, now, note)
        finding.resolved_at = now
        finding.resolved_by_id = actor.id
        finding.resolution_note = note
        for image in stored:
            db.session.add(FindingPhoto(community_id=finding.community_id, finding_id=finding.id, key=image.key,
                                        kind="after", width=image.width, height=image.height,
                                        added_by_id=actor.id, created_at=now))
        notify(finding.reporter, N_("Your report in %(alley)s was fixed. Please check it."),
               link=_finding_link(finding), now=now, alley=finding.alley.name)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for image in stored:
            discard(image.key)
        raise
    return finding


def verify(finding_id: int, actor: User, now: datetime) -> Finding:
    finding = _act(finding_id, "verify", actor, now)
    _move(finding, "verify", actor, now)
    finding.verified_at = now
    db.session.commit()
    return finding


def reopen(finding_id: int, actor: User, note: str, now: datetime) -> Finding:
    """The fix did not hold: back to the officer, with a fresh time to fix."""
    note = _clean(note, "note", 1000)
    finding = _act(finding_id, "reopen", actor, now)
    _move(finding, "reopen", actor, now, note)
    route = route_for(finding.alley, finding.category)
    finding.resolve_due_at = now + timedelta(minutes=route.resolve_minutes if route else DEFAULT_RESOLVE_MINUTES)
    finding.resolve_escalated_at = None
    if finding.accepted_by is not None:
        notify(finding.accepted_by, N_("The report in %(alley)s was reopened: %(note)s"),
               link=_finding_link(finding), now=now, alley=finding.alley.name, note=note)
    db.session.commit()
    return finding


def close(finding_id: int, actor: User, now: datetime) -> Finding:
    finding = _act(finding_id, "close", actor, now)
    _move(finding, "close", actor, now)
    finding.closed_at = now
    db.session.commit()
    return finding


def send_back(finding_id: int, actor: User, note: str, now: datetime) -> Finding:
    """Not ours: back to staff, who choose the right department."""
    note = _clean(note, "note", 1000)
    finding = _act(finding_id, "send_back", actor, now)
    department = finding.department
    _move(finding, "send_back", actor, now, note)
    finding.sent_back_at = now
    finding.department = ""
    finding.accept_due_at = finding.resolve_due_at = None
    for person in accounts.staff_of(finding.community_id):
        notify(person, N_("A report in %(alley)s was sent back by %(department)s: %(note)s"),
               link=_finding_link(finding), now=now, alley=finding.alley.name, department=department, note=note)
    db.session.commit()
    return finding


def findings_for(user: User, now: datetime, show: str = "open", alley_id: int | None = None) -> list[Finding]:
    """Overdue first, then newest. Officers see their department's; others the community's."""
    query = sa.select(Finding).where(Finding.community_id == user.community_id)
    if show == "open":
        query = query.where(Finding.state.in_(OPEN_STATES))
    elif show == "mine":
        query = query.where(Finding.reporter_id == user.id)
    elif show == "department":
        query = query.where(Finding.department == officer_department(user), Finding.state.in_(OPEN_STATES))
    if alley_id:
        query = query.where(Finding.alley_id == alley_id)
    if not (is_staff(user, user.community_id) or is_member(user)):
        query = query.where(Finding.reporter_id == user.id)
    rows = list(db.session.scalars(query.order_by(Finding.created_at.desc()).limit(200)))
    return sorted(rows, key=lambda f: not f.is_overdue(now))


def escalate_overdue(now: datetime) -> int:
    """Tell staff once about each case past its deadline to accept, and once past its deadline to fix."""
    sent = 0
    late_accept = db.session.scalars(sa.select(Finding).where(
        Finding.state == "dispatched", Finding.accept_due_at < now, Finding.accept_escalated_at.is_(None))).all()
    for finding in late_accept:
        if _claim(finding, Finding.accept_escalated_at, now):
            for person in accounts.staff_of(finding.community_id):
                notify(person, N_("Overdue: the report in %(alley)s was not accepted in time."),
                       link=_finding_link(finding), now=now, alley=finding.alley.name)
            sent += 1
    late_fix = db.session.scalars(sa.select(Finding).where(
        Finding.state.in_(("dispatched", "accepted")), Finding.resolve_due_at < now,
        Finding.resolve_escalated_at.is_(None))).all()
    for finding in late_fix:
        if _claim(finding, Finding.resolve_escalated_at, now):
            for person in accounts.staff_of(finding.community_id):
                notify(person, N_("Overdue: the report in %(alley)s was not fixed in time."),
                       link=_finding_link(finding), now=now, alley=finding.alley.name)
            sent += 1
    db.session.commit()
    return sent


def _claim(finding: Finding, column, now: datetime) -> bool:
    done = db.session.execute(sa.update(Finding).where(Finding.id == finding.id, column.is_(None))
                              .values({column.key: now})).rowcount
    return done == 1


# --- statistics -------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return float(ordered[rank - 1])


def median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _missed_deadline(finding: Finding, now: datetime) -> bool:
    if finding.accept_due_at is not None:
        accepted = finding.accepted_at
        if (accepted and accepted > finding.accept_due_at) or (not accepted and finding.dispatched_at
                                                               and now > finding.accept_due_at):
            return True
    if finding.resolve_due_at is not None:
        resolved = finding.resolved_at
        if resolved and resolved > finding.resolve_due_at:
            return True
        if finding.state in ("dispatched", "accepted") and now > finding.resolve_due_at:
            return True
    return False


def month_stats(community_id: int, start: date, end: date, now: datetime,
                alley_ids: list[int] | None = None) -> dict:
    """Shifts and findings of local dates [start, end) for some alleys (all when None)."""
    shift_query = sa.select(PatrolShift).where(
        PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
        PatrolShift.day >= start, PatrolShift.day < end)
    start_utc, end_utc = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    finding_query = sa.select(Finding).where(
        Finding.community_id == community_id, Finding.created_at >= start_utc, Finding.created_at < end_utc)
    if alley_ids is not None:
        shift_query = shift_query.where(PatrolShift.alley_id.in_(alley_ids or [0]))
        finding_query = finding_query.where(Finding.alley_id.in_(alley_ids or [0]))
    shifts = list(db.session.scalars(shift_query.options(joinedload(PatrolShift.signups))).unique())
    findings = list(db.session.scalars(finding_query))
    ended = [s for s in shifts if s.has_ended(now)]
    to_accept = [f.minutes_to_accept for f in findings if f.minutes_to_accept is not None]
    to_fix = [f.minutes_to_fix for f in findings if f.minutes_to_fix is not None]
    by_category = Counter(f.category for f in findings)
    return {
        "shifts_total": len(shifts),
        "shifts_held": sum(1 for s in ended if not s.was_missed(now)),
        "shifts_missed": sum(1 for s in ended if s.was_missed(now)),
        "slots_needed": sum(s.slots_needed for s in shifts),
        "slots_filled": sum(s.slots_filled for s in shifts),
        "findings_total": len(findings),
        "findings_by_category": {code: by_category.get(code, 0) for code in CATEGORIES},
        "median_minutes_to_accept": median(to_accept),
        "p90_minutes_to_accept": percentile(to_accept, 90),
        "median_minutes_to_fix": median(to_fix),
        "p90_minutes_to_fix": percentile(to_fix, 90),
        "overdue_cases": sum(1 for f in findings if _missed_deadline(f, now)),
    }


def stats_csv(stats: dict, scope: str, month: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["scope", "month", "measure", "value"])
    for key, value in stats.items():
        if key == "findings_by_category":
            for code, count in value.items():
                writer.writerow([scope, month, f"findings_{code}", count])
        else:
            writer.writerow([scope, month, key, "" if value is None else value])
    return out.getvalue()


# --- for the staff console --------------------------------------------------------------

def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """Overdue cases (urgent), cases waiting for a department, and patrols still short within 48 h."""
    items: list[QueueItem] = []
    open_findings = db.session.scalars(sa.select(Finding).where(
        Finding.community_id == community_id, Finding.state.in_(("reported", "dispatched", "accepted")))
        .options(joinedload(Finding.alley)))
    for finding in open_findings:
        params = {"category": CATEGORY_NAMES.get(finding.category, finding.category), "alley": finding.alley.name}
        url = _finding_link(finding)
        if finding.is_overdue(now):
            due = finding.accept_due_at if finding.is_accept_overdue(now) else finding.resolve_due_at
            items.append(QueueItem(kind="alleys.finding_overdue", title=N_("Overdue case: %(category)s in %(alley)s"),
                                   since=due, url=url, action=N_("Open the case"), params=params, urgent=True))
        elif finding.state == "reported":
            title = (N_("Sent back, needs the right department: %(category)s in %(alley)s") if finding.sent_back_at
                     else N_("Needs a department: %(category)s in %(alley)s"))
            items.append(QueueItem(kind="alleys.finding_sent_back", title=title,
                                   since=finding.sent_back_at or finding.created_at, url=url,
                                   action=N_("Send to a department"), params=params))
    for shift in upcoming_shifts(community_id, now, days=2, include_running=False):
        if shift.starts_at > now + SHORT_NOTICE or not shift.is_short:
            continue
        items.append(QueueItem(
            kind="alleys.shift_short", title=N_("Patrol in %(alley)s on %(when)s is short of %(missing)s people"),
            since=max(shift.created_at, shift.starts_at - SHORT_NOTICE), url=url_for_coverage(shift),
            action=N_("Assign a member"),
            params={"alley": shift.alley.name, "when": _when(shift.starts_at),
                    "missing": shift.slots_needed - shift.slots_filled}))
    return sorted(items, key=lambda item: (not item.urgent, item.since))


def staff_queue_count(community_id: int, now: datetime) -> int:
    """len(staff_queue(...)) in one statement: the staff menu shows it on every page.

    The open cases are counted in SQL; the shifts starting within 48 hours come as (shift, needs, signup kind)
    rows, few by nature, and are checked for shortness as `PatrolShift.is_short` does."""
    overdue = sa.or_(
        sa.and_(Finding.state == "dispatched", Finding.accept_due_at.is_not(None), Finding.accept_due_at < now),
        sa.and_(Finding.state.in_(("dispatched", "accepted")), Finding.resolve_due_at.is_not(None),
                Finding.resolve_due_at < now))
    cases = sa.select(sa.func.count(Finding.id)).where(
        Finding.community_id == community_id, Finding.state.in_(("reported", "dispatched", "accepted")),
        sa.or_(overdue, Finding.state == "reported")).scalar_subquery()
    one = sa.select(sa.literal(1).label("one")).subquery()
    rows = db.session.execute(
        sa.select(cases, PatrolShift.id, PatrolShift.needs, PatrolSignup.kind).select_from(one)
        .outerjoin(PatrolShift, sa.and_(
            PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
            PatrolShift.starts_at > now, PatrolShift.starts_at < now + timedelta(days=2),
            PatrolShift.starts_at <= now + SHORT_NOTICE))
        .outerjoin(PatrolSignup, PatrolSignup.shift_id == PatrolShift.id)
    ).all()
    needs: dict[int, dict] = {}
    filled: dict[int, Counter] = {}
    for _cases, shift_id, shift_needs, kind in rows:
        if shift_id is None:
            continue
        needs[shift_id] = shift_needs or {}
        filled.setdefault(shift_id, Counter())
        if kind is not None:
            filled[shift_id][kind] += 1
    short = sum(1 for shift_id, wanted in needs.items()
                if sum(min(filled[shift_id][kind], int(n)) for kind, n in wanted.items())
                < sum(int(n) for n in wanted.values()))
    return int(rows[0][0] or 0) + short


def monthly_summary(community_id: int, start: date, end: date, *, now: datetime) -> dict:
    """The staff reports' figures for local dates [start, end), as they stand at `now` (missed, overdue)."""
    # The same figures as `month_stats`, from narrow rows instead of objects: one row per (shift, kind of
    # signup) with the counts done in SQL, and one row per finding with the deadline check done in SQL.
    ended = PatrolShift.ends_at <= now
    shift_rows = db.session.execute(
        sa.select(PatrolShift.id, PatrolShift.needs, ended, PatrolSignup.kind, sa.func.count(PatrolSignup.id),
                  sa.func.count(PatrolSignup.checked_in_at))
        .outerjoin(PatrolSignup, PatrolSignup.shift_id == PatrolShift.id)
        .where(PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
               PatrolShift.day >= start, PatrolShift.day < end)
        .group_by(PatrolShift.id, PatrolSignup.kind)).all()
    needs: dict[int, dict] = {}
    filled: dict[int, Counter] = defaultdict(Counter)
    checked_in: Counter = Counter()
    has_ended: dict[int, bool] = {}
    for shift_id, shift_needs, shift_ended, kind, signups, arrivals in shift_rows:
        needs[shift_id] = shift_needs or {}
        has_ended[shift_id] = bool(shift_ended)
        checked_in[shift_id] += arrivals
        if kind is not None:
            filled[shift_id][kind] += signups
    missed = sum(1 for shift_id, over in has_ended.items() if over and not checked_in[shift_id])
    start_utc, end_utc = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    accept_late = sa.and_(Finding.accept_due_at.is_not(None), sa.or_(
        sa.and_(Finding.accepted_at.is_not(None), Finding.accepted_at > Finding.accept_due_at),
        sa.and_(Finding.accepted_at.is_(None), Finding.dispatched_at.is_not(None), Finding.accept_due_at < now)))
    resolve_late = sa.and_(Finding.resolve_due_at.is_not(None), sa.or_(
        sa.and_(Finding.resolved_at.is_not(None), Finding.resolved_at > Finding.resolve_due_at),
        sa.and_(Finding.state.in_(("dispatched", "accepted")), Finding.resolve_due_at < now)))
    resolved = Finding.resolved_at.is_not(None)
    finding_rows = db.session.execute(
        sa.select(Finding.category, sa.or_(accept_late, resolve_late),
                  sa.case((resolved, Finding.created_at)), Finding.resolved_at)
        .where(Finding.community_id == community_id, Finding.created_at >= start_utc,
               Finding.created_at < end_utc)).all()
    by_category = Counter(category for category, *_ in finding_rows)
    to_fix = [int((resolved_at - created_at).total_seconds() // 60)
              for _, _, created_at, resolved_at in finding_rows if resolved_at is not None]
    return {
        "shifts_held": sum(1 for over in has_ended.values() if over) - missed,
        "slots_needed": sum(int(n) for wanted in needs.values() for n in wanted.values()),
        "slots_filled": sum(min(filled[shift_id][kind], int(n))
                            for shift_id, wanted in needs.items() for kind, n in wanted.items()),
        "shifts_missed": missed,
        "findings_total": len(finding_rows),
        "findings_by_category": {code: by_category.get(code, 0) for code in CATEGORIES},
        "median_minutes_to_fix": median(to_fix),
        "overdue_cases": sum(1 for _, late, *_ in finding_rows if late),
    }


def person_summary(community_id: int, user_id: int) -> dict:
    now = utcnow()
    user = db.session.get(User, user_id)
    if user is None or user.community_id != community_id:
        return {"upcoming_shifts": [], "recent_findings": [],
                "month_attendance": {"signed_up": 0, "attended": 0, "missed": 0}}
    shifts = my_shifts(user, now)[:5]
    findings = db.session.scalars(sa.select(Finding).where(
        Finding.community_id == community_id, Finding.reporter_id == user_id)
        .order_by(Finding.created_at.desc()).limit(5))
    start, end = month_bounds(local_today(now))
    return {
        "upcoming_shifts": [{"id": s.id, "alley": s.alley.name, "starts_at": s.starts_at, "url": _shift_link(s)}
                            for s in shifts],
        "recent_findings": [{"id": f.id, "category": f.category, "state": f.state, "url": _finding_link(f)}
                            for f in findings],
        "month_attendance": attendance(community_id, user_id, start, end, now),
    }

