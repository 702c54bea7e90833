"""Reporting a finding (where it is: alley, segment, position) and sending it to the officer responsible for its
segment, or the department that handles its category in its alley."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ... import accounts
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput
from ...extensions import db
from ...geo import Position, position_in_photo
from ...i18n import term
from ...models import User
from ...links import Link
from ...notifications import notify
from ...registry import FollowUp, Service, note_follow_up
from ...transactions import service
from ...uploads import StoredImage
from ..models import (
    CATEGORIES, CATEGORY_NAMES, DEFAULT_ACCEPT_MINUTES, DEFAULT_RESOLVE_MINUTES, FINDING_STATES, OPEN_STATES,
    Alley, AlleySegment, Finding, FindingState, finding_event,
)
from ..policy import may, officer_department
from .common import SIMILAR_WINDOW, DuplicateSuspected, clean, finding_link
from .lookups import duty_officers, finding_for, get_alley, locked_finding, route_for
from .photos import (
    at_most_three, attach, chosen_files, discard_all, discard_held, held_or_nothing, held_photos, hold, store_photos,
    unhold,
)
from .segments import first_responsible, segments_of, tell_responsible


def send_to_department(finding: Finding, department: str, actor: User | None, now: datetime,
                       note: str = "") -> None:
    """The case goes to the department with its deadlines; the department's duty officers are told."""
    route = route_for(finding.alley, finding.category)
    accept_minutes = route.accept_minutes if route else DEFAULT_ACCEPT_MINUTES
    resolve_minutes = route.resolve_minutes if route else DEFAULT_RESOLVE_MINUTES
    finding.department = department
    finding.dispatched_at = now
    finding.accept_due_at = now + timedelta(minutes=accept_minutes)
    finding.resolve_due_at = now + timedelta(minutes=resolve_minutes)
    finding.accept_escalated_at = finding.resolve_escalated_at = None
    finding.sent_back_at = None
    responsible = first_responsible(finding, department, now)
    FINDING_STATES.move(finding, "dispatch", actor, now, note=note, assignee=responsible)
    if responsible is not None:
        tell_responsible(finding, responsible, now)
        return
    for officer in duty_officers(finding.alley, department):
        notify(officer, N_("New case in %(alley)s: %(category)s. Please accept it."), link=finding_link(finding),
               now=now, alley=finding.alley.name, category=term(CATEGORY_NAMES.get(finding.category, finding.category)))


def _tell_staff_to_dispatch(finding: Finding, now: datetime) -> None:
    for person in accounts.staff_of(finding.community_id):
        notify(person, N_("A report in %(alley)s needs a department. Please send it to one."),
               link=finding_link(finding), now=now, alley=finding.alley.name)


def similar_open(community_id: int, alley_id: int | None, category: str | None, now: datetime) -> list[Finding]:
    if not alley_id or category not in CATEGORIES:
        return []
    return list(db.session.scalars(sa.select(Finding).where(
        Finding.community_id == community_id, Finding.alley_id == alley_id, Finding.category == category,
        Finding.state.in_(OPEN_STATES), Finding.created_at >= now - SIMILAR_WINDOW)
        .order_by(Finding.created_at.desc())))


@dataclass(frozen=True)
class Whereabouts:
    """Where the reporter says the problem is, beyond the alley and the words: a stretch, a position (theirs, or
    the photo's GPS when they agree), and whether they keep a position outside the community's area."""

    segment_id: int | None = None
    position: Position | None = None
    photo_position: bool = False
    far_ok: bool = False


class PositionQuestioned(Conflict):
    """The position lies outside the community's area: the reporter keeps it or sends without it.

    `held` refers to the checked photos kept meanwhile, as with `DuplicateSuspected`."""

    def __init__(self, position: Position, metres: float, held: str = "", held_count: int = 0):
        super().__init__(N_("This point is %(km)s km from the community. Keep it?"), field="keep_far",
                         km=f"{metres / 1000:.1f}")
        self.position = position
        self.held = held
        self.held_count = held_count


def _checked_segment(alley: Alley, segment_id: int | None) -> AlleySegment | None:
    if not segment_id:
        return None
    segment = next((s for s in segments_of(alley.community_id, alley.id) if s.id == segment_id), None)
    if segment is None:
        raise InvalidInput(N_("Choose a segment of this alley."), field="segment")
    return segment


def _position(where: Whereabouts, files: list) -> Position | None:
    if where.position is not None or not where.photo_position:
        return where.position
    return next((found for found in map(position_in_photo, files) if found is not None), None)


def _question_far(actor: User, position: Position | None, where: Whereabouts, files: list, kept: list[list],
                  held: str) -> None:
    metres = actor.community.metres_beyond_area(position.latitude, position.longitude) if position else None
    if metres is not None and not where.far_ok:
        reference = held if kept else hold(actor, store_photos(files, actor.community_id, "photos"))
        raise PositionQuestioned(position, metres, held=reference, held_count=len(kept) or len(files))


def _checked_report(actor: User, alley_id: int, category: str, description: str, place: str,
                    photos) -> tuple[Alley, str, str, list]:
    alley = get_alley(actor.community_id, alley_id) if alley_id else None
    if alley is None:
        raise InvalidInput(N_("Choose the alley."), field="alley")
    if category not in CATEGORIES:
        raise InvalidInput(N_("Choose a category from the list."), field="category")
    description = clean(description, "description", 1000)
    place = clean(place, "place", 200)
    return alley, description, place, at_most_three(chosen_files(photos))


