"""Kitchens of a community: registered, changed, suspended and resumed by its staff."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from ... import accounts, audit
from ...clock import local_today
from ...database import begin_write, same_community
from ...errors import N_, DomainError, InvalidInput
from ...extensions import db
from ...models import Building, Role, RoleGrant, User
from ...transactions import service
from ..models import ACTIVE, DeliveryArea, Kitchen, KitchenOperator, MealOrder
from ..policy import may
from .common import clean, day_text, find, notify_people, order_link, require_staff


def kitchens(community_id: int) -> list[Kitchen]:
    return list(db.session.scalars(sa.select(Kitchen).where(Kitchen.community_id == community_id).order_by(Kitchen.name)))


def kitchens_run_by(actor: User) -> list[Kitchen]:
    if may(actor, "oversee", actor.community_id):
        return kitchens(actor.community_id)
    return list(db.session.scalars(
        sa.select(Kitchen).join(KitchenOperator, same_community(KitchenOperator.kitchen_id == Kitchen.id))
        .where(KitchenOperator.user_id == actor.id, Kitchen.community_id == actor.community_id)
        .order_by(Kitchen.name)))


def operator_candidates(community_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.KITCHEN, User.community_id == community_id, User.active.is_(True))
        .order_by(User.name)))


def buildings(community_id: int) -> list[Building]:
    return list(db.session.scalars(sa.select(Building).where(Building.community_id == community_id).order_by(Building.name)))


def _kitchen_fields(community_id: int, name: str, address: str, opening_hours: str, building_ids, operator_ids):
    name = clean(name, 50, "name")
    if not name:
        raise InvalidInput(N_("Enter the kitchen's name."), field="name")
    address = clean(address, 200, "address")
    if not address:
        raise InvalidInput(N_("Enter the kitchen's address."), field="address")
    opening_hours = clean(opening_hours, 100, "opening_hours")
    valid_buildings = {b.id for b in buildings(community_id)}
    if set(building_ids) - valid_buildings:
        raise InvalidInput(N_("Choose buildings from the list."), field="buildings")
    valid_operators = {u.id for u in operator_candidates(community_id)}
    if set(operator_ids) - valid_operators:
        raise InvalidInput(N_("Operators must have the kitchen role in this community."), field="operators")
    return name, address, opening_hours


def _name_taken(community_id: int, name: str, kitchen_id: int | None = None) -> None:
    taken = sa.select(Kitchen.id).where(Kitchen.community_id == community_id, Kitchen.name == name)
    if kitchen_id is not None:
        taken = taken.where(Kitchen.id != kitchen_id)
    if db.session.scalar(taken):
        raise InvalidInput(N_("A kitchen with this name already exists."), field="name")


@service
def register_kitchen(actor: User, community_id: int, name: str, address: str, opening_hours: str, delivers: bool,
                     building_ids: list[int], operator_ids: list[int], now: datetime) -> Kitchen:
    require_staff(actor, community_id)
    name, address, opening_hours = _kitchen_fields(community_id, name, address, opening_hours, building_ids,
                                                   operator_ids)
    begin_write()
    _name_taken(community_id, name)
    kitchen = Kitchen(community_id=community_id, name=name, address=address, opening_hours=opening_hours,
                      delivers=bool(delivers), created_at=now)
    kitchen.operators = [KitchenOperator(community_id=community_id, user_id=uid) for uid in sorted(set(operator_ids))]
    kitchen.delivery_areas = [DeliveryArea(community_id=community_id, building_id=bid)
                              for bid in sorted(set(building_ids))] if delivers else []
    db.session.add(kitchen)
    db.session.flush()
    audit.record(actor, "kitchen.registered", kitchen, community_id=community_id, now=now,
                 after={"name": name, "address": address, "operators": sorted(set(operator_ids))})
    return kitchen


@service
def update_kitchen(actor: User, kitchen_id: int, community_id: int, name: str, address: str, opening_hours: str,
                   delivers: bool, building_ids: list[int], operator_ids: list[int], now: datetime) -> Kitchen:
    require_staff(actor, community_id)
    name, address, opening_hours = _kitchen_fields(community_id, name, address, opening_hours, building_ids,
                                                   operator_ids)
    begin_write()
    kitchen = find(Kitchen, kitchen_id, community_id)
    _name_taken(community_id, name, kitchen.id)
    before = {"name": kitchen.name, "address": kitchen.address, "operators": sorted(kitchen.operator_ids),
              "delivers": kitchen.delivers}
    kitchen.name, kitchen.address, kitchen.opening_hours, kitchen.delivers = name, address, opening_hours, bool(delivers)
    wanted_ops = set(operator_ids)
    kitchen.operators = [op for op in kitchen.operators if op.user_id in wanted_ops] + [
        KitchenOperator(community_id=community_id, user_id=uid) for uid in sorted(wanted_ops - kitchen.operator_ids)]
    wanted_areas = set(building_ids) if delivers else set()
    kitchen.delivery_areas = [a for a in kitchen.delivery_areas if a.building_id in wanted_areas] + [
        DeliveryArea(community_id=community_id, building_id=bid) for bid in sorted(wanted_areas - kitchen.building_ids)]
    db.session.flush()
    audit.record(actor, "kitchen.changed", kitchen, community_id=community_id, before=before, now=now,
                 after={"name": name, "address": address, "operators": sorted(wanted_ops), "delivers": bool(delivers)})
    return kitchen


def still_coming(day: date):
    """Orders still on their way (placed, cooking, out for delivery) for a meal on `day` or later."""
    return sa.and_(MealOrder.status.in_([str(status) for status in ACTIVE]), MealOrder.served_on >= day)


@service
def suspend_kitchen(actor: User, kitchen_id: int, community_id: int, reason: str, now: datetime) -> Kitchen:
    """Its meals stop taking orders; everyone with an order still to come is told."""
    require_staff(actor, community_id)
    reason = clean(reason, 200, "reason")
    begin_write()
    kitchen = find(Kitchen, kitchen_id, community_id)
    if kitchen.suspended:
        raise DomainError(N_("This kitchen is already suspended."))
    kitchen.suspended_at, kitchen.suspended_reason = now, reason
    orders = db.session.scalars(sa.select(MealOrder).where(
        MealOrder.community_id == community_id, MealOrder.kitchen_id == kitchen.id,
        still_coming(local_today(now))))
    for order in orders:
        people = [order.resident, *accounts.carers_of(order.resident)]
        notify_people(people, N_("%(kitchen)s is closed for now. Your order for %(day)s may not be served; "
                                 "the community will contact you."), order_link(order.id), now,
                      kitchen=kitchen.name, day=day_text(order.served_on, order.meal.slot))
    audit.record(actor, "kitchen.suspended", kitchen, community_id=community_id, reason=reason, now=now,
                 before={"suspended": False}, after={"suspended": True})
    return kitchen


@service
def resume_kitchen(actor: User, kitchen_id: int, community_id: int, now: datetime) -> Kitchen:
    require_staff(actor, community_id)
    begin_write()
    kitchen = find(Kitchen, kitchen_id, community_id)
    if not kitchen.suspended:
        raise DomainError(N_("This kitchen is not suspended."))
    kitchen.suspended_at, kitchen.suspended_reason = None, ""
    audit.record(actor, "kitchen.resumed", kitchen, community_id=community_id, now=now,
                 before={"suspended": True}, after={"suspended": False})
    return kitchen
