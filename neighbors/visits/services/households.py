"""Households: the page of one household (for those the policy lets in) and the tags staff set on it."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...database import begin_write, same_community
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...models import Role, User
from ...transactions import service
from ..models import STAFF_TAGS, GridWorker, Household, HouseholdMember, HouseholdTag, Tag, Visit
from ..policy import policy


def household_in(community_id: int, household_id: int) -> Household:
    household = db.session.scalar(sa.select(Household).where(Household.id == household_id,
                                                            Household.community_id == community_id))
    if household is None:
        raise NotFound(N_("That household was not found."))
    return household


def household_for(actor: User, household_id: int, action: str = "view") -> Household:
    """The household if the actor may see it: another community's is not found, another grid's refused."""
    household = db.session.get(Household, household_id)
    if household is None or not (actor.is_admin or household.community_id == actor.community_id):
        raise NotFound(N_("That household was not found."))
    policy.require(actor, action, household)
    return household


def visits_of(household: Household, limit: int = 20) -> list[Visit]:
    return list(db.session.scalars(
        sa.select(Visit).where(Visit.household_id == household.id, Visit.community_id == household.community_id)
        .order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit)))


def clean_tags(values: Iterable[str]) -> set[Tag]:
    chosen = set()
    for value in values:
        if value not in {tag.value for tag in STAFF_TAGS}:
            raise InvalidInput(N_("Choose only from the tags shown."), field="tags")
        chosen.add(Tag(value))
    return chosen


def replace_tags(actor: User | None, household: Household, wanted: set[Tag], now: datetime) -> bool:
    """Make the household's staff tags exactly `wanted`; True when anything changed (joins the caller's write)."""
    held = household.staff_tags()
    if held == wanted:
        return False
    for row in [row for row in household.tag_rows if Tag(row.tag) not in wanted]:
        household.tag_rows.remove(row)
    for tag in sorted(wanted - held):
        household.tag_rows.append(HouseholdTag(community_id=household.community_id, tag=tag.value,
                                               set_by_id=actor.id if actor else None, set_at=now))
    db.session.flush()
    audit.record(actor, "visits.tags_changed", household, community_id=household.community_id,
                 before={"tags": sorted(held)}, after={"tags": sorted(wanted)}, now=now)
    return True


@service
def set_tags(actor: User, household_id: int, tags: Iterable[str], now: datetime) -> Household:
    begin_write()
    household = household_for(actor, household_id, "tag")
    replace_tags(actor, household, clean_tags(tags), now)
    return household


def acts_for(actor: User, resident: User) -> bool:
    """A grid worker may act for the members of the households of their grids (kitchen orders, help requests)."""
    if not actor.has_role(Role.GRID_WORKER) or actor.community_id != resident.community_id:
        return False
    return db.session.scalar(
        sa.select(HouseholdMember.id)
        .join(Household, same_community(Household.id == HouseholdMember.household_id))
        .join(GridWorker, same_community(GridWorker.grid_id == Household.grid_id))
        .where(HouseholdMember.user_id == resident.id, GridWorker.user_id == actor.id,
               Household.community_id == resident.community_id)) is not None
