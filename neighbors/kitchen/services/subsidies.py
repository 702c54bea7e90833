"""A community's meal price and subsidy rule (Xiamen's ¥3 at 65, or staff-set tiers), and what one order gets."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from ... import audit
from ...clock import age_on, local_today
from ...database import begin_write
from ...errors import N_, DomainError, InvalidInput
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import XIAMEN_MIN_AGE, XIAMEN_SUBSIDY_FEN, KitchenSettings, SubsidyPolicy, SubsidyTier
from .common import clean, find, near_day, require_staff
from .profiles import WELFARE_STATUSES, profile_for


def get_settings(community_id: int) -> KitchenSettings:
    """The community's settings, or unsaved defaults (¥12, Xiamen's rule)."""
    found = db.session.scalar(sa.select(KitchenSettings).where(KitchenSettings.community_id == community_id))
    return found or KitchenSettings(community_id=community_id, standard_price_fen=1200, policy=SubsidyPolicy.XIAMEN,
                                    min_meal_fen=1000, once_a_day=True)


def tiers(community_id: int) -> list[SubsidyTier]:
    return list(db.session.scalars(
        sa.select(SubsidyTier).where(SubsidyTier.community_id == community_id)
        .order_by(SubsidyTier.subsidy_fen.desc(), SubsidyTier.id)))


@service
def update_settings(actor: User, community_id: int, standard_price_fen: int, policy: str, min_meal_fen: int,
                    once_a_day: bool, now: datetime) -> KitchenSettings:
    require_staff(actor, community_id)
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
    return settings


def _settings_dict(settings: KitchenSettings) -> dict:
    return {"standard_price_fen": settings.standard_price_fen, "policy": str(settings.policy),
            "min_meal_fen": settings.min_meal_fen, "once_a_day": bool(settings.once_a_day)}


def _check_tier(label: str, status: str, min_age: int | None, max_age: int | None, subsidy_fen: int) -> str:
    label = clean(label, 50, "label")
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
    return label


@service
def add_tier(actor: User, community_id: int, label: str, status: str, min_age: int | None, max_age: int | None,
             subsidy_fen: int, now: datetime) -> SubsidyTier:
    require_staff(actor, community_id)
    label = _check_tier(label, status, min_age, max_age, subsidy_fen)
    begin_write()
    tier = SubsidyTier(community_id=community_id, label=label, status=status or "", min_age=min_age,
                       max_age=max_age, subsidy_fen=subsidy_fen, created_at=now)
    db.session.add(tier)
    db.session.flush()
    audit.record(actor, "kitchen.tier_added", tier, community_id=community_id, now=now,
                 after={"label": label, "status": status, "min_age": min_age, "max_age": max_age,
                        "subsidy_fen": subsidy_fen})
    return tier


@service
def remove_tier(actor: User, community_id: int, tier_id: int, now: datetime) -> None:
    require_staff(actor, community_id)
    begin_write()
    tier = find(SubsidyTier, tier_id, community_id)
    settings = get_settings(community_id)
    if settings.policy == SubsidyPolicy.TIERS and len(tiers(community_id)) == 1:
        raise DomainError(N_("This is the last tier. Switch back to Xiamen's rule first."))
    audit.record(actor, "kitchen.tier_removed", tier, community_id=community_id, now=now,
                 before={"label": tier.label, "subsidy_fen": tier.subsidy_fen})
    db.session.delete(tier)


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
    "already_today": N_("No subsidy: the one subsidised meal for %(day)s is already ordered."),
}


def describe_rule(rule: dict | None, served_on: date | None = None, today: date | None = None) -> str:
    """The rule behind an order's (or a meal's) price in the reader's words; the day it is about is named."""
    from flask_babel import gettext

    from ...templating import yuan

    rule = rule or {}
    msgid = RULE_TEXTS.get(rule.get("reason", ""))
    if msgid is None:
        return ""
    day = near_day(served_on, today or local_today(), in_sentence=True) if served_on else gettext("that day")
    return gettext(msgid, tier=rule.get("tier", ""), minimum=yuan(rule.get("min_meal_fen", 0)), day=day)
