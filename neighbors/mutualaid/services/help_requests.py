"""Asking for help: making a request (for oneself or someone one cares for), changing it, inviting, cancelling."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import accounts, uploads
from ...clock import local_to_utc
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotAllowed
from ...events import emit
from ...extensions import db
from ...models import User
from ...notifications import notify
from ...registry import FollowUp, Service, note_follow_up
from ...transactions import service
from ..models import HelpRequest, Offer, RequestEvent, RequestWindow, Status
from .access import locked_request, move, note_on_timeline, refuse_unless, request_link, requester_side
from .ledger import member_account, pays_from_pool
from .settings import ensure_skills, find_skill, rules

MAX_WINDOWS = 3


@dataclass
class RequestDetails:
    skill: str | int
    title: str
    description: str
    address: str
    asap: bool = True
    day: date | None = None  # the first window …
    starts: time | None = None
    ends: time | None = None
    more_windows: list[tuple[date | None, time | None, time | None]] = field(default_factory=list)  # … the others


def window_field(name: str, position: int) -> str:
    """The form field of a window's part: `day`, `starts`, `ends` for the first; `day_2` … for the others."""
    return name if position == 0 else f"{name}_{position + 1}"


def _clean_window(day, starts, ends, position: int, now: datetime) -> tuple[datetime, datetime]:
    if day is None:
        raise InvalidInput(N_("Choose the day."), field=window_field("day", position))
    if starts is None or ends is None:
        raise InvalidInput(N_("Choose from what time until what time."), field=window_field("starts", position))
    if starts >= ends:
        raise InvalidInput(N_("The end time must be after the start time."), field=window_field("ends", position))
    window_start, window_end = local_to_utc(day, starts), local_to_utc(day, ends)
    if window_end <= now:
        raise InvalidInput(N_("Choose a time that has not passed yet."), field=window_field("day", position))
    if window_start > now + timedelta(days=60):
        raise InvalidInput(N_("Choose a day within the next two months."), field=window_field("day", position))
    return window_start, window_end


def _clean_windows(details: RequestDetails, now: datetime) -> list[tuple[datetime, datetime]]:
    """Each window on its own day, end after start, not past, within two months; none overlapping another.

    A row left wholly empty is no window (the form shows a few rows; people fill one or more).
    """
    given = [(details.day, details.starts, details.ends), *details.more_windows]
    rows = [(day, starts, ends, position) for position, (day, starts, ends) in enumerate(given)
            if any(part is not None for part in (day, starts, ends))]
    if not rows:
        raise InvalidInput(N_("Choose the day."), field="day")
    if len(rows) > MAX_WINDOWS:
        raise InvalidInput(N_("Give at most %(count)s times."), field="day", count=MAX_WINDOWS)
    windows: list[tuple[datetime, datetime]] = []
    for day, starts, ends, position in rows:
        window_start, window_end = _clean_window(day, starts, ends, position, now)
        if any(window_start < other_end and other_start < window_end for other_start, other_end in windows):
            raise InvalidInput(N_("These times overlap. Give each time once."), field=window_field("day", position))
        windows.append((window_start, window_end))
    return sorted(windows)


def _clean_details(community_id: int, details: RequestDetails, now: datetime, home: str = "") -> dict:
    skill = find_skill(community_id, details.skill)
    title = " ".join((details.title or "").split())
    if len(title) < 2:
        raise InvalidInput(N_("Say in a few words what you need, e.g. 厨房水龙头漏水."), field="title")
    if len(title) > 80:
        raise InvalidInput(N_("The title can have at most 80 characters."), field="title")
    description = (details.description or "").strip()
    if len(description) > 1000:
        raise InvalidInput(N_("The description can have at most 1000 characters."), field="description")
    address = " ".join((details.address or "").split()) or home
    if not address:
        raise InvalidInput(N_("Enter where the help is needed."), field="address")
    if len(address) > 200:
        raise InvalidInput(N_("The address can have at most 200 characters."), field="address")
    windows = [] if details.asap else _clean_windows(details, now)
    return {"skill_id": skill.id, "title": title, "description": description, "address": address,
            "asap": details.asap, "windows": windows}


