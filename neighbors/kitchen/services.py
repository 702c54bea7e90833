"""The kitchen's rules: the only way its records change. Every public function is one transaction."""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload

from .. import accounts, audit
from ..clock import age_on, local_today, local_to_utc, to_local
from ..database import begin_write
from ..errors import N_, DomainError, InvalidInput, NotAllowed, NotFound
from ..extensions import db
from ..links import Link
from ..models import Building, CarerLink, Role, User
from ..notifications import notify
from ..registry import HiddenRecord
from ..workqueue import QueueItem
from .models import (
    ACTIVE, ELDER_AGE, HANDOVER, SERVED, DeliveryArea, Feedback, Fulfilment, Kitchen, KitchenOperator,
    KitchenSettings, Meal, MealOrder, OrderEvent, OrderStatus, PaymentMethod, ResidentProfile, Slot,
    StandingAttempt, StandingOrder, StandingPause, SubsidyPolicy, SubsidyTier, WelfareCheck,
    XIAMEN_MIN_AGE, XIAMEN_SUBSIDY_FEN,
)

MENU_DAYS = 7
MAX_QUANTITY = 3
MAX_CAPACITY = 500
DEFAULT_DEADLINES = {Slot.LUNCH: time(10, 0), Slot.DINNER: time(16, 0)}
LATEST_DEADLINE = {Slot.LUNCH: time(12, 0), Slot.DINNER: time(18, 0)}
WELFARE_STATUSES = ("dibao", "tekun")  # 低保, 特困
SAFE_HOW = ("seen", "phoned", "family", "other")


class SoldOut(DomainError):
    status = 409


class OrderingClosed(DomainError):
    status = 409


# --- small helpers -----------------------------------------------------------------------

def _day_text(day: date) -> str:
    return day.isoformat()


def _clean(text: str | None, limit: int, field: str, message: str) -> str:
    value = " ".join((text or "").split())
    if len(value) > limit:
        raise InvalidInput(message, field=field, limit=limit)
    return value


def _is_operator(actor: User, kitchen: Kitchen) -> bool:
    return actor.has_role(Role.KITCHEN) and actor.id in kitchen.operator_ids


def can_operate(actor: User, kitchen: Kitchen) -> bool:
    """Operators run their own kitchen; staff of its community can do everything an operator can."""
    return actor.is_staff_of(kitchen.community_id) or (
        actor.community_id == kitchen.community_id and _is_operator(actor, kitchen))


def _require_operator(actor: User, kitchen: Kitchen) -> None:
    if not can_operate(actor, kitchen):
        raise NotAllowed(N_("Only this kitchen's operators or community staff can do that."))


def _require_staff(actor: User, community_id: int) -> None:
    if not actor.is_staff_of(community_id):
        raise NotAllowed(N_("Only staff of this community can do that."))


def _get(model, record_id, community_id: int | None = None):
    record = db.session.get(model, record_id) if record_id is not None else None
    if record is None or (community_id is not None and record.community_id != community_id):
        raise NotFound(N_("That was not found."))
    return record


def _elderly_or_cared(resident: User, day: date) -> bool:
    age = age_on(resident.birth_date, day)
    return resident.needs_care or (age is not None and age >= ELDER_AGE)


def _notify_people(users, message: str, link: str, now: datetime, **params) -> None:
    seen = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        notify(user, message, link=link, now=now, **params)


def order_url(order_id: int) -> str:
    return f"/kitchen/orders/{order_id}"


# --- settings and subsidies --------------------------------------------------------------

def get_settings(community_id: int) -> KitchenSettings:
    """The community's settings, or unsaved defaults (¥12, Xiamen's rule)."""
    found = db.session.scalar(sa.select(KitchenSettings).where(KitchenSettings.community_id == community_id))
    return found or KitchenSettings(community_id=community_id, standard_price_fen=1200, policy=SubsidyPolicy.XIAMEN,
                                    min_meal_fen=1000, once_a_day=True)


def tiers(community_id: int) -> list[SubsidyTier]:
    return list(db.session.scalars(
        sa.select(SubsidyTier).where(SubsidyTier.community_id == community_id)
        .order_by(SubsidyTier.subsidy_fen.desc(), SubsidyTier.id)))


def update_settings(actor: User, community_id: int, standard_price_fen: int, policy: str, min_meal_fen: int,
                    once_a_day: bool, now: datetime) -> KitchenSettings:
    _require_staff(actor, community_id)
    if not isinstance(standard_price_fen, int) or not 100 <= standard_price_fen <= 10000:
        raise InvalidInput(N_("Enter a price between ¥1 and ¥100."), field="standard_price")
    if not isinstance(min_meal_fen, int) or not 0 <= min_meal_fen <= 10000:
        raise InvalidInput(N_("Enter an amount between ¥0 and ¥100."), field="min_meal")
    if policy not in (SubsidyPolicy.XIAMEN, SubsidyPolicy.TIERS):
        raise InvalidInput(N_("Choose a subsidy rule."), field="policy")
    if policy == SubsidyPolicy.TIERS and not tiers(community_id):
        raise InvalidInput(N_("Add at least one tier before using tiers."), field="policy")
    begin_write()
    settings = db.session.scalar(sa.select(KitchenSettings).where(KitchenSettings.community_id == community_id))
    if settings is None:
        settings = get_settings(community_id)
        db.session.add(settings)
    before = _settings_dict(settings)
    settings.standard_price_fen = standard_price_fen
    settings.policy = policy
    settings.min_meal_fen = min_meal_fen
    settings.once_a_day = once_a_day
    settings.updated_at = now
    settings.updated_by_id = actor.id
    db.session.flush()
    audit.record(actor, "kitchen.settings_changed", settings, community_id=community_id, before=before,
                 after=_settings_dict(settings), now=now)
    db.session.commit()
    return settings


def _settings_dict(settings: KitchenSettings) -> dict:
    return {"standard_price_fen": settings.standard_price_fen, "policy": str(settings.policy),
            "min_meal_fen": settings.min_meal_fen, "once_a_day": bool(settings.once_a_day)}


def add_tier(actor: User, community_id: int, label: str, status: str, min_age: int | None, max_age: int | None,
             subsidy_fen: int, now: datetime) -> SubsidyTier:
    _require_staff(actor, community_id)
    label = _clean(label, 50, "label", N_("At most %(limit)s characters."))
    if not label:
        raise InvalidInput(N_("Give the tier a name, e.g. 80岁以上."), field="label")
    if status and status not in WELFARE_STATUSES:
        raise InvalidInput(N_("Choose a status from the list."), field="status")
    for value, name in ((min_age, "min_age"), (max_age, "max_age")):
        if value is not None and not 0 <= value <= 120:
            raise InvalidInput(N_("Enter an age between 0 and 120."), field=name)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise InvalidInput(N_("The lowest age must not be above the highest."), field="max_age")
    if not status and min_age is None and max_age is None:
        raise InvalidInput(N_("A tier needs a status or an age range."), field="status")
    if not isinstance(subsidy_fen, int) or not 1 <= subsidy_fen <= 10000:
        raise InvalidInput(N_("Enter a subsidy between ¥0.01 and ¥100."), field="subsidy")
    begin_write()
    tier = SubsidyTier(community_id=community_id, label=label, status=status or "", min_age=min_age,
                       max_age=max_age, subsidy_fen=subsidy_fen, created_at=now)
    db.session.add(tier)
    db.session.flush()
    audit.record(actor, "kitchen.tier_added", tier, community_id=community_id, now=now,
                 after={"label": label, "status": status, "min_age": min_age, "max_age": max_age,
                        "subsidy_fen": subsidy_fen})
    db.session.commit()
    return tier


