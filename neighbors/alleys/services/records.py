"""The findings and shifts behind the staff reports' alley figures: for a year or a month, the same records
`stats.monthly_summary` counts, a page at a time, with what they add up to counted from all of them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ...clock import local_to_utc
from ...database import one_page
from ...extensions import db
from ...links import Link
from ...models import User
from ...periods import Period, period_between
from ..models import Finding, PatrolShift, PatrolSignup
from .stats import median

RECORDS_PAGE = 100


@dataclass(frozen=True)
class ReportedFindings:
    """Problems reported in a period (all, or only those fixed since), and the figures counted from them."""

    period: Period
    community_id: int
    fixed_only: bool
    findings_total: int  # reported in the period
    findings_fixed: int  # of those, fixed by now
    median_minutes_to_fix: float | None  # from report to fixed, of the fixed ones
    findings: list[Finding]
    page: int
    more: bool


@dataclass(frozen=True)
class HeldShifts:
    """Patrol shifts of a period that were held (over, not cancelled, someone checked in)."""

    period: Period
    shifts_held: int
    shifts: list[PatrolShift]
    page: int
    more: bool


def _reported(community_id: int, period: Period):
    since, until = local_to_utc(period.start, time(0)), local_to_utc(period.end, time(0))
    return sa.and_(Finding.community_id == community_id, Finding.created_at >= since, Finding.created_at < until)


def reported_findings(community_id: int, period: Period, fixed_only: bool = False, page: int = 1,
                      per_page: int = RECORDS_PAGE) -> ReportedFindings:
    """Newest first; two statements whatever the number of findings (the times to fix are read narrow)."""
    reported = _reported(community_id, period)
    times = db.session.execute(sa.select(Finding.created_at, Finding.resolved_at).where(reported)).all()
    to_fix = [int((resolved - created).total_seconds() // 60) for created, resolved in times if resolved is not None]
    listed = sa.and_(reported, Finding.resolved_at.is_not(None)) if fixed_only else reported
    rows, page, more = one_page(sa.select(Finding).where(listed).options(joinedload(Finding.alley))
                                .order_by(Finding.created_at.desc(), Finding.id.desc()), page, per_page)
    return ReportedFindings(period, community_id, fixed_only, len(times), len(to_fix), median(to_fix), rows, page,
                            more)


def held_shifts(community_id: int, period: Period, now: datetime, page: int = 1,
                per_page: int = RECORDS_PAGE) -> HeldShifts:
    """Newest first, with who came; two statements and one for the signups, whatever the number of shifts."""
    checked_in = sa.select(PatrolSignup.id).where(
        PatrolSignup.community_id == community_id, PatrolSignup.shift_id == PatrolShift.id,
        PatrolSignup.checked_in_at.is_not(None)).exists()
    held = sa.and_(PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
                   PatrolShift.day >= period.start, PatrolShift.day < period.end, PatrolShift.ends_at <= now,
                   checked_in)
    count = db.session.scalar(sa.select(sa.func.count(PatrolShift.id)).where(held)) or 0
    rows, page, more = one_page(
        sa.select(PatrolShift).where(held)
        .options(joinedload(PatrolShift.alley), selectinload(PatrolShift.signups)
                 .options(joinedload(PatrolSignup.user).lazyload(User.role_grants)))
        .order_by(PatrolShift.starts_at.desc(), PatrolShift.id.desc()), page, per_page)
    return HeldShifts(period, int(count), rows, page, more)


def figure_records(community_id: int, start: date, end: date) -> dict[str, Link]:
    """Each alley figure of a report, to the records it is counted from in its period: the problems reported,
    those fixed (the median time to fix is theirs), and the shifts held."""
    span = {"community": community_id, **period_between(start, end).args}
    fixed = Link("alleys.findings", show="fixed", **span)
    return {"findings_total": Link("alleys.findings", show="all", **span), "findings_fixed": fixed,
            "median_minutes_to_fix": fixed, "shifts_held": Link("alleys.shifts", **span)}
