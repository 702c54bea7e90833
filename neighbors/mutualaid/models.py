"""Mutual aid: volunteer profiles, help requests and their history, offers, and the time-credit ledger."""
from __future__ import annotations

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import User
from ..states import StateMachine, Transition
from .policy import policy

DEFAULT_SKILLS = ["水电维修", "家电维修", "理发", "陪诊", "代购", "手机电脑", "陪伴聊天", "搬运重物"]


class AidSettings(db.Model):
    """A community's credit rules; a community without a row uses the defaults."""

    __tablename__ = "mutualaid_settings"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True, unique=True)
    starting_grant_minutes: Mapped[int] = mapped_column(default=5 * 60)
    floor_minutes: Mapped[int] = mapped_column(default=-10 * 60)
    ceiling_minutes: Mapped[int] = mapped_column(default=1500 * 60)
    pool_paid_age: Mapped[int] = mapped_column(default=70)
    skills_seeded: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        sa.CheckConstraint("floor_minutes <= 0", name="floor_not_positive"),
        sa.CheckConstraint("ceiling_minutes > 0", name="ceiling_positive"),
        sa.CheckConstraint("starting_grant_minutes >= 0", name="grant_not_negative"),
    )


class Skill(CommunityScoped, db.Model):
    """One kind of help on a community's list (水电维修, 理发 …); retired, never deleted."""

    __tablename__ = "mutualaid_skills"
    name: Mapped[str] = mapped_column(sa.String(30))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)


class VolunteerSkill(db.Model):
    """A skill a volunteer offers (staff check it when they verify the volunteer)."""

    __tablename__ = "mutualaid_volunteer_skills"
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_volunteer_profiles.id", ondelete="CASCADE"),
                                            primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_skills.id"), primary_key=True)


class VolunteerProfile(CommunityScoped, db.Model):
    __tablename__ = "mutualaid_volunteer_profiles"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    intro: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    skill_links: Mapped[list[VolunteerSkill]] = relationship(cascade="all, delete-orphan")
    skills: Mapped[list[Skill]] = relationship(secondary="mutualaid_volunteer_skills", lazy="selectin",
                                               order_by=Skill.position, viewonly=True)
    availability: Mapped[list[Availability]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="(Availability.weekday, Availability.starts)"
    )

    def has_skill(self, skill_id: int) -> bool:
        return any(skill.id == skill_id for skill in self.skills)

    def available_at(self, moment_local: datetime) -> bool:
        clock = moment_local.time()
        return any(
            slot.weekday == moment_local.weekday() and slot.starts <= clock < slot.ends for slot in self.availability
        )

    def available_on(self, weekday: int) -> bool:
        return any(slot.weekday == weekday for slot in self.availability)


class Availability(CommunityScoped, db.Model):
    """A weekly window a volunteer is usually free (Monday = 0), in local time."""

    __tablename__ = "mutualaid_availability"
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_volunteer_profiles.id", ondelete="CASCADE"),
                                            index=True)
    weekday: Mapped[int] = mapped_column()
    starts: Mapped[time] = mapped_column(sa.Time)
    ends: Mapped[time] = mapped_column(sa.Time)
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
        sa.UniqueConstraint("profile_id", "weekday", "starts"),
    )