def remove_tier(actor: User, community_id: int, tier_id: int, now: datetime) -> None:
    _require_staff(actor, community_id)
    begin_write()
    tier = _get(SubsidyTier, tier_id, community_id)
    settings = get_settings(community_id)
    if settings.policy == SubsidyPolicy.TIERS and len(tiers(community_id)) == 1:
        raise DomainError(N_("This is the last tier. Switch back to Xiamen's rule first."))
    audit.record(actor, "kitchen.tier_removed", tier, community_id=community_id, now=now,
                 before={"label": tier.label, "subsidy_fen": tier.subsidy_fen})
    db.session.delete(tier)
    db.session.commit()


def subsidy_for(resident: User, served_on: date, price_fen: int, subsidised_today: bool) -> tuple[int, dict]:
    """The subsidy on one portion and the rule that gave it (stored with the order)."""
    settings = get_settings(resident.community_id)
    age = age_on(resident.birth_date, served_on)
    rule: dict = {"policy": str(settings.policy), "age": age, "price_fen": price_fen,
                  "min_meal_fen": settings.min_meal_fen}
    if price_fen < settings.min_meal_fen:
        return 0, {**rule, "reason": "below_minimum"}
    if settings.policy == SubsidyPolicy.TIERS:
        status = profile_for(resident).welfare_status
        matching = [tier for tier in tiers(resident.community_id) if tier.matches(age, status)]
        if not matching:
            return 0, {**rule, "reason": "no_tier"}
        best = max(matching, key=lambda tier: tier.subsidy_fen)
        rule.update(tier_id=best.id, tier=best.label, status=status)
        amount = min(best.subsidy_fen, price_fen)
        reason = "tier"
    else:
        if age is None:
            return 0, {**rule, "reason": "no_birth_date"}
        if age < XIAMEN_MIN_AGE:
            return 0, {**rule, "reason": "under_age"}
        amount = min(XIAMEN_SUBSIDY_FEN, price_fen)
        reason = "age_65"
    if settings.once_a_day and subsidised_today:
        return 0, {**rule, "reason": "already_today"}
    return amount, {**rule, "reason": reason, "subsidy_fen": amount}


RULE_TEXTS = {
    "age_65": N_("Xiamen meal assistance: ¥3 off for residents aged 65 and over (once a day)."),
    "tier": N_("Community tier: %(tier)s."),
    "under_age": N_("No subsidy: under 65."),
    "no_birth_date": N_("No subsidy: birth date not recorded. Ask your community worker."),
    "no_tier": N_("No subsidy: no community tier applies."),
    "below_minimum": N_("No subsidy: only meals of at least %(minimum)s are subsidised."),
    "already_today": N_("No subsidy: already used today on another meal."),
}


def describe_rule(rule: dict | None) -> str:
    from flask_babel import gettext

    from ..templating import yuan

    rule = rule or {}
    msgid = RULE_TEXTS.get(rule.get("reason", ""))
    if msgid is None:
        return ""
    return gettext(msgid, tier=rule.get("tier", ""), minimum=yuan(rule.get("min_meal_fen", 0)))


# --- profiles ----------------------------------------------------------------------------

def profile_for(resident: User) -> ResidentProfile:
    found = db.session.scalar(sa.select(ResidentProfile).where(
        ResidentProfile.user_id == resident.id, ResidentProfile.community_id == resident.community_id))
    return found or ResidentProfile(community_id=resident.community_id, user_id=resident.id, dietary_needs="",
                                    emergency_name="", emergency_phone="", welfare_status="")


def _stored_profile(resident: User, now: datetime) -> ResidentProfile:
    profile = db.session.scalar(sa.select(ResidentProfile).where(ResidentProfile.user_id == resident.id))
    if profile is None:
        profile = profile_for(resident)
        profile.updated_at = now
        db.session.add(profile)
    return profile


PHONE_LIKE = re.compile(r"^[0-9+\-() ]{5,20}$")


def update_profile(actor: User, resident: User, dietary_needs: str, emergency_name: str, emergency_phone: str,
                   now: datetime) -> ResidentProfile:
    """The resident, a carer or staff keep diet and emergency contact up to date."""
    if not accounts.can_act_for(actor, resident):
        raise NotAllowed(N_("You cannot act for this person."))
    dietary_needs = _clean(dietary_needs, 200, "dietary_needs", N_("At most %(limit)s characters."))
    emergency_name = _clean(emergency_name, 50, "emergency_name", N_("At most %(limit)s characters."))
    emergency_phone = (emergency_phone or "").strip()
    if emergency_phone and not PHONE_LIKE.match(emergency_phone):
        raise InvalidInput(N_("Enter a phone number, e.g. 13812345678 or 0592-2345678."), field="emergency_phone")
    if emergency_phone and not emergency_name:
        raise InvalidInput(N_("Enter whom to call."), field="emergency_name")
    begin_write()
    profile = _stored_profile(resident, now)
    before = {"dietary_needs": profile.dietary_needs, "emergency_name": profile.emergency_name,
              "emergency_phone": profile.emergency_phone}
    profile.dietary_needs, profile.emergency_name, profile.emergency_phone = dietary_needs, emergency_name, emergency_phone
    profile.updated_at, profile.updated_by_id = now, actor.id
    db.session.flush()
    if actor.id != resident.id:
        audit.record(actor, "kitchen.profile_changed", profile, community_id=resident.community_id, subject=resident,
                     before=before, after={"dietary_needs": dietary_needs, "emergency_name": emergency_name,
                                           "emergency_phone": emergency_phone}, now=now)
    db.session.commit()
    return profile


def set_welfare_status(actor: User, resident: User, status: str, now: datetime) -> ResidentProfile:
    """低保 / 特困 is set by staff only: it decides tier subsidies."""
    _require_staff(actor, resident.community_id)
    if status and status not in WELFARE_STATUSES:
        raise InvalidInput(N_("Choose a status from the list."), field="welfare_status")
    begin_write()
    profile = _stored_profile(resident, now)
    before = profile.welfare_status
    profile.welfare_status = status or ""
    profile.updated_at, profile.updated_by_id = now, actor.id
    db.session.flush()
    audit.record(actor, "kitchen.welfare_status_changed", profile, community_id=resident.community_id,
                 subject=resident, before={"welfare_status": before}, after={"welfare_status": profile.welfare_status},
                 now=now)
    db.session.commit()
    return profile


# --- kitchens ----------------------------------------------------------------------------

def kitchens(community_id: int) -> list[Kitchen]:
    return list(db.session.scalars(sa.select(Kitchen).where(Kitchen.community_id == community_id).order_by(Kitchen.name)))


def kitchens_run_by(actor: User) -> list[Kitchen]:
    if actor.is_staff_of(actor.community_id):
        return kitchens(actor.community_id)
    return list(db.session.scalars(
        sa.select(Kitchen).join(KitchenOperator, KitchenOperator.kitchen_id == Kitchen.id)
        .where(KitchenOperator.user_id == actor.id, Kitchen.community_id == actor.community_id)
        .order_by(Kitchen.name)))


def operator_candidates(community_id: int) -> list[User]:
    from ..models import RoleGrant

    return list(db.session.scalars(
        sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.KITCHEN, User.community_id == community_id, User.active.is_(True))
        .order_by(User.name)))


def buildings(community_id: int) -> list[Building]:
    return list(db.session.scalars(sa.select(Building).where(Building.community_id == community_id).order_by(Building.name)))


