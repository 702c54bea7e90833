"""Welfare checks: nobody answered the door for an elder, so carers and staff are told until someone records
that she is safe."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import accounts, audit
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotAllowed
from ...extensions import db
from ...links import Link
from ...models import User
from ...transactions import service
from ..models import MealOrder, WelfareCheck, elderly_or_cared
from ..policy import may
from .common import clean, find_for, notify_people

SAFE_HOW = ("seen", "phoned", "family", "other")


def welfare_link(check_id: int) -> Link:
    return Link("kitchen.welfare_check", check_id=check_id)


def raise_welfare_check(order: MealOrder, actor: User, now: datetime) -> WelfareCheck | None:
    """Inside the no-answer move: a check for an elder or someone needing care, once per order."""
    resident = order.resident
    if not elderly_or_cared(resident, order.served_on):
        return None
    if db.session.scalar(sa.select(WelfareCheck.id).where(WelfareCheck.order_id == order.id)):
        return None
    check = WelfareCheck(community_id=order.community_id, order_id=order.id, resident_id=resident.id,
                         raised_by_id=actor.id, raised_at=now)
    db.session.add(check)
    db.session.flush()
    people = [*accounts.carers_of(resident), *accounts.staff_of(order.community_id)]
    notify_people([p for p in people if p.id != resident.id],
                  N_("URGENT: nobody answered when %(name)s's meal was delivered to %(address)s. "
                     "Please check that %(name)s is safe."), welfare_link(check.id), now,
                  name=resident.name, address=order.address)
    audit.record(actor, "kitchen.welfare_check_raised", check, community_id=order.community_id, subject=resident,
                 now=now)
    return check


def open_welfare_checks(community_id: int) -> list[WelfareCheck]:
    return list(db.session.scalars(
        sa.select(WelfareCheck).where(WelfareCheck.community_id == community_id, WelfareCheck.resolved_at.is_(None))
        .order_by(WelfareCheck.raised_at)))


@service
def record_safe(actor: User, check_id: int, how: str, note: str, now: datetime) -> WelfareCheck:
    """Close a welfare check: who saw or reached the resident, when, and how."""
    begin_write()
    check = find_for(actor, WelfareCheck, check_id)
    if not may(actor, "record_safe", check):
        raise NotAllowed(N_("Only staff, the resident's carers or the kitchen can record this."))
    if how not in SAFE_HOW:
        raise InvalidInput(N_("Choose how you know the resident is safe."), field="how")
    note = clean(note, 200, "note")
    if how == "other" and not note:
        raise InvalidInput(N_("Say how you know the resident is safe."), field="note")
    resolved = db.session.execute(
        sa.update(WelfareCheck).where(WelfareCheck.id == check.id, WelfareCheck.community_id == check.community_id,
                                      WelfareCheck.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id, how=how, note=note)
        .execution_options(synchronize_session=False))
    if resolved.rowcount != 1:
        raise Conflict(N_("Someone already recorded that this resident is safe."))
    db.session.expire(check)
    audit.record(actor, "kitchen.welfare_check_resolved", check, community_id=check.community_id,
                 subject=check.resident, after={"how": how, "note": note}, now=now)
    people = [*accounts.carers_of(check.resident), *accounts.staff_of(check.community_id)]
    notify_people([p for p in people if p.id not in (actor.id, check.resident_id)],
                  N_("%(actor)s recorded that %(name)s is safe."), welfare_link(check.id), now,
                  actor=actor.name, name=check.resident.name)
    return check
