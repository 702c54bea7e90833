"""A community's credit rules and its list of skills (水电维修, 理发 …)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...database import begin_write
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import DEFAULT_SKILLS, AidSettings, Skill
from ..policy import policy


def insert_or_skip(model):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect of the session's database."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def require_staff(actor: User, community_id: int) -> None:
    policy.require(actor, "manage", community_id, message=N_("Only staff of this community can do that."))


@dataclass(frozen=True)
class CreditRules:
    starting_grant_minutes: int = 5 * 60
    floor_minutes: int = -10 * 60
    ceiling_minutes: int = 1500 * 60
    pool_paid_age: int = 70


def rules(community_id: int) -> CreditRules:
    row = db.session.scalar(sa.select(AidSettings).where(AidSettings.community_id == community_id))
    if row is None:
        return CreditRules()
    return CreditRules(row.starting_grant_minutes, row.floor_minutes, row.ceiling_minutes, row.pool_paid_age)


def _settings_row(community_id: int, now: datetime) -> AidSettings:
    defaults = CreditRules()
    db.session.execute(
        insert_or_skip(AidSettings).values(
            community_id=community_id, starting_grant_minutes=defaults.starting_grant_minutes,
            floor_minutes=defaults.floor_minutes, ceiling_minutes=defaults.ceiling_minutes,
            pool_paid_age=defaults.pool_paid_age, skills_seeded=False, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["community_id"])
    )
    return db.session.scalar(
        sa.select(AidSettings).where(AidSettings.community_id == community_id).execution_options(populate_existing=True)
    )


def _skills_seeded(community_id: int) -> bool:
    return bool(db.session.scalar(
        sa.select(AidSettings.skills_seeded).where(AidSettings.community_id == community_id)))


def _seed_skills(community_id: int, now: datetime) -> None:
    """A community starts with the usual list; staff change it afterwards (retired skills stay retired)."""
    if _skills_seeded(community_id):
        return
    _settings_row(community_id, now)
    for position, name in enumerate(DEFAULT_SKILLS):
        db.session.execute(
            insert_or_skip(Skill).values(community_id=community_id, name=name, active=True, position=position)
            .on_conflict_do_nothing(index_elements=["community_id", "name"])
        )
    db.session.execute(
        sa.update(AidSettings).where(AidSettings.community_id == community_id).values(skills_seeded=True)
    )


def ensure_skills(community_id: int, now: datetime) -> None:
    """Store the usual list before a change refers to it (two first requests at once both skip what exists)."""
    if _skills_seeded(community_id):
        return
    begin_write()
    _seed_skills(community_id, now)


@service
def seed_skills(community_id: int, now: datetime) -> None:
    """Store a community's usual skill list (demo data; otherwise the first change that needs it does)."""
    begin_write()
    _seed_skills(community_id, now)


@service
def skill_list(community_id: int, now: datetime, include_retired: bool = False) -> list[Skill]:
    """The community's skills, storing the usual list the first time (a change; pages use `skills_to_show`)."""
    ensure_skills(community_id, now)
    query = sa.select(Skill).where(Skill.community_id == community_id)
    if not include_retired:
        query = query.where(Skill.active.is_(True))
    return list(db.session.scalars(query.order_by(Skill.position, Skill.id)))


def skills_to_show(community_id: int, include_retired: bool = False) -> list[Skill]:
    """The community's skills for a page, read-only: before the usual list is stored (by the first change that
    needs it, the demo data or a staff settings save), its skills are unsaved rows without an id, exactly as
    storing them would add them."""
    seeded = _skills_seeded(community_id)
    skills = list(db.session.scalars(sa.select(Skill).where(Skill.community_id == community_id)))
    if not seeded:
        known = {skill.name for skill in skills}
        skills += [Skill(community_id=community_id, name=name, active=True, position=position)
                   for position, name in enumerate(DEFAULT_SKILLS) if name not in known]
    if not include_retired:
        skills = [skill for skill in skills if skill.active]
    return sorted(skills, key=lambda skill: (skill.position, skill.id is None, skill.id or 0))