def _kitchen_fields(community_id: int, name: str, address: str, opening_hours: str, building_ids, operator_ids):
    name = _clean(name, 50, "name", N_("At most %(limit)s characters."))
    if not name:
        raise InvalidInput(N_("Enter the kitchen's name."), field="name")
    address = _clean(address, 200, "address", N_("At most %(limit)s characters."))
    if not address:
        raise InvalidInput(N_("Enter the kitchen's address."), field="address")
    opening_hours = _clean(opening_hours, 100, "opening_hours", N_("At most %(limit)s characters."))
    valid_buildings = {b.id for b in buildings(community_id)}
    if set(building_ids) - valid_buildings:
        raise InvalidInput(N_("Choose buildings from the list."), field="buildings")
    valid_operators = {u.id for u in operator_candidates(community_id)}
    if set(operator_ids) - valid_operators:
        raise InvalidInput(N_("Operators must have the kitchen role in this community."), field="operators")
    return name, address, opening_hours


def register_kitchen(actor: User, community_id: int, name: str, address: str, opening_hours: str, delivers: bool,
                     building_ids: list[int], operator_ids: list[int], now: datetime) -> Kitchen:
    _require_staff(actor, community_id)
    name, address, opening_hours = _kitchen_fields(community_id, name, address, opening_hours, building_ids,
                                                   operator_ids)
    begin_write()
    if db.session.scalar(sa.select(Kitchen.id).where(Kitchen.community_id == community_id, Kitchen.name == name)):
        raise InvalidInput(N_("A kitchen with this name already exists."), field="name")
    kitchen = Kitchen(community_id=community_id, name=name, address=address, opening_hours=opening_hours,
                      delivers=bool(delivers), created_at=now)
    kitchen.operators = [KitchenOperator(community_id=community_id, user_id=uid) for uid in sorted(set(operator_ids))]
    kitchen.delivery_areas = [DeliveryArea(community_id=community_id, building_id=bid)
                              for bid in sorted(set(building_ids))] if delivers else []
    db.session.add(kitchen)
    db.session.flush()
    audit.record(actor, "kitchen.registered", kitchen, community_id=community_id, now=now,
                 after={"name": name, "address": address, "operators": sorted(set(operator_ids))})
    db.session.commit()
    return kitchen


def update_kitchen(actor: User, kitchen_id: int, community_id: int, name: str, address: str, opening_hours: str,
                   delivers: bool, building_ids: list[int], operator_ids: list[int], now: datetime) -> Kitchen:
    _require_staff(actor, community_id)
    name, address, opening_hours = _kitchen_fields(community_id, name, address, opening_hours, building_ids,
                                                   operator_ids)
    begin_write()
    kitchen = _get(Kitchen, kitchen_id, community_id)
    clash = db.session.scalar(sa.select(Kitchen.id).where(Kitchen.community_id == community_id, Kitchen.name == name,
                                                           Kitchen.id != kitchen.id))
    if clash:
        raise InvalidInput(N_("A kitchen with this name already exists."), field="name")
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
    db.session.commit()
    return kitchen


def _still_coming(day: date):
    """Orders still on their way (placed, cooking, out for delivery) for a meal on `day` or later."""
    return sa.and_(MealOrder.status.in_([str(status) for status in ACTIVE]), MealOrder.served_on >= day)


def suspend_kitchen(actor: User, kitchen_id: int, community_id: int, reason: str, now: datetime) -> Kitchen:
    """Its meals stop taking orders; everyone with an order still to come is told."""
    _require_staff(actor, community_id)
    reason = _clean(reason, 200, "reason", N_("At most %(limit)s characters."))
    begin_write()
    kitchen = _get(Kitchen, kitchen_id, community_id)
    if kitchen.suspended:
        raise DomainError(N_("This kitchen is already suspended."))
    kitchen.suspended_at, kitchen.suspended_reason = now, reason
    orders = db.session.scalars(sa.select(MealOrder).where(
        MealOrder.community_id == community_id, MealOrder.kitchen_id == kitchen.id,
        _still_coming(local_today(now))))
    for order in orders:
        people = [order.resident, *accounts.carers_of(order.resident)]
        _notify_people(people, N_("%(kitchen)s is closed for now. Your order for %(day)s may not be served; "
                                  "the community will contact you."), order_url(order.id), now,
                       kitchen=kitchen.name, day=_day_text(order.served_on))
    audit.record(actor, "kitchen.suspended", kitchen, community_id=community_id, reason=reason, now=now,
                 before={"suspended": False}, after={"suspended": True})
    db.session.commit()
    return kitchen


def resume_kitchen(actor: User, kitchen_id: int, community_id: int, now: datetime) -> Kitchen:
    _require_staff(actor, community_id)
    begin_write()
    kitchen = _get(Kitchen, kitchen_id, community_id)
    if not kitchen.suspended:
        raise DomainError(N_("This kitchen is not suspended."))
    kitchen.suspended_at, kitchen.suspended_reason = None, ""
    audit.record(actor, "kitchen.resumed", kitchen, community_id=community_id, now=now,
                 before={"suspended": True}, after={"suspended": False})
    db.session.commit()
    return kitchen


# --- meals -------------------------------------------------------------------------------

def default_deadline(served_on: date, slot: str) -> datetime:
    return local_to_utc(served_on, DEFAULT_DEADLINES[Slot(slot)])


# A list of meals or orders shows the kitchen's name, not its operators or delivery areas (each of which is
# another query), and the resident's name, not their role grants.
KITCHEN_NAME = (lazyload(Kitchen.operators), lazyload(Kitchen.delivery_areas))
MEAL_CARD = (joinedload(Meal.kitchen).options(*KITCHEN_NAME),)
ORDER_ROW = (joinedload(MealOrder.meal).joinedload(Meal.kitchen).options(*KITCHEN_NAME),
             joinedload(MealOrder.resident).lazyload(User.role_grants))


