"""Reading the alleys' records, each within the reader's reach (their community; the district for an
administrator). Nothing here changes anything."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ...errors import N_, NotFound
from ...extensions import db
from ...models import Role, RoleGrant, User
from ..models import (
    Alley, AlleyBranch, BranchMember, CategoryRoute, Finding, FindingEvent, Holiday, PatrolShift, PatrolSignup,
)


def in_reach(actor: User, community_id: int) -> bool:
    """Staff and members act in their own community; administrators in every community of the district."""
    return actor.is_admin or actor.community_id == community_id


def reachable(actor: User, model, record_id: int | None, message: str):
    """A record by id, then its community checked: later queries of the action use `record.community_id`."""
    record = db.session.get(model, record_id) if record_id else None
    if record is None or not in_reach(actor, record.community_id):
        raise NotFound(message)
    return record


def alley_for(actor: User, alley_id: int | None) -> Alley:
    return reachable(actor, Alley, alley_id, N_("That alley was not found."))


def branch_for(actor: User, branch_id: int | None) -> AlleyBranch:
    return reachable(actor, AlleyBranch, branch_id, N_("That branch was not found."))


def shift_for(actor: User, shift_id: int | None) -> PatrolShift:
    return reachable(actor, PatrolShift, shift_id, N_("That patrol shift was not found."))


def get_alley(community_id: int, alley_id: int) -> Alley:
    alley = db.session.scalar(sa.select(Alley).where(Alley.id == alley_id, Alley.community_id == community_id))
    if alley is None:
        raise NotFound(N_("That alley was not found."), field="alley")
    return alley


def get_branch(community_id: int, branch_id: int) -> AlleyBranch:
    branch = db.session.scalar(
        sa.select(AlleyBranch).where(AlleyBranch.id == branch_id, AlleyBranch.community_id == community_id))
    if branch is None:
        raise NotFound(N_("That branch was not found."))
    return branch


def get_shift(community_id: int, shift_id: int) -> PatrolShift:
    shift = db.session.scalar(
        sa.select(PatrolShift).where(PatrolShift.id == shift_id, PatrolShift.community_id == community_id))
    if shift is None:
        raise NotFound(N_("That patrol shift was not found."))
    return shift


def _person(relationship):
    """Load a related person in the same query; their role grants only if something asks for them."""
    return joinedload(relationship).lazyload(User.role_grants)


# what a list of shifts shows: the alley, and who is in each slot; one statement, with or without shifts
# (the query's result needs .unique())
SHIFT_LIST = (joinedload(PatrolShift.alley), joinedload(PatrolShift.signups).options(_person(PatrolSignup.user)))
# what a finding's page shows: the alley, the reporter, the photos and the timeline with its actors
FINDING_PAGE = (joinedload(Finding.alley), _person(Finding.reporter), selectinload(Finding.photos),
                selectinload(Finding.events).options(_person(FindingEvent.actor)))


def finding_for(actor: User, finding_id: int) -> Finding:
    """A finding with what its page shows, if it lies in the actor's reach."""
    finding = get_finding(None, finding_id)
    if not in_reach(actor, finding.community_id):
        raise NotFound(N_("That report was not found."))
    return finding


def get_finding(community_id: int | None, finding_id: int) -> Finding:
    """A finding with what its page shows; `community_id` None only for an administrator's look."""
    query = sa.select(Finding).where(Finding.id == finding_id).options(*FINDING_PAGE)
    if community_id is not None:
        query = query.where(Finding.community_id == community_id)
    finding = db.session.scalar(query)
    if finding is None:
        raise NotFound(N_("That report was not found."))
    return finding


def locked_finding(community_id: int, finding_id: int) -> Finding:
    """The finding, locked for a change (and read afresh: someone may have moved it since the page)."""
    finding = db.session.scalar(
        sa.select(Finding).where(Finding.id == finding_id, Finding.community_id == community_id)
        .with_for_update().execution_options(populate_existing=True))
    if finding is None:
        raise NotFound(N_("That report was not found."))
    return finding


def alleys_of(community_id: int) -> list[Alley]:
    return list(db.session.scalars(sa.select(Alley).where(Alley.community_id == community_id).order_by(Alley.name)))


def branches_of(community_id: int) -> list[AlleyBranch]:
    return list(db.session.scalars(
        sa.select(AlleyBranch).where(AlleyBranch.community_id == community_id).order_by(AlleyBranch.name)))


def people_of(community_id: int) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.community_id == community_id, User.active.is_(True), User.phone.is_not(None))
        .order_by(User.name)))


def branch_members(branch: AlleyBranch) -> list[BranchMember]:
    return sorted(branch.members, key=lambda m: (m.kind, m.user.name))


def holidays_of(community_id: int, start: date | None = None) -> list[Holiday]:
    query = sa.select(Holiday).where(Holiday.community_id == community_id)
    if start is not None:
        query = query.where(Holiday.day >= start)
    return list(db.session.scalars(query.order_by(Holiday.day)))


def routes_of(alley: Alley) -> dict[str, CategoryRoute]:
    rows = db.session.scalars(sa.select(CategoryRoute).where(
        CategoryRoute.community_id == alley.community_id, CategoryRoute.alley_id == alley.id))
    return {row.category: row for row in rows}


def route_for(alley: Alley, category: str) -> CategoryRoute | None:
    return db.session.scalar(sa.select(CategoryRoute).where(
        CategoryRoute.community_id == alley.community_id, CategoryRoute.alley_id == alley.id,
        CategoryRoute.category == category))


def duty_officers(alley: Alley, department: str) -> list[User]:
    """The branch's officers of that department; if the branch has none, the community's."""
    base = (sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.OFFICER, RoleGrant.department == department,
                   RoleGrant.community_id == alley.community_id, User.active.is_(True)))
    if alley.branch_id:
        in_branch = list(db.session.scalars(base.join(BranchMember, BranchMember.user_id == User.id)
                                            .where(BranchMember.community_id == alley.community_id,
                                                   BranchMember.branch_id == alley.branch_id)))
        if in_branch:
            return in_branch
    return list(db.session.scalars(base))
