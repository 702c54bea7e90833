"""Who may do what with the registers: community staff record and correct their own community's entries; the
street's staff (街道, role street_staff) see and compare every community of their street and refuse
duplicates; the admin sees the whole district.

Rules take `(actor, record)`: an entry, or a community for the community-wide rules.
"""
from __future__ import annotations

from typing import Any

from ..models import Community, Role, User
from ..policy import Policy

policy = Policy("registers")


def street_of(actor: User) -> int | None:
    """The street (sub-district) a street officer works for: the street of the community they belong to."""
    if not actor.has_role(Role.STREET_STAFF):
        return None
    return actor.community.sub_district_id


def oversees(actor: User, community: Community) -> bool:
    """The admin, or street staff of the street this community belongs to (`User.oversees`)."""
    return actor.oversees(community)


@policy.rule("record")
def _record(actor: User, community: Community | None = None) -> bool:
    """Staff record what reached their own community."""
    return actor.has_role(Role.STAFF) and (community is None or actor.community_id == community.id)


@policy.rule("correct")
def _correct(actor: User, entry: Any) -> bool:
    return entry.current and actor.has_role(Role.STAFF) and actor.community_id == entry.community_id


@policy.rule("view")
def _view(actor: User, entry: Any) -> bool:
    return actor.is_staff_of(entry.community_id) or oversees(actor, entry.community)


@policy.rule("refuse")
def _refuse(actor: User, entry: Any) -> bool:
    """The street (or the admin) refuses an entry that repeats another."""
    return entry.current and oversees(actor, entry.community)


@policy.rule("see_registers")
def _see_registers(actor: User, _record: Any = None) -> bool:
    """The registers, the monthly statistics and the bulletin: staff (their community), the street, the admin."""
    return actor.has_role(Role.STAFF, Role.STREET_STAFF, Role.ADMIN)


@policy.rule("compare")
def _compare(actor: User, _record: Any = None) -> bool:
    """The street's page comparing its communities: the street's staff and the admin."""
    return actor.has_role(Role.STREET_STAFF, Role.ADMIN)
