"""Ordering a meal for oneself or someone one cares for, cancelling it, and the lists of orders."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...clock import local_today
from ...database import begin_write, same_community
from ...errors import N_, Conflict, DomainError, InvalidInput, NotAllowed
from ...extensions import db
from ...models import CarerLink, User
from ...notifications import notify
from ...registry import FollowUp, Service, note_follow_up
from ...transactions import service
from ..models import ORDER_STATES, Fulfilment, Kitchen, Meal, MealOrder, OrderEvent, OrderStatus
from ..policy import can_cancel, may
from .common import MAX_QUANTITY, ORDER_ROW, clean, day_text, find, find_for, order_link, require_act_for
from .kitchens import still_coming
from .subsidies import subsidy_for


class SoldOut(Conflict):
    """Not enough portions left."""


class OrderingClosed(Conflict):
    """The meal no longer takes orders (past its deadline, closed early, cancelled, or its kitchen suspended)."""


class AlreadyOrdered(Conflict):
    """The person already has this meal: a second order is made only when asked for again (`also`)."""

    def __init__(self, orders: list[MealOrder]):
        super().__init__(N_("%(name)s already has this meal."), name=orders[0].resident.name)
        self.orders = orders


def live_orders_of(meal: Meal, resident: User) -> list[MealOrder]:
    """The person's orders of this meal that are not cancelled, first placed first."""
    return list(db.session.scalars(sa.select(MealOrder).where(
        MealOrder.community_id == meal.community_id, MealOrder.meal_id == meal.id,
        MealOrder.resident_id == resident.id, MealOrder.cancelled_at.is_(None)).order_by(MealOrder.id)))


def meal_orders(meal: Meal) -> list[MealOrder]:
    return list(db.session.scalars(
        sa.select(MealOrder).where(MealOrder.community_id == meal.community_id, MealOrder.meal_id == meal.id)
        .order_by(MealOrder.id)))


def order_by_key(community_id: int, key: str) -> MealOrder | None:
    return db.session.scalar(sa.select(MealOrder).where(MealOrder.community_id == community_id,
                                                        MealOrder.submission_key == key))


def _subsidised_today(resident: User, day: date) -> bool:
    return db.session.scalar(sa.select(MealOrder.id).where(
        MealOrder.community_id == resident.community_id, MealOrder.resident_id == resident.id,
        MealOrder.served_on == day, MealOrder.subsidy_fen > 0, MealOrder.cancelled_at.is_(None)).limit(1)) is not None


def price_for(meal: Meal, resident: User) -> dict:
    """What this person would pay for one portion, and the subsidy rule that decides it: shown before ordering."""
    subsidy, rule = subsidy_for(resident, meal.served_on, meal.price_fen, _subsidised_today(resident, meal.served_on))
    return {"resident": resident, "price_fen": meal.price_fen, "subsidy_fen": subsidy,
            "due_fen": meal.price_fen - subsidy, "rule": rule}


def refusal(meal: Meal, now: datetime) -> DomainError:
    """Why a meal cannot take this order right now, in the user's words."""
    if meal.cancelled_at is not None:
        return OrderingClosed(N_("This meal was cancelled by the kitchen."))
    if meal.kitchen.suspended:
        return OrderingClosed(N_("This kitchen is closed for now."))
    if meal.closed_at is not None or now >= meal.order_deadline:
        return OrderingClosed(N_("Ordering for this meal has closed."))
    if meal.portions_left <= 0:
        return SoldOut(N_("Sorry, this meal is sold out."))
    return SoldOut(N_("Only %(left)s portions are left."), field="quantity", left=meal.portions_left)


def check_order_input(kitchen: Kitchen, resident: User, quantity, fulfilment: str, address: str,
                      note: str) -> tuple[str, str]:
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(N_("Order 1 to 3 portions."), field="quantity")
    if fulfilment not in (Fulfilment.DINE_IN, Fulfilment.PICKUP, Fulfilment.DELIVERY):
        raise InvalidInput(N_("Choose how to get the meal."), field="fulfilment")
    note = clean(note, 100, "note")
    address = clean(address, 200, "address")
    if fulfilment != Fulfilment.DELIVERY:
        return "", note
    if not kitchen.delivers:
        raise InvalidInput(N_("This kitchen does not deliver. Choose dine-in or pick-up."), field="fulfilment")
    if not kitchen.delivers_to(resident.building_id):
        raise InvalidInput(N_("This kitchen does not deliver to %(name)s's building."), field="fulfilment",
                           name=resident.name)
    address = address or resident.address
    if not address:
        raise InvalidInput(N_("Enter the delivery address."), field="address")
    return address, note


def _insert_order(order: MealOrder) -> MealOrder | None:
    """Insert under the unique keys; None if the same form was already placed (a double tap)."""
    for _attempt in range(2):
        try:
            with db.session.begin_nested():
                db.session.add(order)
            return order
        except IntegrityError:
            if order_by_key(order.community_id, order.submission_key) is not None:
                return None
            if order.subsidy_fen == 0:
                raise
            # another subsidised order for that day slipped in first: this one pays in full
            order = MealOrder(**{c.key: getattr(order, c.key) for c in MealOrder.__table__.columns if c.key != "id"})
            order.subsidy_fen = 0
            order.due_fen = order.price_fen * order.quantity
            order.subsidy_rule = {**(order.subsidy_rule or {}), "reason": "already_today", "subsidy_fen": 0}
    raise RuntimeError("order could not be inserted")


