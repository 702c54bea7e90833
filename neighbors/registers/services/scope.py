"""Which communities a reader of the registers sees: staff their own, the street's staff the communities of
their street, the admin the district (or one street of it)."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...errors import N_, NotFound
from ...extensions import db
from ...models import Community, Role, SubDistrict, User
from ..policy import policy, street_of


@dataclass(frozen=True)
class Scope:
    street: SubDistrict | None  # None: the admin's whole district, or a community's own staff
    communities: list[Community]

    @property
    def ids(self) -> list[int]:
        return [community.id for community in self.communities]

    def community(self, community_id: int | None) -> Community:
        """One community of the scope (the first when none is asked); another is not found."""
        if community_id is None:
            return self.communities[0]
        found = next((c for c in self.communities if c.id == community_id), None)
        if found is None:
            raise NotFound(N_("That community was not found."))
        return found


def streets() -> list[SubDistrict]:
    return list(db.session.scalars(sa.select(SubDistrict).order_by(SubDistrict.id)))


def _of_street(street_id: int) -> list[Community]:
    return list(db.session.scalars(sa.select(Community).where(Community.sub_district_id == street_id)
                                   .order_by(Community.id)))


def scope_for(actor: User, street_id: int | None = None) -> Scope:
    """The actor's communities; the admin may narrow them to one street (`street_id`)."""
    policy.require(actor, "see_registers")
    if actor.is_admin:
        if street_id is None:
            return Scope(None, list(db.session.scalars(sa.select(Community).order_by(Community.id))))
        street = db.session.get(SubDistrict, street_id)
        if street is None:
            raise NotFound(N_("That street was not found."))
        return Scope(street, _of_street(street.id))
    own_street = street_of(actor)
    if own_street is not None:
        return Scope(db.session.get(SubDistrict, own_street), _of_street(own_street))
    if actor.has_role(Role.STAFF):
        return Scope(None, [actor.community])
    raise NotFound(N_("That community was not found."))
