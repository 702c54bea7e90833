"""What staff's console reads of the alleys: the work queue, its count, and a person's patrols and reports."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...clock import local_today, utcnow
from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...i18n import term
from ...models import User
from ...workqueue import QueueItem
from ..models import CATEGORY_NAMES, WITH_DEPARTMENT, Finding, FindingState, PatrolShift, PatrolSignup
from .attendance import attendance, month_bounds
from .common import SHORT_NOTICE, coverage_link, finding_link, shift_link, when
from .coverage import my_shifts, upcoming_shifts

WAITING = (FindingState.REPORTED, *WITH_DEPARTMENT)  # a case someone still has to act on


def _case_item(finding: Finding, now: datetime) -> QueueItem | None:
    params = {"category": term(CATEGORY_NAMES.get(finding.category, finding.category)), "alley": finding.alley.name}
    link = finding_link(finding)
    if finding.is_overdue(now):
        due = finding.accept_due_at if finding.is_accept_overdue(now) else finding.resolve_due_at
        return QueueItem(kind="alleys.finding_overdue", title=N_("Overdue case: %(category)s in %(alley)s"),
                         since=due, link=link, action=N_("Open the case"), params=params, urgent=True)
    if finding.state == FindingState.REPORTED:
        title = (N_("Sent back, needs the right department: %(category)s in %(alley)s") if finding.sent_back_at
                 else N_("Needs a department: %(category)s in %(alley)s"))
        return QueueItem(kind="alleys.finding_sent_back", title=title,
                         since=finding.sent_back_at or finding.created_at, link=link,
                         action=N_("Send to a department"), params=params)
    return None


def _short_shift_item(shift: PatrolShift) -> QueueItem:
    return QueueItem(
        kind="alleys.shift_short", title=N_("Patrol in %(alley)s on %(when)s is short of %(missing)s people"),
        since=max(shift.created_at, shift.starts_at - SHORT_NOTICE), link=coverage_link(shift),
        action=N_("Assign a member"),
        params={"alley": shift.alley.name, "when": when(shift.starts_at),
                "missing": shift.slots_needed - shift.slots_filled})


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """Overdue cases (urgent), cases waiting for a department, and patrols still short within 48 h."""
    open_findings = db.session.scalars(sa.select(Finding).where(
        Finding.community_id == community_id, Finding.state.in_(WAITING))
        .options(joinedload(Finding.alley)))
    items = [item for item in (_case_item(finding, now) for finding in open_findings) if item is not None]
    items += [_short_shift_item(shift) for shift in upcoming_shifts(community_id, now, days=2, include_running=False)
              if shift.starts_at <= now + SHORT_NOTICE and shift.is_short]
    return sorted(items, key=lambda item: (not item.urgent, item.since))


def _cases_waiting(community_id: int, now: datetime):
    overdue = sa.or_(
        sa.and_(Finding.state == FindingState.DISPATCHED, Finding.accept_due_at.is_not(None),
                Finding.accept_due_at < now),
        sa.and_(Finding.state.in_(WITH_DEPARTMENT), Finding.resolve_due_at.is_not(None),
                Finding.resolve_due_at < now))
    return sa.select(sa.func.count(Finding.id)).where(
        Finding.community_id == community_id, Finding.state.in_(WAITING),
        sa.or_(overdue, Finding.state == FindingState.REPORTED)).scalar_subquery()


def staff_queue_count(community_id: int, now: datetime) -> int:
    """len(staff_queue(...)) in one statement: the staff menu shows it on every page.

    The open cases are counted in SQL; the shifts starting within 48 hours come as (shift, needs, signup kind)
    rows, few by nature, and are checked for shortness as `PatrolShift.is_short` does."""
    one = sa.select(sa.literal(1).label("one")).subquery()
    rows = db.session.execute(
        sa.select(_cases_waiting(community_id, now), PatrolShift.id, PatrolShift.needs, PatrolSignup.kind)
        .select_from(one)
        .outerjoin(PatrolShift, sa.and_(
            PatrolShift.community_id == community_id, PatrolShift.cancelled_at.is_(None),
            PatrolShift.starts_at > now, PatrolShift.starts_at < now + timedelta(days=2),
            PatrolShift.starts_at <= now + SHORT_NOTICE))
        .outerjoin(PatrolSignup, same_community(PatrolSignup.shift_id == PatrolShift.id))
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
        "upcoming_shifts": [{"id": s.id, "alley": s.alley.name, "starts_at": s.starts_at, "url": shift_link(s)}
                            for s in shifts],
        "recent_findings": [{"id": f.id, "category": f.category, "state": f.state, "url": finding_link(f)}
                            for f in findings],
        "month_attendance": attendance(community_id, user_id, start, end, now),
    }
