"""What 千户访 holds about a person, and its part of their erasure (neighbors/privacy, PIPL arts. 45, 47).

A household is a door of the grid's roster and stays; the person leaves it. A visit keeps its time, outcome
and needs (the month's figures count them); what was written about the person — the note, 发现能人, the photo,
who was met — goes when the visit met them or when they lived there alone."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...models import User
from ...registry import PersonalData
from ...uploads import discard_after_commit
from ..models import GridWorker, Household, HouseholdMember, Visit


def _membership(person: User) -> HouseholdMember | None:
    return db.session.scalar(sa.select(HouseholdMember).where(
        HouseholdMember.community_id == person.community_id, HouseholdMember.user_id == person.id))


def personal_data(person: User) -> list[PersonalData]:
    member = _membership(person)
    household = [] if member is None else [(member.household.address, member.relation,
                                             ", ".join(tag.value for tag in member.household.staff_tags()))]
    visits = [] if member is None else db.session.scalars(sa.select(Visit).where(
        Visit.community_id == person.community_id, Visit.household_id == member.household_id).order_by(Visit.id))
    made = db.session.execute(sa.select(Visit.visited_at, Household.building, Household.unit, Household.room,
                                        Visit.outcome)
                              .join(Household, same_community(Visit.household_id == Household.id))
                              .where(Visit.community_id == person.community_id, Visit.visitor_id == person.id)
                              .order_by(Visit.id)).all()
    return [
        PersonalData(N_("Your household"), (N_("Address"), N_("Relation"), N_("Tags")), household),
        PersonalData(N_("Visits to your household"),
                     (N_("Time"), N_("Outcome"), N_("Needs"), N_("Note"), N_("Talent found"), N_("Photo")),
                     [(visit.visited_at, visit.outcome, visit.needs, visit.note, visit.talent, bool(visit.photo_key))
                      for visit in visits]),
        PersonalData(N_("Visits you made"), (N_("Time"), N_("Address"), N_("Outcome")),
                     [(when, f"{building}{unit}{room}", outcome) for when, building, unit, room, outcome in made]),
    ]


def erase_person(_actor: User, person: User, _now: datetime) -> dict[str, int]:
    """Flushes only: the caller's @service is the transaction."""
    member = _membership(person)
    about_them = Visit.met_id == person.id
    if member is not None:
        alone = not any(other.user_id != person.id for other in member.household.members)
        if alone:
            about_them = sa.or_(about_them, Visit.household_id == member.household_id)
        db.session.execute(sa.update(Household).where(Household.id == member.household_id,
                                                      Household.contact_id == person.id).values(contact_id=None))
    visits = list(db.session.scalars(sa.select(Visit).where(Visit.community_id == person.community_id, about_them)))
    for visit in visits:
        if visit.photo_key:
            discard_after_commit(visit.photo_key)
        visit.note, visit.talent, visit.met_other, visit.photo_key = "", "", "", None
        if visit.met_id == person.id:
            visit.met_id = None
    counts = {
        "visits.visits": len(visits),
        "visits.household": db.session.execute(sa.delete(HouseholdMember).where(
            HouseholdMember.community_id == person.community_id, HouseholdMember.user_id == person.id)).rowcount,
        "visits.grids": db.session.execute(sa.delete(GridWorker).where(
            GridWorker.community_id == person.community_id, GridWorker.user_id == person.id)).rowcount,
    }
    db.session.flush()
    return counts
