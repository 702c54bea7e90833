"""Staff hide a request or an offer, with a reason its author is told (and may appeal)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ... import audit
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotFound
from ...extensions import db
from ...links import Link
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import HelpRequest, Offer
from ..policy import policy
from .access import locked_request, refuse_unless, request_link, requester_side


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("Write down the reason."), field="reason")
    if len(reason) > 300:
        raise InvalidInput(N_("The reason can have at most 300 characters."), field="reason")
    return reason


@service
def hide_request(actor: User, request_id: int, reason: str, now: datetime) -> HelpRequest:
    reason = clean_reason(reason)
    request = locked_request(request_id, actor)
    refuse_unless(request, "hide", actor)
    if request.hidden:
        raise Conflict(N_("This has already been hidden."))
    request.hidden_at, request.hidden_by_id, request.hidden_reason = now, actor.id, reason
    audit.record(actor, "mutualaid.request_hidden", request, community_id=request.community_id,
                 subject=request.requester, before={"hidden": False}, after={"hidden": True}, reason=reason, now=now)
    for person in requester_side(request):
        notify(person, N_("Community staff hid your request %(title)s. Reason: %(reason)s"),
               link=request_link(request), now=now, title=request.title, reason=reason)
    return request


def locked_offer(offer_id: int, actor: User) -> Offer:
    """An offer staff of its community may hide or show again, under lock."""
    begin_write()
    offer = db.session.scalar(sa.select(Offer).where(Offer.id == offer_id).with_for_update())
    if offer is None or not policy.may(actor, "hide_offer", offer):
        raise NotFound(N_("That offer was not found."))
    return offer


@service
def hide_offer(actor: User, offer_id: int, reason: str, now: datetime) -> Offer:
    reason = clean_reason(reason)
    offer = locked_offer(offer_id, actor)
    if offer.hidden:
        raise Conflict(N_("This has already been hidden."))
    offer.hidden_at, offer.hidden_by_id, offer.hidden_reason = now, actor.id, reason
    audit.record(actor, "mutualaid.offer_hidden", offer, community_id=offer.community_id, subject=offer.volunteer,
                 before={"hidden": False}, after={"hidden": True}, reason=reason, now=now)
    notify(offer.volunteer, N_("Community staff hid your offer %(title)s. Reason: %(reason)s"),
           link=Link("mutualaid.volunteer_page", anchor="hidden-offers", user_id=offer.volunteer_id),
           now=now, title=offer.title, reason=reason)
    return offer


def hidden_offers_of(community_id: int, user_id: int) -> list[Offer]:
    """A volunteer's own offers that staff hid, so they see why and may appeal."""
    return list(db.session.scalars(
        sa.select(Offer).where(Offer.community_id == community_id, Offer.volunteer_id == user_id,
                               Offer.active.is_(True), Offer.hidden_at.is_not(None))
        .options(joinedload(Offer.skill)).order_by(Offer.hidden_at.desc())
    ))
