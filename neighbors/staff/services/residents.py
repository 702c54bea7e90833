"""Residents without a phone: staff register them and keep their details right."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ... import accounts
from ...clock import to_local
from ...database import begin_write
from ...errors import N_, InvalidInput, NotAllowed
from ...extensions import db
from ...models import AuditEntry, Building, Community, User
from ...transactions import service
from ..policy import policy
from .people import person

SAME_FORM_WITHIN = timedelta(minutes=10)  # the same worker sending the same form again: a retry, not a twin


@dataclass(frozen=True)
class Registered:
    resident: User
    created: bool


@dataclass(frozen=True)
class ResidentDetails:
    """What the register and edit forms say about a resident."""

    name: str
    birth_date: date | None
    building_id: int | None
    unit: str
    needs_care: bool


def _check_building(community_id: int, building_id: int | None) -> None:
    if building_id is None:
        return
    if db.session.scalar(
        sa.select(Building.id).where(Building.id == building_id, Building.community_id == community_id)
    ) is None:
        raise InvalidInput(N_("Choose a building from the list."), field="building")


def _clean_unit(unit: str) -> str:
    unit = " ".join((unit or "").split())
    if len(unit) > 50:
        raise InvalidInput(N_("A unit can have at most 50 characters."), field="unit")
    return unit


def _twin(actor: User, community_id: int, details: ResidentDetails, now: datetime) -> Registered | None:
    """The same person at the same address: the same form sent again just now, or a refusal."""
    twin = db.session.scalar(
        sa.select(User).where(User.community_id == community_id, User.name == details.name,
                              User.building_id.is_(None) if details.building_id is None
                              else User.building_id == details.building_id,
                              User.unit == details.unit)
    )
    if twin is None:
        return None
    just_made = db.session.scalar(
        sa.select(AuditEntry.id).where(
            AuditEntry.action == "resident.registered", AuditEntry.subject_user_id == twin.id,
            AuditEntry.actor_id == actor.id, AuditEntry.created_at >= now - SAME_FORM_WITHIN,
            AuditEntry.created_at <= now,
        )
    )
    if just_made and twin.birth_date == details.birth_date:
        return Registered(twin, created=False)
    raise InvalidInput(N_("%(name)s is already registered at this address."), field="name", name=details.name)


@service
def register_resident(actor: User, community_id: int, *, name: str, birth_date: date | None,
                      building_id: int | None, unit: str, needs_care: bool, now: datetime) -> Registered:
    """Register an elder without a phone. The same form sent twice by the same worker makes one person."""
    begin_write()
    community = db.session.get(Community, community_id, with_for_update=True)
    if community is None or not policy.may(actor, "manage", community.id):
        raise NotAllowed(N_("Only staff of this community can do that."))
    name = accounts.clean_name(name)
    accounts.check_birth_date(birth_date, to_local(now).date())
    _check_building(community.id, building_id)
    details = ResidentDetails(name, birth_date, building_id, _clean_unit(unit), needs_care)
    again = _twin(actor, community.id, details, now)
    if again is not None:
        return again
    resident = accounts.register_resident_without_phone(
        actor, community_id=community.id, name=details.name, birth_date=birth_date, building_id=building_id,
        unit=details.unit, needs_care=needs_care, now=now,
    )
    return Registered(resident, created=True)


@service
def update_resident(actor: User, user_id: int, *, name: str, birth_date: date | None, building_id: int | None,
                    unit: str, needs_care: bool, now: datetime) -> dict:
    begin_write()
    target = person(actor, user_id, lock=True)
    return accounts.update_resident(actor, target, name=name, birth_date=birth_date, building_id=building_id,
                                    unit=unit, needs_care=needs_care, now=now)
