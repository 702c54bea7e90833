"""Alleys, their party branches, patrol rules and shifts, and the findings patrollers report."""
from __future__ import annotations

import enum
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import CommunityScoped, UTCDateTime
from ..events import emit
from ..errors import N_
from ..extensions import db
from ..geo import Position
from ..i18n import DEPARTMENT_LABELS
from ..models import User
from ..states import StateMachine, Transition

VOLUNTEER = "volunteer"  # the slot kind of patrollers and volunteers; officers' kind is their department
DEPARTMENTS = ("城管", "市场监管", "环卫")
# DEPARTMENT_LABELS (imported above): the foundation names the departments, which staff's pages show too

CATEGORIES = ("obstruction", "sanitation", "street_vending", "hazard", "facility", "other")
# Each category's name as an English msgid: notifications and the work queue keep it as a `term`
# (neighbors/i18n.py), translated when someone reads it.
CATEGORY_NAMES = {"obstruction": N_("Blocked passage"), "sanitation": N_("Sanitation"),
                  "street_vending": N_("Street vending"), "hazard": N_("Safety hazard"),
                  "facility": N_("Broken facility"), "other": N_("Other")}
CATEGORY_LABELS = {code: _l(msgid) for code, msgid in CATEGORY_NAMES.items()}


class FindingState(enum.StrEnum):
    REPORTED = "reported"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    CLOSED = "closed"


class MemberKind(enum.StrEnum):
    """What a person is in a branch; an officer's department is on their RoleGrant."""

    PATROLLER = "patroller"
    OFFICER = "officer"


STATES = tuple(FindingState)
STATE_LABELS = {
    FindingState.REPORTED: _l("Reported"),
    FindingState.DISPATCHED: _l("Sent to the department"),
    FindingState.ACCEPTED: _l("Being handled"),
    FindingState.RESOLVED: _l("Fixed, waiting to be checked"),
    FindingState.VERIFIED: _l("Fix confirmed"),
    FindingState.CLOSED: _l("Closed"),
}
OPEN_STATES = (FindingState.REPORTED, FindingState.DISPATCHED, FindingState.ACCEPTED, FindingState.RESOLVED)
# a department still owes something: the deadlines to accept and to fix run
WITH_DEPARTMENT = (FindingState.DISPATCHED, FindingState.ACCEPTED)
DEFAULT_ACCEPT_MINUTES = 30
DEFAULT_RESOLVE_MINUTES = 120


def kind_label(kind: str) -> str:
    if kind == VOLUNTEER:
        return str(_l("Volunteers"))
    return str(DEPARTMENT_LABELS.get(kind, kind))


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))


class AlleyBranch(CommunityScoped, db.Model):
    """小巷党支部: looks after one or more alleys; its secretary runs the schedule."""

    __tablename__ = "alleys_branches"
    name: Mapped[str] = mapped_column(sa.String(80))
    secretary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    secretary: Mapped[User | None] = relationship()
    alleys: Mapped[list[Alley]] = relationship(back_populates="branch", order_by="Alley.name")
    members: Mapped[list[BranchMember]] = relationship(back_populates="branch", cascade="all, delete-orphan")
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)


class Alley(CommunityScoped, db.Model):
    __tablename__ = "alleys_alleys"
    branch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alleys_branches.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    landmarks: Mapped[str] = mapped_column(sa.String(1000), default="")  # one stretch or landmark a line

    branch: Mapped[AlleyBranch | None] = relationship(back_populates="alleys")
    rules: Mapped[list[PatrolRule]] = relationship(back_populates="alley", order_by="PatrolRule.id")
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    @property
    def landmark_list(self) -> list[str]:
        return [line.strip() for line in self.landmarks.splitlines() if line.strip()]


class BranchMember(CommunityScoped, db.Model):
    """A patroller or officer of a branch; an officer's department is on their RoleGrant."""

    __tablename__ = "alleys_branch_members"
    branch_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_branches.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # a MemberKind
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    branch: Mapped[AlleyBranch] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
    __table_args__ = (
        sa.UniqueConstraint("branch_id", "user_id"),
        sa.CheckConstraint("kind IN ('patroller','officer')", name="known_kind"),
    )


