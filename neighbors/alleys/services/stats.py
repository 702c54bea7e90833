"""The month's figures: shifts held and missed, slots filled, findings by category and how fast they were
accepted and fixed; for the stats page, its CSV and staff's monthly report."""
from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ...clock import local_to_utc
from ...database import same_community
from ...errors import N_
from ...extensions import db
from ..models import CATEGORIES, CATEGORY_LABELS, WITH_DEPARTMENT, Finding, PatrolShift, PatrolSignup


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
        if finding.state in WITH_DEPARTMENT and now > finding.resolve_due_at:
            return True
    return False


def _month_records(community_id: int, start: date, end: date,
                   alley_ids: list[int] | None) -> tuple[list[PatrolShift], list[Finding]]:
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
    return shifts, list(db.session.scalars(finding_query))


def month_stats(community_id: int, start: date, end: date, now: datetime,
                alley_ids: list[int] | None = None) -> dict:
    """Shifts and findings of local dates [start, end) for some alleys (all when None)."""
    shifts, findings = _month_records(community_id, start, end, alley_ids)
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


STATS_LABELS = {
    "shifts_total": N_("Shifts"), "shifts_held": N_("Shifts held"),
    "shifts_missed": N_("Shifts missed (nobody checked in)"), "slots_needed": N_("Places needed"),
    "slots_filled": N_("Places filled"), "findings_total": N_("Problems reported in the month"),
    "median_minutes_to_accept": N_("Report to accepted, median (minutes)"),
    "p90_minutes_to_accept": N_("Report to accepted, 9 in 10 within (minutes)"),
    "median_minutes_to_fix": N_("Report to fixed, median (minutes)"),
    "p90_minutes_to_fix": N_("Report to fixed, 9 in 10 within (minutes)"),
    "overdue_cases": N_("Cases past a deadline"),
}


def stats_sheets(stats: dict, scope: str, month: str) -> list[tuple[str, list[list]]]:
    """The month's figures as one table (.xlsx or CSV), a figure a line, named in the reader's language."""
    rows = [[_("Scope"), _("Month"), _("Figure"), _("Value")]]
    for key, value in stats.items():
        if key == "findings_by_category":
            rows += [[scope, month, _("Problems: %(category)s", category=CATEGORY_LABELS.get(code, code)), count]
                     for code, count in value.items()]
        elif key in STATS_LABELS:
            rows.append([scope, month, _(STATS_LABELS[key]), "" if value is None else value])
    return [(_("Monthly figures"), rows)]


def _shift_figures(community_id: int, start: date, end: date, now: datetime) -> dict:
    """One row per (shift, kind of signup) with the counts done in SQL."""
    ended = PatrolShift.ends_at <= now
    shift_rows = db.session.execute(
        sa.select(PatrolShift.id, PatrolShift.needs, ended, PatrolSignup.kind, sa.func.count(PatrolSignup.id),
                  sa.func.count(PatrolSignup.checked_in_at))
        .outerjoin(PatrolSignup, same_community(PatrolSignup.shift_id == PatrolShift.id))
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
    return {
        "shifts_held": sum(1 for over in has_ended.values() if over) - missed,
        "slots_needed": sum(int(n) for wanted in needs.values() for n in wanted.values()),
        "slots_filled": sum(min(filled[shift_id][kind], int(n))
                            for shift_id, wanted in needs.items() for kind, n in wanted.items()),
        "shifts_missed": missed,
    }


def _finding_figures(community_id: int, start: date, end: date, now: datetime) -> dict:
    """One row per finding with the deadline check done in SQL."""
    start_utc, end_utc = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    accept_late = sa.and_(Finding.accept_due_at.is_not(None), sa.or_(
        sa.and_(Finding.accepted_at.is_not(None), Finding.accepted_at > Finding.accept_due_at),
        sa.and_(Finding.accepted_at.is_(None), Finding.dispatched_at.is_not(None), Finding.accept_due_at < now)))
    resolve_late = sa.and_(Finding.resolve_due_at.is_not(None), sa.or_(
        sa.and_(Finding.resolved_at.is_not(None), Finding.resolved_at > Finding.resolve_due_at),
        sa.and_(Finding.state.in_(WITH_DEPARTMENT), Finding.resolve_due_at < now)))
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
        "findings_total": len(finding_rows),
        "findings_by_category": {code: by_category.get(code, 0) for code in CATEGORIES},
        "findings_fixed": len(to_fix),  # of those reported in the period, fixed by now
        "median_minutes_to_fix": median(to_fix),
        "overdue_cases": sum(1 for _, late, *_ in finding_rows if late),
    }


def monthly_summary(community_id: int, start: date, end: date, now: datetime) -> dict:
    """The staff reports' figures for local dates [start, end), as they stand at `now` (missed, overdue).

    The same figures as `month_stats`, from narrow rows instead of objects."""
    return {**_shift_figures(community_id, start, end, now), **_finding_figures(community_id, start, end, now)}
