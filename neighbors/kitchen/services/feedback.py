"""Ratings of a meal once it was handed over; staff hide an unkind comment, its author may appeal, and staff
reinstate it through the appeals module (`hidden_feedback`, `describe_feedback`, `reinstate_feedback`)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...database import begin_write
from ...errors import N_, Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from ...extensions import db
from ...links import Link
from ...models import User
from ...notifications import notify
from ...registry import HiddenRecord
from ...transactions import service
from ..models import Feedback, Kitchen, MealOrder
from ..policy import may
from .common import clean, find_for, order_link, require_act_for, require_staff

ALREADY_RATED = N_("This meal has already been rated. Thank you!")


@service
def leave_feedback(actor: User, order_id: int, rating: int, comment: str, now: datetime) -> Feedback:
    order = find_for(actor, MealOrder, order_id)
    require_act_for(actor, order.resident)
    if not may(actor, "leave_feedback", order):
        raise DomainError(N_("You can rate a meal after you have received it."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(N_("Choose 1 to 5 stars."), field="rating")
    comment = clean(comment, 300, "comment")
    begin_write()
    if db.session.scalar(sa.select(Feedback.id).where(Feedback.community_id == order.community_id,
                                                      Feedback.order_id == order.id)):
        raise Conflict(ALREADY_RATED)
    feedback = Feedback(community_id=order.community_id, kitchen_id=order.kitchen_id, order_id=order.id,
                        resident_id=order.resident_id, rating=rating, comment=comment, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
    except IntegrityError:
        raise Conflict(ALREADY_RATED) from None
    return feedback


def feedback_for_order(order: MealOrder) -> Feedback | None:
    return db.session.scalar(sa.select(Feedback).where(Feedback.community_id == order.community_id,
                                                    Feedback.order_id == order.id))


def kitchen_rating(kitchen: Kitchen) -> dict:
    average, count = db.session.execute(
        sa.select(sa.func.avg(Feedback.rating), sa.func.count(Feedback.id))
        .where(Feedback.community_id == kitchen.community_id, Feedback.kitchen_id == kitchen.id)).one()
    return {"average": round(float(average), 1) if average is not None else None, "count": count}


def recent_feedback(kitchen: Kitchen, include_hidden: bool = False, limit: int = 20) -> list[Feedback]:
    query = sa.select(Feedback).where(Feedback.community_id == kitchen.community_id, Feedback.kitchen_id == kitchen.id)
    if not include_hidden:
        query = query.where(Feedback.hidden_at.is_(None))
    return list(db.session.scalars(query.order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit)))


@service
def hide_feedback(actor: User, feedback_id: int, reason: str, now: datetime) -> Feedback:
    """Staff hide a comment and tell its author why (she may appeal)."""
    feedback = find_for(actor, Feedback, feedback_id)
    if not may(actor, "moderate_feedback", feedback):
        raise NotAllowed(N_("Only staff of this community can do that."))
    reason = clean(reason, 200, "reason")
    if not reason:
        raise InvalidInput(N_("Say why the comment is hidden."), field="reason")
    begin_write()
    if feedback.hidden_at is not None:
        raise Conflict(N_("This comment is already hidden."))
    feedback.hidden_at, feedback.hidden_by_id, feedback.hidden_reason = now, actor.id, reason
    feedback.acknowledged_at = feedback.acknowledged_at or now
    feedback.acknowledged_by_id = feedback.acknowledged_by_id or actor.id
    audit.record(actor, "kitchen.comment_hidden", feedback, community_id=feedback.community_id,
                 subject=feedback.resident, before={"comment": feedback.comment, "rating": feedback.rating},
                 after={"hidden": True}, reason=reason, now=now)
    notify(feedback.resident, N_("Community staff hid your comment on a meal. Reason: %(reason)s"),
           link=order_link(feedback.order_id, anchor="appeal"), now=now, reason=reason)
    return feedback


@service
def acknowledge_feedback(actor: User, feedback_id: int, now: datetime) -> Feedback:
    """Staff have read a low rating and taken it up with the kitchen."""
    feedback = find_for(actor, Feedback, feedback_id)
    require_staff(actor, feedback.community_id)
    begin_write()
    if feedback.acknowledged_at is None:
        feedback.acknowledged_at, feedback.acknowledged_by_id = now, actor.id
        audit.record(actor, "kitchen.rating_acknowledged", feedback, community_id=feedback.community_id, now=now)
    return feedback


def hidden_feedback(feedback_id: int) -> HiddenRecord | None:
    """What the appeals module needs to know about a comment."""
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None:
        return None
    return HiddenRecord(community_id=feedback.community_id, author_ids=frozenset({feedback.resident_id}),
                        hidden=feedback.hidden_at is not None, reason=feedback.hidden_reason)


def describe_feedback(community_id: int, feedback_ids: list[int]) -> dict[int, tuple[str, Link]]:
    rows = db.session.execute(sa.select(Feedback.id, Feedback.rating, Feedback.comment, Feedback.order_id).where(
        Feedback.community_id == community_id, Feedback.id.in_(feedback_ids)))
    return {feedback_id: (f"{'★' * rating} {comment}".strip(), order_link(order_id))
            for feedback_id, rating, comment, order_id in rows}


@service
def reinstate_feedback(actor: User, feedback_id: int, now: datetime) -> None:
    """Staff show a hidden comment again after an appeal (inside the appeal decision's transaction)."""
    begin_write()
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.id == feedback_id).with_for_update(of=Feedback))
    if feedback is None or not may(actor, "moderate_feedback", feedback):
        raise NotFound(N_("That was not found."))
    if feedback.hidden_at is None:
        raise Conflict(N_("This comment is no longer hidden."))
    audit.record(actor, "kitchen.comment_reinstated", feedback, community_id=feedback.community_id,
                 subject=feedback.resident, before={"hidden": True, "reason": feedback.hidden_reason},
                 after={"hidden": False}, now=now)
    feedback.hidden_at, feedback.hidden_by_id, feedback.hidden_reason = None, None, ""
