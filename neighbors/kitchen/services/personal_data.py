"""What the kitchen holds about a person, and its part of their erasure (neighbors/privacy, PIPL arts. 45, 47).

Orders keep their meal, quantity, amounts and status, so the month's settlement and the reports keep their
totals; the address, the note, the diet, the emergency contact and anything the person wrote go."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...models import User
from ...registry import PersonalData
from ...templating import yuan
from ..models import Feedback, Kitchen, KitchenOperator, Meal, MealOrder, ResidentProfile, StandingOrder, WelfareCheck


def personal_data(person: User) -> list[PersonalData]:
    return [_profile(person), _orders(person), _standing(person), _feedback(person), _welfare_checks(person)]


def _profile(person: User) -> PersonalData:
    profile = db.session.scalar(sa.select(ResidentProfile).where(ResidentProfile.user_id == person.id))
    rows = [] if profile is None else [(profile.dietary_needs, profile.emergency_name, profile.emergency_phone,
                                        profile.welfare_status, profile.updated_at)]
    return PersonalData(
        N_("Kitchen profile"),
        (N_("Dietary needs"), N_("Emergency contact"), N_("Emergency phone"), N_("Welfare status"), N_("Updated")),
        rows)


def _orders(person: User) -> PersonalData:
    orders = db.session.execute(
        sa.select(MealOrder, Kitchen.name, Meal.slot).join(Meal, same_community(MealOrder.meal_id == Meal.id))
        .join(Kitchen, same_community(MealOrder.kitchen_id == Kitchen.id))
        .where(MealOrder.community_id == person.community_id, MealOrder.resident_id == person.id)
        .order_by(MealOrder.served_on, MealOrder.id)).all()
    return PersonalData(
        N_("Meal orders"),
        (N_("Day"), N_("Kitchen"), N_("Meal"), N_("Portions"), N_("How"), N_("Address"), N_("Note"), N_("Status"),
         N_("Price"), N_("Subsidy"), N_("To pay"), N_("Ordered at")),
        [(order.served_on, kitchen, slot, order.quantity, order.fulfilment, order.address, order.note, order.status,
         yuan(order.price_fen), yuan(order.subsidy_fen), yuan(order.due_fen), order.created_at) for order, kitchen, slot
         in orders])


def _standing(person: User) -> PersonalData:
    standing = db.session.scalars(sa.select(StandingOrder).where(
        StandingOrder.community_id == person.community_id, StandingOrder.resident_id == person.id)
        .order_by(StandingOrder.id))
    return PersonalData(
        N_("Standing orders"),
        (N_("Kitchen"), N_("Weekdays"), N_("Meal"), N_("Portions"), N_("How"), N_("Address"), N_("Note"), N_("Since"),
         N_("Ended")),
        [(item.kitchen.name, item.weekdays, item.slot, item.quantity, item.fulfilment, item.address, item.note,
         item.created_at, item.ended_at) for item in standing])


def _feedback(person: User) -> PersonalData:
    feedback = db.session.scalars(sa.select(Feedback).where(
        Feedback.community_id == person.community_id, Feedback.resident_id == person.id).order_by(Feedback.id))
    return PersonalData(
        N_("Meal feedback"),
        (N_("Time"), N_("Rating"), N_("Comment"), N_("Hidden because")),
        [(item.created_at, item.rating, item.comment, item.hidden_reason) for item in feedback])


def _welfare_checks(person: User) -> PersonalData:
    checks = db.session.scalars(sa.select(WelfareCheck).where(
        WelfareCheck.community_id == person.community_id, WelfareCheck.resident_id == person.id)
        .order_by(WelfareCheck.id))
    return PersonalData(
        N_("Welfare checks at your door"),
        (N_("Raised"), N_("Resolved"), N_("How"), N_("Note")),
        [(check.raised_at, check.resolved_at, check.how, check.note) for check in checks])


def erase_person(_actor: User, person: User, now: datetime) -> dict[str, int]:
    """Flushes only: the caller's @service is the transaction."""
    mine = {"community_id": person.community_id}
    counts = {
        "kitchen.orders": db.session.execute(
            sa.update(MealOrder).filter_by(**mine, resident_id=person.id).values(address="", note="")).rowcount,
        "kitchen.standing_orders": db.session.execute(
            sa.update(StandingOrder).filter_by(**mine, resident_id=person.id)
            .values(address="", note="", ended_at=sa.func.coalesce(StandingOrder.ended_at, now))).rowcount,
        "kitchen.profile": db.session.execute(
            sa.update(ResidentProfile).filter_by(**mine, user_id=person.id)
            .values(dietary_needs="", emergency_name="", emergency_phone="", welfare_status="")).rowcount,
        "kitchen.feedback": db.session.execute(
            sa.update(Feedback).filter_by(**mine, resident_id=person.id).values(comment="", hidden_reason="")).rowcount,
        "kitchen.welfare_checks": db.session.execute(
            sa.update(WelfareCheck).filter_by(**mine, resident_id=person.id).values(note="")).rowcount,
        "kitchen.operator": db.session.execute(
            sa.delete(KitchenOperator).filter_by(**mine, user_id=person.id)).rowcount,
    }
    return counts
