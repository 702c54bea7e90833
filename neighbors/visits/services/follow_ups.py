"""What a visit led to: the kitchen, mutual aid and the alleys tell, through the registry, that a form opened
from a visit (`origin=visit:12`) made an order, a help request or a finding; the household page and the
coverage show it. 千户访 never imports those modules, nor they it."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from ...errors import N_, NotFound
from ...extensions import db
from ...links import Link
from ...models import User
from ...registry import FollowUp
from ..models import Visit, VisitFollowUp
from .households import household_for

ORIGIN = "visit"  # what a form opened from a visit carries: origin=visit:<id>


def origin_of(visit: Visit) -> str:
    return f"{ORIGIN}:{visit.id}"


def note_follow_up(actor: User, visit_id: int, follow_up: FollowUp, now: datetime) -> None:
    """Keep that a record was made from this visit, by someone who may visit its household (the grid's worker or
    staff); the same record told twice (a double tap) is kept once. Joins the maker's transaction."""
    visit = db.session.scalar(sa.select(Visit).where(Visit.id == visit_id, Visit.community_id == actor.community_id))
    if visit is None:
        raise NotFound(N_("That visit was not found."))
    household_for(actor, visit.household_id, "visit")
    known = db.session.scalar(sa.select(VisitFollowUp.id).where(VisitFollowUp.community_id == visit.community_id,
                                                               VisitFollowUp.kind == follow_up.kind,
                                                               VisitFollowUp.record_id == follow_up.record_id))
    if known is not None:
        return
    db.session.add(VisitFollowUp(community_id=visit.community_id, visit_id=visit.id, service=str(follow_up.service),
                                 kind=follow_up.kind, record_id=follow_up.record_id, title=follow_up.title,
                                 link_endpoint=follow_up.link.endpoint, link_args=dict(follow_up.link.args),
                                 made_by_id=actor.id, made_at=now))
    db.session.flush()


def follow_ups_of(community_id: int, visit_ids: list[int]) -> dict[int, list[tuple[str, Link]]]:
    """Each visit's follow-ups as (title msgid, link), oldest first (one statement)."""
    found: dict[int, list[tuple[str, Link]]] = defaultdict(list)
    if not visit_ids:
        return found
    for visit_id, title, endpoint, args in db.session.execute(
            sa.select(VisitFollowUp.visit_id, VisitFollowUp.title, VisitFollowUp.link_endpoint, VisitFollowUp.link_args)
            .where(VisitFollowUp.community_id == community_id, VisitFollowUp.visit_id.in_(visit_ids))
            .order_by(VisitFollowUp.id)):
        found[visit_id].append((title, Link(endpoint, **(args or {}))))
    return found
