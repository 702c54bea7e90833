"""A volunteer's record: plain numbers from confirmed work and recorded problems, never a hidden score.

When a record needs a look by staff is declared once (`ATTENTION`) and written once (`_needs_attention`),
over values that are numbers for one volunteer in Python and columns for every volunteer in SQL, so the
record page and the staff queue (its count on every staff page) can never disagree.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import Role, RoleGrant, User
from ..models import HelpRequest, RequestEvent, Status

PROBLEM_ACTIONS = ("decline", "no_show", "resolve_change", "resolve_void")


@dataclass(frozen=True)
class AttentionLimits:
    problems: int = 3  # declines after accepting + no-shows + disputes lost
    ratings: int = 3  # with at least this many ratings …
    lowest_average: int = 3  # … an average shown (to one decimal) below this


ATTENTION = AttentionLimits()
NEEDS_ATTENTION_PROBLEMS = ATTENTION.problems


def _needs_attention(problems, ratings, rating_sum, either: Callable, both: Callable):
    """The rule itself, for numbers (`any`/`all`) or SQL columns (`or_`/`and_`): many problems, or enough
    ratings whose average rounds below the limit, i.e. lies below the limit less 0.05 (in integers)."""
    limits = ATTENTION
    return either(problems >= limits.problems,
                  both(ratings >= limits.ratings, rating_sum * 20 < ratings * (limits.lowest_average * 20 - 1)))


def needs_attention(problems: int, ratings: int, rating_sum: int) -> bool:
    return bool(_needs_attention(problems, ratings, rating_sum, lambda *c: any(c), lambda *c: all(c)))


def needs_attention_sql(community_id: int):
    """`needs_attention` of the volunteer `User` row of the surrounding query, as one SQL condition."""
    rated = sa.and_(HelpRequest.community_id == community_id, HelpRequest.volunteer_id == User.id,
                    HelpRequest.status == Status.CONFIRMED)
    problems = (sa.select(sa.func.count(RequestEvent.id))
                .where(RequestEvent.community_id == community_id, RequestEvent.volunteer_id == User.id,
                       RequestEvent.action.in_(PROBLEM_ACTIONS)).scalar_subquery())
    ratings = sa.select(sa.func.count(HelpRequest.rating)).where(rated).scalar_subquery()
    rating_sum = sa.select(sa.func.coalesce(sa.func.sum(HelpRequest.rating), 0)).where(rated).scalar_subquery()
    return _needs_attention(problems, ratings, rating_sum, sa.or_, sa.and_)


def volunteer_grant(community_id: int):
    """Join condition: the active `User` holds the volunteer role in this community."""
    return sa.and_(RoleGrant.user_id == User.id, RoleGrant.role == Role.VOLUNTEER,
                   RoleGrant.community_id == community_id, User.active.is_(True))


def _work(community_id: int, ids: list[int]) -> dict:
    confirmed = HelpRequest.status == Status.CONFIRMED
    return {row.volunteer_id: row for row in db.session.execute(
        sa.select(HelpRequest.volunteer_id,
                  sa.func.count(sa.case((confirmed, HelpRequest.id))).label("completed"),
                  sa.func.coalesce(sa.func.sum(sa.case((confirmed, HelpRequest.confirmed_minutes))), 0).label("minutes"),
                  sa.func.avg(sa.case((confirmed, HelpRequest.rating))).label("average"),
                  sa.func.count(sa.case((confirmed, HelpRequest.rating))).label("ratings"),
                  sa.func.coalesce(sa.func.sum(sa.case((confirmed, HelpRequest.rating))), 0).label("rating_sum"),
                  sa.func.count(sa.case((HelpRequest.status.in_([Status.ACCEPTED, Status.DONE, Status.DISPUTED]),
                                         HelpRequest.id))).label("load"))
        .where(HelpRequest.community_id == community_id, HelpRequest.volunteer_id.in_(ids))
        .group_by(HelpRequest.volunteer_id))}


def trust_records(community_id: int, user_ids: Iterable[int | None]) -> dict[int, dict]:
    """Plain numbers from confirmed work and recorded problems, for several volunteers in two queries."""
    ids = sorted({int(user_id) for user_id in user_ids if user_id is not None})
    if not ids:
        return {}
    work = _work(community_id, ids)
    problems: dict[int, dict[str, int]] = {user_id: {} for user_id in ids}
    for volunteer_id, action, count in db.session.execute(
            sa.select(RequestEvent.volunteer_id, RequestEvent.action, sa.func.count(RequestEvent.id))
            .where(RequestEvent.community_id == community_id, RequestEvent.volunteer_id.in_(ids),
                   RequestEvent.action.in_(PROBLEM_ACTIONS))
            .group_by(RequestEvent.volunteer_id, RequestEvent.action)):
        problems[volunteer_id][action] = count
    return {user_id: _trust(work.get(user_id), problems[user_id]) for user_id in ids}


def _trust(work, problems: dict[str, int]) -> dict:
    average = round(float(work.average), 1) if work is not None and work.average is not None else None
    record = {
        "completed": work.completed if work is not None else 0,
        "minutes": int(work.minutes) if work is not None else 0,
        "average_rating": average,
        "ratings_count": work.ratings if work is not None else 0,
        "declines_after_accept": problems.get("decline", 0),
        "no_shows": problems.get("no_show", 0),
        "disputes_lost": problems.get("resolve_change", 0) + problems.get("resolve_void", 0),
        "current_load": work.load if work is not None else 0,
    }
    record["needs_attention"] = needs_attention(
        record["declines_after_accept"] + record["no_shows"] + record["disputes_lost"], record["ratings_count"],
        int(work.rating_sum) if work is not None else 0)
    return record


def trust_record(community_id: int, user_id: int) -> dict:
    """Plain numbers from confirmed work and recorded problems; never a hidden score."""
    return trust_records(community_id, [user_id])[int(user_id)]
