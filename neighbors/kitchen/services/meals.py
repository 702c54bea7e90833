"""The menu: meals an operator publishes, copies from last week, resizes, closes early or cancels."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import accounts, audit
from ...clock import local_to_utc, local_today, to_local
from ...database import begin_write, same_community
from ...errors import N_, DomainError, InvalidInput
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import Kitchen, Meal, OrderStatus, Slot
from .common import MAX_CAPACITY, MEAL_CARD, MENU_DAYS, clean, day_text, find_for, notify_people, order_link, \
    require_operator
from .ordering import cancel, meal_orders
from .standing import place_standing_orders
from .subsidies import get_settings

DEFAULT_DEADLINES = {Slot.LUNCH: time(10, 0), Slot.DINNER: time(16, 0)}
LATEST_DEADLINE = {Slot.LUNCH: time(12, 0), Slot.DINNER: time(18, 0)}


def default_deadline(served_on: date, slot: str) -> datetime:
    return local_to_utc(served_on, DEFAULT_DEADLINES[Slot(slot)])


def to_local_input(moment: datetime) -> str:
    """A deadline as the value of a datetime-local field, in Xiamen's time."""
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


def upcoming_meals(community_id: int, now: datetime, days: int = MENU_DAYS) -> list[Meal]:
    today = local_today(now)
    return list(db.session.scalars(
        sa.select(Meal).join(Kitchen, same_community(Kitchen.id == Meal.kitchen_id))
        .where(Meal.community_id == community_id, Meal.served_on >= today,
               Meal.served_on < today + timedelta(days=days))
        .options(*MEAL_CARD)
        .order_by(Meal.served_on, Meal.slot.desc(), Kitchen.name)))


def kitchen_meals(kitchen: Kitchen, start: date, end: date) -> list[Meal]:
    return list(db.session.scalars(
        sa.select(Meal).where(Meal.community_id == kitchen.community_id, Meal.kitchen_id == kitchen.id,
                              Meal.served_on >= start, Meal.served_on < end)
        .order_by(Meal.served_on, Meal.slot.desc())))


def _check_dishes(meat: str, vegetable: str, soup: str) -> tuple[str, str, str]:
    cleaned = []
    for field, value in (("meat", meat), ("vegetable", vegetable), ("soup", soup)):
        text = clean(value, 50, field)
        if not text:
            raise InvalidInput(N_("Enter the dish."), field=field)
        cleaned.append(text)
    return tuple(cleaned)


def _check_capacity(capacity) -> None:
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(N_("Enter between 1 and %(most)s portions."), field="capacity", most=MAX_CAPACITY)


def _operated_kitchen(actor: User, kitchen_id: int) -> Kitchen:
    """A kitchen the actor runs that may publish meals."""
    kitchen = find_for(actor, Kitchen, kitchen_id)
    require_operator(actor, kitchen)
    if kitchen.suspended:
        raise DomainError(N_("This kitchen is suspended and cannot publish meals."))
    return kitchen


def _check_when(served_on: date, slot: str, deadline: datetime | None, now: datetime) -> datetime:
    if slot not in (Slot.LUNCH, Slot.DINNER):
        raise InvalidInput(N_("Choose lunch or dinner."), field="slot")
    today = local_today(now)
    if served_on is None or served_on < today:
        raise InvalidInput(N_("Choose today or a later day."), field="served_on")
    if served_on > today + timedelta(days=60):
        raise InvalidInput(N_("Meals can be published at most 60 days ahead."), field="served_on")
    return deadline or default_deadline(served_on, slot)


def _check_deadline(deadline: datetime, served_on: date, slot: str, now: datetime) -> None:
    if deadline.tzinfo is None:
        raise InvalidInput(N_("Enter a valid time."), field="order_deadline")
    if deadline <= now:
        raise InvalidInput(N_("The order deadline must be in the future."), field="order_deadline")
    if deadline > local_to_utc(served_on, LATEST_DEADLINE[Slot(slot)]):
        raise InvalidInput(N_("The order deadline must be before the meal is served."), field="order_deadline")