class Holiday(CommunityScoped, db.Model):
    """A day on which rules marked to skip holidays make no shift."""

    __tablename__ = "alleys_holidays"
    day: Mapped[date] = mapped_column(sa.Date)
    name: Mapped[str] = mapped_column(sa.String(50), default="")
    __table_args__ = (sa.UniqueConstraint("community_id", "day"),)


class PatrolRule(CommunityScoped, db.Model):
    """A recurring patrol: weekdays, a local time window and the slots each shift needs."""

    __tablename__ = "alleys_patrol_rules"
    alley_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_alleys.id"), index=True)
    weekdays: Mapped[str] = mapped_column(sa.String(7))  # "01234" = Monday to Friday
    starts: Mapped[time] = mapped_column(sa.Time)
    ends: Mapped[time] = mapped_column(sa.Time)
    needs: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # kind -> slots
    skip_holidays: Mapped[bool] = mapped_column(default=True)  # official days off and the community's extra days
    # also patrol on the weekend days the official calendar makes working days (调休上班)
    adjusted_workdays: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    alley: Mapped[Alley] = relationship(back_populates="rules")
    __table_args__ = (sa.CheckConstraint("starts < ends", name="window"),)

    @property
    def weekday_numbers(self) -> list[int]:
        return sorted(int(ch) for ch in self.weekdays)


class PatrolShift(CommunityScoped, db.Model):
    __tablename__ = "alleys_patrol_shifts"
    alley_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_alleys.id"), index=True)
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alleys_patrol_rules.id"), index=True)
    day: Mapped[date] = mapped_column(sa.Date)  # local date
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    needs: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    short_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    alley: Mapped[Alley] = relationship()
    signups: Mapped[list[PatrolSignup]] = relationship(
        back_populates="shift", order_by="PatrolSignup.kind, PatrolSignup.slot_no", cascade="all, delete-orphan"
    )
    __table_args__ = (
        sa.UniqueConstraint("rule_id", "day"), sa.CheckConstraint("starts_at < ends_at", name="window"),
        # the shift list and coverage read one community's next two weeks, however long its history
        sa.Index("ix_alleys_patrol_shifts_community_starts", "community_id", "starts_at"),
    )

    def filled(self, kind: str) -> int:
        return sum(1 for s in self.signups if s.kind == kind)

    def coverage(self) -> list[tuple[str, int, int]]:
        """(kind, filled, needed) for every kind the shift needs or has people for."""
        kinds = [k for k, n in sorted(self.needs.items(), key=lambda kv: kv[0] != VOLUNTEER) if n]
        kinds += sorted({s.kind for s in self.signups} - set(kinds))
        return [(kind, self.filled(kind), int(self.needs.get(kind, 0))) for kind in kinds]

    @property
    def slots_needed(self) -> int:
        return sum(int(n) for n in self.needs.values())

    @property
    def slots_filled(self) -> int:
        return sum(min(self.filled(kind), int(n)) for kind, n in self.needs.items())

    @property
    def is_short(self) -> bool:
        return self.slots_filled < self.slots_needed

    def open_for(self, kind: str) -> int:
        return max(0, int(self.needs.get(kind, 0)) - self.filled(kind))

    def released(self, kind: str) -> list[PatrolSignup]:
        return [s for s in self.signups if s.kind == kind and s.released_at is not None]

    def signup_of(self, user_id: int) -> PatrolSignup | None:
        return next((s for s in self.signups if s.user_id == user_id), None)

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at

    def was_missed(self, now: datetime) -> bool:
        """Over, not cancelled, and nobody checked in."""
        return (self.cancelled_at is None and self.has_ended(now)
                and not any(s.checked_in_at for s in self.signups))

    def checkin_opens_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=30)

    @property
    def withdraw_until(self) -> datetime:
        return self.starts_at - timedelta(hours=2)

    def can_check_in(self, now: datetime) -> bool:
        return self.cancelled_at is None and self.checkin_opens_at() <= now < self.ends_at