def _set_windows(request: HelpRequest, windows: list[tuple[datetime, datetime]]) -> None:
    """Replace the request's windows; its span (earliest start, latest end) orders the board."""
    if request.windows:
        request.windows.clear()
        db.session.flush()  # the old rows go before new ones with the same start arrive
    request.windows = [RequestWindow(community_id=request.community_id, starts=starts, ends=ends)
                       for starts, ends in windows]
    request.window_start = min((starts for starts, _ends in windows), default=None)
    request.window_end = max((ends for _starts, ends in windows), default=None)


def _earlier_request(submission_key: str | None) -> HelpRequest | None:
    if not submission_key:
        return None
    return db.session.scalar(sa.select(HelpRequest).where(HelpRequest.submission_key == submission_key))


def _open_offer(community_id: int, offer_id: int) -> Offer:
    offer = db.session.scalar(sa.select(Offer).where(Offer.id == offer_id, Offer.community_id == community_id,
                                                     Offer.active.is_(True), Offer.hidden_at.is_(None)))
    if offer is None:
        raise Conflict(N_("This offer is no longer available."))
    return offer


def _check_floor(requester: User, now: datetime) -> None:
    """Who pays for their own help cannot ask once their credits are at the lowest allowed balance."""
    settings = rules(requester.community_id)
    if pays_from_pool(requester, settings, now):
        return
    if member_account(requester.community_id, requester.id, now).balance_minutes <= settings.floor_minutes:
        raise Conflict(N_("The time credits are at the lowest allowed balance. Help a neighbour to earn "
                          "hours, receive hours as a gift, or ask your community worker."))


def _store(request: HelpRequest, windows: list[tuple[datetime, datetime]], actor: User,
           invited: User | None, now: datetime) -> HelpRequest:
    _set_windows(request, windows)
    db.session.add(request)
    db.session.flush()
    db.session.add(RequestEvent(community_id=request.community_id, request_id=request.id, actor_id=actor.id,
                                action="create", from_status=None, to_status=Status.OPEN, created_at=now))
    emit(request.community_id, "help_request.opened",  # partners learn that help is asked, never by whom or where
         {"request_id": request.id, "skill_id": request.skill_id, "asap": request.asap,
          "window_start": request.window_start.isoformat() if request.window_start else None}, now)
    if invited:
        _notify_invited(request, invited, now)
    db.session.flush()
    return request


@service
def create_request(actor: User, for_user_id, details: RequestDetails, now: datetime, *, photo=None,
                   invited_id: int | None = None, offer_id: int | None = None,
                   submission_key: str | None = None, origin: str = "") -> HelpRequest:
    """Ask for help for oneself or someone one acts for; a form opened from another module's record (`origin`,
    e.g. a visit at the door) tells it what was made."""
    requester = accounts.resolve_for_user(actor, for_user_id)
    if requester.community_id != actor.community_id and not actor.is_admin:
        raise NotAllowed(N_("You cannot act for this person."), field="for_user")
    community_id = requester.community_id
    earlier = _earlier_request(submission_key)
    if earlier is not None and earlier.community_id == community_id:
        return earlier
    ensure_skills(community_id, now)
    values = _clean_details(community_id, details, now, home=requester.address)
    windows = values.pop("windows")
    invited = _invitable(community_id, invited_id, requester) if invited_id else None
    offer = _open_offer(community_id, offer_id) if offer_id else None
    stored = uploads.store_image(photo, community_id) if photo else None
    request = HelpRequest(community_id=community_id, requester_id=requester.id, created_by_id=actor.id,
                          photo_key=stored.key if stored else None, status=Status.OPEN,
                          invited_id=invited.id if invited else None, offer_id=offer.id if offer else None,
                          submission_key=submission_key or None, created_at=now, **values)
    try:
        begin_write()
        _check_floor(requester, now)
        with db.session.begin_nested():
            made = _store(request, windows, actor, invited, now)
            note_follow_up(actor, origin, FollowUp(Service.REQUEST, "mutualaid.request", made.id,
                                                   N_("A help request"), request_link(made)), now)
            return made
    except IntegrityError:
        if stored:
            uploads.discard(stored.key)
        earlier = _earlier_request(submission_key)  # the same form sent twice at once: the first one made it
        if earlier is not None:
            return earlier
        raise
    except BaseException:
        if stored:
            uploads.discard(stored.key)
        raise


