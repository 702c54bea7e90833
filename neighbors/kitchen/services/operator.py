"""The operator's day: one tap moves an order on; the meal's counts and the driver's delivery sheet."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from ... import accounts
from ...database import begin_write
from ...errors import N_, Conflict, DomainError, InvalidInput
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import (
    ACTION_TO, HANDOVER, ONCE_SERVING, Fulfilment, Meal, MealOrder, OrderStatus, PaymentMethod, elderly_or_cared,
)
from .common import day_text, find_for, order_link, require_operator, when_text
from .ordering import meal_orders, move
from .profiles import profile_for
from .welfare import raise_welfare_check


def _action_to(to_status: str) -> str:
    """The state table's action that leads to `to_status` (the operator's buttons post the status)."""
    if to_status == OrderStatus.CANCELLED:
        raise DomainError(N_("Use the cancel button to cancel an order."))
    try:
        return ACTION_TO[OrderStatus(to_status)]
    except (ValueError, KeyError):
        raise InvalidInput(N_("This order cannot be changed that way now.")) from None


@service
def advance_order(actor: User, order_id: int, to_status: str, now: datetime, *,
                  payment_method: str | None = None) -> MealOrder:
    """The operator's one-tap moves: cooking, out for delivery, delivered, picked up, no-show, no answer."""
    begin_write()
    order = find_for(actor, MealOrder, order_id)
    require_operator(actor, order.meal.kitchen)
    action = _action_to(to_status)
    handover = OrderStatus(to_status) in HANDOVER
    if not order.can(action):
        raise Conflict(N_("This order cannot be changed that way now."))
    if action in ONCE_SERVING and not order.meal.has_started(now):
        raise Conflict(N_("This meal has not started yet: hand it over or mark it missed from %(when)s."),
                       when=when_text(order.meal.serving_from))
    if handover and payment_method not in {m.value for m in PaymentMethod}:
        raise InvalidInput(N_("Choose how the resident paid: cash, WeChat Pay, Alipay or other."),
                           field="payment_method")
    move(order, action, actor, now)
    if handover:
        order.payment_method, order.paid_at = payment_method, now
    if to_status == OrderStatus.OUT_FOR_DELIVERY:
        notify(order.resident, N_("Your meal for %(day)s is on its way."), link=order_link(order.id), now=now,
               day=day_text(order.served_on, order.meal.slot))
    if to_status == OrderStatus.NO_ANSWER:
        raise_welfare_check(order, actor, now)
    return order


def ordered_twice(orders: list[MealOrder]) -> set[int]:
    """The residents with more than one live order of the same meal: the operator's list flags them."""
    seen: dict[tuple[int, int], int] = defaultdict(int)
    for order in orders:
        if order.status != OrderStatus.CANCELLED:
            seen[(order.meal_id, order.resident_id)] += 1
    return {order.id for order in orders if order.status != OrderStatus.CANCELLED
            and seen[(order.meal_id, order.resident_id)] > 1}


def meal_day(meal: Meal) -> dict:
    """The operator's view of one meal: orders by status, counts by way of getting it, and who ordered twice."""
    orders = meal_orders(meal)
    live = [o for o in orders if o.status != OrderStatus.CANCELLED]
    by_status: dict[str, list[MealOrder]] = defaultdict(list)
    for order in orders:
        by_status[order.status].append(order)
    ways = {str(w): sum(o.quantity for o in live if o.fulfilment == w) for w in Fulfilment}
    return {"orders": orders, "by_status": dict(by_status), "ways": ways, "twice": ordered_twice(orders),
            "portions": sum(o.quantity for o in live), "cancelled": len(by_status.get(OrderStatus.CANCELLED, []))}


def delivery_sheet(meal: Meal) -> list[dict]:
    """Delivery orders grouped by building, then unit, with what the driver must know."""
    rows = []
    orders = meal_orders(meal)
    twice = ordered_twice(orders)
    for order in orders:
        if order.fulfilment != Fulfilment.DELIVERY or order.status == OrderStatus.CANCELLED:
            continue
        resident = order.resident
        rows.append({"order": order, "resident": resident, "profile": profile_for(resident),
                     "building": resident.building.name if resident.building else "",
                     "unit": resident.unit, "phone": resident.phone or "",
                     "elder": elderly_or_cared(resident, order.served_on), "twice": order.id in twice,
                     "carers": accounts.carers_of(resident)})
    rows.sort(key=lambda r: (r["building"] or "~", r["unit"], r["resident"].name))
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["building"] or row["order"].address, []).append(row)
    return [{"building": name, "rows": items} for name, items in groups.items()]