@service
def publish_meal(actor: User, kitchen_id: int, served_on: date, slot: str, meat: str, vegetable: str, soup: str,
                 capacity: int, now: datetime, order_deadline: datetime | None = None,
                 price_fen: int | None = None) -> Meal:
    """A set meal for one day and slot; standing orders that want it are placed at once."""
    kitchen = _operated_kitchen(actor, kitchen_id)
    deadline = _check_when(served_on, slot, order_deadline, now)
    meat, vegetable, soup = _check_dishes(meat, vegetable, soup)
    _check_capacity(capacity)
    _check_deadline(deadline, served_on, slot, now)
    price = price_fen if price_fen is not None else get_settings(kitchen.community_id).standard_price_fen
    taken = InvalidInput(N_("There is already a meal for this day and slot."), field="served_on")
    begin_write()
    if db.session.scalar(sa.select(Meal.id).where(Meal.community_id == kitchen.community_id,
                                                  Meal.kitchen_id == kitchen.id, Meal.served_on == served_on,
                                                  Meal.slot == slot)):
        raise taken
    meal = Meal(community_id=kitchen.community_id, kitchen_id=kitchen.id, served_on=served_on, slot=str(slot),
                meat=meat, vegetable=vegetable, soup=soup, capacity=capacity, sold=0, price_fen=price,
                order_deadline=deadline, published_by_id=actor.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(meal)
    except IntegrityError:
        raise taken from None
    place_standing_orders(now, meal_ids=[meal.id])
    return meal


@service
def copy_last_week(actor: User, kitchen_id: int, now: datetime) -> list[Meal]:
    """Publish last week's menu again, day for day, for the coming week (days already set are kept)."""
    kitchen = _operated_kitchen(actor, kitchen_id)
    today = local_today(now)
    begin_write()
    source = kitchen_meals(kitchen, today - timedelta(days=7), today)
    taken = {(m.served_on, m.slot) for m in kitchen_meals(kitchen, today, today + timedelta(days=7))}
    price = get_settings(kitchen.community_id).standard_price_fen
    made = []
    for old in source:
        if old.cancelled_at is not None:
            continue
        day = old.served_on + timedelta(days=7)
        deadline = old.order_deadline + timedelta(days=7)
        if (day, old.slot) in taken or deadline <= now:
            continue
        meal = Meal(community_id=kitchen.community_id, kitchen_id=kitchen.id, served_on=day, slot=old.slot,
                    meat=old.meat, vegetable=old.vegetable, soup=old.soup, capacity=old.capacity, sold=0,
                    price_fen=price, order_deadline=deadline, published_by_id=actor.id, created_at=now)
        db.session.add(meal)
        made.append(meal)
    if not made:
        raise DomainError(N_("Nothing to copy: last week had no meals that are not already set for this week."))
    db.session.flush()
    place_standing_orders(now, meal_ids=[m.id for m in made])
    return made


@service
def set_capacity(actor: User, meal_id: int, capacity: int, now: datetime) -> Meal:
    """More or fewer portions, never fewer than are already ordered."""
    meal = find_for(actor, Meal, meal_id)
    require_operator(actor, meal.kitchen)
    _check_capacity(capacity)
    begin_write()
    result = db.session.execute(
        sa.update(Meal).where(Meal.id == meal.id, Meal.community_id == meal.community_id, Meal.sold <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False))
    db.session.refresh(meal)
    if result.rowcount != 1:
        raise InvalidInput(N_("%(sold)s portions are already ordered; capacity cannot be lower."), field="capacity",
                           sold=meal.sold)
    return meal


@service
def close_ordering(actor: User, meal_id: int, now: datetime) -> Meal:
    meal = find_for(actor, Meal, meal_id)
    require_operator(actor, meal.kitchen)
    begin_write()
    db.session.refresh(meal)
    if meal.cancelled_at is not None or meal.closed_at is not None or now >= meal.order_deadline:
        raise DomainError(N_("Ordering for this meal is already closed."))
    meal.closed_at = now
    return meal


@service
def cancel_meal(actor: User, meal_id: int, reason: str, now: datetime) -> Meal:
    """Every order is cancelled and its resident (and carers) told."""
    meal = find_for(actor, Meal, meal_id)
    require_operator(actor, meal.kitchen)
    reason = clean(reason, 200, "reason")
    begin_write()
    db.session.refresh(meal)
    if meal.cancelled_at is not None:
        raise DomainError(N_("This meal is already cancelled."))
    meal.cancelled_at, meal.cancel_reason = now, reason
    for order in meal_orders(meal):
        if order.status in (OrderStatus.PLACED, OrderStatus.COOKING):
            cancel(order, actor, now)
            people = [order.resident, *accounts.carers_of(order.resident)]
            notify_people(people, N_("The meal for %(day)s was cancelled by the kitchen. Your order is cancelled."),
                          order_link(order.id), now, day=day_text(meal.served_on, meal.slot))
    audit.record(actor, "kitchen.meal_cancelled", meal, community_id=meal.community_id, reason=reason, now=now)
    return meal
