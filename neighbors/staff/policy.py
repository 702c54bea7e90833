"""Who may do what in the staff console: asked by its services, its views and its pages (as `may`)."""
from __future__ import annotations

from dataclasses import dataclass

from .. import accounts
from ..errors import N_
from ..models import Community, Role, User
from ..policy import Policy

policy = Policy("staff")


@dataclass(frozen=True)
class HeldRole:
    """A role a person holds, as the revoke button and the service ask about it."""

    person: User
    role: Role


@policy.rule("manage")
def _manage(actor: User, community_id: int) -> bool:
    """Staff manage their own community; an admin any."""
    return actor.is_staff_of(community_id)


@policy.rule("read_reports")
def _read_reports(actor: User, community: Community) -> bool:
    """The monthly and annual reports: the community's staff, the staff of its street and the admin."""
    return actor.is_staff_of(community.id) or actor.oversees(community)


@policy.rule("follow_figures")
def _follow_figures(actor: User, report) -> bool:
    """A figure links to the records behind it for whoever may read them: the year's work lists residents'
    orders, requests and reports, which stay with the community's staff (and the admin); the year's burden lists
    the registers, which the street reads too."""
    return actor.is_staff_of(report.community.id) or (report.kind == "burden" and actor.oversees(report.community))


@policy.rule("see_queue")
def _see_queue(actor: User, _record=None) -> bool:
    """Staff (and admins) see their community's work queue and its count in the menu."""
    return actor.is_staff_of(actor.community_id)


@policy.rule("manage_person")
def _manage_person(actor: User, person: User) -> bool:
    """Someone of another community does not exist for staff (an admin sees the district)."""
    return actor.is_staff_of(person.community_id)


@policy.rule("switch_community", "see_district")
def _district(actor: User, _record=None) -> bool:
    """Only an admin looks at other communities and the district side by side."""
    return actor.is_admin


@policy.rule("grant_role")
def _grant_role(actor: User, role: Role) -> bool:
    """Staff grant the roles of their community; administrator and street staff only an admin grants (the one
    rule, `accounts.may_grant`, which the grant itself checks)."""
    return accounts.may_grant(actor, role)


def revoke_refusal(actor: User, held: HeldRole) -> str | None:
    """Why the actor may not remove this role, or None: every role but the resident one can go, only an admin
    removes an admin, and nobody their own staff or administrator role."""
    if held.role == Role.RESIDENT:
        return N_("Everyone keeps the resident role.")
    if held.person.id == actor.id and held.role in (Role.STAFF, Role.ADMIN):
        return N_("You cannot remove your own staff or administrator role.")
    if held.role == Role.ADMIN and not actor.is_admin:
        return N_("Only an administrator can revoke that role.")
    return None


@policy.rule("revoke_role")
def _revoke_role(actor: User, held: HeldRole) -> bool:
    return revoke_refusal(actor, held) is None


@policy.rule("reset_password")
def _reset_password(actor: User, person: User) -> bool:
    """Staff reset the password of a resident of their community who logs in by phone; only an admin that of
    staff or another admin; nobody their own (the account's rules in `accounts.check_password_reset`)."""
    return accounts.can_reset_password(actor, person)
