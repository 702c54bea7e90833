"""A request's life after it is made: accepted, given back or missed, done, confirmed (and paid) or questioned."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ... import accounts, audit
from ...errors import N_, Conflict, InvalidInput
from ...extensions import db
from ...links import Link
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import REQUEST_STATES, HelpRequest, Status
from .access import locked_request, move, refuse_unless, request_link, requester_side
from .ledger import pay_for_help

AUTO_CONFIRM_AFTER = timedelta(hours=72)
MAX_MINUTES_PER_VISIT = 12 * 60
RESOLUTIONS = {"confirm": "resolve_confirm", "change": "resolve_change", "void": "resolve_void"}


@service
def accept(actor: User, request_id: int, now: datetime) -> HelpRequest:
    """Exactly one volunteer gets a request: the row is locked, then its state is checked."""
    request = locked_request(request_id, actor)
    move(request, "accept", actor, now, values={"volunteer_id": actor.id, "accepted_at": now, "invited_id": None})
    for person in requester_side(request):
        notify(person, N_("%(volunteer)s will help with: %(title)s."), link=request_link(request), now=now,
               volunteer=actor.name, title=request.title)
    return request


@service
def decline(actor: User, request_id: int, now: datetime, *, reason: str = "") -> HelpRequest:
    """The volunteer gives an accepted request back; it is open again and counts on their record."""
    request = locked_request(request_id, actor)
    move(request, "decline", actor, now, note=reason, values={"volunteer_id": None, "accepted_at": None})
    for person in requester_side(request):
        notify(person, N_("%(volunteer)s can no longer help with %(title)s. It is open for others again."),
               link=request_link(request), now=now, volunteer=actor.name, title=request.title)
    return request


@service
def report_no_show(actor: User, request_id: int, now: datetime, *, note: str = "") -> HelpRequest:
    request = locked_request(request_id, actor)
    volunteer = request.volunteer
    move(request, "no_show", actor, now, note=note, values={"volunteer_id": None, "accepted_at": None})
    if volunteer is not None:
        notify(volunteer, N_("%(title)s was reported as missed and is open for others again."),
               link=request_link(request), now=now, title=request.title)
    return request


def _clean_minutes(minutes) -> int:
    try:
        value = int(str(minutes).strip())
    except (TypeError, ValueError):
        raise InvalidInput(N_("Enter the time spent in minutes, e.g. 90."), field="minutes") from None
    if not 5 <= value <= MAX_MINUTES_PER_VISIT:
        raise InvalidInput(N_("Enter between 5 and 720 minutes."), field="minutes")
    return value


@service
def report_done(actor: User, request_id: int, minutes, now: datetime) -> HelpRequest:
    value = _clean_minutes(minutes)
    request = locked_request(request_id, actor)
    move(request, "done", actor, now, minutes=value, values={"reported_minutes": value, "done_at": now})
    for person in requester_side(request):
        notify(person, N_("%(volunteer)s has finished %(title)s (%(minutes)s minutes). Please confirm."),
               link=request_link(request), now=now, volunteer=actor.name, title=request.title, minutes=value)
    return request


def _clean_rating(rating) -> int:
    try:
        value = int(str(rating).strip())
    except (TypeError, ValueError):
        raise InvalidInput(N_("Choose a rating from 1 to 5 stars."), field="rating") from None
    if not 1 <= value <= 5:
        raise InvalidInput(N_("Choose a rating from 1 to 5 stars."), field="rating")
    return value


def _paid(request: HelpRequest, actor: User | None, minutes: int, now: datetime) -> None:
    """After the move to confirmed, in the same transaction: credits move exactly once."""
    pay_for_help(request, minutes, actor, now)
    notify(request.volunteer, N_("Thank you! %(title)s is confirmed and %(minutes)s minutes were added to your "
                                 "time credits."), link=Link("mutualaid.credits"), now=now, title=request.title,
           minutes=minutes)


def _confirmed(minutes: int, now: datetime) -> dict:
    return {"confirmed_minutes": minutes, "confirmed_at": now}


@service
def confirm(actor: User, request_id: int, rating, comment: str, now: datetime) -> HelpRequest:
    score = _clean_rating(rating)
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise InvalidInput(N_("The comment can have at most 500 characters."), field="comment")
    request = locked_request(request_id, actor)
    minutes = request.reported_minutes
    move(request, "confirm", actor, now, minutes=minutes,
         values={"rating": score, "comment": comment, **_confirmed(minutes, now)})
    _paid(request, actor, minutes, now)
    return request


@service
def dispute(actor: User, request_id: int, reason: str, now: datetime) -> HelpRequest:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Say briefly what is wrong, so staff can sort it out."), field="reason")
    if len(reason) > 500:
        raise InvalidInput(N_("The reason can have at most 500 characters."), field="reason")
    request = locked_request(request_id, actor)
    move(request, "dispute", actor, now, note=reason, values={"dispute_reason": reason})
    notify(request.volunteer, N_("%(title)s was questioned. Community staff will look at it."),
           link=request_link(request), now=now, title=request.title)
    for person in accounts.staff_of(request.community_id):
        notify(person, N_("A request needs a decision: %(title)s."), link=request_link(request), now=now,
               title=request.title)
    return request


def _clean_resolution(outcome: str, minutes, note: str) -> tuple[str, int | None, str]:
    action = RESOLUTIONS.get(outcome)
    if action is None:
        raise InvalidInput(N_("Choose how to settle it."), field="outcome")
    note = (note or "").strip()
    if not note:
        raise InvalidInput(N_("Write down the reason for the decision."), field="note")
    return action, _clean_minutes(minutes) if action == "resolve_change" else None, note


@service
def resolve_dispute(actor: User, request_id: int, outcome: str, now: datetime, *, minutes=None,
                    note: str = "") -> HelpRequest:
    """Staff decide: confirm the reported time, confirm a changed time, or void (no credits move)."""
    action, changed, note = _clean_resolution(outcome, minutes, note)
    request = locked_request(request_id, actor)
    refuse_unless(request, action, actor)
    before = {"status": request.status, "reported_minutes": request.reported_minutes}
    if action == "resolve_void":
        move(request, action, actor, now, note=note)
    else:
        paid = changed or request.reported_minutes
        move(request, action, actor, now, minutes=paid, note=note, values=_confirmed(paid, now))
        _paid(request, actor, paid, now)
    audit.record(actor, f"mutualaid.dispute_{outcome}", request, community_id=request.community_id,
                 subject=request.volunteer, before=before,
                 after={"status": request.status, "confirmed_minutes": request.confirmed_minutes}, reason=note, now=now)
    for person in {*requester_side(request), request.volunteer}:
        notify(person, N_("Staff have settled %(title)s: %(note)s"), link=request_link(request), now=now,
               title=request.title, note=note)
    return request


def auto_confirm_due(now: datetime) -> int:
    """Done and unquestioned for 72 hours: confirmed by the system, each request in its own transaction (so one
    that someone disputed or confirmed a moment ago is skipped, not the whole batch)."""
    due = db.session.scalars(
        sa.select(HelpRequest.id).where(HelpRequest.status == Status.DONE,
                                        HelpRequest.done_at <= now - AUTO_CONFIRM_AFTER)
        .order_by(HelpRequest.done_at)
    ).all()
    confirmed = 0
    for request_id in due:
        try:
            auto_confirm(request_id, now)
            confirmed += 1
        except Conflict:
            continue  # another server confirmed it, or someone disputed it just now
    return confirmed


@service
def auto_confirm(request_id: int, now: datetime) -> HelpRequest:
    """The system confirms one request that has been done for 72 hours (nobody acts: no actor)."""
    request = locked_request(request_id, None)
    if request.status != Status.DONE or request.done_at > now - AUTO_CONFIRM_AFTER:
        raise Conflict(N_("This request has moved on in the meantime. Reload the page to see where it is now."))
    minutes = request.reported_minutes
    REQUEST_STATES.move(request, "auto_confirm", None, now, minutes=minutes, values=_confirmed(minutes, now))
    _paid(request, None, minutes, now)
    return request
