"""Volunteers: a resident offers skills and weekly free times; staff verify them before they take work."""
from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa

from ... import accounts, audit
from ...database import begin_write, same_community
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...links import Link
from ...models import Role, RoleGrant, User
from ...notifications import notify
from ...transactions import service
from ..models import Availability, VolunteerProfile, VolunteerSkill
from .settings import ensure_skills, find_skill, require_staff


def profile_of(community_id: int, user_id: int) -> VolunteerProfile | None:
    return db.session.scalar(
        sa.select(VolunteerProfile).where(VolunteerProfile.community_id == community_id,
                                          VolunteerProfile.user_id == user_id)
    )


def skill_ids_of(community_id: int, user_id: int) -> set[int] | None:
    """The skills a volunteer offers, or None when they have no volunteer profile (one query)."""
    rows = db.session.execute(
        sa.select(VolunteerProfile.id, VolunteerSkill.skill_id)
        .outerjoin(VolunteerSkill, same_community(VolunteerSkill.profile_id == VolunteerProfile.id))
        .where(VolunteerProfile.community_id == community_id, VolunteerProfile.user_id == user_id)
    ).all()
    if not rows:
        return None
    return {skill_id for _profile_id, skill_id in rows if skill_id is not None}


def _parse_windows(windows) -> list[tuple[int, time, time]]:
    cleaned = set()
    for weekday, starts, ends in windows:
        if not 0 <= int(weekday) <= 6 or starts >= ends:
            raise InvalidInput(N_("Each time you are free must start before it ends."), field="availability")
        cleaned.add((int(weekday), starts, ends))
    return sorted(cleaned)


def _skill_names(profile: VolunteerProfile) -> list[str]:
    return sorted(skill.name for skill in profile.skills)


def _become_volunteer(actor: User, now: datetime) -> None:
    """The volunteer role, unverified; staff are asked to check them."""
    accounts.grant_role(None, actor, Role.VOLUNTEER)
    for person in accounts.staff_of(actor.community_id):
        notify(person, N_("%(name)s wants to volunteer. Please check and verify them."),
               link=Link("mutualaid.manage_volunteers"), now=now, name=actor.name)


@service
def save_profile(actor: User, *, skill_ids: list, windows: list, intro: str, now: datetime) -> VolunteerProfile:
    """A resident offers their skills; staff must verify them before they can take work."""
    intro = (intro or "").strip()
    if len(intro) > 300:
        raise InvalidInput(N_("The introduction can have at most 300 characters."), field="intro")
    if not skill_ids:
        raise InvalidInput(N_("Choose at least one skill."), field="skills")
    ensure_skills(actor.community_id, now)
    skills = [find_skill(actor.community_id, value, field="skills") for value in skill_ids]
    slots = _parse_windows(windows)
    begin_write()
    profile = profile_of(actor.community_id, actor.id)
    before = None
    if profile is None:
        profile = VolunteerProfile(community_id=actor.community_id, user_id=actor.id, created_at=now)
        db.session.add(profile)
    else:
        before = {"skills": _skill_names(profile)}
        profile.skill_links = []
        profile.availability = []
        db.session.flush()
    profile.intro = intro
    profile.updated_at = now
    profile.skill_links = [VolunteerSkill(community_id=actor.community_id, skill_id=skill_id)
                           for skill_id in sorted({skill.id for skill in skills})]
    profile.availability = [Availability(community_id=actor.community_id, weekday=w, starts=s, ends=e)
                            for w, s, e in slots]
    if not actor.has_role(Role.VOLUNTEER):
        _become_volunteer(actor, now)
    db.session.flush()
    db.session.refresh(profile)
    if before and before["skills"] != _skill_names(profile):
        audit.record(actor, "mutualaid.skills_changed", profile, community_id=actor.community_id, subject=actor,
                     before=before, after={"skills": _skill_names(profile)}, now=now)
    return profile


@service
def set_verified(actor: User, volunteer_id: int, verified: bool, now: datetime) -> User:
    """Staff vouch for (or withdraw) a volunteer's party membership and skills; audit-logged."""
    volunteer = db.session.get(User, volunteer_id)
    if volunteer is None or (volunteer.community_id != actor.community_id and not actor.is_admin):
        raise NotFound(N_("That person was not found."))
    require_staff(actor, volunteer.community_id)
    begin_write()
    accounts.set_volunteer_verified(actor, volunteer, verified, now=now)
    if verified:
        notify(volunteer, N_("You are now a verified volunteer. You can accept requests for help."),
               link=Link("mutualaid.board"), now=now)
    else:
        notify(volunteer, N_("Your volunteer verification was withdrawn. Please talk to your community worker."),
               link=Link("mutualaid.volunteer_profile"), now=now)
    return volunteer


def volunteers(community_id: int) -> list[tuple[User, VolunteerProfile | None, RoleGrant]]:
    rows = db.session.execute(
        sa.select(User, RoleGrant)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.VOLUNTEER, RoleGrant.community_id == community_id, User.active.is_(True))
        .order_by(RoleGrant.verified_at.is_not(None), User.name)
    ).all()
    profiles = {p.user_id: p for p in db.session.scalars(
        sa.select(VolunteerProfile).where(VolunteerProfile.community_id == community_id))}
    return [(user, profiles.get(user.id), grant) for user, grant in rows]
