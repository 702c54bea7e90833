"""Carers: staff link someone of the community, found by phone, to act for a resident."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import accounts
from ...database import begin_write
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...models import CarerLink, User
from ...phones import normalise_phone
from ...transactions import service
from .people import carer_links_of, person
from .roles import SAME_CHANGE

MAX_RELATION = 30


def _carer_by_phone(resident: User, carer_phone: str) -> User:
    try:
        phone = normalise_phone(carer_phone)
    except InvalidInput as error:
        raise InvalidInput(error.msgid, field="carer") from None
    carer = db.session.scalar(
        sa.select(User).where(User.phone == phone, User.community_id == resident.community_id)
    )
    if carer is None:
        raise InvalidInput(N_("No one in this community has that phone number."), field="carer")
    return carer


@service
def link_carer(actor: User, resident_id: int, carer_phone: str, relation: str = "") -> CarerLink:
    """Link someone of the same community, found by their phone number, as the resident's carer."""
    begin_write()
    resident = person(actor, resident_id, lock=True)
    carer = _carer_by_phone(resident, carer_phone)
    relation = " ".join((relation or "").split())
    if len(relation) > MAX_RELATION:
        raise InvalidInput(N_("Describe the relation in at most 30 characters."), field="relation")
    if carer.id in {link.carer_id for link in carer_links_of(resident)}:
        raise InvalidInput(N_("%(name)s is already a carer of this person."), field="carer", name=carer.name)
    try:
        link = accounts.link_carer(actor, carer, resident, relation=relation)
        db.session.flush()
    except IntegrityError:  # the same link sent twice at once: the unique key kept one
        raise InvalidInput(SAME_CHANGE) from None
    return link


@service
def unlink_carer(actor: User, resident_id: int, link_id: int) -> None:
    begin_write()
    resident = person(actor, resident_id, lock=True)
    link = db.session.scalar(
        sa.select(CarerLink).where(CarerLink.id == link_id, CarerLink.resident_id == resident.id,
                                   CarerLink.community_id == resident.community_id)
    )
    if link is None:
        raise NotFound(N_("That carer link was not found."))
    accounts.unlink_carer(actor, link)
