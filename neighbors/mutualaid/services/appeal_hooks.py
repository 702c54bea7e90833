"""What the appeals module needs of hidden requests and offers (see `AppealKind` in neighbors/registry.py)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...errors import N_, Conflict
from ...extensions import db
from ...links import Link
from ...models import User
from ...registry import HiddenRecord
from ..models import HelpRequest, Offer
from .access import locked_request
from .moderation import locked_offer
from .settings import require_staff


def hidden_request(request_id: int) -> HiddenRecord | None:
    request = db.session.get(HelpRequest, request_id)
    if request is None:
        return None
    return HiddenRecord(community_id=request.community_id,
                        author_ids=frozenset({request.requester_id, request.created_by_id}),
                        hidden=request.hidden, reason=request.hidden_reason)


def describe_requests(community_id: int, request_ids: list[int]) -> dict[int, tuple[str, Link]]:
    rows = db.session.execute(sa.select(HelpRequest.id, HelpRequest.title).where(
        HelpRequest.community_id == community_id, HelpRequest.id.in_(request_ids)))
    return {request_id: (title, Link("mutualaid.request_page", request_id=request_id)) for request_id, title in rows}


def reinstate_request(actor: User, request_id: int, now: datetime) -> None:
    """Staff show a hidden request again after an appeal, inside the appeal's decision (which commits)."""
    request = locked_request(request_id, actor)
    require_staff(actor, request.community_id)
    if not request.hidden:
        raise Conflict(N_("This is no longer hidden."))
    audit.record(actor, "mutualaid.request_reinstated", request, community_id=request.community_id,
                 subject=request.requester, before={"hidden": True, "reason": request.hidden_reason},
                 after={"hidden": False}, now=now)
    request.hidden_at, request.hidden_by_id, request.hidden_reason = None, None, ""
    db.session.flush()


def hidden_offer(offer_id: int) -> HiddenRecord | None:
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        return None
    return HiddenRecord(community_id=offer.community_id, author_ids=frozenset({offer.volunteer_id}),
                        hidden=offer.hidden, reason=offer.hidden_reason)


def describe_offers(community_id: int, offer_ids: list[int]) -> dict[int, tuple[str, Link]]:
    rows = db.session.execute(sa.select(Offer.id, Offer.title, Offer.volunteer_id).where(
        Offer.community_id == community_id, Offer.id.in_(offer_ids)))
    return {offer_id: (title, Link("mutualaid.volunteer_page", anchor="offers", user_id=volunteer_id))
            for offer_id, title, volunteer_id in rows}


def reinstate_offer(actor: User, offer_id: int, now: datetime) -> None:
    """Staff show a hidden offer again after an appeal, inside the appeal's decision (which commits)."""
    offer = locked_offer(offer_id, actor)
    if not offer.hidden:
        raise Conflict(N_("This is no longer hidden."))
    audit.record(actor, "mutualaid.offer_reinstated", offer, community_id=offer.community_id, subject=offer.volunteer,
                 before={"hidden": True, "reason": offer.hidden_reason}, after={"hidden": False}, now=now)
    offer.hidden_at, offer.hidden_by_id, offer.hidden_reason = None, None, ""
    db.session.flush()