@service
def edit_request(actor: User, request_id: int, details: RequestDetails, now: datetime, *, photo=None,
                 remove_photo: bool = False) -> HelpRequest:
    request = locked_request(request_id, actor)
    refuse_unless(request, "edit", actor)
    values = _clean_details(request.community_id, details, now, home=request.requester.address)
    windows = values.pop("windows")
    stored = uploads.store_image(photo, request.community_id) if photo else None
    old_photo = request.photo_key
    for key, value in values.items():
        setattr(request, key, value)
    _set_windows(request, windows)
    if stored or remove_photo:
        request.photo_key = stored.key if stored else None
    note_on_timeline(request, "edit", actor, now)
    try:
        db.session.flush()
    except BaseException:
        if stored:
            uploads.discard(stored.key)
        raise
    if old_photo and old_photo != request.photo_key:
        uploads.discard(old_photo)
    return request


@service
def cancel_request(actor: User, request_id: int, now: datetime, *, reason: str = "") -> HelpRequest:
    request = locked_request(request_id, actor)
    volunteer = request.volunteer
    move(request, "cancel", actor, now, note=reason)
    if volunteer is not None and volunteer.id != actor.id:
        notify(volunteer, N_("%(title)s was cancelled. Thank you all the same."), link=request_link(request),
               now=now, title=request.title)
    return request


def _invitable(community_id: int, volunteer_id, requester: User) -> User:
    try:
        volunteer = db.session.get(User, int(volunteer_id))
    except (TypeError, ValueError):
        volunteer = None
    if volunteer is None or volunteer.community_id != community_id or not volunteer.active:
        raise InvalidInput(N_("That volunteer was not found."), field="volunteer")
    if not volunteer.is_verified_volunteer:
        raise InvalidInput(N_("Only verified volunteers can be invited."), field="volunteer")
    if volunteer.id == requester.id:
        raise InvalidInput(N_("You cannot invite yourself."), field="volunteer")
    return volunteer


def _notify_invited(request: HelpRequest, volunteer: User, now: datetime) -> None:
    notify(volunteer, N_("%(name)s asks for your help: %(title)s."), link=request_link(request), now=now,
           name=request.requester.name, title=request.title)


@service
def invite(actor: User, request_id: int, volunteer_id, now: datetime) -> HelpRequest:
    request = locked_request(request_id, actor)
    refuse_unless(request, "invite", actor)
    volunteer = _invitable(request.community_id, volunteer_id, request.requester)
    if request.invited_id == volunteer.id:
        return request
    request.invited_id = volunteer.id
    note_on_timeline(request, "invite", actor, now, volunteer_id=volunteer.id)
    _notify_invited(request, volunteer, now)
    return request


@service
def decline_invitation(actor: User, request_id: int, now: datetime) -> HelpRequest:
    request = locked_request(request_id, actor)
    refuse_unless(request, "decline_invite", actor)
    request.invited_id = None
    note_on_timeline(request, "decline_invite", actor, now)
    for person in requester_side(request):
        notify(person, N_("%(volunteer)s cannot help with %(title)s this time. You can invite someone else."),
               link=request_link(request), now=now, volunteer=actor.name, title=request.title)
    return request
