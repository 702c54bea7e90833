"""The month's figures per responsible person and per road segment: how many cases, and the median minutes from
report to accepted and to fixed (the stats page; who accepted a case is who the figure counts it for)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa

from ...clock import local_to_utc
from ...extensions import db
from ...models import User
from ..models import AlleySegment, Finding
from .stats import median


@dataclass(frozen=True)
class ResponsibilityRow:
    name: str
    cases: int
    median_minutes_to_accept: float | None
    median_minutes_to_fix: float | None


def _minutes(later, earlier) -> int | None:
    return int((later - earlier).total_seconds() // 60) if later is not None else None


def _rows(grouped: dict[str, list[tuple[int | None, int | None]]]) -> list[ResponsibilityRow]:
    rows = [ResponsibilityRow(name, len(times), median([a for a, _ in times if a is not None]),
                              median([f for _, f in times if f is not None])) for name, times in grouped.items()]
    return sorted(rows, key=lambda row: (-row.cases, row.name))


def responsibility_stats(community_id: int, start: date, end: date,
                         alley_ids: list[int] | None = None) -> dict[str, list[ResponsibilityRow]]:
    """Local dates [start, end): per officer who accepted, and per segment, in one statement."""
    query = (sa.select(User.name, AlleySegment.name, Finding.created_at, Finding.accepted_at, Finding.resolved_at)
             .select_from(Finding)
             .outerjoin(User, User.id == Finding.accepted_by_id)
             .outerjoin(AlleySegment, sa.and_(AlleySegment.id == Finding.segment_id,
                                               AlleySegment.community_id == community_id))
             .where(Finding.community_id == community_id,
                    Finding.created_at >= local_to_utc(start, time(0)), Finding.created_at < local_to_utc(end, time(0)),
                    sa.or_(Finding.accepted_by_id.is_not(None), Finding.segment_id.is_not(None))))
    if alley_ids is not None:
        query = query.where(Finding.alley_id.in_(alley_ids or [0]))
    by_officer: dict[str, list] = defaultdict(list)
    by_segment: dict[str, list] = defaultdict(list)
    for officer, segment, created, accepted, resolved in db.session.execute(query):
        times = (_minutes(accepted, created), _minutes(resolved, created))
        if officer:
            by_officer[officer].append(times)
        if segment:
            by_segment[segment].append(times)
    return {"by_officer": _rows(by_officer), "by_segment": _rows(by_segment)}