def _take_portions(meal: Meal, resident: User, quantity: int, now: datetime) -> None:
    """One conditional UPDATE: from it to the commit, others ordering this meal wait."""
    taken = db.session.execute(
        sa.update(Meal)
        .where(Meal.id == meal.id, Meal.community_id == resident.community_id,
               Meal.sold + quantity <= Meal.capacity, Meal.cancelled_at.is_(None), Meal.closed_at.is_(None),
               Meal.order_deadline > now,
               Meal.kitchen_id.in_(sa.select(Kitchen.id).where(Kitchen.community_id == resident.community_id,
                                                               Kitchen.suspended_at.is_(None))))
        .values(sold=Meal.sold + quantity)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.refresh(meal)
        raise refusal(meal, now)


def place(actor: User, meal: Meal, resident: User, quantity: int, fulfilment: str, address: str, note: str,
          submission_key: str, now: datetime, standing_order_id: int | None = None,
          also: bool = False) -> MealOrder | None:
    """Inside a write transaction: take portions, then insert the order (None: that form was placed already).
    A second order of the meal for the same person is refused (`AlreadyOrdered`) unless asked for with `also`."""
    address, note = check_order_input(meal.kitchen, resident, quantity, fulfilment, address, note)
    if not meal.is_open(now) or meal.portions_left < quantity:
        # already refused by what was committed when the meal was read: say so without queueing for its row
        raise refusal(meal, now)
    # everything that reads is done before the UPDATE
    subsidy, rule = subsidy_for(resident, meal.served_on, meal.price_fen, _subsidised_today(resident, meal.served_on))
    with db.session.begin_nested():  # refused after taking the portions: they go back
        _take_portions(meal, resident, quantity, now)
        # read after the UPDATE, which waits for anyone ordering this meal at the same moment: their order is seen
        if submission_key and order_by_key(resident.community_id, submission_key) is not None:
            return None  # the same form, tapped twice, won a moment ago: the caller gives the portions back
        existing = [] if also else live_orders_of(meal, resident)
        if existing:
            raise AlreadyOrdered(existing)
    order = MealOrder(
        community_id=resident.community_id, meal_id=meal.id, kitchen_id=meal.kitchen_id, served_on=meal.served_on,
        resident_id=resident.id, placed_by_id=actor.id, standing_order_id=standing_order_id, quantity=quantity,
        fulfilment=str(fulfilment), address=address, note=note, status=OrderStatus.PLACED, price_fen=meal.price_fen,
        subsidy_fen=subsidy, due_fen=meal.price_fen * quantity - subsidy, subsidy_rule=rule,
        submission_key=submission_key, created_at=now)
    placed = _insert_order(order)
    if placed is None:
        return None
    db.session.add(OrderEvent(community_id=placed.community_id, order_id=placed.id, from_status=None,
                              to_status=OrderStatus.PLACED, actor_id=actor.id, at=now))
    if actor.id != resident.id:
        notify(resident, N_("%(actor)s ordered a meal for you for %(day)s."), link=order_link(placed.id), now=now,
               actor=actor.name, day=day_text(meal.served_on, meal.slot))
    db.session.expire(meal)
    return placed


def _already_placed(actor: User, community_id: int, submission_key: str) -> MealOrder:
    found = order_by_key(community_id, submission_key)
    if found is None or found.placed_by_id != actor.id:
        raise Conflict(N_("Please try again."))
    return found


@service
def place_order(actor: User, meal_id: int, for_user: User, quantity: int, fulfilment: str, address: str, note: str,
                submission_key: str, now: datetime, *, also: bool = False, origin: str = "") -> MealOrder:
    """Order a meal for oneself or someone one acts for. The same submission key makes one order; a second order
    of a meal the person already has is made only with `also` (the page asked and they confirmed). A form opened
    from another module's record (`origin`, e.g. a visit at the door) tells it what was made."""
    begin_write()
    if order_by_key(for_user.community_id, submission_key) is not None:
        return _already_placed(actor, for_user.community_id, submission_key)
    require_act_for(actor, for_user, field="for_user")
    meal = find(Meal, meal_id)
    if meal.community_id != for_user.community_id:
        raise NotAllowed(N_("Meals are for residents of the kitchen's own community."))
    savepoint = db.session.begin_nested()
    order = place(actor, meal, for_user, quantity, fulfilment, address, note, submission_key, now, also=also)
    if order is None:  # the same form won a moment ago on another server: give the portions back
        savepoint.rollback()
        return _already_placed(actor, for_user.community_id, submission_key)
    savepoint.commit()
    note_follow_up(actor, origin, FollowUp(Service.ORDER, "kitchen.order", order.id, N_("A meal order"),
                                           order_link(order.id)), now)
    return order


@service
def order_again(actor: User, order_id: int, meal_id: int, submission_key: str, now: datetime) -> MealOrder:
    """The same quantity, way and note as a past order, for another meal."""
    previous = find_for(actor, MealOrder, order_id)
    return place_order(actor, meal_id, previous.resident, previous.quantity, previous.fulfilment, previous.address,
                       previous.note, submission_key, now)


def move(order: MealOrder, action: str, actor: User | None, now: datetime) -> None:
    """Move an order by its state table, in the kitchen's words when the table or a simultaneous move refuses."""
    if not order.can(action):
        raise Conflict(N_("This order cannot be changed that way now."))
    try:
        ORDER_STATES.move(order, action, actor, now)
    except Conflict:
        raise Conflict(N_("Someone changed this order a moment ago. Reload the page.")) from None


def cancel(order: MealOrder, actor: User, now: datetime) -> None:
    """Cancel and give the portions back to the meal."""
    move(order, "cancel", actor, now)
    order.cancelled_at, order.cancelled_by_id = now, actor.id
    db.session.execute(
        sa.update(Meal).where(Meal.id == order.meal_id, Meal.community_id == order.community_id,
                              Meal.sold >= order.quantity)
        .values(sold=Meal.sold - order.quantity).execution_options(synchronize_session=False))
    db.session.flush()


@service
def cancel_order(actor: User, order_id: int, now: datetime) -> MealOrder:
    """Before the deadline the resident (or carer) cancels; after it only the kitchen or staff."""
    begin_write()
    order = find_for(actor, MealOrder, order_id)
    if not may(actor, "see_order", order):
        raise NotAllowed(N_("You cannot act for this person."))
    if not order.can("cancel"):
        raise DomainError(N_("This order can no longer be cancelled."))
    if not can_cancel(actor, order, now):
        raise DomainError(N_("The order deadline has passed. Please call the kitchen to cancel."))
    cancel(order, actor, now)
    if actor.id != order.resident_id:
        notify(order.resident, N_("Your meal order for %(day)s was cancelled by %(actor)s."),
               link=order_link(order.id), now=now, day=day_text(order.served_on, order.meal.slot), actor=actor.name)
    return order


def orders_for(actor: User, limit: int = 60, coming_from: date | None = None) -> list[MealOrder]:
    """My orders and those of the people I care for, newest meal first (one query); with `coming_from` (a day),
    only those still on their way (placed, cooking, out for delivery) for a meal on that day or later."""
    # "me, or anyone I care for" as one set, not `resident = me OR resident IN (…)`: with the OR, PostgreSQL
    # cannot use the resident index and walks the community's orders by day (4 ms at 20,000 orders, growing)
    people = sa.union_all(sa.select(sa.literal(actor.id, sa.Integer)),
                          sa.select(CarerLink.resident_id).where(CarerLink.carer_id == actor.id,
                                                                 CarerLink.community_id == actor.community_id))
    query = sa.select(MealOrder).where(MealOrder.community_id == actor.community_id, MealOrder.resident_id.in_(people))
    if coming_from is not None:
        query = query.where(still_coming(coming_from))
    return list(db.session.scalars(
        query.options(*ORDER_ROW).order_by(MealOrder.served_on.desc(), MealOrder.id.desc()).limit(limit)))


def next_meal_without(resident: User, now: datetime) -> Meal | None:
    """The first meal still taking orders that the person has not ordered: where "order again" leads."""
    has_it = sa.select(MealOrder.id).where(MealOrder.community_id == resident.community_id,
                                           MealOrder.meal_id == Meal.id, MealOrder.resident_id == resident.id,
                                           MealOrder.cancelled_at.is_(None))
    return db.session.scalar(
        sa.select(Meal).join(Kitchen, same_community(Kitchen.id == Meal.kitchen_id))
        .where(Meal.community_id == resident.community_id, Meal.served_on >= local_today(now),
               Meal.order_deadline > now, Meal.cancelled_at.is_(None), Meal.closed_at.is_(None),
               Meal.sold < Meal.capacity, Kitchen.suspended_at.is_(None), ~has_it.exists())
        .order_by(Meal.served_on, Meal.slot.desc(), Kitchen.name).limit(1))


def search_orders(community_id: int, day: date | None = None, kitchen_id: int | None = None,
                  status: str | None = None, resident_query: str = "", limit: int = 300) -> list[MealOrder]:
    query = (sa.select(MealOrder).join(User, User.id == MealOrder.resident_id)
             .where(MealOrder.community_id == community_id))
    if day is not None:
        query = query.where(MealOrder.served_on == day)
    if kitchen_id:
        query = query.where(MealOrder.kitchen_id == kitchen_id)
    if status:
        query = query.where(MealOrder.status == status)
    resident_query = (resident_query or "").strip()
    if resident_query:
        like = f"%{resident_query}%"
        query = query.where(sa.or_(User.name.like(like), User.phone.like(like)))
    return list(db.session.scalars(query.order_by(MealOrder.served_on.desc(), MealOrder.id.desc()).limit(limit)))
