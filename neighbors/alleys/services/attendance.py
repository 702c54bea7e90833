"""Who came: checking in and out of a shift, and the counts of shifts signed up, attended and missed."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ...database import begin_write, same_community
from ...errors import N_, Conflict
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import PatrolShift, PatrolSignup
from .signups import own_signup, locked_shift


@service
def check_in(actor: User, shift_id: int, now: datetime) -> PatrolSignup:
    begin_write()
    shift = locked_shift(actor, shift_id)
    signup = own_signup(shift, actor)
    if shift.cancelled_at is not None:
        raise Conflict(N_("This patrol was cancelled."))
    if now < shift.checkin_opens_at():
        raise Conflict(N_("Check-in opens 30 minutes before the patrol starts."))
    if now >= shift.ends_at:
        raise Conflict(N_("This patrol is over; check-in has closed."))
    if signup.checked_in_at is None:
        signup.checked_in_at = now
    return signup


@service
def check_out(actor: User, shift_id: int, now: datetime) -> PatrolSignup:
    begin_write()
    shift = locked_shift(actor, shift_id)
    signup = own_signup(shift, actor)
    if signup.checked_in_at is None:
        raise Conflict(N_("Check in first."))
    if signup.checked_out_at is None:
        signup.checked_out_at = max(now, signup.checked_in_at)
    return signup


def attendance(community_id: int, user_id: int, start: date, end: date, now: datetime) -> dict:
    """Per member for local dates [start, end): shifts signed up, attended and missed."""
    rows = db.session.execute(
        sa.select(PatrolSignup.checked_in_at, PatrolShift.ends_at)
        .join(PatrolShift, same_community(PatrolShift.id == PatrolSignup.shift_id))
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
             .join(PatrolShift, same_community(PatrolShift.id == PatrolSignup.shift_id))
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
