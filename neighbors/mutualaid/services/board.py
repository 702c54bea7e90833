"""Reading requests: the board of open requests, one request's page, mine, a volunteer's work, suggestions."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ... import accounts
from ...clock import to_local
from ...extensions import db
from ...models import User
from ..models import HelpRequest, RequestEvent, Status, VolunteerProfile
from .offers import with_person
from .trust import trust_records
from .volunteers import skill_ids_of, volunteers

# Cards show the windows too: joined in the same statement (lists call .unique() for that collection).
CARD = (joinedload(HelpRequest.skill), with_person(HelpRequest.requester), joinedload(HelpRequest.windows))


def get_request(request_id: int) -> HelpRequest | None:
    return db.session.get(HelpRequest, request_id)


def request_for_page(request_id: int) -> HelpRequest | None:
    """A request with the people, the skill and the timeline its page shows, in two queries."""
    return db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.id == request_id)
        .options(*CARD, with_person(HelpRequest.created_by), with_person(HelpRequest.volunteer),
                 with_person(HelpRequest.invited),
                 selectinload(HelpRequest.history).options(with_person(RequestEvent.actor)))
    ).unique().one_or_none()


def board(user: User, now: datetime, skill_ids: set[int] | None = None) -> list[HelpRequest]:
    """Open requests of the user's community: their skills first, then the most urgent, then the oldest."""
    requests = db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.community_id == user.community_id,
                                     HelpRequest.status == Status.OPEN, HelpRequest.hidden_at.is_(None))
        .options(*CARD)
    ).unique().all()
    mine = skill_ids if skill_ids is not None else (skill_ids_of(user.community_id, user.id) or set())
    far = now + timedelta(days=3650)

    def order(request: HelpRequest):
        return (request.skill_id not in mine, request.invited_id != user.id, not request.asap,
                request.window_start or far, request.created_at, request.id)

    return sorted(requests, key=order)


def requests_for(user: User, people: list[User] | None = None) -> list[HelpRequest]:
    """Requests the user made, made for them, or made for the people they care for (`people`, if known)."""
    ids = [person.id for person in (people if people is not None else accounts.people_i_can_act_for(user))]
    return list(db.session.scalars(
        sa.select(HelpRequest).where(HelpRequest.community_id == user.community_id,
                                     sa.or_(HelpRequest.requester_id.in_(ids),
                                            HelpRequest.created_by_id == user.id))
        .options(*CARD).order_by(HelpRequest.created_at.desc()).limit(50)
    ).unique())


def work_of(user: User) -> list[HelpRequest]:
    """What a volunteer has taken on or been invited to."""
    return list(db.session.scalars(
        sa.select(HelpRequest).where(
            HelpRequest.community_id == user.community_id,
            sa.or_(sa.and_(HelpRequest.volunteer_id == user.id,
                           HelpRequest.status.in_([Status.ACCEPTED, Status.DONE, Status.DISPUTED])),
                   sa.and_(HelpRequest.invited_id == user.id, HelpRequest.status == Status.OPEN)))
        .options(*CARD).order_by(HelpRequest.created_at)
    ).unique())


def all_requests(community_id: int, status: str | None = None) -> list[HelpRequest]:
    query = sa.select(HelpRequest).where(HelpRequest.community_id == community_id)
    if status:
        query = query.where(HelpRequest.status == status)
    return list(db.session.scalars(query.options(*CARD).order_by(HelpRequest.created_at.desc()).limit(200)).unique())


def _available_for(profile: VolunteerProfile | None, request: HelpRequest, now: datetime) -> bool:
    if profile is None:
        return False
    if request.asap or not request.windows:
        return profile.available_on(to_local(now).weekday())
    return any(_overlaps(slot, to_local(window.starts), to_local(window.ends))
               for window in request.windows for slot in profile.availability)


def _overlaps(slot, start: datetime, end: datetime) -> bool:
    """A weekly free slot meets a window (both local; a window lies within one day)."""
    return slot.weekday == start.weekday() and slot.starts < end.time() and start.time() < slot.ends


def suggestions(request: HelpRequest, now: datetime, limit: int = 3) -> list[dict]:
    """Up to three verified volunteers: skill first, then free at that time, then record, then least busy."""
    candidates = []
    eligible = [(user, profile) for user, profile, grant in volunteers(request.community_id)
                if grant.verified_at is not None and user.id != request.requester_id]
    records = trust_records(request.community_id, [user.id for user, _profile in eligible])
    for user, profile in eligible:
        trust = records[user.id]
        has_skill = bool(profile and profile.has_skill(request.skill_id))
        available = _available_for(profile, request, now)
        problems = trust["declines_after_accept"] + trust["no_shows"] + trust["disputes_lost"]
        candidates.append({
            "user": user, "profile": profile, "trust": trust, "has_skill": has_skill, "available": available,
            "rank": (not has_skill, not available, problems, -(trust["average_rating"] or 0), -trust["completed"],
                     trust["current_load"], user.id),
        })
    candidates.sort(key=lambda item: item["rank"])
    return candidates[:limit]
