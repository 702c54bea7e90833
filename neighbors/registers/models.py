"""会议、文件、督查检查登记: what reaches a community from above, one row per meeting, document or inspection.

A correction never overwrites: it adds a new row that `replaces_id` the old one, and the old one is marked
`superseded_at`. The street can refuse an entry as a duplicate of another (`refused_at`). Only entries that
are neither superseded nor refused count (`counted()`).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import Community, User


class Kind(enum.StrEnum):
    MEETING = "meeting"  # 会议
    DOCUMENT = "document"  # 文件
    INSPECTION = "inspection"  # 督查检查


# what each kind records besides the date and the body, in the order the form asks
KIND_FIELDS = {
    Kind.MEETING: ("minutes", "staff_count", "online", "merged", "proxy"),
    Kind.DOCUMENT: ("pages", "needs_reply", "has_form", "deadline"),
    Kind.INSPECTION: ("items", "merged", "prep_minutes"),
}
DETAIL_FIELDS = ("day", "body", *dict.fromkeys(f for fields in KIND_FIELDS.values() for f in fields), "note")


class Entry(CommunityScoped, db.Model):
    __tablename__ = "register_entries"
    kind: Mapped[str] = mapped_column(sa.String(12))
    day: Mapped[date] = mapped_column(sa.Date)
    body: Mapped[str] = mapped_column(sa.String(60))  # who called it / sent it / checked: the higher body
    # meetings
    minutes: Mapped[int] = mapped_column(default=0)
    staff_count: Mapped[int] = mapped_column(default=0)
    online: Mapped[bool] = mapped_column(default=False)  # 视频会议
    merged: Mapped[bool] = mapped_column(default=False)  # 并会套开 / 合并检查
    proxy: Mapped[bool] = mapped_column(default=False)  # 替会: attended on someone's behalf
    # documents
    pages: Mapped[int] = mapped_column(default=0)
    needs_reply: Mapped[bool] = mapped_column(default=False)
    has_form: Mapped[bool] = mapped_column(default=False)  # a form (表格) to fill
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    # inspections
    items: Mapped[int] = mapped_column(default=0)
    prep_minutes: Mapped[int] = mapped_column(default=0)  # the community's time spent preparing
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    submission_key: Mapped[str | None] = mapped_column(sa.String(32), unique=True)  # a double tap records once
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("register_entries.id"), unique=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refused_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("register_entries.id"))

    community: Mapped[Community] = relationship(lazy="joined")
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    refused_by: Mapped[User | None] = relationship(foreign_keys=[refused_by_id])

    __table_args__ = (
        sa.CheckConstraint("kind IN ('meeting','document','inspection')", name="known_kind"),
        sa.CheckConstraint("minutes >= 0 AND staff_count >= 0 AND pages >= 0 AND items >= 0 AND prep_minutes >= 0",
                           name="not_negative"),
        sa.Index("ix_register_entries_community_day", "community_id", "day"),
    )

    @property
    def current(self) -> bool:
        return self.superseded_at is None and self.refused_at is None

    @property
    def staff_minutes(self) -> int:
        """Time the community's staff spent in the meeting: its length times how many went."""
        return self.minutes * max(self.staff_count, 1) if self.kind == Kind.MEETING else 0


def counted():
    """The condition of an entry that counts: neither corrected since nor refused as a duplicate."""
    return sa.and_(Entry.superseded_at.is_(None), Entry.refused_at.is_(None))
