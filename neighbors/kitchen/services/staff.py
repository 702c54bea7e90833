"""What the kitchen shows on staff's console: a person's meals, and the work queue with its count."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from ...clock import local_today
from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...links import Link
from ...models import User
from ...workqueue import QueueItem
from ..models import (
    ELDER_AGE, Feedback, Kitchen, KitchenOperator, Meal, MealOrder, StandingAttempt, StandingOrder, WelfareCheck,
    elderly_or_cared,
)
from .common import day_text, order_link
from .welfare import welfare_link

FAILED_OUTCOMES = ("sold_out", "closed", "refused")
LOW_RATING = 2


def person_summary(community_id: int, user_id: int) -> dict:
    orders = list(db.session.scalars(
        sa.select(MealOrder).where(MealOrder.community_id == community_id, MealOrder.resident_id == user_id)
        .order_by(MealOrder.served_on.desc(), MealOrder.id.desc()).limit(10)))
    standing = db.session.scalar(sa.select(sa.func.count(StandingOrder.id)).where(
        StandingOrder.community_id == community_id, StandingOrder.resident_id == user_id,
        StandingOrder.ended_at.is_(None))) or 0
    open_checks = db.session.scalar(sa.select(sa.func.count(WelfareCheck.id)).where(
        WelfareCheck.community_id == community_id, WelfareCheck.resident_id == user_id,
        WelfareCheck.resolved_at.is_(None))) or 0
    return {"recent_orders": [{"id": o.id, "day": o.served_on, "slot": o.meal.slot, "status": o.status,
                               "quantity": o.quantity, "url": order_link(o.id)} for o in orders],
            "standing_orders": standing, "open_welfare_checks": open_checks,
            "profile_url": Link("kitchen.profile", user_id=user_id)}


def _failed_standing(community_id: int, today: date):
    """Standing orders that could not be placed for a meal from today on."""
    return sa.and_(StandingAttempt.community_id == community_id, StandingAttempt.outcome.in_(FAILED_OUTCOMES),
                   Meal.served_on >= today)


def _no_operator(community_id: int):
    has_operator = sa.select(KitchenOperator.id).where(
        same_community(KitchenOperator.kitchen_id == Kitchen.id)).exists()
    return sa.and_(Kitchen.community_id == community_id, Kitchen.suspended_at.is_(None), ~has_operator)


def _welfare_items(community_id: int) -> list[QueueItem]:
    checks = db.session.scalars(
        sa.select(WelfareCheck).where(WelfareCheck.community_id == community_id, WelfareCheck.resolved_at.is_(None))
        .options(lazyload(WelfareCheck.order), joinedload(WelfareCheck.resident).lazyload(User.role_grants))
        .order_by(WelfareCheck.raised_at))
    return [QueueItem(kind="kitchen.welfare_check",
                      title=N_("Nobody answered when %(name)s's meal was delivered. Check that %(name)s is safe."),
                      since=check.raised_at, link=welfare_link(check.id),
                      action=N_("Record that the resident is safe"), params={"name": check.resident.name},
                      urgent=True)
            for check in checks]


def _low_rating_items(community_id: int) -> list[QueueItem]:
    low = db.session.execute(
        sa.select(Kitchen.id, Kitchen.name, sa.func.min(Feedback.created_at), sa.func.count(Feedback.id))
        .join(Kitchen, same_community(Kitchen.id == Feedback.kitchen_id))
        .where(Feedback.community_id == community_id, Feedback.rating <= LOW_RATING,
               Feedback.acknowledged_at.is_(None))
        .group_by(Kitchen.id, Kitchen.name))
    return [QueueItem(kind="kitchen.low_rating", title=N_("%(kitchen)s has %(count)s low ratings to look at."),
                      since=since, link=Link("kitchen.kitchen", kitchen_id=kitchen_id),
                      action=N_("Mark as seen"), params={"kitchen": name, "count": count})
            for kitchen_id, name, since, count in low]


def _failed_standing_items(community_id: int, now: datetime) -> list[QueueItem]:
    failed = db.session.execute(
        sa.select(StandingAttempt.at, Meal.served_on, User)
        .join(Meal, same_community(Meal.id == StandingAttempt.meal_id))
        .join(StandingOrder, same_community(StandingOrder.id == StandingAttempt.standing_order_id))
        .join(User, User.id == StandingOrder.resident_id)
        .where(_failed_standing(community_id, local_today(now)))
        .options(lazyload(User.role_grants)))
    return [QueueItem(kind="kitchen.standing_failed",
                      title=N_("%(name)s's standing meal order could not be placed for %(day)s."),
                      since=at, link=Link("kitchen.all_orders", resident=resident.name),
                      params={"name": resident.name, "day": day_text(served_on)})
            for at, served_on, resident in failed if elderly_or_cared(resident, served_on)]


def _no_operator_items(community_id: int) -> list[QueueItem]:
    return [QueueItem(kind="kitchen.no_operator", title=N_("%(kitchen)s has no operator."),
                      since=created_at, link=Link("kitchen.edit_kitchen", kitchen_id=kitchen_id),
                      params={"kitchen": name})
            for kitchen_id, name, created_at in db.session.execute(
                sa.select(Kitchen.id, Kitchen.name, Kitchen.created_at).where(_no_operator(community_id))
                .order_by(Kitchen.name))]


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """What waits for staff: open welfare checks first, then unread low ratings, failed standing orders."""
    items = [*_welfare_items(community_id), *_low_rating_items(community_id),
             *_failed_standing_items(community_id, now), *_no_operator_items(community_id)]
    return sorted(items, key=lambda item: (not item.urgent, item.since))


def _age_on(birth_date, day):
    """`clock.age_on` in SQL: whole years from `birth_date` to `day`."""
    def year(column):
        return sa.extract("year", column)

    def month_day(column):
        return sa.extract("month", column) * 100 + sa.extract("day", column)

    return year(day) - year(birth_date) - sa.case((month_day(day) < month_day(birth_date), 1), else_=0)


def staff_queue_count(community_id: int, now: datetime) -> int:
    """len(staff_queue(...)) in one aggregate statement (the queue lists failed standing orders once per name)."""
    checks = sa.select(sa.func.count(WelfareCheck.id)).where(
        WelfareCheck.community_id == community_id, WelfareCheck.resolved_at.is_(None)).scalar_subquery()
    low = sa.select(sa.func.count(sa.distinct(Feedback.kitchen_id))).where(
        Feedback.community_id == community_id, Feedback.rating <= LOW_RATING,
        Feedback.acknowledged_at.is_(None)).scalar_subquery()
    elderly_or_cared_sql = sa.or_(User.needs_care.is_(True), sa.and_(
        User.birth_date.is_not(None), _age_on(User.birth_date, Meal.served_on) >= ELDER_AGE))
    failed = (sa.select(sa.func.count(sa.distinct(User.name))).select_from(StandingAttempt)
              .join(Meal, same_community(Meal.id == StandingAttempt.meal_id))
              .join(StandingOrder, same_community(StandingOrder.id == StandingAttempt.standing_order_id))
              .join(User, User.id == StandingOrder.resident_id)
              .where(_failed_standing(community_id, local_today(now)), elderly_or_cared_sql).scalar_subquery())
    alone = sa.select(sa.func.count(Kitchen.id)).where(_no_operator(community_id)).scalar_subquery()
    return int(db.session.scalar(sa.select(checks + low + failed + alone)) or 0)
