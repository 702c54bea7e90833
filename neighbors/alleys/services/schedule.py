"""Patrol rules, holidays and the four weeks of shifts they make: a rule's change reaches its future shifts
(and whoever signed up for them) at once."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from ... import audit
from ...clock import local_to_utc, local_today, utcnow
from ...database import begin_write
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...models import User
from ...notifications import notify
from ...transactions import service
from .. import public_holidays
from ..models import DEPARTMENTS, VOLUNTEER, Alley, Holiday, PatrolRule, PatrolShift
from .common import HORIZON_DAYS, clean, require_manager, require_staff, shift_link, when
from .lookups import alley_for, holidays_of, reachable


@service
def add_holiday(actor: User, community_id: int, day: date, name: str = "", now: datetime | None = None) -> Holiday:
    require_staff(actor, community_id)
    now = now or utcnow()
    if day is None:
        raise InvalidInput(N_("Choose a day."), field="day")
    name = clean(name, "name", 50, required=False)
    begin_write()
    holiday = db.session.scalar(sa.select(Holiday).where(Holiday.community_id == community_id, Holiday.day == day))
    if holiday is None:
        holiday = Holiday(community_id=community_id, day=day, name=name)
        db.session.add(holiday)
        db.session.flush()
    _sync_community(community_id, now)
    audit.record(actor, "alleys.holiday_added", holiday, community_id=community_id,
                 after={"day": day.isoformat(), "name": name}, now=now)
    return holiday


@service
def remove_holiday(actor: User, holiday_id: int, now: datetime | None = None) -> None:
    now = now or utcnow()
    begin_write()
    holiday = reachable(actor, Holiday, holiday_id, N_("That holiday was not found."))
    community_id = holiday.community_id
    require_staff(actor, community_id)
    audit.record(actor, "alleys.holiday_removed", holiday, community_id=community_id,
                 before={"day": holiday.day.isoformat()}, now=now)
    db.session.delete(holiday)
    db.session.flush()
    _sync_community(community_id, now)


def _parse_weekdays(weekdays) -> str:
    try:
        days = sorted({int(d) for d in weekdays})
    except (TypeError, ValueError):
        days = []
    if not days or any(d < 0 or d > 6 for d in days):
        raise InvalidInput(N_("Choose at least one weekday."), field="weekdays")
    return "".join(str(d) for d in days)


def _parse_needs(needs: dict) -> dict[str, int]:
    clean_needs: dict[str, int] = {}
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
            clean_needs[kind] = count
    if not clean_needs:
        raise InvalidInput(N_("A patrol needs at least one person."), field="needs")
    return clean_needs


def _rule_facts(rule: PatrolRule) -> dict:
    return {"weekdays": rule.weekdays, "starts": rule.starts.isoformat(), "ends": rule.ends.isoformat(),
            "needs": rule.needs, "active": rule.active, "skip_holidays": rule.skip_holidays,
            "adjusted_workdays": rule.adjusted_workdays}


def _rule_of(actor: User, alley: Alley, rule_id: int | None) -> PatrolRule:
    if not rule_id:
        rule = PatrolRule(community_id=alley.community_id, alley_id=alley.id, created_by_id=actor.id)
        db.session.add(rule)
        return rule
    rule = db.session.scalar(sa.select(PatrolRule).where(
        PatrolRule.id == rule_id, PatrolRule.alley_id == alley.id, PatrolRule.community_id == alley.community_id))
    if rule is None:
        raise NotFound(N_("That patrol rule was not found."))
    return rule


@service
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
    require_manager(actor, alley)
    rule = _rule_of(actor, alley, rule_id)
    before = _rule_facts(rule) if rule_id else None
    rule.weekdays, rule.starts, rule.ends, rule.needs = weekdays, starts, ends, needs
    rule.skip_holidays, rule.active, rule.updated_at = bool(skip_holidays), bool(active), now
    rule.adjusted_workdays = bool(adjusted_workdays)
    db.session.flush()
    sync_rule_shifts(rule, now)
    audit.record(actor, "alleys.rule_saved", rule, community_id=alley.community_id, before=before,
                 after=_rule_facts(rule), now=now)
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
            created += _make_shift(rule, day, starts_at, ends_at, now)
        else:
            _move_shift(shift, rule, starts_at, ends_at, now)
    for day, shift in existing.items():
        if day not in desired and shift.cancelled_at is None:
            _cancel_shift(shift, now)
    db.session.flush()
    return created


def _make_shift(rule: PatrolRule, day: date, starts_at: datetime, ends_at: datetime, now: datetime) -> int:
    """1 if the day's shift was made now, 0 if one exists already (started, or made by another server)."""
    if db.session.scalar(sa.select(PatrolShift.id).where(PatrolShift.community_id == rule.community_id,
                                                        PatrolShift.rule_id == rule.id, PatrolShift.day == day)):
        return 0  # a shift of this day has already started
    try:
        with db.session.begin_nested():
            db.session.add(PatrolShift(community_id=rule.community_id, alley_id=rule.alley_id, rule_id=rule.id,
                                       day=day, starts_at=starts_at, ends_at=ends_at, needs=dict(rule.needs),
                                       created_at=now))
    except sa.exc.IntegrityError:
        return 0  # another server made it at the same moment
    return 1


def _move_shift(shift: PatrolShift, rule: PatrolRule, starts_at: datetime, ends_at: datetime,
                now: datetime) -> None:
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
                   link=shift_link(shift), now=now, alley=shift.alley.name, when=when(old_start),
                   new_when=when(starts_at))


def _cancel_shift(shift: PatrolShift, now: datetime) -> None:
    shift.cancelled_at = now
    for signup in list(shift.signups):
        notify(signup.user, N_("The patrol in %(alley)s on %(when)s was cancelled. You do not need to come."),
               link=shift_link(shift), now=now, alley=shift.alley.name, when=when(shift.starts_at))
        shift.signups.remove(signup)


def _drop_excess(shift: PatrolShift, now: datetime) -> None:
    """After a rule needs fewer people, the last to sign up lose their place, and are told."""
    for kind in {s.kind for s in shift.signups}:
        people = sorted((s for s in shift.signups if s.kind == kind), key=lambda s: (s.created_at, s.id))
        keep = int(shift.needs.get(kind, 0))
        for signup in people[keep:]:
            notify(signup.user, N_("The patrol in %(alley)s on %(when)s needs fewer people now, so your place "
                                   "was freed. Thank you!"), link=shift_link(shift), now=now,
                   alley=shift.alley.name, when=when(shift.starts_at))
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


@service
def generate_shifts(now: datetime) -> int:
    """Keep four weeks of shifts ahead for every rule; a second run finds nothing to make."""
    begin_write()
    community_ids = db.session.scalars(sa.select(PatrolRule.community_id).distinct()).all()
    return sum(_sync_community(community_id, now) for community_id in community_ids)