class PatrolSignup(CommunityScoped, db.Model):
    """One person in one numbered slot of a shift: the (shift, kind, slot) key makes over-filling impossible."""

    __tablename__ = "alleys_patrol_signups"
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_patrol_shifts.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    slot_no: Mapped[int] = mapped_column()
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shift: Mapped[PatrolShift] = relationship(back_populates="signups")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    __table_args__ = (
        sa.UniqueConstraint("shift_id", "kind", "slot_no"),
        sa.UniqueConstraint("shift_id", "user_id"),
        sa.CheckConstraint("slot_no >= 1", name="slot_positive"),
    )


class AlleySegment(CommunityScoped, db.Model):
    """A named stretch of an alley (打铁巷北段) with its landmarks: the unit a responsible officer looks after."""

    __tablename__ = "alleys_segments"
    alley_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_alleys.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    landmarks: Mapped[str] = mapped_column(sa.String(500), default="")

    alley: Mapped[Alley] = relationship()
    owners: Mapped[list[SegmentOwner]] = relationship(back_populates="segment", order_by="SegmentOwner.department")
    __table_args__ = (sa.UniqueConstraint("alley_id", "name"),)

    def owner_for(self, department: str) -> SegmentOwner | None:
        return next((o for o in self.owners if o.department == department), None)


class SegmentOwner(CommunityScoped, db.Model):
    """路段负责人: per segment and department, the one officer a case goes to first, and the deputy after them."""

    __tablename__ = "alleys_segment_owners"
    segment_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_segments.id"), index=True)
    department: Mapped[str] = mapped_column(sa.String(50))
    officer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    segment: Mapped[AlleySegment] = relationship(back_populates="owners")
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id])
    __table_args__ = (
        sa.UniqueConstraint("segment_id", "department"),
        sa.CheckConstraint("deputy_id IS NULL OR deputy_id <> officer_id", name="deputy_not_officer"),
    )


class CategoryRoute(CommunityScoped, db.Model):
    """Staff's setting: which department handles a category in an alley, and its deadlines."""

    __tablename__ = "alleys_category_routes"
    alley_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_alleys.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    department: Mapped[str] = mapped_column(sa.String(50), default="")
    accept_minutes: Mapped[int] = mapped_column(default=DEFAULT_ACCEPT_MINUTES)
    resolve_minutes: Mapped[int] = mapped_column(default=DEFAULT_RESOLVE_MINUTES)
    __table_args__ = (
        sa.UniqueConstraint("alley_id", "category"),
        sa.CheckConstraint("accept_minutes > 0 AND resolve_minutes > 0", name="positive_deadlines"),
    )


class Finding(CommunityScoped, db.Model):
    __tablename__ = "alleys_findings"
    alley_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_alleys.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.String(1000))
    place: Mapped[str] = mapped_column(sa.String(200))
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(20), default=FindingState.REPORTED, index=True)
    department: Mapped[str] = mapped_column(sa.String(50), default="")
    submission_key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accept_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolve_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolution_note: Mapped[str] = mapped_column(sa.String(1000), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accept_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolve_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # where the reporter stood (WGS-84, from the phone or the photo's GPS, with the reporter's consent)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float)
    segment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alleys_segments.id"), index=True)
    # the one officer the dispatched case waits for, until `assigned_until`; None: the whole department
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assigned_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    alley: Mapped[Alley] = relationship()
    segment: Mapped[AlleySegment | None] = relationship()
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    photos: Mapped[list[FindingPhoto]] = relationship(back_populates="finding", order_by="FindingPhoto.id")
    events: Mapped[list[FindingEvent]] = relationship(back_populates="finding", order_by="FindingEvent.id")
    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('reported','dispatched','accepted','resolved','verified','closed')", name="known_state"
        ),
        sa.Index("ix_alleys_findings_alley_category", "alley_id", "category", "created_at"),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="whole_position"),
    )

    @property
    def position(self) -> Position | None:
        if self.latitude is None or self.longitude is None:
            return None
        return Position(self.latitude, self.longitude, self.accuracy_m)

    def can(self, action: str) -> bool:
        """Whether the case's state lets `action` start now (who may do it is the policy's question)."""
        return FINDING_STATES.allows(self, action)

    def is_accept_overdue(self, now: datetime) -> bool:
        return self.state == FindingState.DISPATCHED and self.accept_due_at is not None and now > self.accept_due_at

    def is_resolve_overdue(self, now: datetime) -> bool:
        return (self.state in WITH_DEPARTMENT and self.resolve_due_at is not None
                and now > self.resolve_due_at)

    def is_overdue(self, now: datetime) -> bool:
        return self.is_accept_overdue(now) or self.is_resolve_overdue(now)

    @property
    def minutes_to_accept(self) -> int | None:
        if self.accepted_at is None:
            return None
        return int((self.accepted_at - self.created_at).total_seconds() // 60)

    @property
    def minutes_to_fix(self) -> int | None:
        if self.resolved_at is None:
            return None
        return int((self.resolved_at - self.created_at).total_seconds() // 60)

    @property
    def before_photos(self) -> list[FindingPhoto]:
        return [p for p in self.photos if p.kind == "before"]

    @property
    def after_photos(self) -> list[FindingPhoto]:
        return [p for p in self.photos if p.kind == "after"]

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))

    @property
    def category_label(self) -> str:
        return category_label(self.category)


