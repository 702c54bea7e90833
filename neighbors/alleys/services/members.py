"""A branch's members: the secretary adds patrollers and the officers staff named; staff also appoint officers
and remove members."""
from __future__ import annotations

from datetime import datetime

from ... import accounts, audit
from ...clock import utcnow
from ...database import begin_write
from ...errors import N_, InvalidInput, NotAllowed
from ...extensions import db
from ...models import Role, User
from ...transactions import service
from ..models import DEPARTMENTS, AlleyBranch, BranchMember, MemberKind
from ..policy import may, officer_department
from .common import require_staff
from .lookups import branch_for, reachable


def _as_officer(actor: User | None, user: User, department: str, staff: bool, now: datetime | None) -> None:
    """Staff may make someone an officer of a department; a secretary only adds an officer staff already named,
    in their own department."""
    current = officer_department(user)
    department = department or current
    if department not in DEPARTMENTS:
        raise InvalidInput(N_("Choose the officer's department."), field="department")
    if not staff and department != current:
        raise InvalidInput(N_("Only staff can make someone an officer or change an officer's department."),
                           field="department")
    grant = accounts.grant_role(actor if staff else None, user, Role.OFFICER, department=department)
    if grant.department != department:
        audit.record(actor, "alleys.department_changed", grant, community_id=user.community_id, subject=user,
                     before={"department": grant.department}, after={"department": department}, now=now)
        grant.department = department


def join_branch(actor: User | None, branch: AlleyBranch, user: User, kind: str, department: str,
                now: datetime | None) -> BranchMember:
    """The membership and the role it needs (a secretary's new patroller gets the patroller role with it,
    audited as the membership). `actor` None is the system acting for staff. Flushes only."""
    staff = actor is None or may(actor, "appoint_officers", branch.community_id)
    if kind == MemberKind.OFFICER:
        _as_officer(actor, user, department, staff, now)
    elif not user.has_role(Role.PATROLLER, Role.VOLUNTEER):
        accounts.grant_role(actor if staff else None, user, Role.PATROLLER)
    member = BranchMember(community_id=branch.community_id, branch_id=branch.id, user_id=user.id, kind=kind,
                          joined_at=now or utcnow())
    db.session.add(member)
    db.session.flush()
    return member


@service
def add_member(actor: User, branch_id: int, user_id: int, kind: str, department: str = "",
               now: datetime | None = None) -> BranchMember:
    if kind not in tuple(MemberKind):
        raise InvalidInput(N_("Choose patroller or officer."), field="kind")
    begin_write()
    branch = branch_for(actor, branch_id)
    if not may(actor, "manage_branch", branch):
        raise NotAllowed(N_("Only the branch secretary or community staff can do that."))
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.community_id != branch.community_id:
        raise InvalidInput(N_("Choose a person from this community."), field="user")
    if any(m.user_id == user.id for m in branch.members):
        raise InvalidInput(N_("This person is already a member of the branch."), field="user")
    member = join_branch(actor, branch, user, kind, department, now)
    audit.record(actor, "alleys.member_added", member, community_id=branch.community_id, subject=user,
                 after={"branch": branch.name, "kind": kind, "department": department}, now=now)
    return member


@service
def remove_member(actor: User, member_id: int, now: datetime | None = None) -> None:
    begin_write()
    member = reachable(actor, BranchMember, member_id, N_("That member was not found."))
    require_staff(actor, member.community_id)
    audit.record(actor, "alleys.member_removed", member, community_id=member.community_id, subject=member.user,
                 before={"branch": member.branch.name, "kind": member.kind}, now=now)
    db.session.delete(member)
