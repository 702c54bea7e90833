"""Staff's settings of a community's alleys: the alleys, their party branches and where each category of
finding goes."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...clock import utcnow
from ...database import begin_write
from ...errors import N_, InvalidInput
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import (
    CATEGORIES, DEFAULT_ACCEPT_MINUTES, DEFAULT_RESOLVE_MINUTES, DEPARTMENTS, Alley, AlleyBranch, CategoryRoute,
    MemberKind,
)
from ..policy import officer_department
from .common import clean, require_staff
from .lookups import alley_for, get_alley, get_branch
from .members import join_branch


@service
def save_alley(actor: User, community_id: int, name: str, description: str = "", landmarks: str = "",
               branch_id: int | None = None, alley_id: int | None = None, now: datetime | None = None) -> Alley:
    require_staff(actor, community_id)
    name = clean(name, "name", 80)
    description = clean(description, "description", 1000, required=False)
    landmarks = "\n".join(line.strip() for line in (landmarks or "").splitlines() if line.strip())
    if len(landmarks) > 1000:
        raise InvalidInput(N_("This is too long: at most %(limit)s characters."), field="landmarks", limit=1000)
    if branch_id:
        get_branch(community_id, branch_id)
    begin_write()
    clash = db.session.scalar(sa.select(Alley.id).where(
        Alley.community_id == community_id, Alley.name == name, Alley.id != (alley_id or 0)))
    if clash:
        raise InvalidInput(N_("An alley with this name already exists."), field="name")
    alley = get_alley(community_id, alley_id) if alley_id else Alley(community_id=community_id)
    before = {"name": alley.name, "branch": alley.branch_id} if alley_id else None
    alley.name, alley.description, alley.landmarks, alley.branch_id = name, description, landmarks, branch_id or None
    db.session.add(alley)
    db.session.flush()
    audit.record(actor, "alleys.alley_saved", alley, community_id=community_id, before=before,
                 after={"name": name, "branch": alley.branch_id}, now=now)
    return alley


@service
def save_branch(actor: User, community_id: int, name: str, secretary_id: int | None,
                branch_id: int | None = None, now: datetime | None = None) -> AlleyBranch:
    require_staff(actor, community_id)
    name = clean(name, "name", 80)
    secretary = None
    if secretary_id:
        secretary = db.session.get(User, secretary_id)
        if secretary is None or secretary.community_id != community_id:
            raise InvalidInput(N_("Choose the secretary from this community."), field="secretary")
    begin_write()
    clash = db.session.scalar(sa.select(AlleyBranch.id).where(
        AlleyBranch.community_id == community_id, AlleyBranch.name == name, AlleyBranch.id != (branch_id or 0)))
    if clash:
        raise InvalidInput(N_("A branch with this name already exists."), field="name")
    branch = get_branch(community_id, branch_id) if branch_id else AlleyBranch(community_id=community_id,
                                                                               created_at=now or utcnow())
    branch.name = name
    branch.secretary_id = secretary.id if secretary else None
    db.session.add(branch)
    db.session.flush()
    if secretary is not None and not any(m.user_id == secretary.id for m in branch.members):
        kind = MemberKind.OFFICER if officer_department(secretary) else MemberKind.PATROLLER
        join_branch(actor, branch, secretary, kind, "", now)
    audit.record(actor, "alleys.branch_saved", branch, community_id=community_id,
                 after={"name": name, "secretary": branch.secretary_id}, now=now)
    return branch


def _deadlines(accept_minutes: int | None, resolve_minutes: int | None) -> tuple[int, int]:
    accept_minutes = accept_minutes or DEFAULT_ACCEPT_MINUTES
    resolve_minutes = resolve_minutes or DEFAULT_RESOLVE_MINUTES
    if not (1 <= accept_minutes <= 7 * 24 * 60) or not (1 <= resolve_minutes <= 30 * 24 * 60):
        raise InvalidInput(N_("Enter a deadline in minutes, more than 0."), field="accept_minutes")
    if accept_minutes > resolve_minutes:
        raise InvalidInput(N_("The time to accept cannot be longer than the time to fix."), field="accept_minutes")
    return accept_minutes, resolve_minutes


@service
def set_route(actor: User, alley_id: int, category: str, department: str, accept_minutes: int | None,
              resolve_minutes: int | None, now: datetime | None = None) -> CategoryRoute:
    """Staff decide which department a category goes to in an alley, and how fast."""
    if category not in CATEGORIES:
        raise InvalidInput(N_("Choose a category from the list."), field="category")
    if department and department not in DEPARTMENTS:
        raise InvalidInput(N_("Choose a department from the list."), field="department")
    accept_minutes, resolve_minutes = _deadlines(accept_minutes, resolve_minutes)
    begin_write()
    alley = alley_for(actor, alley_id)
    require_staff(actor, alley.community_id)
    route = db.session.scalar(sa.select(CategoryRoute).where(
        CategoryRoute.community_id == alley.community_id, CategoryRoute.alley_id == alley.id,
        CategoryRoute.category == category).with_for_update())
    before = None
    if route is None:
        route = CategoryRoute(community_id=alley.community_id, alley_id=alley.id, category=category)
        db.session.add(route)
    else:
        before = {"department": route.department, "accept": route.accept_minutes, "resolve": route.resolve_minutes}
    route.department, route.accept_minutes, route.resolve_minutes = department, accept_minutes, resolve_minutes
    db.session.flush()
    audit.record(actor, "alleys.route_set", route, community_id=alley.community_id, before=before,
                 after={"alley": alley.name, "category": category, "department": department,
                        "accept": accept_minutes, "resolve": resolve_minutes}, now=now)
    return route