class FindingPhoto(CommunityScoped, db.Model):
    __tablename__ = "alleys_finding_photos"
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_findings.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # before | after
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="photos")
    __table_args__ = (sa.CheckConstraint("kind IN ('before','after')", name="known_kind"),)


class FindingEvent(CommunityScoped, db.Model):
    """The history of a case: one row per transition (or added report), never changed."""

    __tablename__ = "alleys_finding_events"
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("alleys_findings.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    from_state: Mapped[str] = mapped_column(sa.String(20), default="")
    to_state: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    department: Mapped[str] = mapped_column(sa.String(50), default="")
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # whom a dispatch step named
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])


def finding_event(finding: Finding, action: str, actor: User | None, now: datetime, before: str, after: str,
                  note: str = "", assignee: User | None = None) -> FindingEvent:
    """One line of a case's history, with the department it was with at that moment (and whom a dispatch named)."""
    return FindingEvent(community_id=finding.community_id, finding_id=finding.id, action=action,
                        from_state=before, to_state=after, actor_id=actor.id if actor else None, note=note,
                        department=finding.department, assignee_id=assignee.id if assignee else None,
                        created_at=now)


# the moves partner systems may subscribe to (neighbors/events.py), by the machine's action
PARTNER_EVENTS = {"dispatch": "finding.dispatched", "accept": "finding.accepted", "resolve": "finding.resolved",
                  "verify": "finding.verified", "reopen": "finding.reopened"}


def _history(finding: Finding, step: Transition, actor: User | None, now: datetime, before: str,
             note: str = "", assignee: User | None = None) -> FindingEvent:
    """Every move of a case passes here once: its history line, and the partners' event (never the reporter)."""
    if step.action in PARTNER_EVENTS:
        emit(finding.community_id, PARTNER_EVENTS[step.action],
             {"finding_id": finding.id, "state": str(step.target), "previous_state": str(before),
              "category": finding.category, "department": finding.department}, now)
    return finding_event(finding, step.action, actor, now, before, step.target, note, assignee)


FINDING_STATES = StateMachine(
    Transition("dispatch", {FindingState.REPORTED}, FindingState.DISPATCHED),
    Transition("accept", {FindingState.DISPATCHED}, FindingState.ACCEPTED),
    Transition("resolve", {FindingState.ACCEPTED}, FindingState.RESOLVED),
    Transition("verify", {FindingState.RESOLVED}, FindingState.VERIFIED),
    Transition("reopen", {FindingState.RESOLVED}, FindingState.ACCEPTED),
    Transition("close", {FindingState.VERIFIED}, FindingState.CLOSED),
    Transition("send_back", {FindingState.DISPATCHED, FindingState.ACCEPTED}, FindingState.REPORTED),
    state="state", history=_history,
)


class CalendarFeed(CommunityScoped, db.Model):
    """A member's secret calendar URL; resetting replaces the token so old links stop working."""

    __tablename__ = "alleys_calendar_feeds"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
