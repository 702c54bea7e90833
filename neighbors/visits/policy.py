"""Who may do what in 千户访: household pages are for the community's staff, the grid's workers and the admin.

Rules take `(actor, record)`; community-wide rules take a community id (the actor's own when none is given).
"""
from __future__ import annotations

from typing import Any

from ..models import Role, User
from ..policy import Policy

policy = Policy("visits")


def _staff(actor: User, community_id: int | None = None) -> bool:
    return actor.is_staff_of(actor.community_id if community_id is None else community_id)


def works_in(actor: User, grid: Any) -> bool:
    """A grid worker of this very grid (the role and the assignment both)."""
    return (actor.has_role(Role.GRID_WORKER) and actor.community_id == grid.community_id
            and actor.id in grid.worker_ids)


@policy.rule("manage")
def _manage(actor: User, community_id: int | None = None) -> bool:
    """Grids, workers, tags, intervals, rosters in and out: staff of the community (and the admin)."""
    return _staff(actor, community_id)


@policy.rule("see_round")
def _see_round(actor: User, _record: Any = None) -> bool:
    """The list of households due a visit: grid workers for their grids, staff for the whole community."""
    return actor.has_role(Role.GRID_WORKER) or _staff(actor)


@policy.rule("view")
def _view(actor: User, household: Any) -> bool:
    return _staff(actor, household.community_id) or works_in(actor, household.grid)


@policy.rule("visit")
def _visit(actor: User, household: Any) -> bool:
    """Record a visit at the door: the grid's workers, and staff who go themselves."""
    return _staff(actor, household.community_id) or works_in(actor, household.grid)


@policy.rule("tag")
def _tag(actor: User, household: Any) -> bool:
    return _staff(actor, household.community_id)
