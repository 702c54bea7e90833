"""A visit at the door: who was met, what was found, a note and a photo, in one short form on a phone."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ... import audit, uploads
from ...clock import local_today
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotAllowed, NotFound
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import ELDER_FROM, Need, Outcome, Tag, Visit
from ..policy import policy
from .households import household_for

MAX_NOTE = 500
MAX_TALENT = 100


@dataclass
class VisitDetails:
    outcome: str
    met_id: int | None = None
    met_other: str = ""
    needs: list[str] = field(default_factory=list)
    note: str = ""
    talent: str = ""


def _clean(household, details: VisitDetails) -> tuple[Outcome, list[Need]]:
    if details.outcome not in {o.value for o in Outcome}:
        raise InvalidInput(N_("Say whom you met, or that nobody was home."), field="outcome")
    outcome = Outcome(details.outcome)
    if outcome == Outcome.MET_MEMBER and details.met_id not in {person.id for person in household.people}:
        raise InvalidInput(N_("Choose the member of the household you met."), field="met")
    if outcome == Outcome.MET_OTHER and not details.met_other.strip():
        raise InvalidInput(N_("Say whom you met."), field="met_other")
    if len(details.met_other) > 50:
        raise InvalidInput(N_("At most 50 characters."), field="met_other")
    if any(value not in {n.value for n in Need} for value in details.needs):
        raise InvalidInput(N_("Choose only from the needs shown."), field="needs")
    needs = [need for need in Need if need.value in details.needs]
    if outcome == Outcome.NOBODY_HOME and (needs or details.talent.strip()):
        raise InvalidInput(N_("Nobody was home: there is nothing to note as found."), field="needs")
    if len(details.note) > MAX_NOTE:
        raise InvalidInput(N_("The note can have at most 500 characters."), field="note")
    if len(details.talent) > MAX_TALENT:
        raise InvalidInput(N_("At most 100 characters."), field="talent")
    return outcome, needs


def elder_alone(household, now: datetime) -> bool:
    eldest = household.eldest_age(local_today(now))
    return Tag.ALONE in household.tags(local_today(now)) and eldest is not None and eldest >= ELDER_FROM


@service
def record_visit(actor: User, household_id: int, details: VisitDetails, now: datetime, *,
                 submission_key: str | None = None, photo=None) -> Visit:
    """Write down one visit; a double tap of the same form gives back the visit it already made."""
    begin_write()
    household = household_for(actor, household_id, "visit")
    if submission_key:
        earlier = db.session.scalar(sa.select(Visit).where(Visit.submission_key == submission_key))
        if earlier is not None:
            if earlier.household_id != household.id:
                raise Conflict(N_("This form was already sent. Please reload and try again."))
            return earlier
    outcome, needs = _clean(household, details)
    photo_key = uploads.store_image(photo, household.community_id).key if photo else None
    visit = Visit(community_id=household.community_id, household_id=household.id, visitor_id=actor.id,
                  visited_at=now, outcome=outcome.value,
                  met_id=details.met_id if outcome == Outcome.MET_MEMBER else None,
                  met_other=details.met_other.strip() if outcome == Outcome.MET_OTHER else "",
                  needs=",".join(need.value for need in needs), note=details.note.strip(),
                  talent=details.talent.strip(), photo_key=photo_key, submission_key=submission_key or None,
                  needs_attention=bool(needs) and elder_alone(household, now))
    db.session.add(visit)
    try:
        db.session.flush()
    except Exception:
        if photo_key:
            uploads.discard(photo_key)
        raise
    audit.record(actor, "visits.visited", visit, community_id=household.community_id,
                 after={"household": household.id, "outcome": outcome.value, "needs": visit.needs}, now=now)
    return visit


def visit_for(actor: User, visit_id: int) -> Visit | None:
    """A visit, if the reader may see its household."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        return None
    try:
        household_for(actor, visit.household_id)
    except (NotFound, NotAllowed):
        return None
    return visit


@service
def mark_attended(actor: User, visit_id: int, now: datetime) -> Visit:
    """Staff have seen to what an elder living alone needed, or invited the 能人 met: the visit leaves the queue
    (once, whoever is first)."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or not (actor.is_admin or visit.community_id == actor.community_id):
        raise NotFound(N_("That visit was not found."))
    policy.require(actor, "manage", visit.community_id)
    moved = db.session.execute(
        sa.update(Visit).where(Visit.id == visit.id, Visit.community_id == visit.community_id,
                               Visit.attended_at.is_(None),
                               sa.or_(Visit.needs_attention.is_(True), Visit.talent != ""))
        .values(attended_at=now, attended_by_id=actor.id).execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        raise Conflict(N_("Someone has already seen to this."))
    db.session.refresh(visit)
    audit.record(actor, "visits.attended", visit, community_id=visit.community_id, now=now)
    return visit
