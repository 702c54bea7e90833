"""What the alleys hold about a person, and their part of the person's erasure (neighbors/privacy, PIPL arts.
45, 47).

A case keeps its alley, category, place, times and states, so the monthly statistics keep their counts, and a
past patrol keeps its attendance; the person's words and photos go, their future shifts are freed, and they
leave every branch."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...models import User
from ...registry import ERASED, PersonalData
from ...uploads import discard_after_commit
from ..models import (
    Alley, AlleyBranch, BranchMember, CalendarFeed, Finding, FindingEvent, FindingPhoto, PatrolShift, PatrolSignup,
)


def personal_data(person: User) -> list[PersonalData]:
    return [_findings(person), _photos(person), _shifts(person), _branches(person)]


def _findings(person: User) -> PersonalData:
    rows = db.session.execute(
        sa.select(Finding, Alley.name).join(Alley, same_community(Finding.alley_id == Alley.id))
        .where(Finding.community_id == person.community_id, Finding.reporter_id == person.id)
        .order_by(Finding.id)).all()
    return PersonalData(
        N_("Findings you reported"),
        (N_("Time"), N_("Alley"), N_("Category"), N_("Place"), N_("Description"), N_("State")),
        [(finding.created_at, alley, finding.category, finding.place, finding.description, finding.state) for finding,
         alley in rows])


def _photos(person: User) -> PersonalData:
    photos = db.session.scalars(sa.select(FindingPhoto).where(
        FindingPhoto.community_id == person.community_id, FindingPhoto.added_by_id == person.id)
        .order_by(FindingPhoto.id))
    return PersonalData(
        N_("Photos you added"),
        (N_("Time"), N_("Finding"), N_("Before or after")),
        [(photo.created_at, photo.finding_id, photo.kind) for photo in photos])


def _shifts(person: User) -> PersonalData:
    rows = db.session.execute(
        sa.select(PatrolSignup, PatrolShift.starts_at, Alley.name)
        .join(PatrolShift, same_community(PatrolSignup.shift_id == PatrolShift.id))
        .join(Alley, same_community(PatrolShift.alley_id == Alley.id))
        .where(PatrolSignup.community_id == person.community_id, PatrolSignup.user_id == person.id)
        .order_by(PatrolShift.starts_at)).all()
    return PersonalData(
        N_("Patrol shifts"),
        (N_("Starts"), N_("Alley"), N_("As"), N_("Checked in"), N_("Checked out")),
        [(starts, alley, signup.kind, signup.checked_in_at, signup.checked_out_at) for signup, starts, alley in rows])


def _branches(person: User) -> PersonalData:
    rows = db.session.execute(
        sa.select(AlleyBranch.name, BranchMember.kind, BranchMember.joined_at)
        .join(AlleyBranch, same_community(BranchMember.branch_id == AlleyBranch.id))
        .where(BranchMember.community_id == person.community_id, BranchMember.user_id == person.id)).all()
    return PersonalData(
        N_("Party branches"),
        (N_("Branch"), N_("As"), N_("Since")),
        [tuple(row) for row in rows])


def erase_person(_actor: User, person: User, now: datetime) -> dict[str, int]:
    """Flushes only: the caller's @service is the transaction."""
    mine = {"community_id": person.community_id}
    photos = list(db.session.scalars(sa.select(FindingPhoto).filter_by(**mine, added_by_id=person.id)))
    for photo in photos:
        discard_after_commit(photo.key)
        db.session.delete(photo)
    coming = sa.select(PatrolShift.id).where(PatrolShift.community_id == person.community_id,
                                             PatrolShift.starts_at > now)
    counts = {
        "alleys.findings": db.session.execute(
            sa.update(Finding).filter_by(**mine, reporter_id=person.id).values(description=ERASED)).rowcount,
        "alleys.resolution_notes": db.session.execute(
            sa.update(Finding).filter_by(**mine, resolved_by_id=person.id).where(Finding.resolution_note != "")
            .values(resolution_note="")).rowcount,
        "alleys.case_notes": db.session.execute(
            sa.update(FindingEvent).filter_by(**mine, actor_id=person.id).where(FindingEvent.note != "")
            .values(note="")).rowcount,
        "alleys.photos": len(photos),
        "alleys.future_shifts": db.session.execute(
            sa.delete(PatrolSignup).filter_by(**mine, user_id=person.id).where(PatrolSignup.shift_id.in_(coming))
        ).rowcount,
        "alleys.branches": db.session.execute(sa.delete(BranchMember).filter_by(**mine, user_id=person.id)).rowcount,
        "alleys.calendar": db.session.execute(sa.delete(CalendarFeed).filter_by(**mine, user_id=person.id)).rowcount,
    }
    db.session.execute(sa.update(AlleyBranch).filter_by(**mine, secretary_id=person.id).values(secretary_id=None))
    db.session.flush()
    return counts