def upcoming_meals(community_id: int, now: datetime, days: int = MENU_DAYS) -> list[Meal]:
    today = local_today(now)
    return list(db.session.scalars(
        sa.select(Meal).join(Kitchen, Kitchen.id == Meal.kitchen_id)
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
        text = _clean(value, 50, field, N_("At most %(limit)s characters."))
        if not text:
            raise InvalidInput(N_("Enter the dish."), field=field)
        cleaned.append(text)
    return tuple(cleaned)


def publish_meal(actor: User, kitchen_id: int, served_on: date, slot: str, meat: str, vegetable: str, soup: str,
                 capacity: int, now: datetime, order_deadline: datetime | None = None,
                 price_fen: int | None = None) -> Meal:
    kitchen = _get(Kitchen, kitchen_id, actor.community_id if not actor.is_admin else None)
    _require_operator(actor, kitchen)
    if kitchen.suspended:
        raise DomainError(N_("This kitchen is suspended and cannot publish meals."))
    if slot not in (Slot.LUNCH, Slot.DINNER):
        raise InvalidInput(N_("Choose lunch or dinner."), field="slot")
    today = local_today(now)
    if served_on is None or served_on < today:
        raise InvalidInput(N_("Choose today or a later day."), field="served_on")
    if served_on > today + timedelta(days=60):
        raise InvalidInput(N_("Meals can be published at most 60 days ahead."), field="served_on")
    meat, vegetable, soup = _check_dishes(meat, vegetable, soup)
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(N_("Enter between 1 and %(most)s portions."), field="capacity", most=MAX_CAPACITY)
    deadline = order_deadline or default_deadline(served_on, slot)
    if deadline.tzinfo is None:
        raise InvalidInput(N_("Enter a valid time."), field="order_deadline")
    if deadline <= now:
        raise InvalidInput(N_("The order deadline must be in the future."), field="order_deadline")
    if deadline > local_to_utc(served_on, LATEST_DEADLINE[Slot(slot)]):
        raise InvalidInput(N_("The order deadline must be before the meal is served."), field="order_deadline")
    settings = get_settings(kitchen.community_id)
    price = price_fen if price_fen is not None else settings.standard_price_fen
    begin_write()
    if db.session.scalar(sa.select(Meal.id).where(Meal.kitchen_id == kitchen.id, Meal.served_on == served_on,
                                                  Meal.slot == slot)):
        raise InvalidInput(N_("There is already a meal for this day and slot."), field="served_on")
    meal = Meal(community_id=kitchen.community_id, kitchen_id=kitchen.id, served_on=served_on, slot=str(slot),
                meat=meat, vegetable=vegetable, soup=soup, capacity=capacity, sold=0, price_fen=price,
                order_deadline=deadline, published_by_id=actor.id, created_at=now)
    db.session.add(meal)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(N_("There is already a meal for this day and slot."), field="served_on") from None
    db.session.commit()
    place_standing_orders(now, meal_ids=[meal.id])
    return meal


def copy_last_week(actor: User, kitchen_id: int, now: datetime) -> list[Meal]:
    """Publish last week's menu again, day for day, for the coming week (days already set are kept)."""
    kitchen = _get(Kitchen, kitchen_id, actor.community_id if not actor.is_admin else None)
    _require_operator(actor, kitchen)
    if kitchen.suspended:
        raise DomainError(N_("This kitchen is suspended and cannot publish meals."))
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
    db.session.commit()
    place_standing_orders(now, meal_ids=[m.id for m in made])
    return made


def set_capacity(actor: User, meal_id: int, capacity: int, now: datetime) -> Meal:
    meal = _get(Meal, meal_id, actor.community_id if not actor.is_admin else None)
    _require_operator(actor, meal.kitchen)
    if not isinstance(capacity, int) or not 0 <= capacity <= MAX_CAPACITY:
        raise InvalidInput(N_("Enter between 1 and %(most)s portions."), field="capacity", most=MAX_CAPACITY)
    begin_write()
    result = db.session.execute(
        sa.update(Meal).where(Meal.id == meal.id, Meal.community_id == meal.community_id, Meal.sold <= capacity)
        .values(capacity=capacity).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(meal)
        raise InvalidInput(N_("%(sold)s portions are already ordered; capacity cannot be lower."), field="capacity",
                           sold=meal.sold)
    db.session.commit()
    db.session.refresh(meal)
    return meal


def close_ordering(actor: User, meal_id: int, now: datetime) -> Meal:
    meal = _get(Meal, meal_id, actor.community_id if not actor.is_admin else None)
    _require_operator(actor, meal.kitchen)
    begin_write()
    db.session.refresh(meal)
    if meal.cancelled_at is not None or meal.closed_at is not None or now >= meal.order_deadline:
        raise DomainError(N_("Ordering for this meal is already closed."))
    meal.closed_at = now
    db.session.commit()
    return meal


def cancel_meal(actor: User, meal_id: int, reason: str, now: datetime) -> Meal:
    """Every order is cancelled and its resident (and carers) told."""
    meal = _get(Meal, meal_id, actor.community_id if not actor.is_admin else None)
    _require_operator(actor, meal.kitchen)
    reason = _clean(reason, 200, "reason", N_("At most %(limit)s characters."))
    begin_write()
    db.session.refresh(meal)
    if meal.cancelled_at is not None:
        raise DomainError(N_("This meal is already cancelled."))
    meal.cancelled_at, meal.cancel_reason = now, reason
    for order in meal_orders(meal):
        if order.status in (OrderStatus.PLACED, OrderStatus.COOKING):
            _cancel(order, actor, now)
            people = [order.resident, *accounts.carers_of(order.resident)]
            _notify_people(people, N_("The meal for %(day)s was cancelled by the kitchen. Your order is cancelled."),
                           order_url(order.id), now, day=_day_text(meal.served_on))
    audit.record(actor, "kitchen.meal_cancelled", meal, community_id=meal.community_id, reason=reason, now=now)
    db.session.commit()
    return meal


# --- ordering ----------------------------------------------------------------------------

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


def _refusal(meal: Meal, quantity: int, now: datetime) -> DomainError:
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
    note = _clean(note, 100, "note", N_("At most %(limit)s characters."))
    address = _clean(address, 200, "address", N_("At most %(limit)s characters."))
    if fulfilment == Fulfilment.DELIVERY:
        if not kitchen.delivers:
            raise InvalidInput(N_("This kitchen does not deliver. Choose dine-in or pick-up."), field="fulfilment")
        if not kitchen.delivers_to(resident.building_id):
            raise InvalidInput(N_("This kitchen does not deliver to %(name)s's building."), field="fulfilment",
                               name=resident.name)
        address = address or resident.address
        if not address:
            raise InvalidInput(N_("Enter the delivery address."), field="address")
    else:
        address = ""
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


def _place(actor: User, meal: Meal, resident: User, quantity: int, fulfilment: str, address: str, note: str,
           submission_key: str, now: datetime, standing_order_id: int | None = None) -> MealOrder | None:
    """Inside a write transaction: take portions with one conditional UPDATE, then insert the order."""
    address, note = check_order_input(meal.kitchen, resident, quantity, fulfilment, address, note)
    if not meal.is_open(now) or meal.portions_left < quantity:
        # already refused by what was committed when the meal was read: say so without queueing for its row
        raise _refusal(meal, quantity, now)
    # everything that reads is done before the UPDATE: from it to the commit, others ordering this meal wait
    subsidy, rule = subsidy_for(resident, meal.served_on, meal.price_fen, _subsidised_today(resident, meal.served_on))
    taken = db.session.execute(
        sa.update(Meal)
        .where(Meal.id == meal.id, Meal.community_id == resident.community_id,
               Meal.sold + quantity <= Meal.capacity, Meal.cancelled_at.is_(None), Meal.closed_at.is_(None),
               Meal.order_deadline > now,
               Meal.kitchen_id.in_(sa.select(Kitchen.id).where(Kitchen.suspended_at.is_(None))))
        .values(sold=Meal.sold + quantity)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.refresh(meal)
        raise _refusal(meal, quantity, now)
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
        notify(resident, N_("%(actor)s ordered a meal for you for %(day)s."), link=order_url(placed.id), now=now,
               actor=actor.name, day=_day_text(meal.served_on))
    db.session.expire(meal)
    return placed


def place_order(actor: User, meal_id: int, for_user: User, quantity: int, fulfilment: str, address: str, note: str,
                submission_key: str, now: datetime) -> MealOrder:
    """Order a meal for oneself or someone one acts for. The same submission key makes one order."""
    begin_write()
    existing = order_by_key(for_user.community_id, submission_key)
    if existing is not None:
        db.session.rollback()
        if existing.placed_by_id != actor.id:
            raise DomainError(N_("Please try again."))
        return existing
    if not accounts.can_act_for(actor, for_user):
        raise NotAllowed(N_("You cannot act for this person."), field="for_user")
    meal = _get(Meal, meal_id)
    if meal.community_id != for_user.community_id:
        raise NotAllowed(N_("Meals are for residents of the kitchen's own community."))
    try:
        order = _place(actor, meal, for_user, quantity, fulfilment, address, note, submission_key, now)
    except DomainError:
        db.session.rollback()
        raise
    if order is None:  # the same form won a moment ago on another server: give the portions back
        db.session.rollback()
        found = order_by_key(for_user.community_id, submission_key)
        if found is None or found.placed_by_id != actor.id:
            raise DomainError(N_("Please try again."))
        return found
    db.session.commit()
    return order


def order_again(actor: User, order_id: int, meal_id: int, submission_key: str, now: datetime) -> MealOrder:
    """The same quantity, way and note as a past order, for another meal."""
    previous = _get(MealOrder, order_id, actor.community_id if not actor.is_admin else None)
    return place_order(actor, meal_id, previous.resident, previous.quantity, previous.fulfilment, previous.address,
                       previous.note, submission_key, now)


def _move(order: MealOrder, to_status: str, actor: User | None, now: datetime) -> None:
    """The one place an order changes status: checks TRANSITIONS, moves it only if nobody else did, logs it."""
    if not order.can(to_status):
        raise DomainError(N_("This order cannot be changed that way now."))
    moved = db.session.execute(
        sa.update(MealOrder).where(MealOrder.id == order.id, MealOrder.status == order.status)
        .values(status=str(to_status)).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise DomainError(N_("Someone changed this order a moment ago. Reload the page."))
    db.session.add(OrderEvent(community_id=order.community_id, order_id=order.id, from_status=order.status,
                              to_status=str(to_status), actor_id=actor.id if actor else None, at=now))
    order.status = str(to_status)
    db.session.flush()


def _cancel(order: MealOrder, actor: User, now: datetime) -> None:
    _move(order, OrderStatus.CANCELLED, actor, now)
    order.cancelled_at, order.cancelled_by_id = now, actor.id
    db.session.execute(
        sa.update(Meal).where(Meal.id == order.meal_id, Meal.sold >= order.quantity)
        .values(sold=Meal.sold - order.quantity).execution_options(synchronize_session=False))
    db.session.flush()


def can_cancel(actor: User, order: MealOrder, now: datetime) -> bool:
    if not order.can(OrderStatus.CANCELLED):
        return False
    if can_operate(actor, order.meal.kitchen):
        return True
    return (order.status == OrderStatus.PLACED and now < order.meal.order_deadline
            and accounts.can_act_for(actor, order.resident))


def cancel_order(actor: User, order_id: int, now: datetime) -> MealOrder:
    """Before the deadline the resident (or carer) cancels; after it only the kitchen or staff."""
    begin_write()
    order = _get(MealOrder, order_id, actor.community_id if not actor.is_admin else None)
    if not accounts.can_act_for(actor, order.resident) and not can_operate(actor, order.meal.kitchen):
        raise NotAllowed(N_("You cannot act for this person."))
    if not order.can(OrderStatus.CANCELLED):
        raise DomainError(N_("This order can no longer be cancelled."))
    if not can_cancel(actor, order, now):
        raise DomainError(N_("The order deadline has passed. Please call the kitchen to cancel."))
    _cancel(order, actor, now)
    if actor.id != order.resident_id:
        notify(order.resident, N_("Your meal order for %(day)s was cancelled by %(actor)s."), link=order_url(order.id),
               now=now, day=_day_text(order.served_on), actor=actor.name)
    db.session.commit()
    return order


def advance_order(actor: User, order_id: int, to_status: str, now: datetime,
                  payment_method: str | None = None) -> MealOrder:
    """The operator's one-tap moves: cooking, out for delivery, delivered, picked up, no-show, no answer."""
    begin_write()
    order = _get(MealOrder, order_id, actor.community_id if not actor.is_admin else None)
    _require_operator(actor, order.meal.kitchen)
    if to_status == OrderStatus.CANCELLED:
        raise DomainError(N_("Use the cancel button to cancel an order."))
    try:
        to_status = OrderStatus(to_status)
    except ValueError:
        raise InvalidInput(N_("This order cannot be changed that way now.")) from None
    if to_status in HANDOVER:
        if payment_method not in {m.value for m in PaymentMethod}:
            raise InvalidInput(N_("Choose how the resident paid."), field="payment_method")
    _move(order, to_status, actor, now)
    if to_status in HANDOVER:
        order.payment_method, order.paid_at = payment_method, now
    if to_status == OrderStatus.OUT_FOR_DELIVERY:
        notify(order.resident, N_("Your meal for %(day)s is on its way."), link=order_url(order.id), now=now,
               day=_day_text(order.served_on))
    if to_status == OrderStatus.NO_ANSWER:
        _raise_welfare_check(order, actor, now)
    db.session.commit()
    return order


# --- welfare checks ----------------------------------------------------------------------

def _raise_welfare_check(order: MealOrder, actor: User, now: datetime) -> WelfareCheck | None:
    resident = order.resident
    if not _elderly_or_cared(resident, order.served_on):
        return None
    if db.session.scalar(sa.select(WelfareCheck.id).where(WelfareCheck.order_id == order.id)):
        return None
    check = WelfareCheck(community_id=order.community_id, order_id=order.id, resident_id=resident.id,
                         raised_by_id=actor.id, raised_at=now)
    db.session.add(check)
    db.session.flush()
    link = f"/kitchen/manage/welfare/{check.id}"
    people = [*accounts.carers_of(resident), *accounts.staff_of(order.community_id)]
    _notify_people([p for p in people if p.id != resident.id],
                   N_("URGENT: nobody answered when %(name)s's meal was delivered to %(address)s. "
                      "Please check that %(name)s is safe."), link, now, name=resident.name, address=order.address)
    audit.record(actor, "kitchen.welfare_check_raised", check, community_id=order.community_id, subject=resident,
                 now=now)
    return check


def open_welfare_checks(community_id: int) -> list[WelfareCheck]:
    return list(db.session.scalars(
        sa.select(WelfareCheck).where(WelfareCheck.community_id == community_id, WelfareCheck.resolved_at.is_(None))
        .order_by(WelfareCheck.raised_at)))


def can_record_safe(actor: User, check: WelfareCheck) -> bool:
    return (actor.is_staff_of(check.community_id) or
            (actor.id != check.resident_id and accounts.can_act_for(actor, check.resident)) or
            can_operate(actor, check.order.meal.kitchen))


def record_safe(actor: User, check_id: int, how: str, note: str, now: datetime) -> WelfareCheck:
    """Close a welfare check: who saw or reached the resident, when, and how."""
    begin_write()
    check = _get(WelfareCheck, check_id, actor.community_id if not actor.is_admin else None)
    if not can_record_safe(actor, check):
        raise NotAllowed(N_("Only staff, the resident's carers or the kitchen can record this."))
    if how not in SAFE_HOW:
        raise InvalidInput(N_("Choose how you know the resident is safe."), field="how")
    note = _clean(note, 200, "note", N_("At most %(limit)s characters."))
    if how == "other" and not note:
        raise InvalidInput(N_("Say how you know the resident is safe."), field="note")
    resolved = db.session.execute(
        sa.update(WelfareCheck).where(WelfareCheck.id == check.id, WelfareCheck.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, how=how, note=note)
        .execution_options(synchronize_session=False))
    if resolved.rowcount != 1:
        raise DomainError(N_("Someone already recorded that this resident is safe."))
    db.session.expire(check)
    audit.record(actor, "kitchen.welfare_check_resolved", check, community_id=check.community_id,
                 subject=check.resident, after={"how": how, "note": note}, now=now)
    people = [*accounts.carers_of(check.resident), *accounts.staff_of(check.community_id)]
    _notify_people([p for p in people if p.id not in (actor.id, check.resident_id)],
                   N_("%(actor)s recorded that %(name)s is safe."), f"/kitchen/manage/welfare/{check.id}", now,
                   actor=actor.name, name=check.resident.name)
    db.session.commit()
    return check


# --- standing orders ---------------------------------------------------------------------

def parse_weekdays(days) -> str:
    values = sorted({int(d) for d in days if str(d).isdecimal() and 0 <= int(d) <= 6})
    if not values:
        raise InvalidInput(N_("Choose at least one day of the week."), field="weekdays")
    return "".join(str(d) for d in values)


def create_standing_order(actor: User, for_user: User, kitchen_id: int, weekdays, slot: str, fulfilment: str,
                          quantity: int, address: str, note: str, now: datetime) -> StandingOrder:
    if not accounts.can_act_for(actor, for_user):
        raise NotAllowed(N_("You cannot act for this person."), field="for_user")
    kitchen = _get(Kitchen, kitchen_id, for_user.community_id)
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
        notify(for_user, N_("%(actor)s set up a standing meal order for you."), link="/kitchen/standing/", now=now,
               actor=actor.name)
    db.session.commit()
    place_standing_orders(now, standing_ids=[standing.id])
    return standing


def standing_orders_for(actor: User) -> list[StandingOrder]:
    people = [p.id for p in accounts.people_i_can_act_for(actor)]
    return list(db.session.scalars(
        sa.select(StandingOrder).where(StandingOrder.community_id == actor.community_id,
                                       StandingOrder.resident_id.in_(people))
        .order_by(StandingOrder.ended_at.is_not(None), StandingOrder.id.desc())))


def _standing(actor: User, standing_id: int) -> StandingOrder:
    standing = _get(StandingOrder, standing_id, actor.community_id if not actor.is_admin else None)
    if not accounts.can_act_for(actor, standing.resident):
        raise NotAllowed(N_("You cannot act for this person."))
    return standing


def pause_standing_order(actor: User, standing_id: int, from_day: date, to_day: date, now: datetime) -> StandingOrder:
    """No meals on these days (hospital, visiting family); orders already placed for them are cancelled."""
    standing = _standing(actor, standing_id)
    if not standing.active:
        raise DomainError(N_("This standing order has ended."))
    if from_day is None or to_day is None:
        raise InvalidInput(N_("Enter both days."), field="from_day")
    if from_day > to_day:
        raise InvalidInput(N_("The last day must not be before the first."), field="to_day")
    if to_day < local_today(now):
        raise InvalidInput(N_("Choose days from today on."), field="to_day")
    if (to_day - from_day).days > 366:
        raise InvalidInput(N_("Pause for at most a year; end the standing order instead."), field="to_day")
    begin_write()
    db.session.add(StandingPause(community_id=standing.community_id, standing_order_id=standing.id,
                                 from_day=from_day, to_day=to_day))
    for order in db.session.scalars(sa.select(MealOrder).where(
            MealOrder.community_id == standing.community_id, MealOrder.standing_order_id == standing.id,
            MealOrder.served_on >= from_day, MealOrder.served_on <= to_day,
            MealOrder.status == OrderStatus.PLACED)):
        if can_cancel(actor, order, now):
            _cancel(order, actor, now)
    db.session.commit()
    return standing


def end_standing_order(actor: User, standing_id: int, now: datetime) -> StandingOrder:
    standing = _standing(actor, standing_id)
    begin_write()
    if standing.ended_at is not None:
        raise DomainError(N_("This standing order has ended."))
    standing.ended_at = now
    db.session.commit()
    return standing


REFUSAL_OUTCOMES = {SoldOut: "sold_out", OrderingClosed: "closed"}


def _attempt(standing: StandingOrder, meal: Meal, now: datetime) -> bool:
    """Try one (standing order, meal) pair once, ever: the attempt row's unique key decides."""
    begin_write()
    attempt = StandingAttempt(community_id=standing.community_id, standing_order_id=standing.id, meal_id=meal.id,
                              outcome="pending", at=now)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        db.session.rollback()
        return False
    placer = db.session.get(User, standing.created_by_id) or standing.resident
    if not accounts.can_act_for(placer, standing.resident):
        placer = standing.resident
    try:
        order = _place(placer, meal, standing.resident, standing.quantity, standing.fulfilment, standing.address,
                       standing.note, f"standing-{standing.id}-{meal.id}", now, standing_order_id=standing.id)
        attempt.outcome, attempt.order_id = "placed", order.id if order else None
    except DomainError as refusal:
        attempt.outcome = REFUSAL_OUTCOMES.get(type(refusal), "refused")
        people = [standing.resident, *accounts.carers_of(standing.resident)]
        message = {"sold_out": N_("Your standing meal order for %(day)s could not be placed: it is sold out."),
                   "closed": N_("Your standing meal order for %(day)s could not be placed: ordering has closed.")}.get(
            attempt.outcome, N_("Your standing meal order for %(day)s could not be placed. Please order by hand."))
        _notify_people(people, message, f"/kitchen/meals/{meal.id}", now, day=_day_text(meal.served_on))
    db.session.commit()
    return True


def standing_orders_job(now: datetime) -> int:
    """Every minute: place what standing orders ask for; a second run (or server) finds nothing left."""
    return place_standing_orders(now)


def place_standing_orders(now: datetime, meal_ids: list[int] | None = None, standing_ids: list[int] | None = None) -> int:
    """Order every open meal that matches an active standing order and has not been tried yet."""
    today = local_today(now)
    meals_query = (sa.select(Meal).join(Kitchen, Kitchen.id == Meal.kitchen_id)
                   .where(Meal.served_on >= today, Meal.served_on < today + timedelta(days=14),
                          Meal.cancelled_at.is_(None), Meal.closed_at.is_(None), Meal.order_deadline > now,
                          Kitchen.suspended_at.is_(None)))
    if meal_ids is not None:
        meals_query = meals_query.where(Meal.id.in_(meal_ids))
    meals = list(db.session.scalars(meals_query))
    if not meals:
        return 0
    standing_query = sa.select(StandingOrder).where(StandingOrder.ended_at.is_(None),
                                                    StandingOrder.kitchen_id.in_({m.kitchen_id for m in meals}))
    if standing_ids is not None:
        standing_query = standing_query.where(StandingOrder.id.in_(standing_ids))
    standing = list(db.session.scalars(standing_query))
    tried = set(db.session.execute(sa.select(StandingAttempt.standing_order_id, StandingAttempt.meal_id).where(
        StandingAttempt.meal_id.in_([m.id for m in meals]))).all())
    done = 0
    for meal in meals:
        for pattern in standing:
            if (pattern.kitchen_id == meal.kitchen_id and pattern.community_id == meal.community_id
                    and (pattern.id, meal.id) not in tried and pattern.wants(meal.served_on, meal.slot)):
                done += int(_attempt(pattern, meal, now))
    db.session.commit()
    return done


# --- feedback ----------------------------------------------------------------------------

def leave_feedback(actor: User, order_id: int, rating: int, comment: str, now: datetime) -> Feedback:
    order = _get(MealOrder, order_id, actor.community_id if not actor.is_admin else None)
    if not accounts.can_act_for(actor, order.resident):
        raise NotAllowed(N_("You cannot act for this person."))
    if order.status not in SERVED:
        raise DomainError(N_("You can rate a meal after you have received it."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(N_("Choose 1 to 5 stars."), field="rating")
    comment = _clean(comment, 300, "comment", N_("At most %(limit)s characters."))
    begin_write()
    if db.session.scalar(sa.select(Feedback.id).where(Feedback.order_id == order.id)):
        raise DomainError(N_("This meal has already been rated. Thank you!"))
    feedback = Feedback(community_id=order.community_id, kitchen_id=order.kitchen_id, order_id=order.id,
                        resident_id=order.resident_id, rating=rating, comment=comment, created_at=now)
    db.session.add(feedback)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(N_("This meal has already been rated. Thank you!")) from None
    db.session.commit()
    return feedback


def feedback_for_order(order: MealOrder) -> Feedback | None:
    return db.session.scalar(sa.select(Feedback).where(Feedback.order_id == order.id))


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


def hide_feedback(actor: User, feedback_id: int, reason: str, now: datetime) -> Feedback:
    feedback = _get(Feedback, feedback_id, actor.community_id if not actor.is_admin else None)
    _require_staff(actor, feedback.community_id)
    reason = _clean(reason, 200, "reason", N_("At most %(limit)s characters."))
    if not reason:
        raise InvalidInput(N_("Say why the comment is hidden."), field="reason")
    begin_write()
    if feedback.hidden_at is not None:
        raise DomainError(N_("This comment is already hidden."))
    feedback.hidden_at, feedback.hidden_by_id, feedback.hidden_reason = now, actor.id, reason
    feedback.acknowledged_at = feedback.acknowledged_at or now
    feedback.acknowledged_by_id = feedback.acknowledged_by_id or actor.id
    audit.record(actor, "kitchen.comment_hidden", feedback, community_id=feedback.community_id,
                 subject=feedback.resident, before={"comment": feedback.comment, "rating": feedback.rating},
                 after={"hidden": True}, reason=reason, now=now)
    notify(feedback.resident, N_("Community staff hid your comment on a meal. Reason: %(reason)s"),
           link=f"/kitchen/orders/{feedback.order_id}#appeal", now=now, reason=reason)
    db.session.commit()
    return feedback


# --- appeals against a hidden comment (registered with neighbors.appeals) --------------------

def _hidden_feedback(feedback_id: int) -> HiddenRecord | None:
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None:
        return None
    return HiddenRecord(community_id=feedback.community_id, author_ids=frozenset({feedback.resident_id}),
                                hidden=feedback.hidden_at is not None, reason=feedback.hidden_reason)


def _describe_feedback(community_id: int, feedback_ids: list[int]) -> dict[int, tuple[str, Link]]:
    rows = db.session.execute(sa.select(Feedback.id, Feedback.rating, Feedback.comment, Feedback.order_id).where(
        Feedback.community_id == community_id, Feedback.id.in_(feedback_ids)))
    return {feedback_id: (f"{'★' * rating} {comment}".strip(), Link("kitchen.order_page", order_id=order_id))
            for feedback_id, rating, comment, order_id in rows}


def _reinstate_feedback(actor: User, feedback_id: int, now: datetime) -> None:
    """Staff show a hidden comment again after an appeal; flushes only (the appeal's decision commits)."""
    begin_write()
    feedback = db.session.scalar(sa.select(Feedback).where(Feedback.id == feedback_id).with_for_update(of=Feedback))
    if feedback is None or not actor.is_staff_of(feedback.community_id):
        raise NotFound(N_("That was not found."))
    if feedback.hidden_at is None:
        raise DomainError(N_("This comment is no longer hidden."))
    audit.record(actor, "kitchen.comment_reinstated", feedback, community_id=feedback.community_id,
                 subject=feedback.resident, before={"hidden": True, "reason": feedback.hidden_reason},
                 after={"hidden": False}, now=now)
    feedback.hidden_at, feedback.hidden_by_id, feedback.hidden_reason = None, None, ""
    db.session.flush()


def acknowledge_feedback(actor: User, feedback_id: int, now: datetime) -> Feedback:
    """Staff have read a low rating and taken it up with the kitchen."""
    feedback = _get(Feedback, feedback_id, actor.community_id if not actor.is_admin else None)
    _require_staff(actor, feedback.community_id)
    begin_write()
    if feedback.acknowledged_at is None:
        feedback.acknowledged_at, feedback.acknowledged_by_id = now, actor.id
        audit.record(actor, "kitchen.rating_acknowledged", feedback, community_id=feedback.community_id, now=now)
    db.session.commit()
    return feedback


# --- orders: lists -----------------------------------------------------------------------

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
        query = query.where(_still_coming(coming_from))
    return list(db.session.scalars(
        query.options(*ORDER_ROW).order_by(MealOrder.served_on.desc(), MealOrder.id.desc()).limit(limit)))


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


def meal_day(meal: Meal) -> dict:
    """The operator's view of one meal: orders by status and counts by way of getting it."""
    orders = meal_orders(meal)
    live = [o for o in orders if o.status != OrderStatus.CANCELLED]
    by_status: dict[str, list[MealOrder]] = defaultdict(list)
    for order in orders:
        by_status[order.status].append(order)
    ways = {str(w): sum(o.quantity for o in live if o.fulfilment == w) for w in Fulfilment}
    return {"orders": orders, "by_status": dict(by_status), "ways": ways,
            "portions": sum(o.quantity for o in live), "cancelled": len(by_status.get(OrderStatus.CANCELLED, []))}


def delivery_sheet(meal: Meal) -> list[dict]:
    """Delivery orders grouped by building, then unit, with what the driver must know."""
    rows = []
    for order in meal_orders(meal):
        if order.fulfilment != Fulfilment.DELIVERY or order.status == OrderStatus.CANCELLED:
            continue
        resident = order.resident
        profile = profile_for(resident)
        rows.append({"order": order, "resident": resident, "profile": profile,
                     "building": resident.building.name if resident.building else "",
                     "unit": resident.unit, "phone": resident.phone or "",
                     "elder": _elderly_or_cared(resident, order.served_on),
                     "carers": accounts.carers_of(resident)})
    rows.sort(key=lambda r: (r["building"] or "~", r["unit"], r["resident"].name))
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["building"] or row["order"].address, []).append(row)
    return [{"building": name, "rows": items} for name, items in groups.items()]


# --- settlement and summaries ------------------------------------------------------------

FIGURES = ("meals_served", "portions_served", "gross_fen", "paid_fen", "subsidy_fen", "no_shows", "no_answers",
           "cancellations")


def _tally(orders) -> dict:
    figures = dict.fromkeys(FIGURES, 0)
    for order in orders:
        if order.status in SERVED:
            figures["meals_served"] += 1
            figures["portions_served"] += order.quantity
            figures["gross_fen"] += order.price_fen * order.quantity
            figures["paid_fen"] += order.due_fen
            figures["subsidy_fen"] += order.subsidy_fen
        elif order.status == OrderStatus.NO_SHOW:
            figures["no_shows"] += 1
        elif order.status == OrderStatus.NO_ANSWER:
            figures["no_answers"] += 1
        elif order.status == OrderStatus.CANCELLED:
            figures["cancellations"] += 1
    return figures


def month_bounds(month_start: date) -> tuple[date, date]:
    start = month_start.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _orders_between(community_id: int, start: date, end: date, kitchen_id: int | None = None) -> list[MealOrder]:
    query = sa.select(MealOrder).where(MealOrder.community_id == community_id, MealOrder.served_on >= start,
                                       MealOrder.served_on < end)
    if kitchen_id is not None:
        query = query.where(MealOrder.kitchen_id == kitchen_id)
    return list(db.session.scalars(query.order_by(MealOrder.served_on, MealOrder.id)))


def settlement(community_id: int, kitchen_id: int, month_start: date) -> dict:
    """A kitchen's month: served, paid by residents, subsidy owed by the community; all from the orders."""
    kitchen = _get(Kitchen, kitchen_id, community_id)
    start, end = month_bounds(month_start)
    orders = _orders_between(community_id, start, end, kitchen.id)
    by_day: dict[date, list[MealOrder]] = defaultdict(list)
    payments: dict[str, int] = defaultdict(int)
    for order in orders:
        by_day[order.served_on].append(order)
        if order.status in SERVED:
            payments[order.payment_method or "other"] += order.due_fen
    days = [{"day": day, **_tally(items)} for day, items in sorted(by_day.items())]
    return {"kitchen_id": kitchen.id, "name": kitchen.name, "month_start": start, "month_end": end,
            "orders": len(orders), **_tally(orders), "days": days, "by_payment": dict(payments),
            "no_shows_total": sum(1 for o in orders if o.status in (OrderStatus.NO_SHOW, OrderStatus.NO_ANSWER))}


CSV_COLUMNS = ("day", *FIGURES)


def settlement_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kitchen", report["name"], "month", report["month_start"].strftime("%Y-%m")])
    writer.writerow(CSV_COLUMNS)
    for row in report["days"]:
        writer.writerow([row["day"].isoformat(), *(row[key] for key in FIGURES)])
    writer.writerow(["total", *(report[key] for key in FIGURES)])
    writer.writerow([])
    writer.writerow(["payment_method", "paid_fen"])
    for method, fen in sorted(report["by_payment"].items()):
        writer.writerow([method, fen])
    return out.getvalue()


def monthly_summary(community_id: int, start: date, end: date) -> dict:
    """The staff report's kitchen figures for [start, end): counted and summed in SQL, one row per kitchen
    (the same figures as `_tally`, so they reconcile with `settlement`)."""
    numeric = ("meals_served", "portions_served", "paid_fen", "subsidy_fen", "no_shows", "cancellations")
    rows = []
    in_month = (MealOrder.community_id == community_id, MealOrder.served_on >= start, MealOrder.served_on < end)
    served = MealOrder.status.in_(SERVED)

    def when(condition, value=1):
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    served_residents = (sa.select(sa.func.count(sa.distinct(MealOrder.resident_id)))
                        .where(*in_month, served).scalar_subquery())
    sums = sa.select(MealOrder.kitchen_id, when(served), when(served, MealOrder.quantity),
                     when(served, MealOrder.due_fen), when(served, MealOrder.subsidy_fen),
                     when(MealOrder.status.in_((OrderStatus.NO_SHOW, OrderStatus.NO_ANSWER))),
                     when(MealOrder.status == OrderStatus.CANCELLED), served_residents
                     ).where(*in_month).group_by(MealOrder.kitchen_id)
    by_kitchen: dict[int, dict] = {}
    residents_served = 0
    for kitchen_id, *figures, residents in db.session.execute(sums):
        by_kitchen[kitchen_id] = {key: int(value) for key, value in zip(numeric, figures)}
        residents_served = int(residents or 0)
    listed = db.session.scalars(sa.select(Kitchen).where(Kitchen.community_id == community_id)
                                .options(*KITCHEN_NAME).order_by(Kitchen.name))
    for kitchen in listed:
        figures = by_kitchen.get(kitchen.id) or dict.fromkeys(numeric, 0)
        rows.append({"kitchen_id": kitchen.id, "name": kitchen.name, **figures})
    totals = {key: sum(row[key] for row in rows) for key in numeric}
    elder_ids = {resident_id for resident_id, birth_date in db.session.execute(
        sa.select(StandingOrder.resident_id, User.birth_date).join(User, User.id == StandingOrder.resident_id)
        .where(StandingOrder.community_id == community_id, StandingOrder.ended_at.is_(None)))
        if (age_on(birth_date, start) or 0) >= ELDER_AGE}
    return {"kitchens": rows, "totals": totals, "residents_served": residents_served,
            "elders_with_standing_orders": len(elder_ids)}


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
                               "quantity": o.quantity, "url": order_url(o.id)} for o in orders],
            "standing_orders": standing, "open_welfare_checks": open_checks,
            "profile_url": f"/kitchen/profile/{user_id}"}


FAILED_OUTCOMES = ("sold_out", "closed", "refused")


def _failed_standing(community_id: int, today: date):
    """Standing orders that could not be placed for a meal from today on."""
    return sa.and_(StandingAttempt.community_id == community_id, StandingAttempt.outcome.in_(FAILED_OUTCOMES),
                   Meal.served_on >= today)


def _no_operator(community_id: int):
    has_operator = sa.select(KitchenOperator.id).where(KitchenOperator.kitchen_id == Kitchen.id).exists()
    return sa.and_(Kitchen.community_id == community_id, Kitchen.suspended_at.is_(None), ~has_operator)


LOW_RATING = 2


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """What waits for staff: open welfare checks first, then unread low ratings, failed standing orders."""
    checks = db.session.scalars(
        sa.select(WelfareCheck).where(WelfareCheck.community_id == community_id, WelfareCheck.resolved_at.is_(None))
        .options(lazyload(WelfareCheck.order), joinedload(WelfareCheck.resident).lazyload(User.role_grants))
        .order_by(WelfareCheck.raised_at))
    items = [
        QueueItem(kind="kitchen.welfare_check",
                  title=N_("Nobody answered when %(name)s's meal was delivered. Check that %(name)s is safe."),
                  since=check.raised_at, url=f"/kitchen/manage/welfare/{check.id}",
                  action=N_("Record that the resident is safe"), params={"name": check.resident.name}, urgent=True)
        for check in checks
    ]
    low = db.session.execute(
        sa.select(Kitchen.id, Kitchen.name, sa.func.min(Feedback.created_at), sa.func.count(Feedback.id))
        .join(Kitchen, Kitchen.id == Feedback.kitchen_id)
        .where(Feedback.community_id == community_id, Feedback.rating <= LOW_RATING,
               Feedback.acknowledged_at.is_(None))
        .group_by(Kitchen.id, Kitchen.name))
    for kitchen_id, name, since, count in low:
        items.append(QueueItem(kind="kitchen.low_rating", title=N_("%(kitchen)s has %(count)s low ratings to look at."),
                               since=since, url=f"/kitchen/kitchens/{kitchen_id}",
                               action=N_("Mark as seen"), params={"kitchen": name, "count": count}))
    failed = db.session.execute(
        sa.select(StandingAttempt.at, Meal.served_on, User)
        .join(Meal, Meal.id == StandingAttempt.meal_id)
        .join(StandingOrder, StandingOrder.id == StandingAttempt.standing_order_id)
        .join(User, User.id == StandingOrder.resident_id)
        .where(_failed_standing(community_id, local_today(now)))
        .options(lazyload(User.role_grants)))
    for at, served_on, resident in failed:
        if not _elderly_or_cared(resident, served_on):
            continue
        items.append(QueueItem(kind="kitchen.standing_failed",
                               title=N_("%(name)s's standing meal order could not be placed for %(day)s."),
                               since=at, url=f"/kitchen/manage/orders?resident={resident.name}",
                               params={"name": resident.name, "day": _day_text(served_on)}))
    for kitchen_id, name, created_at in db.session.execute(
            sa.select(Kitchen.id, Kitchen.name, Kitchen.created_at).where(_no_operator(community_id))
            .order_by(Kitchen.name)):
        items.append(QueueItem(kind="kitchen.no_operator", title=N_("%(kitchen)s has no operator."),
                               since=created_at, url=f"/kitchen/manage/kitchens/{kitchen_id}",
                               params={"kitchen": name}))
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
    elderly_or_cared = sa.or_(User.needs_care.is_(True), sa.and_(
        User.birth_date.is_not(None), _age_on(User.birth_date, Meal.served_on) >= ELDER_AGE))
    failed = (sa.select(sa.func.count(sa.distinct(User.name))).select_from(StandingAttempt)
              .join(Meal, Meal.id == StandingAttempt.meal_id)
              .join(StandingOrder, StandingOrder.id == StandingAttempt.standing_order_id)
              .join(User, User.id == StandingOrder.resident_id)
              .where(_failed_standing(community_id, local_today(now)), elderly_or_cared).scalar_subquery())
    alone = sa.select(sa.func.count(Kitchen.id)).where(_no_operator(community_id)).scalar_subquery()
    return int(db.session.scalar(sa.select(checks + low + failed + alone)) or 0)


def carers_for(resident: User) -> list[CarerLink]:
    return list(db.session.scalars(sa.select(CarerLink).where(CarerLink.resident_id == resident.id,
                                                              CarerLink.community_id == resident.community_id)))


def residents(community_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.community_id == community_id, User.active.is_(True))
                                   .order_by(User.name)))


def to_local_input(moment: datetime) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")
