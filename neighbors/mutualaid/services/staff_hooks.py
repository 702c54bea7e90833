"""What staff's console reads of mutual aid: the work queue (and its count), a person's summary, the month, and
the help completed behind a report's figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...clock import local_to_utc
from ...database import one_page, same_community
from ...errors import N_
from ...extensions import db
from ...links import Link
from ...models import Role, RoleGrant, User
from ...periods import Period, period_between
from ...workqueue import QueueItem
from ..models import CreditAccount, CreditTransaction, HelpRequest, LedgerEntry, RequestEvent, Status, TransactionKind
from .access import request_link
from .ledger import balance_minutes
from .offers import with_person
from .trust import needs_attention_sql, trust_record, volunteer_grant

STALE_OPEN_AFTER = timedelta(days=1)


def _volunteer_items(community_id: int) -> list[QueueItem]:
    """Volunteers waiting to be verified, and verified ones whose record needs a look."""
    items = []
    waiting = db.session.execute(
        sa.select(User.id, User.name, RoleGrant.granted_at, RoleGrant.verified_at)
        .join(RoleGrant, volunteer_grant(community_id))
        .where(sa.or_(RoleGrant.verified_at.is_(None), needs_attention_sql(community_id)))
        .order_by(RoleGrant.verified_at.is_not(None), User.name))
    for user_id, name, granted_at, verified_at in waiting:
        if verified_at is None:
            items.append(QueueItem(kind="mutualaid.verify", title=N_("Volunteer %(name)s is waiting to be verified"),
                                   since=granted_at, link=Link("mutualaid.manage_volunteers"),
                                   action=N_("Verify"), params={"name": name}))
        else:
            items.append(QueueItem(kind="mutualaid.record", title=N_("The record of volunteer %(name)s needs a look"),
                                   since=verified_at, link=Link("mutualaid.volunteer_page", user_id=user_id),
                                   params={"name": name}))
    return items


def _disputed(community_id: int):
    return sa.and_(HelpRequest.community_id == community_id, HelpRequest.status == Status.DISPUTED)


def _stale(community_id: int, now: datetime):
    return sa.and_(HelpRequest.community_id == community_id, HelpRequest.status == Status.OPEN,
                   HelpRequest.hidden_at.is_(None), HelpRequest.invited_id.is_(None),
                   HelpRequest.created_at <= now - STALE_OPEN_AFTER)


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    items = _volunteer_items(community_id)
    disputed = db.session.execute(
        sa.select(HelpRequest, sa.func.max(RequestEvent.created_at))
        .join(RequestEvent, same_community(RequestEvent.request_id == HelpRequest.id))
        .where(_disputed(community_id), RequestEvent.action == "dispute")
        .group_by(HelpRequest.id)
    ).all()
    for request, since in disputed:
        items.append(QueueItem(kind="mutualaid.dispute", title=N_("Settle the question about %(title)s"),
                               since=since, link=request_link(request), action=N_("Settle"),
                               params={"title": request.title}, urgent=False))
    for request in db.session.scalars(sa.select(HelpRequest).where(_stale(community_id, now))).all():
        items.append(QueueItem(kind="mutualaid.unmatched", title=N_("Nobody has taken %(title)s yet"),
                               since=request.created_at, link=request_link(request),
                               action=N_("Invite a volunteer"), params={"title": request.title},
                               urgent=request.asap))
    return sorted(items, key=lambda item: (not item.urgent, item.since))


def staff_queue_count(community_id: int, now: datetime) -> int:
    """len(staff_queue(...)) in one aggregate statement: the staff menu shows it on every page."""
    waiting_volunteers = (sa.select(sa.func.count(User.id)).select_from(User)
                          .join(RoleGrant, volunteer_grant(community_id))
                          .where(sa.or_(RoleGrant.verified_at.is_(None), needs_attention_sql(community_id)))
                          .scalar_subquery())
    disputed = sa.select(sa.func.count(HelpRequest.id)).where(
        _disputed(community_id),
        sa.select(RequestEvent.id).where(RequestEvent.request_id == HelpRequest.id,
                                         RequestEvent.action == "dispute").exists()).scalar_subquery()
    stale = sa.select(sa.func.count(HelpRequest.id)).where(_stale(community_id, now)).scalar_subquery()
    return int(db.session.scalar(sa.select(waiting_volunteers + disputed + stale)) or 0)


def _completed(community_id: int, start: date, end: date):
    """Help requests confirmed as done on a local date in [start, end): what the report's help figures count."""
    since, until = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    return sa.and_(HelpRequest.community_id == community_id, HelpRequest.status == Status.CONFIRMED,
                   HelpRequest.confirmed_at >= since, HelpRequest.confirmed_at < until)


def monthly_summary(community_id: int, start: date, end: date, now: datetime | None = None) -> dict:
    """Figures for local dates [start, end); `now` is not needed (every figure is of the past)."""
    since, until = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    made = db.session.scalar(sa.select(sa.func.count(HelpRequest.id)).where(
        HelpRequest.community_id == community_id, HelpRequest.created_at >= since, HelpRequest.created_at < until))
    done = db.session.execute(
        sa.select(sa.func.count(HelpRequest.id), sa.func.coalesce(sa.func.sum(HelpRequest.confirmed_minutes), 0),
                  sa.func.count(sa.distinct(HelpRequest.volunteer_id)), sa.func.avg(HelpRequest.rating),
                  sa.func.count(HelpRequest.rating))
        .where(_completed(community_id, start, end))
    ).one()
    pool_paid = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0))
        .join(CreditTransaction, same_community(LedgerEntry.transaction_id == CreditTransaction.id))
        .join(CreditAccount, same_community(LedgerEntry.account_id == CreditAccount.id))
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


COMPLETED_FIGURES = ("requests_completed", "minutes_given", "volunteers_active")
COMPLETED_PAGE = 100


@dataclass(frozen=True)
class CompletedHelp:
    """The help completed in a period (the report's help figures are its count and sums), a page of it."""

    period: Period
    requests_completed: int
    minutes_given: int
    volunteers_active: int
    requests: list[HelpRequest]
    page: int
    more: bool


def completed_help(community_id: int, period: Period, page: int = 1, per_page: int = COMPLETED_PAGE) -> CompletedHelp:
    """Requests confirmed as done in the period, newest first, with the figures counted from all of them (two
    statements, whatever the number of requests)."""
    done = _completed(community_id, period.start, period.end)
    count, minutes, volunteers = db.session.execute(
        sa.select(sa.func.count(HelpRequest.id), sa.func.coalesce(sa.func.sum(HelpRequest.confirmed_minutes), 0),
                  sa.func.count(sa.distinct(HelpRequest.volunteer_id))).where(done)).one()
    rows, page, more = one_page(
        sa.select(HelpRequest).where(done)
        .options(joinedload(HelpRequest.skill), with_person(HelpRequest.requester), with_person(HelpRequest.volunteer))
        .order_by(HelpRequest.confirmed_at.desc(), HelpRequest.id.desc()), page, per_page)
    return CompletedHelp(period, int(count), int(minutes), int(volunteers), rows, page, more)


def figure_records(community_id: int, start: date, end: date) -> dict[str, Link]:
    """Each help figure of a report is counted from the requests completed in its period: their list."""
    return dict.fromkeys(COMPLETED_FIGURES, Link("mutualaid.manage", community=community_id,
                                                 **period_between(start, end).args))


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
        "recent_requests": [{"id": r.id, "title": r.title, "status": r.status, "url": request_link(r)}
                            for r in requests],
        "trust": trust_record(community_id, user_id) if is_volunteer else None,
    }
