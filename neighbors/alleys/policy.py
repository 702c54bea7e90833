"""Who may do what in the alleys: services refuse, views guard their pages and templates show buttons by the
same rules (templates ask `may("assign", shift)`)."""
from __future__ import annotations

from collections.abc import Callable

from ..models import Role, User
from ..policy import Policy
from .models import FINDING_STATES, OPEN_STATES, VOLUNTEER, Alley, AlleyBranch, Finding, PatrolShift

policy = Policy("alleys")
may = policy.may
require = policy.require


def slot_kind(user: User) -> str | None:
    """Officers fill their department's slots; patrollers and volunteers fill volunteer slots."""
    officer = next((g for g in user.role_grants if g.role == Role.OFFICER and g.department), None)
    if officer is not None:
        return officer.department
    if user.has_role(Role.PATROLLER, Role.VOLUNTEER):
        return VOLUNTEER
    return None


def officer_department(user: User | None) -> str:
    if user is None:
        return ""
    grant = next((g for g in user.role_grants if g.role == Role.OFFICER), None)
    return grant.department if grant else ""


def is_member(user: User | None) -> bool:
    return user is not None and user.has_role(Role.PATROLLER, Role.OFFICER, Role.VOLUNTEER)


def is_staff(user: User | None, community_id: int) -> bool:
    return user is not None and user.is_staff_of(community_id)


@policy.rule("patrol")
def _patrol(actor: User, _record=None) -> bool:
    """Has shifts of their own (my shifts, the calendar feed)."""
    return is_member(actor)


@policy.rule("see_patrols")
def _see_patrols(actor: User, _record=None) -> bool:
    """Coverage and the monthly figures: members and staff."""
    return is_member(actor) or is_staff(actor, actor.community_id)


@policy.rule("manage_community")
def _manage_community(actor: User, community_id: int) -> bool:
    """Alleys, branches, routes and holidays of a community: its staff (and administrators)."""
    return is_staff(actor, community_id)


@policy.rule("appoint_officers")
def _appoint_officers(actor: User | None, community_id: int) -> bool:
    """Making someone an officer, or changing their department: staff only."""
    return is_staff(actor, community_id)


@policy.rule("manage_alley")
def _manage_alley(actor: User, alley: Alley) -> bool:
    return is_staff(actor, alley.community_id) or (alley.branch is not None and alley.branch.secretary_id == actor.id)


@policy.rule("manage_branch")
def _manage_branch(actor: User, branch: AlleyBranch) -> bool:
    return is_staff(actor, branch.community_id) or branch.secretary_id == actor.id


@policy.rule("sign_up")
def _sign_up(actor: User, _shift: PatrolShift | None = None) -> bool:
    return slot_kind(actor) is not None


@policy.rule("assign")
def _assign(actor: User, shift: PatrolShift) -> bool:
    return _manage_alley(actor, shift.alley)


@policy.rule("be_assigned")
def _be_assigned(member: User, shift: PatrolShift) -> bool:
    """Whom a secretary may put on a shift: the branch's members (or, while the branch has none, anyone of
    the community with a phone) who are active and fill a kind of slot."""
    if member.community_id != shift.community_id or not member.active or slot_kind(member) is None:
        return False
    branch = shift.alley.branch
    if branch is not None and branch.members:
        return any(m.user_id == member.id for m in branch.members)
    return member.phone is not None


@policy.rule("view_finding")
def _view_finding(actor: User, finding: Finding) -> bool:
    if not (actor.is_admin or actor.community_id == finding.community_id):
        return False
    return finding.reporter_id == actor.id or is_staff(actor, finding.community_id) or is_member(actor)


@policy.rule("add_to")
def _add_to(actor: User, finding: Finding) -> bool:
    return _view_finding(actor, finding) and finding.state in OPEN_STATES


def _staff_of_case(actor: User, finding: Finding) -> bool:
    return is_staff(actor, finding.community_id)


def _with_department(actor: User, finding: Finding) -> bool:
    """The officers of the department the case is with."""
    return bool(finding.department) and officer_department(actor) == finding.department


def _reporter_or_staff(actor: User, finding: Finding) -> bool:
    return is_staff(actor, finding.community_id) or finding.reporter_id == actor.id


def _case_step(action: str, who: Callable[[User, Finding], bool]) -> None:
    """A step of a case: its state must allow it (FINDING_STATES), the person must see the case and be `who`."""

    @policy.rule(action)
    def rule(actor: User, finding: Finding) -> bool:
        return FINDING_STATES.allows(finding, action) and _view_finding(actor, finding) and who(actor, finding)


_case_step("dispatch", _staff_of_case)
_case_step("accept", _with_department)
_case_step("resolve", _with_department)
_case_step("send_back", _with_department)
_case_step("verify", _reporter_or_staff)
_case_step("reopen", _reporter_or_staff)
_case_step("close", _reporter_or_staff)
