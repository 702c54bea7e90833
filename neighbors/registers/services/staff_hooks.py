"""The registers as the staff console reads them: the month's counts for the monthly report; documents whose
reply or form is due within three days in the work queue."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ...clock import local_today
from ...errors import N_
from ...extensions import db
from ...links import Link
from ...models import Community
from ...periods import period_between
from ...workqueue import QueueItem
from ..models import Entry, Kind, counted
from .statistics import period_of, statistics

DUE_SOON = timedelta(days=3)


def person_summary(community_id: int, user_id: int) -> dict:
    """A person's page shows nothing of the registers: they are about what reaches the community, not people."""
    return {}


def monthly_summary(community_id: int, start: date, end: date, now: datetime | None = None) -> dict:
    """The registers' counts of local dates [start, end) (the figures of the monthly statistics)."""
    community = db.session.get(Community, community_id)
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    if community is None or start.day != 1 or end.day != 1 or months < 1:
        return {}
    return dict(statistics([community], period_of(start, months)).communities[0].now)


def figure_records(community_id: int, start: date, end: date) -> dict[str, Link]:
    """The entries behind each count: the register of that kind, for the year (or the month) counted."""
    span = period_between(start, end).args
    kinds = {"meetings": Kind.MEETING, "meeting_minutes": Kind.MEETING, "documents": Kind.DOCUMENT,
             "forms": Kind.DOCUMENT, "inspections": Kind.INSPECTION, "prep_minutes": Kind.INSPECTION}
    return {figure: Link("registers.entries", community=community_id, kind=kind.value, **span)
            for figure, kind in kinds.items()}


def _due(community_id: int, now: datetime):
    today = local_today(now)
    return (sa.select(Entry).where(Entry.community_id == community_id, counted(), Entry.kind == Kind.DOCUMENT.value,
                                   sa.or_(Entry.needs_reply, Entry.has_form), Entry.deadline >= today,
                                   Entry.deadline <= today + DUE_SOON).order_by(Entry.deadline, Entry.id))


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    return [QueueItem(kind="registers.deadline", title=N_("A document from %(body)s is due on %(deadline)s"),
                      link=Link("registers.entry_page", entry_id=entry.id), since=entry.recorded_at,
                      params={"body": entry.body, "deadline": entry.deadline.isoformat()})
            for entry in db.session.scalars(_due(community_id, now))]


def staff_queue_count(community_id: int, now: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_due(community_id, now).subquery())) or 0
