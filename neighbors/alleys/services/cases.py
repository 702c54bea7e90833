"""A case after it is reported: the department accepts, fixes or sends it back; the reporter (or staff)
checks the fix, reopens or closes it. Each step is a transition of FINDING_STATES, asked of the policy."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ... import accounts
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotAllowed
from ...extensions import db
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import (
    DEFAULT_RESOLVE_MINUTES, DEPARTMENTS, FINDING_STATES, STATE_LABELS, WITH_DEPARTMENT, Finding, FindingState,
)
from ..policy import may
from .common import clean, finding_link
from .findings import send_to_department
from .lookups import finding_for, locked_finding, route_for
from .photos import attach, chosen_files, discard_all, store_photos


def _community_of(finding_id: int) -> int:
    return db.session.scalar(sa.select(Finding.community_id).where(Finding.id == finding_id)) or 0


def _refuse_unless_allowed(actor: User, action: str, finding: Finding) -> None:
    """409 when the case is no longer where the step starts; 403 when the person may not take it."""
    if may(actor, action, finding):
        return
    if not finding.can(action):
        raise Conflict(N_("This report cannot be changed that way now (it is: %(state)s)."),
                       state=STATE_LABELS[finding.state])
    raise NotAllowed(N_("You cannot do this for this report."))


def _act(actor: User, finding_id: int, action: str) -> Finding:
    """The case, locked, once the actor may take the step from where it is now."""
    begin_write()
    finding = locked_finding(_community_of(finding_id) if actor.is_admin else actor.community_id, finding_id)
    _refuse_unless_allowed(actor, action, finding)
    return finding


@service
def dispatch(actor: User, finding_id: int, department: str, now: datetime, note: str = "") -> Finding:
    if department not in DEPARTMENTS:
        raise InvalidInput(N_("Choose a department from the list."), field="department")
    finding = _act(actor, finding_id, "dispatch")
    send_to_department(finding, department, actor, now, clean(note, "note", 1000, required=False))
    return finding


@service
def accept(actor: User, finding_id: int, now: datetime) -> Finding:
    finding = _act(actor, finding_id, "accept")
    FINDING_STATES.move(finding, "accept", actor, now)
    finding.accepted_at = finding.accepted_at or now
    finding.accepted_by_id = actor.id
    notify(finding.reporter, N_("Your report in %(alley)s was accepted by %(department)s."),
           link=finding_link(finding), now=now, alley=finding.alley.name, department=finding.department)
    return finding


@service
def resolve(actor: User, finding_id: int, note: str, photo, now: datetime) -> Finding:
    """The officer's fix: a note and an after-photo, then the reporter is asked to check."""
    note = clean(note, "note", 1000)
    files = chosen_files([photo])
    if not files:
        raise InvalidInput(N_("Add a photo after the fix."), field="photo")
    found = finding_for(actor, finding_id)
    _refuse_unless_allowed(actor, "resolve", found)  # before any photo is stored
    stored = store_photos(files, found.community_id, "photo")
    try:
        finding = _act(actor, finding_id, "resolve")
        FINDING_STATES.move(finding, "resolve", actor, now, note=note)
        finding.resolved_at = now
        finding.resolved_by_id = actor.id
        finding.resolution_note = note
        attach(finding, stored, "after", actor, now)
        notify(finding.reporter, N_("Your report in %(alley)s was fixed. Please check it."),
               link=finding_link(finding), now=now, alley=finding.alley.name)
    except BaseException:
        discard_all(stored)
        raise
    return finding


@service
def verify(actor: User, finding_id: int, now: datetime) -> Finding:
    finding = _act(actor, finding_id, "verify")
    FINDING_STATES.move(finding, "verify", actor, now)
    finding.verified_at = now
    return finding


@service
def reopen(actor: User, finding_id: int, note: str, now: datetime) -> Finding:
    """The fix did not hold: back to the officer, with a fresh time to fix."""
    note = clean(note, "note", 1000)
    finding = _act(actor, finding_id, "reopen")
    FINDING_STATES.move(finding, "reopen", actor, now, note=note)
    route = route_for(finding.alley, finding.category)
    finding.resolve_due_at = now + timedelta(minutes=route.resolve_minutes if route else DEFAULT_RESOLVE_MINUTES)
    finding.resolve_escalated_at = None
    if finding.accepted_by is not None:
        notify(finding.accepted_by, N_("The report in %(alley)s was reopened: %(note)s"),
               link=finding_link(finding), now=now, alley=finding.alley.name, note=note)
    return finding


@service
def close(actor: User, finding_id: int, now: datetime) -> Finding:
    finding = _act(actor, finding_id, "close")
    FINDING_STATES.move(finding, "close", actor, now)
    finding.closed_at = now
    return finding


@service
def send_back(actor: User, finding_id: int, note: str, now: datetime) -> Finding:
    """Not ours: back to staff, who choose the right department."""
    note = clean(note, "note", 1000)
    finding = _act(actor, finding_id, "send_back")
    department = finding.department
    FINDING_STATES.move(finding, "send_back", actor, now, note=note)
    finding.sent_back_at = now
    finding.department = ""
    finding.accept_due_at = finding.resolve_due_at = None
    for person in accounts.staff_of(finding.community_id):
        notify(person, N_("A report in %(alley)s was sent back by %(department)s: %(note)s"),
               link=finding_link(finding), now=now, alley=finding.alley.name, department=department, note=note)
    return finding


def _claim(finding: Finding, column, now: datetime) -> bool:
    done = db.session.execute(sa.update(Finding).where(Finding.id == finding.id,
                                                       Finding.community_id == finding.community_id, column.is_(None))
                              .values({column.key: now})).rowcount
    return done == 1


def _escalate(findings, column, message: str, now: datetime) -> int:
    sent = 0
    for finding in findings:
        if _claim(finding, column, now):
            for person in accounts.staff_of(finding.community_id):
                notify(person, message, link=finding_link(finding), now=now, alley=finding.alley.name)
            sent += 1
    return sent


@service
def escalate_overdue(now: datetime) -> int:
    """Tell staff once about each case past its deadline to accept, and once past its deadline to fix."""
    late_accept = db.session.scalars(sa.select(Finding).where(
        Finding.state == FindingState.DISPATCHED, Finding.accept_due_at < now,
        Finding.accept_escalated_at.is_(None))).all()
    sent = _escalate(late_accept, Finding.accept_escalated_at,
                     N_("Overdue: the report in %(alley)s was not accepted in time."), now)
    late_fix = db.session.scalars(sa.select(Finding).where(
        Finding.state.in_(WITH_DEPARTMENT), Finding.resolve_due_at < now,
        Finding.resolve_escalated_at.is_(None))).all()
    return sent + _escalate(late_fix, Finding.resolve_escalated_at,
                            N_("Overdue: the report in %(alley)s was not fixed in time."), now)