class Status(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DONE = "done"
    DISPUTED = "disputed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    VOIDED = "voided"


ACTIVE = (Status.OPEN, Status.ACCEPTED, Status.DONE, Status.DISPUTED)

STATUS_CHECK = "status IN ('open','accepted','done','disputed','confirmed','cancelled','voided')"


class HelpRequest(CommunityScoped, db.Model):
    __tablename__ = "mutualaid_requests"
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)  # who is helped
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))  # who filled the form
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_skills.id"))
    title: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    address: Mapped[str] = mapped_column(sa.String(200))
    photo_key: Mapped[str | None] = mapped_column(sa.String(100))
    asap: Mapped[bool] = mapped_column(default=True)
    # The span of all its windows (earliest start, latest end): the board sorts by it; the windows are below.
    window_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(sa.String(12), default=Status.OPEN, index=True)
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    invited_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mutualaid_offers.id"))
    reported_minutes: Mapped[int | None] = mapped_column()
    confirmed_minutes: Mapped[int | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column()
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    dispute_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    hidden_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submission_key: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    volunteer: Mapped[User | None] = relationship(foreign_keys=[volunteer_id])
    invited: Mapped[User | None] = relationship(foreign_keys=[invited_id])
    skill: Mapped[Skill] = relationship()
    history: Mapped[list[RequestEvent]] = relationship(
        order_by="(RequestEvent.created_at, RequestEvent.id)", back_populates="request"
    )
    windows: Mapped[list[RequestWindow]] = relationship(
        order_by="(RequestWindow.starts, RequestWindow.id)", cascade="all, delete-orphan", back_populates="request"
    )
    __table_args__ = (
        sa.CheckConstraint(STATUS_CHECK, name="known_status"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint("reported_minutes IS NULL OR reported_minutes > 0", name="reported_positive"),
        sa.CheckConstraint("confirmed_minutes IS NULL OR confirmed_minutes > 0", name="confirmed_positive"),
        sa.CheckConstraint("status IN ('open','cancelled') OR volunteer_id IS NOT NULL", name="taken_has_volunteer"),
        sa.CheckConstraint("status <> 'open' OR volunteer_id IS NULL", name="open_has_no_volunteer"),
    )

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    def allows(self, action: str) -> bool:
        """The state machine alone: may `action` start from the current status?"""
        return REQUEST_STATES.allows(self, action)

    def can(self, action: str, user: User | None) -> bool:
        """The state machine and who is asking (the policy): what the buttons on a page ask."""
        return policy.may(user, action, self)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_taken(self) -> bool:
        """A volunteer is on it: they and the requester's side see each other's phone."""
        return self.status in (Status.ACCEPTED, Status.DONE, Status.DISPUTED)


class RequestWindow(CommunityScoped, db.Model):
    """One time the requester can be helped (周二 14:00–17:00); a request has none (as soon as possible) or several."""

    __tablename__ = "mutualaid_request_windows"
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_requests.id", ondelete="CASCADE"), index=True)
    starts: Mapped[datetime] = mapped_column(UTCDateTime())
    ends: Mapped[datetime] = mapped_column(UTCDateTime())

    request: Mapped[HelpRequest] = relationship(back_populates="windows")
    __table_args__ = (
        sa.CheckConstraint("starts < ends", name="starts_before_ends"),
        sa.UniqueConstraint("request_id", "starts"),
    )


class RequestEvent(CommunityScoped, db.Model):
    """One transition of a request: who, when, from, to (the timeline)."""

    __tablename__ = "mutualaid_request_events"
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_requests.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(20))
    from_status: Mapped[str | None] = mapped_column(sa.String(12))
    to_status: Mapped[str] = mapped_column(sa.String(12))
    minutes: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    request: Mapped[HelpRequest] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    volunteer: Mapped[User | None] = relationship(foreign_keys=[volunteer_id])


def _request_event(request: HelpRequest, step: Transition, actor: User | None, now: datetime, *, before: str,
                   minutes: int | None = None, note: str = "", volunteer_id: int | None = None) -> RequestEvent:
    """The timeline row of one move; `volunteer_id` names whose record it counts on (the one giving it back)."""
    return RequestEvent(
        community_id=request.community_id, request_id=request.id, actor_id=actor.id if actor else None,
        volunteer_id=volunteer_id or request.volunteer_id, action=step.action, from_status=before,
        to_status=step.target, minutes=minutes, note=(note or "")[:500], created_at=now,
    )


REQUEST_STATES = StateMachine(
    Transition("accept", {Status.OPEN}, Status.ACCEPTED),
    Transition("decline", {Status.ACCEPTED}, Status.OPEN),  # the volunteer gives it back; on their record
    Transition("no_show", {Status.ACCEPTED}, Status.OPEN),  # the volunteer never came; on their record
    Transition("done", {Status.ACCEPTED}, Status.DONE),
    Transition("confirm", {Status.DONE}, Status.CONFIRMED),
    Transition("auto_confirm", {Status.DONE}, Status.CONFIRMED),
    Transition("dispute", {Status.DONE}, Status.DISPUTED),
    Transition("resolve_confirm", {Status.DISPUTED}, Status.CONFIRMED),
    Transition("resolve_change", {Status.DISPUTED}, Status.CONFIRMED),
    Transition("resolve_void", {Status.DISPUTED}, Status.VOIDED),
    Transition("cancel", {Status.OPEN, Status.ACCEPTED}, Status.CANCELLED),
    history=_request_event,
)


class Offer(CommunityScoped, db.Model):
    """A standing offer of help by a volunteer (周六上午义务理发)."""

    __tablename__ = "mutualaid_offers"
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_skills.id"))
    title: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=True)
    hidden_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
    skill: Mapped[Skill] = relationship()

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None


