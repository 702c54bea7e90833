"""Reaching one help request to change it: read it under lock, refuse with the module's own words, move it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...database import begin_write
from ...errors import N_, Conflict, NotAllowed, NotFound
from ...extensions import db
from ...links import Link
from ...models import User
from ..models import REQUEST_STATES, HelpRequest, RequestEvent, Status


def locked_request(request_id: int, actor: User | None) -> HelpRequest:
    """The request, re-read under a row lock (PostgreSQL) or the write lock (SQLite)."""
    begin_write()
    request = db.session.scalar(
        sa.select(HelpRequest).where(HelpRequest.id == request_id)
        .with_for_update().execution_options(populate_existing=True)
    )
    if request is None or (actor is not None and not actor.is_admin and actor.community_id != request.community_id):
        raise NotFound(N_("That request was not found."))
    return request


def _moved_on(request: HelpRequest, action: str, actor: User | None) -> Conflict:
    """Why the state machine said no, in words the person who clicked understands."""
    if action == "accept" and request.volunteer_id is not None:
        if actor is not None and request.volunteer_id == actor.id:
            return Conflict(N_("You have already accepted this request."))
        return Conflict(N_("Another volunteer has already accepted this request."))
    if action in ("confirm", "resolve_confirm", "resolve_change") and request.status == Status.CONFIRMED:
        return Conflict(N_("This help has already been confirmed. The time credits moved once."))
    return Conflict(N_("This request has moved on in the meantime. Reload the page to see where it is now."))


def refuse_unless(request: HelpRequest, action: str, actor: User) -> None:
    """Nothing when the policy lets `actor` do `action` now; otherwise the refusal they should read."""
    if request.can(action, actor):
        return
    if action in REQUEST_STATES and not request.allows(action):
        raise _moved_on(request, action, actor)
    if action == "accept" and not actor.is_verified_volunteer:
        raise NotAllowed(N_("Only volunteers verified by the community can accept requests."))
    if action == "accept" and actor.id == request.requester_id:
        raise NotAllowed(N_("You cannot accept your own request."))
    if action in ("edit", "invite") and not request.is_open:
        raise Conflict(N_("This request can no longer be changed because a volunteer has taken it."))
    raise NotAllowed(N_("You cannot do that for this request."))


def move(request: HelpRequest, action: str, actor: User, now: datetime, *, values: dict | None = None,
         minutes: int | None = None, note: str = "", volunteer_id: int | None = None) -> RequestEvent:
    """Refuse unless the actor may, then move the request through its state machine (with `values` in the same
    UPDATE) and write its timeline row, counted on the volunteer it had (or gets)."""
    refuse_unless(request, action, actor)
    return REQUEST_STATES.move(request, action, actor, now, values=values, minutes=minutes, note=note,
                               volunteer_id=volunteer_id or request.volunteer_id)


def note_on_timeline(request: HelpRequest, action: str, actor: User, now: datetime,
                     volunteer_id: int | None = None) -> None:
    """A change that is no move (edited, invited): a timeline row from and to the same status."""
    db.session.add(RequestEvent(community_id=request.community_id, request_id=request.id, actor_id=actor.id,
                                volunteer_id=volunteer_id, action=action, from_status=request.status,
                                to_status=request.status, created_at=now))


def requester_side(request: HelpRequest) -> list[User]:
    people = {request.requester_id: request.requester, request.created_by_id: request.created_by}
    return [person for person in people.values() if person.active]


def request_link(request: HelpRequest) -> Link:
    return Link("mutualaid.request_page", request_id=request.id)
