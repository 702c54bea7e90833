"""What the kitchen must know about a resident: diet, whom to call, and the welfare status staff set."""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...database import begin_write
from ...errors import N_, InvalidInput, NotAllowed
from ...extensions import db
from ...models import CarerLink, User
from ...transactions import service
from ..models import ResidentProfile
from ..policy import may
from .common import clean, require_act_for

WELFARE_STATUSES = ("dibao", "tekun")  # 低保, 特困
PHONE_LIKE = re.compile(r"^[0-9+\-() ]{5,20}$")


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


@service
def update_profile(actor: User, resident: User, dietary_needs: str, emergency_name: str, emergency_phone: str,
                   now: datetime) -> ResidentProfile:
    """The resident, a carer or staff keep diet and emergency contact up to date."""
    require_act_for(actor, resident)
    dietary_needs = clean(dietary_needs, 200, "dietary_needs")
    emergency_name = clean(emergency_name, 50, "emergency_name")
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
    return profile


@service
def set_welfare_status(actor: User, resident: User, status: str, now: datetime) -> ResidentProfile:
    """低保 / 特困 is set by staff only: it decides tier subsidies."""
    if not may(actor, "set_welfare_status", resident):
        raise NotAllowed(N_("Only staff of this community can do that."))
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
    return profile


def carers_for(resident: User) -> list[CarerLink]:
    return list(db.session.scalars(sa.select(CarerLink).where(CarerLink.resident_id == resident.id,
                                                              CarerLink.community_id == resident.community_id)))


def residents(community_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.community_id == community_id, User.active.is_(True))
                                   .order_by(User.name)))
