"""Road segments and their owners (路段负责人): staff divide an alley into named stretches and name, per stretch and
department, the one officer a case goes to first and a deputy. A case not accepted in time moves on (the tick):
officer, then deputy, then the whole department and the staff queue. Each step is a line of the case's history."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ... import accounts, audit
from ...database import begin_write
from ...errors import N_, InvalidInput, NotFound
from ...extensions import db
from ...i18n import term
from ...models import Role, RoleGrant, User
from ...notifications import notify
from ...transactions import service
from ..models import CATEGORY_NAMES, DEPARTMENTS, AlleySegment, Finding, FindingState, SegmentOwner, finding_event
from .common import clean, finding_link, require_staff
from .lookups import alley_for, duty_officers, reachable

PASS_ON = "pass_on"  # a history line: the case moved to the next person (no change of state)


OFFICER_MINUTES = 10  # the setting's default


def officer_minutes() -> int:
    """How long the responsible officer, then the deputy, has to accept (the setting NEIGHBORS_OFFICER_ACCEPT_MINUTES,
    from the environment or the app's configuration)."""
    value = current_app.config.get("NEIGHBORS_OFFICER_ACCEPT_MINUTES") or os.environ.get(
        "NEIGHBORS_OFFICER_ACCEPT_MINUTES")
    return int(value) if value else OFFICER_MINUTES


def segments_of(community_id: int, alley_id: int | None = None) -> list[AlleySegment]:
    query = sa.select(AlleySegment).where(AlleySegment.community_id == community_id)
    if alley_id is not None:
        query = query.where(AlleySegment.alley_id == alley_id)
    return list(db.session.scalars(query.order_by(AlleySegment.alley_id, AlleySegment.name)))


def segment_for(actor: User, segment_id: int | None) -> AlleySegment:
    return reachable(actor, AlleySegment, segment_id, N_("That segment was not found."))


def officers_of(community_id: int, department: str | None = None) -> list[User]:
    """The community's active officers (of one department), whom staff may name for a segment."""
    query = (sa.select(User).join(RoleGrant, RoleGrant.user_id == User.id)
             .where(RoleGrant.role == Role.OFFICER, RoleGrant.community_id == community_id, User.active.is_(True)))
    if department is not None:
        query = query.where(RoleGrant.department == department)
    return list(db.session.scalars(query.order_by(User.name)).unique())


@service
def save_segment(actor: User, alley_id: int, name: str, landmarks: str, now: datetime,
                 segment_id: int | None = None) -> AlleySegment:
    """A new stretch of the alley, or a stretch renamed; its name is unique within the alley."""
    name = clean(name, "name", 80)
    landmarks = clean(landmarks, "landmarks", 500, required=False)
    begin_write()
    alley = alley_for(actor, alley_id)
    require_staff(actor, alley.community_id)
    segment = segment_for(actor, segment_id) if segment_id else None
    if segment is not None and segment.alley_id != alley.id:
        raise NotFound(N_("That segment was not found."))
    if db.session.scalar(sa.select(AlleySegment.id).where(AlleySegment.community_id == alley.community_id,
                                                          AlleySegment.alley_id == alley.id,
                                                          AlleySegment.name == name,
                                                          AlleySegment.id != (segment.id if segment else 0))):
        raise InvalidInput(N_("This alley already has a segment of that name."), field="name")
    before = {"name": segment.name, "landmarks": segment.landmarks} if segment else None
    if segment is None:
        segment = AlleySegment(community_id=alley.community_id, alley_id=alley.id)
        db.session.add(segment)
    segment.name, segment.landmarks = name, landmarks
    db.session.flush()
    audit.record(actor, "alleys.segment_saved", segment, community_id=alley.community_id, before=before,
                 after={"alley": alley.name, "name": name, "landmarks": landmarks}, now=now)
    return segment


def _officer(community_id: int, department: str, user_id: int | None, field: str) -> User | None:
    if not user_id:
        return None
    found = next((u for u in officers_of(community_id, department) if u.id == user_id), None)
    if found is None:
        raise InvalidInput(N_("Choose an officer of this department."), field=field)
    return found


@service
def set_owner(actor: User, segment_id: int, department: str, officer_id: int | None, deputy_id: int | None,
              now: datetime) -> SegmentOwner | None:
    """The segment's responsible officer and deputy for one department; no officer takes the naming away."""
    if department not in DEPARTMENTS:
        raise InvalidInput(N_("Choose a department from the list."), field="department")
    begin_write()
    segment = segment_for(actor, segment_id)
    require_staff(actor, segment.community_id)
    officer = _officer(segment.community_id, department, officer_id, "officer")
    deputy = _officer(segment.community_id, department, deputy_id, "deputy")
    if officer is None and deputy is not None:
        raise InvalidInput(N_("Name the responsible officer first."), field="officer")
    if officer is not None and deputy is not None and officer.id == deputy.id:
        raise InvalidInput(N_("The deputy must be someone else."), field="deputy")
    owner = db.session.scalar(sa.select(SegmentOwner).where(SegmentOwner.segment_id == segment.id,
                                                            SegmentOwner.department == department)
                              .with_for_update())
    before = ({"officer": owner.officer.name, "deputy": owner.deputy.name if owner.deputy else ""}
              if owner else None)
    if officer is None:
        if owner is not None:
            db.session.delete(owner)
        owner = None
    else:
        if owner is None:
            owner = SegmentOwner(community_id=segment.community_id, segment_id=segment.id, department=department)
            db.session.add(owner)
        owner.officer_id, owner.deputy_id = officer.id, deputy.id if deputy else None
    db.session.flush()
    db.session.expire(segment, ["owners"])
    audit.record(actor, "alleys.segment_owner_set", segment, community_id=segment.community_id, before=before,
                 after={"segment": segment.name, "department": department,
                        "officer": officer.name if officer else "", "deputy": deputy.name if deputy else ""}, now=now)
    return owner


def first_responsible(finding: Finding, department: str, now: datetime) -> User | None:
    """On dispatch: the segment's responsible officer for the department, who has the first turn (None: nobody is
    named, the whole department is told)."""
    owner = finding.segment.owner_for(department) if finding.segment is not None else None
    officer = owner.officer if owner is not None and owner.officer.active else None
    finding.assigned_to_id = officer.id if officer else None
    finding.assigned_until = now + timedelta(minutes=officer_minutes()) if officer else None
    return officer


def tell_responsible(finding: Finding, officer: User, now: datetime) -> None:
    notify(officer, N_("New case in %(alley)s (%(segment)s): %(category)s. You are responsible: please accept it."),
           link=finding_link(finding), now=now, alley=finding.alley.name, segment=finding.segment.name,
           category=term(CATEGORY_NAMES.get(finding.category, finding.category)))


def _next_in_turn(finding: Finding) -> User | None:
    """After the officer, the deputy; after the deputy (or an officer without one), nobody in particular."""
    owner = finding.segment.owner_for(finding.department) if finding.segment is not None else None
    if owner is None or finding.assigned_to_id != owner.officer_id or owner.deputy is None:
        return None
    return owner.deputy if owner.deputy.active else None


def _claim_turn(finding: Finding, following: User | None, now: datetime) -> bool:
    """Move the turn on, once: two ticks at once find the row already moved."""
    until = now + timedelta(minutes=officer_minutes()) if following else None
    moved = db.session.execute(
        sa.update(Finding).where(Finding.id == finding.id, Finding.community_id == finding.community_id,
                                 Finding.state == FindingState.DISPATCHED,
                                 Finding.assigned_to_id == finding.assigned_to_id,
                                 Finding.assigned_until == finding.assigned_until)
        .values(assigned_to_id=following.id if following else None, assigned_until=until)
        .execution_options(synchronize_session=False)).rowcount
    return moved == 1


def _tell_department_and_staff(finding: Finding, now: datetime) -> None:
    for officer in duty_officers(finding.alley, finding.department):
        notify(officer, N_("Nobody responsible accepted the case in %(alley)s: %(category)s. Please accept it."),
               link=finding_link(finding), now=now, alley=finding.alley.name,
               category=term(CATEGORY_NAMES.get(finding.category, finding.category)))
    for person in accounts.staff_of(finding.community_id):
        notify(person, N_("The responsible officers did not accept the case in %(alley)s in time."),
               link=finding_link(finding), now=now, alley=finding.alley.name)


@service
def pass_on_unaccepted(now: datetime) -> int:
    """The tick: each case whose named officer's turn is over goes to the deputy, or to the whole department."""
    waiting = db.session.scalars(sa.select(Finding).where(
        Finding.state == FindingState.DISPATCHED, Finding.assigned_to_id.is_not(None),
        Finding.assigned_until < now)).all()
    moved = 0
    for finding in waiting:
        following = _next_in_turn(finding)
        if not _claim_turn(finding, following, now):
            continue
        db.session.add(finding_event(finding, PASS_ON, None, now, finding.state, finding.state,
                                     assignee=following))
        db.session.expire(finding, ["assigned_to_id", "assigned_until", "assigned_to"])
        if following is not None:
            tell_responsible(finding, following, now)
        else:
            _tell_department_and_staff(finding, now)
        moved += 1
    return moved
