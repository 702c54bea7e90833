"""The shifts ahead and how well they are filled; the secretary hears two days before about a shift still
short of people."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ... import accounts
from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import PatrolShift, PatrolSignup
from .common import HORIZON_DAYS, SHORT_NOTICE, coverage_link, when
from .lookups import SHIFT_LIST


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
        sa.select(PatrolShift).join(PatrolSignup, same_community(PatrolSignup.shift_id == PatrolShift.id))
        .where(PatrolShift.community_id == user.community_id, PatrolSignup.user_id == user.id,
               PatrolShift.cancelled_at.is_(None), PatrolShift.ends_at > now,
               PatrolShift.starts_at < now + timedelta(days=days))
        .options(*SHIFT_LIST).order_by(PatrolShift.starts_at)).unique())


def coverage(community_id: int, now: datetime, alley_ids: list[int] | None = None) -> list[PatrolShift]:
    """Two weeks of shifts, short ones first within each day is left to the template; all are listed."""
    return upcoming_shifts(community_id, now, days=14, alley_ids=alley_ids)


def _claim_short_notice(shift: PatrolShift, now: datetime) -> bool:
    """Once per shift, even with two servers running the tick."""
    claimed = db.session.execute(sa.update(PatrolShift).where(
        PatrolShift.id == shift.id, PatrolShift.community_id == shift.community_id,
        PatrolShift.short_notified_at.is_(None)).values(short_notified_at=now)).rowcount
    return claimed == 1


@service
def notify_short_shifts(now: datetime) -> int:
    """Two days ahead, tell the secretary (or staff) about each shift still short; once per shift."""
    sent = 0
    shifts = db.session.scalars(sa.select(PatrolShift).where(
        PatrolShift.cancelled_at.is_(None), PatrolShift.short_notified_at.is_(None),
        PatrolShift.starts_at > now, PatrolShift.starts_at <= now + SHORT_NOTICE)).all()
    for shift in shifts:
        if not shift.is_short or not _claim_short_notice(shift, now):
            continue
        branch = shift.alley.branch
        has_secretary = branch is not None and branch.secretary is not None
        people = [branch.secretary] if has_secretary else accounts.staff_of(shift.community_id)
        for person in people:
            notify(person, N_("The patrol in %(alley)s on %(when)s is still short of %(missing)s people."),
                   link=coverage_link(shift), now=now, alley=shift.alley.name, when=when(shift.starts_at),
                   missing=shift.slots_needed - shift.slots_filled)
        sent += 1
    return sent
