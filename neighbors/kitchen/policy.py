"""Who may do what in the kitchen: services refuse, views guard and templates show buttons by these rules."""
from __future__ import annotations

from datetime import datetime

from .. import accounts
from ..models import Role, User
from ..policy import Policy
from .models import SERVED, Feedback, Kitchen, MealOrder, OrderStatus, WelfareCheck

policy = Policy("kitchen")
may = policy.may
require = policy.require


@policy.rule("run_kitchens")
def _runs_kitchens(actor: User, _record=None) -> bool:
    """Operators, staff and admins see "Run the kitchen" (which kitchens is `operate`'s question)."""
    return actor.has_role(Role.KITCHEN, Role.STAFF, Role.ADMIN)


@policy.rule("oversee")
def _oversees(actor: User, community_id: int) -> bool:
    """Staff of a community set its prices and subsidies, register kitchens and see every order."""
    return actor.is_staff_of(community_id)


@policy.rule("operate")
def can_operate(actor: User, kitchen: Kitchen) -> bool:
    """Operators run their own kitchen; staff of its community can do everything an operator can."""
    return actor.is_staff_of(kitchen.community_id) or (
        actor.community_id == kitchen.community_id and actor.has_role(Role.KITCHEN)
        and actor.id in kitchen.operator_ids)


@policy.rule("act_for")
def _acts_for(actor: User, resident: User) -> bool:
    """Oneself, someone one cares for, or (for staff) any resident of one's community."""
    return accounts.can_act_for(actor, resident)


@policy.rule("see_order")
def _sees_order(actor: User, order: MealOrder) -> bool:
    return accounts.can_act_for(actor, order.resident) or can_operate(actor, order.meal.kitchen)


@policy.rule("cancel_any_time")
def _cancels_any_time(actor: User, order: MealOrder) -> bool:
    """The kitchen (and staff) may cancel after the deadline; residents and carers only before it."""
    return can_operate(actor, order.meal.kitchen)


def can_cancel(actor: User, order: MealOrder, now: datetime) -> bool:
    if not order.can("cancel"):
        return False
    if may(actor, "cancel_any_time", order):
        return True
    return (order.status == OrderStatus.PLACED and now < order.meal.order_deadline
            and may(actor, "act_for", order.resident))


@policy.rule("leave_feedback")
def _leaves_feedback(actor: User, order: MealOrder) -> bool:
    """Whoever acts for the resident rates a meal once it was handed over."""
    return order.status in SERVED and accounts.can_act_for(actor, order.resident)


@policy.rule("appeal_feedback")
def _appeals_feedback(actor: User, feedback: Feedback) -> bool:
    return feedback.hidden_at is not None and feedback.resident_id == actor.id


@policy.rule("moderate_feedback")
def _moderates_feedback(actor: User, record: Feedback | Kitchen) -> bool:
    """Staff see who wrote a comment, hidden comments and low ratings, and hide or acknowledge them."""
    return actor.is_staff_of(record.community_id)


@policy.rule("set_welfare_status")
def _sets_welfare_status(actor: User, resident: User) -> bool:
    """低保 / 特困 decides tier subsidies: staff only."""
    return actor.is_staff_of(resident.community_id)


@policy.rule("record_safe")
def can_record_safe(actor: User, check: WelfareCheck) -> bool:
    return (actor.is_staff_of(check.community_id) or
            (actor.id != check.resident_id and accounts.can_act_for(actor, check.resident)) or
            can_operate(actor, check.order.meal.kitchen))
