"""Standing offers of help by verified volunteers (周六上午义务理发); residents ask for one as a request."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ...database import begin_write
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import Offer
from ..policy import policy
from .settings import ensure_skills, find_skill


def with_person(relationship):
    """Load a related person in the same query; their role grants only if something asks for them."""
    return joinedload(relationship).lazyload(User.role_grants)


@service
def create_offer(actor: User, skill, title: str, description: str, now: datetime) -> Offer:
    policy.require(actor, "post_offer", message=N_("Only volunteers verified by the community can post offers."))
    ensure_skills(actor.community_id, now)
    skill_row = find_skill(actor.community_id, skill)
    title = " ".join((title or "").split())
    if len(title) < 2:
        raise InvalidInput(N_("Say in a few words what you offer, e.g. 周六上午义务理发."), field="title")
    if len(title) > 80:
        raise InvalidInput(N_("The title can have at most 80 characters."), field="title")
    description = (description or "").strip()
    if len(description) > 500:
        raise InvalidInput(N_("The description can have at most 500 characters."), field="description")
    begin_write()
    offer = Offer(community_id=actor.community_id, volunteer_id=actor.id, skill_id=skill_row.id, title=title,
                  description=description, created_at=now)
    db.session.add(offer)
    db.session.flush()
    return offer


@service
def close_offer(actor: User, offer_id: int, now: datetime) -> Offer:
    begin_write()
    offer = db.session.get(Offer, offer_id)
    if offer is None or (offer.community_id != actor.community_id and not actor.is_admin):
        raise NotFound(N_("That offer was not found."))
    policy.require(actor, "close_offer", offer, message=N_("You cannot do that for this offer."))
    offer.active = False
    return offer


def offers(community_id: int, include_hidden: bool = False) -> list[Offer]:
    query = sa.select(Offer).where(Offer.community_id == community_id, Offer.active.is_(True)).options(
        joinedload(Offer.skill), with_person(Offer.volunteer))
    if not include_hidden:
        query = query.where(Offer.hidden_at.is_(None))
    return list(db.session.scalars(query.order_by(Offer.created_at.desc())))


def get_offer(community_id: int, offer_id: int) -> Offer | None:
    return db.session.scalar(sa.select(Offer).where(Offer.id == offer_id, Offer.community_id == community_id))