def _earlier_submission(actor: User, submission_key: str) -> Finding | None:
    """The report this very form already made (a double tap, a retried POST), if it is the actor's."""
    existing = db.session.scalar(sa.select(Finding).where(Finding.submission_key == submission_key))
    return existing if existing is not None and existing.reporter_id == actor.id else None


def _kept_photos(actor: User, files: list, held: str) -> list[list]:
    """The photos kept after a "possible duplicate" answer, unless new ones were chosen (those replace them)."""
    kept = held_photos(actor, held) if held and not files else []
    if not files and not kept:
        raise InvalidInput(N_("Add 1 to 3 photos of the problem."), field="photos")
    if files and held:
        discard_held(actor, held_or_nothing(actor, held))
    return kept


def _refuse_if_similar(actor: User, alley: Alley, category: str, files: list, kept: list[list], held: str,
                       now: datetime) -> None:
    similar = similar_open(actor.community_id, alley.id, category, now)
    if similar:
        reference = held if kept else hold(actor, store_photos(files, actor.community_id, "photos"))
        raise DuplicateSuspected(similar, held=reference, held_count=len(kept) or len(files))


def _save_report(actor: User, alley: Alley, category: str, description: str, place: str,
                 stored: list[StoredImage], submission_key: str, now: datetime,
                 segment: AlleySegment | None = None, position: Position | None = None) -> Finding | None:
    """The finding, its photos and its first steps; None when a simultaneous submission took the key."""
    begin_write()
    finding = Finding(community_id=actor.community_id, alley_id=alley.id, category=category,
                      description=description, place=place, reporter_id=actor.id, state=FindingState.REPORTED,
                      submission_key=submission_key, created_at=now, segment_id=segment.id if segment else None,
                      latitude=position.latitude if position else None,
                      longitude=position.longitude if position else None,
                      accuracy_m=position.accuracy_m if position else None)
    try:
        with db.session.begin_nested():
            db.session.add(finding)
    except sa.exc.IntegrityError:
        return None
    attach(finding, stored, "before", actor, now)
    db.session.add(finding_event(finding, "report", actor, now, "", FindingState.REPORTED))
    route = route_for(alley, category)
    if route is not None and route.department:
        send_to_department(finding, route.department, None, now)
    else:
        _tell_staff_to_dispatch(finding, now)
    return finding


@service
def report_finding(actor: User, alley_id: int, category: str, description: str, place: str, photos,
                   submission_key: str, now: datetime, new_anyway: bool = False, held: str = "",
                   where: Whereabouts = Whereabouts(), origin: str = "") -> Finding:
    """Save a report with 1–3 photos and send it straight to the responsible officer or department.

    When similar open reports exist, or the position lies outside the community, the checked photos are kept and
    the refusal's `held` refers to them, so the reporter's answer (`held=`) needs no files again. The photo's GPS
    is read (with consent) before `store_photos` strips it."""
    alley, description, place, files = _checked_report(actor, alley_id, category, description, place, photos)
    segment = _checked_segment(alley, where.segment_id)
    existing = _earlier_submission(actor, submission_key)
    if existing is not None:
        return existing  # a double tap: the first submission already made it
    kept = _kept_photos(actor, files, held)
    position = _position(where, files)
    _question_far(actor, position, where, files, kept, held)
    if not new_anyway:
        _refuse_if_similar(actor, alley, category, files, kept, held, now)
    stored = unhold(actor, kept) if kept else store_photos(files, actor.community_id, "photos")
    try:
        finding = _save_report(actor, alley, category, description, place, stored, submission_key, now,
                               segment, position)
    except BaseException:
        discard_all(stored)
        raise
    if finding is None:
        discard_all(stored)
        existing = _earlier_submission(actor, submission_key)
        if existing is None:
            raise Conflict(N_("The report could not be saved. Please try again."))
        return existing
    # a form opened from another module's record (a safety hazard found at a visit) tells it what was made
    note_follow_up(actor, origin, FollowUp(Service.FINDING, "alleys.finding", finding.id, N_("A report of a problem"),
                                           Link("alleys.finding", finding_id=finding.id)), now)
    return finding


@service
def add_to_finding(actor: User, finding_id: int, note: str, photos, now: datetime) -> Finding:
    """Join an open report instead of making a duplicate: a note and optional photos."""
    note = clean(note, "note", 1000)
    files = at_most_three(chosen_files(photos))
    finding = finding_for(actor, finding_id)
    if not may(actor, "add_to", finding):
        raise Conflict(N_("This report is already finished; report the problem as new."))
    stored = store_photos(files, finding.community_id, "photos")
    try:
        begin_write()
        finding = locked_finding(finding.community_id, finding_id)
        attach(finding, stored, "before", actor, now)
        db.session.add(finding_event(finding, "added", actor, now, finding.state, finding.state, note))
    except BaseException:
        discard_all(stored)
        raise
    return finding


def findings_for(user: User, now: datetime, show: str = "open", alley_id: int | None = None) -> list[Finding]:
    """Overdue first, then newest. Officers see their department's; others the community's."""
    query = sa.select(Finding).where(Finding.community_id == user.community_id)
    if show == "open":
        query = query.where(Finding.state.in_(OPEN_STATES))
    elif show == "mine":
        query = query.where(Finding.reporter_id == user.id)
    elif show == "department":
        query = query.where(Finding.department == officer_department(user), Finding.state.in_(OPEN_STATES))
    if alley_id:
        query = query.where(Finding.alley_id == alley_id)
    if not may(user, "see_patrols"):
        query = query.where(Finding.reporter_id == user.id)
    rows = list(db.session.scalars(query.order_by(Finding.created_at.desc()).limit(200)))
    return sorted(rows, key=lambda f: not f.is_overdue(now))