class CreditAccount(CommunityScoped, db.Model):
    """A member's time credits, or the community pool (user_id NULL). Balance is a checked cache."""

    __tablename__ = "mutualaid_accounts"
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    is_pool: Mapped[bool] = mapped_column(default=False)
    balance_minutes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()
    __table_args__ = (
        sa.UniqueConstraint("community_id", "user_id"),
        sa.Index("uq_mutualaid_accounts_one_pool", "community_id", unique=True,
                 sqlite_where=sa.text("is_pool"), postgresql_where=sa.text("is_pool")),
        sa.CheckConstraint("(is_pool AND user_id IS NULL) OR (NOT is_pool AND user_id IS NOT NULL)",
                           name="pool_or_member"),
    )


class TransactionKind(enum.StrEnum):
    HELP = "help"  # requester (or the pool) pays the volunteer for confirmed help
    GRANT = "grant"  # the starting grant from the pool
    POOL_GRANT = "pool_grant"  # staff grant hours from the pool, with a reason
    GIFT = "gift"  # a member gives hours to a person or to the pool
    CORRECTION = "correction"  # reverses an earlier transaction, with a reason


class CreditTransaction(CommunityScoped, db.Model):
    """One movement of credits; its entries sum to zero. Never changed or deleted."""

    __tablename__ = "mutualaid_transactions"
    kind: Mapped[str] = mapped_column(sa.String(12))
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mutualaid_requests.id"), unique=True)
    grant_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mutualaid_accounts.id"), unique=True)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mutualaid_transactions.id"), unique=True)
    submission_key: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    entries: Mapped[list[LedgerEntry]] = relationship(back_populates="transaction", order_by="LedgerEntry.id")
    actor: Mapped[User | None] = relationship()
    __table_args__ = (
        sa.CheckConstraint("kind IN ('help','grant','pool_grant','gift','correction')", name="known_kind"),
    )


class LedgerEntry(CommunityScoped, db.Model):
    __tablename__ = "mutualaid_entries"
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("mutualaid_accounts.id"), index=True)
    minutes: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    transaction: Mapped[CreditTransaction] = relationship(back_populates="entries")
    account: Mapped[CreditAccount] = relationship()
    __table_args__ = (sa.CheckConstraint("minutes <> 0", name="not_zero"),)


class LedgerIsAppendOnly(RuntimeError):
    pass


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
@event.listens_for(CreditTransaction, "before_update")
@event.listens_for(CreditTransaction, "before_delete")
def _refuse_change(_mapper, _connection, _target):
    raise LedgerIsAppendOnly("ledger rows are never changed or deleted; add a correction instead")