def skill_key(skill: Skill) -> str:
    """The form value of a skill: its id, or its name while the usual list is not stored yet."""
    return str(skill.id) if skill.id is not None else skill.name


def find_skill(community_id: int, value, field: str = "skill") -> Skill:
    """A skill by id or by name; it must be on this community's active list."""
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(N_("Choose the kind of help."), field=field)
    query = sa.select(Skill).where(Skill.community_id == community_id, Skill.active.is_(True))
    as_id = text.isdecimal() and len(text) <= 9  # an id, not a number too large for the database (a 500)
    query = query.where(Skill.id == int(text)) if as_id else query.where(Skill.name == text)
    skill = db.session.scalar(query)
    if skill is None:
        raise InvalidInput(N_("Choose the kind of help from the list."), field=field)
    return skill


def _check_settings(starting_grant_hours: int, floor_hours: int, ceiling_hours: int, pool_paid_age: int) -> None:
    if not 0 <= starting_grant_hours <= 100:
        raise InvalidInput(N_("The starting grant must be between 0 and 100 hours."), field="starting_grant_hours")
    if not -100 <= floor_hours <= 0:
        raise InvalidInput(N_("The lowest balance must be between -100 and 0 hours."), field="floor_hours")
    if not 1 <= ceiling_hours <= 10000:
        raise InvalidInput(N_("The highest balance must be between 1 and 10000 hours."), field="ceiling_hours")
    if not 50 <= pool_paid_age <= 120:
        raise InvalidInput(N_("The age must be between 50 and 120."), field="pool_paid_age")


def _settings_values(row: AidSettings) -> dict:
    return {"starting_grant_minutes": row.starting_grant_minutes, "floor_minutes": row.floor_minutes,
            "ceiling_minutes": row.ceiling_minutes, "pool_paid_age": row.pool_paid_age}


@service
def update_settings(actor: User, community_id: int, *, starting_grant_hours: int, floor_hours: int,
                    ceiling_hours: int, pool_paid_age: int, now: datetime) -> AidSettings:
    require_staff(actor, community_id)
    _check_settings(starting_grant_hours, floor_hours, ceiling_hours, pool_paid_age)
    begin_write()
    _seed_skills(community_id, now)  # a staff settings save stores the usual skill list too
    row = _settings_row(community_id, now)
    before = _settings_values(row)
    row.starting_grant_minutes = starting_grant_hours * 60
    row.floor_minutes = floor_hours * 60
    row.ceiling_minutes = ceiling_hours * 60
    row.pool_paid_age = pool_paid_age
    row.updated_at = now
    audit.record(actor, "mutualaid.settings_changed", row, community_id=community_id, before=before,
                 after=_settings_values(row), now=now)
    return row


@service
def add_skill(actor: User, community_id: int, name: str, now: datetime) -> Skill:
    require_staff(actor, community_id)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(N_("Enter the name of the skill."), field="name")
    if len(name) > 30:
        raise InvalidInput(N_("A skill name can have at most 30 characters."), field="name")
    begin_write()
    _seed_skills(community_id, now)
    existing = db.session.scalar(sa.select(Skill).where(Skill.community_id == community_id, Skill.name == name))
    if existing is not None:
        if existing.active:
            raise InvalidInput(N_("This skill is already on the list."), field="name")
        existing.active = True
        skill = existing
    else:
        position = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(Skill.position), 0)).where(Skill.community_id == community_id)
        )
        skill = Skill(community_id=community_id, name=name, position=position + 1)
        db.session.add(skill)
        db.session.flush()
    audit.record(actor, "mutualaid.skill_added", skill, community_id=community_id, after={"name": name}, now=now)
    return skill


@service
def retire_skill(actor: User, skill_id: int, now: datetime) -> Skill:
    skill = db.session.get(Skill, skill_id)
    if skill is None or (skill.community_id != actor.community_id and not actor.is_admin):
        raise NotFound(N_("That skill was not found."))
    require_staff(actor, skill.community_id)
    begin_write()
    skill.active = False
    audit.record(actor, "mutualaid.skill_retired", skill, community_id=skill.community_id,
                 before={"name": skill.name, "active": True}, after={"active": False}, now=now)
    return skill
