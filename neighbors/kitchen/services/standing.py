"""Standing orders: a weekly pattern that orders each matching meal once, paused for some days or ended."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import accounts
from ...clock import local_today
from ...database import begin_write, same_community
from ...errors import N_, DomainError, InvalidInput
from ...extensions import db
from ...links import Link
from ...models import User
from ...notifications import notify
from ...registry import FollowUp, Service, note_follow_up
from ...transactions import service
from ..models import (
    Fulfilment, Kitchen, Meal, MealOrder, OrderStatus, Slot, StandingAttempt, StandingOrder, StandingPause,
)
from ..policy import can_cancel, may
from .common import day_text, find, find_for, notify_people, require_act_for
from .ordering import AlreadyOrdered, OrderingClosed, SoldOut, cancel, check_order_input, place


def parse_weekdays(days) -> str:
    values = sorted({int(d) for d in days if str(d).isdecimal() and 0 <= int(d) <= 6})
    if not values:
        raise InvalidInput(N_("Choose at least one day of the week."), field="weekdays")
    return "".join(str(d) for d in values)


@service
def create_standing_order(actor: User, for_user: User, kitchen_id: int, weekdays, slot: str, fulfilment: str,
                          quantity: int, address: str, note: str, now: datetime, *, origin: str = "") -> StandingOrder:
    """Set up the pattern and order at once the meals already published that it wants (and tell the record the
    form was opened from, `origin`, what was made)."""
    require_act_for(actor, for_user, field="for_user")
    kitchen = find(Kitchen, kitchen_id, for_user.community_id)
    if slot not in (Slot.LUNCH, Slot.DINNER):
        raise InvalidInput(N_("Choose lunch or dinner."), field="slot")
    days = parse_weekdays(weekdays)
    address, note = check_order_input(kitchen, for_user, quantity, fulfilment, address, note)
    begin_write()
    standing = StandingOrder(community_id=for_user.community_id, kitchen_id=kitchen.id, resident_id=for_user.id,
                             created_by_id=actor.id, weekdays=days, slot=str(slot), fulfilment=str(fulfilment),
                             quantity=quantity, address=address if fulfilment == Fulfilment.DELIVERY else "",
                             note=note, created_at=now)
    db.session.add(standing)
    db.session.flush()
    if actor.id != for_user.id:
        notify(for_user, N_("%(actor)s set up a standing meal order for you."), link=Link("kitchen.standing"),
               now=now, actor=actor.name)
    note_follow_up(actor, origin, FollowUp(Service.ORDER, "kitchen.standing_order", standing.id,
                                           N_("A standing meal order"), Link("kitchen.standing")), now)
    place_standing_orders(now, standing_ids=[standing.id])
    return standing


def skipped_meals(standing: list[StandingOrder], now: datetime) -> dict[int, list[Meal]]:
    """Coming meals each standing order did not order because the person already had them (shown on it)."""
    if not standing:
        return {}
    found: dict[int, list[Meal]] = {}
    for attempt in db.session.scalars(
            sa.select(StandingAttempt).join(Meal, same_community(Meal.id == StandingAttempt.meal_id))
            .where(StandingAttempt.community_id == standing[0].community_id,
                   StandingAttempt.standing_order_id.in_([s.id for s in standing]),
                   StandingAttempt.outcome == "already_ordered", Meal.served_on >= local_today(now))
            .order_by(Meal.served_on, Meal.slot.desc())):
        found.setdefault(attempt.standing_order_id, []).append(attempt.meal)
    return found


def standing_orders_for(actor: User) -> list[StandingOrder]:
    people = [p.id for p in accounts.people_i_can_act_for(actor)]
    return list(db.session.scalars(
        sa.select(StandingOrder).where(StandingOrder.community_id == actor.community_id,
                                       StandingOrder.resident_id.in_(people))
        .order_by(StandingOrder.ended_at.is_not(None), StandingOrder.id.desc())))


def _standing(actor: User, standing_id: int) -> StandingOrder:
    standing = find_for(actor, StandingOrder, standing_id)
    require_act_for(actor, standing.resident)
    return standing


def _check_pause(from_day: date, to_day: date, now: datetime) -> None:
    if from_day is None or to_day is None:
        raise InvalidInput(N_("Enter both days."), field="from_day")
    if from_day > to_day:
        raise InvalidInput(N_("The last day must not be before the first."), field="to_day")
    if to_day < local_today(now):
        raise InvalidInput(N_("Choose days from today on."), field="to_day")
    if (to_day - from_day).days > 366:
        raise InvalidInput(N_("Pause for at most a year; end the standing order instead."), field="to_day")


@service
def pause_standing_order(actor: User, standing_id: int, from_day: date, to_day: date, now: datetime) -> StandingOrder:
    """No meals on these days (hospital, visiting family); orders already placed for them are cancelled."""
    standing = _standing(actor, standing_id)
    if not standing.active:
        raise DomainError(N_("This standing order has ended."))
    _check_pause(from_day, to_day, now)
    begin_write()
    db.session.add(StandingPause(community_id=standing.community_id, standing_order_id=standing.id,
                                 from_day=from_day, to_day=to_day))
    for order in db.session.scalars(sa.select(MealOrder).where(
            MealOrder.community_id == standing.community_id, MealOrder.standing_order_id == standing.id,
            MealOrder.served_on >= from_day, MealOrder.served_on <= to_day,
            MealOrder.status == OrderStatus.PLACED)):
        if can_cancel(actor, order, now):
            cancel(order, actor, now)
    return standing


@service
def end_standing_order(actor: User, standing_id: int, now: datetime) -> StandingOrder:
    standing = _standing(actor, standing_id)
    begin_write()
    if standing.ended_at is not None:
        raise DomainError(N_("This standing order has ended."))
    standing.ended_at = now
    return standing


REFUSAL_OUTCOMES = {SoldOut: "sold_out", OrderingClosed: "closed", AlreadyOrdered: "already_ordered"}
COULD_NOT_PLACE = {
    "sold_out": N_("Your standing meal order for %(day)s could not be placed: it is sold out."),
    "closed": N_("Your standing meal order for %(day)s could not be placed: ordering has closed."),
    "refused": N_("Your standing meal order for %(day)s could not be placed. Please order by hand."),
}


def _attempt(standing: StandingOrder, meal: Meal, now: datetime) -> bool:
    """Try one (standing order, meal) pair once, ever: the attempt row's unique key decides."""
    begin_write()
    attempt = StandingAttempt(community_id=standing.community_id, standing_order_id=standing.id, meal_id=meal.id,
                              outcome="pending", at=now)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        return False
    placer = db.session.get(User, standing.created_by_id) or standing.resident
    if not may(placer, "act_for", standing.resident):
        placer = standing.resident
    try:
        order = place(placer, meal, standing.resident, standing.quantity, standing.fulfilment, standing.address,
                      standing.note, f"standing-{standing.id}-{meal.id}", now, standing_order_id=standing.id)
        attempt.outcome, attempt.order_id = "placed", order.id if order else None
    except DomainError as refusal:
        attempt.outcome = REFUSAL_OUTCOMES.get(type(refusal), "refused")
        if attempt.outcome == "already_ordered":  # she has the meal: nothing to tell but on the standing order
            db.session.flush()
            return True
        people = [standing.resident, *accounts.carers_of(standing.resident)]
        notify_people(people, COULD_NOT_PLACE[attempt.outcome], Link("kitchen.meal", meal_id=meal.id), now,
                      day=day_text(meal.served_on, meal.slot))
    db.session.flush()
    return True


