"""千户访: grids and their workers, households and their members, the tags staff keep, and visits at the door."""
from __future__ import annotations

import enum
import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import age_on, local_today, utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import User

AGED_FROM = 80  # 高龄: a member this old or older
ELDER_FROM = 60  # 老年人: an elder met alone with a need gets staff's attention


class Tag(enum.StrEnum):
    ALONE = "alone"  # 独居
    AGED = "aged"  # 高龄 (80+), computed from the members' birth dates
    EMPTY_NEST = "empty_nest"  # 空巢
    LOW_INCOME = "low_income"  # 低保
    EXTREME_POVERTY = "extreme_poverty"  # 特困
    DISABLED = "disabled"  # 残疾
    ATTENTION = "attention"  # 重点关注


COMPUTED_TAGS = frozenset({Tag.AGED})
STAFF_TAGS = tuple(tag for tag in Tag if tag not in COMPUTED_TAGS)


def address_sort_key(*parts: str) -> str:
    """The address as text that sorts like a person reads it: 2梯 before 10梯, room 103 before 1103."""
    return "|".join(re.sub(r"\d+", lambda m: m.group(0).zfill(8), part or "") for part in parts)


class Grid(CommunityScoped, db.Model):
    """网格: the part of a community a few grid workers cover."""

    __tablename__ = "visits_grids"
    name: Mapped[str] = mapped_column(sa.String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    workers: Mapped[list[GridWorker]] = relationship(back_populates="grid", cascade="all, delete-orphan",
                                                     lazy="selectin")
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    @property
    def worker_ids(self) -> set[int]:
        return {worker.user_id for worker in self.workers}


class GridWorker(CommunityScoped, db.Model):
    __tablename__ = "visits_grid_workers"
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("visits_grids.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    grid: Mapped[Grid] = relationship(back_populates="workers")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    __table_args__ = (sa.UniqueConstraint("grid_id", "user_id"),)


class Household(CommunityScoped, db.Model):
    """户: one door (building, unit, room) in one grid."""

    __tablename__ = "visits_households"
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("visits_grids.id"), index=True)
    building: Mapped[str] = mapped_column(sa.String(100))
    unit: Mapped[str] = mapped_column(sa.String(30), default="")
    room: Mapped[str] = mapped_column(sa.String(30), default="")
    sort_key: Mapped[str] = mapped_column(sa.String(300), default="")
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grid: Mapped[Grid] = relationship(lazy="joined")
    members: Mapped[list[HouseholdMember]] = relationship(back_populates="household", cascade="all, delete-orphan",
                                                          lazy="selectin", order_by="HouseholdMember.id")
    tag_rows: Mapped[list[HouseholdTag]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    __table_args__ = (
        sa.UniqueConstraint("community_id", "building", "unit", "room"),
        sa.Index("ix_visits_households_grid_order", "community_id", "grid_id", "sort_key"),
    )

    @property
    def address(self) -> str:
        return f"{self.building}{self.unit}{self.room}"

    @property
    def people(self) -> list[User]:
        return [member.user for member in self.members]

    @property
    def contact(self) -> User | None:
        return next((person for person in self.people if person.id == self.contact_id), None)

    def eldest_age(self, day: date | None = None) -> int | None:
        ages = [age_on(person.birth_date, day or local_today()) for person in self.people if person.birth_date]
        return max(ages) if ages else None

    def staff_tags(self) -> set[Tag]:
        return {Tag(row.tag) for row in self.tag_rows}

    def tags(self, day: date | None = None) -> list[Tag]:
        """Every tag that holds, in the fixed order: set by staff, and 高龄 from the birth dates."""
        held = self.staff_tags()
        eldest = self.eldest_age(day)
        if eldest is not None and eldest >= AGED_FROM:
            held.add(Tag.AGED)
        return [tag for tag in Tag if tag in held]


class HouseholdMember(CommunityScoped, db.Model):
    """A resident of a household; a person lives in one household at most."""

    __tablename__ = "visits_members"
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("visits_households.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    relation: Mapped[str] = mapped_column(sa.String(20), default="")
    household: Mapped[Household] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")


class HouseholdTag(CommunityScoped, db.Model):
    """A tag staff set on a household (高龄 is never stored: it follows the birth dates)."""

    __tablename__ = "visits_household_tags"
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("visits_households.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(sa.String(20))
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        sa.UniqueConstraint("household_id", "tag"),
        sa.CheckConstraint("tag IN (" + ",".join(f"'{tag.value}'" for tag in STAFF_TAGS) + ")", name="staff_tag"),
    )


class VisitInterval(CommunityScoped, db.Model):
    """How often a household with this tag is due a visit, in months (staff set it; defaults in the services)."""

    __tablename__ = "visits_intervals"
    tag: Mapped[str] = mapped_column(sa.String(20))
    months: Mapped[int] = mapped_column()
    __table_args__ = (
        sa.UniqueConstraint("community_id", "tag"),
        sa.CheckConstraint("months BETWEEN 1 AND 24", name="months_in_range"),
    )


class Outcome(enum.StrEnum):
    MET_MEMBER = "met_member"
    MET_OTHER = "met_other"
    NOBODY_HOME = "nobody_home"


class Need(enum.StrEnum):
    MEALS = "meals"
    REPAIR = "repair"
    HEALTH = "health"
    HAZARD = "hazard"
    DISPUTE = "dispute"
    LONELINESS = "loneliness"
    OTHER = "other"


class Visit(CommunityScoped, db.Model):
    """One knock on a household's door by a grid worker (or staff)."""

    __tablename__ = "visits_visits"
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("visits_households.id"), index=True)
    visitor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[str] = mapped_column(sa.String(20))
    met_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    met_other: Mapped[str] = mapped_column(sa.String(50), default="")
    needs: Mapped[str] = mapped_column(sa.String(100), default="")  # Need values joined by ","
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    talent: Mapped[str] = mapped_column(sa.String(100), default="")  # 发现能人: a skill or party membership seen
    photo_key: Mapped[str | None] = mapped_column(sa.String(100))
    # an elder living alone was met with a need: staff's queue shows it until someone sees to it
    needs_attention: Mapped[bool] = mapped_column(default=False)
    attended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submission_key: Mapped[str | None] = mapped_column(sa.String(32), unique=True)

    visitor: Mapped[User] = relationship(foreign_keys=[visitor_id], lazy="joined")
    met: Mapped[User | None] = relationship(foreign_keys=[met_id])
    __table_args__ = (
        sa.CheckConstraint("outcome IN (" + ",".join(f"'{o.value}'" for o in Outcome) + ")", name="known_outcome"),
        sa.Index("ix_visits_visits_household_time", "household_id", "visited_at"),
        sa.Index("ix_visits_visits_attention", "community_id", "needs_attention", "attended_at"),
    )

    @property
    def need_list(self) -> list[Need]:
        return [Need(value) for value in self.needs.split(",") if value]

    @property
    def nobody_home(self) -> bool:
        return self.outcome == Outcome.NOBODY_HOME


class VisitFollowUp(CommunityScoped, db.Model):
    """What a visit led to in another module (a meal order, a help request, a finding), as that module told
    through the registry when its form, opened from the visit, was sent (neighbors/registry.py `FollowUp`)."""

    __tablename__ = "visits_follow_ups"
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visits_visits.id"), index=True)
    service: Mapped[str] = mapped_column(sa.String(20))  # order, request or finding
    kind: Mapped[str] = mapped_column(sa.String(40))  # the record's kind in its module: kitchen.order
    record_id: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(sa.String(100))  # an English msgid
    link_endpoint: Mapped[str] = mapped_column(sa.String(100))
    link_args: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    made_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (sa.UniqueConstraint("kind", "record_id"),)