def _due(now: datetime, meal_ids: list[int] | None = None,
         standing_ids: list[int] | None = None) -> list[tuple[StandingOrder, Meal]]:
    """Every (standing order, open meal) pair it wants that has not been tried yet."""
    today = local_today(now)
    meals_query = (sa.select(Meal).join(Kitchen, same_community(Kitchen.id == Meal.kitchen_id))
                   .where(Meal.served_on >= today, Meal.served_on < today + timedelta(days=14),
                          Meal.cancelled_at.is_(None), Meal.closed_at.is_(None), Meal.order_deadline > now,
                          Kitchen.suspended_at.is_(None)))
    if meal_ids is not None:
        meals_query = meals_query.where(Meal.id.in_(meal_ids))
    meals = list(db.session.scalars(meals_query))
    if not meals:
        return []
    standing_query = sa.select(StandingOrder).where(StandingOrder.ended_at.is_(None),
                                                    StandingOrder.kitchen_id.in_({m.kitchen_id for m in meals}))
    if standing_ids is not None:
        standing_query = standing_query.where(StandingOrder.id.in_(standing_ids))
    standing = list(db.session.scalars(standing_query))
    tried = set(db.session.execute(sa.select(StandingAttempt.standing_order_id, StandingAttempt.meal_id).where(
        StandingAttempt.community_id.in_({m.community_id for m in meals}),
        StandingAttempt.meal_id.in_([m.id for m in meals]))).all())
    return [(pattern, meal) for meal in meals for pattern in standing
            if pattern.kitchen_id == meal.kitchen_id and pattern.community_id == meal.community_id
            and (pattern.id, meal.id) not in tried and pattern.wants(meal.served_on, meal.slot)]


@service
def place_standing_orders(now: datetime, meal_ids: list[int] | None = None,
                          standing_ids: list[int] | None = None) -> int:
    """Order every open meal that matches an active standing order and has not been tried yet."""
    return sum(int(_attempt(pattern, meal, now)) for pattern, meal in _due(now, meal_ids, standing_ids))


@service
def place_standing_order(standing_id: int, meal_id: int, now: datetime) -> bool:
    """One (standing order, meal) pair, as its own transaction when the job calls it."""
    return _attempt(find(StandingOrder, standing_id), find(Meal, meal_id), now)


def standing_orders_job(now: datetime) -> int:
    """Every minute: place what standing orders ask for; a second run (or server) finds nothing left.
    Each pair is its own transaction, so the write lock is held one order at a time."""
    pairs = [(pattern.id, meal.id) for pattern, meal in _due(now)]
    return sum(int(place_standing_order(standing_id, meal_id, now)) for standing_id, meal_id in pairs)
