"""An author's appeal against hidden content, and the one way it moves: staff decide it once."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import audit
from ..clock import utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import User
from ..states import StateMachine, Transition

MAX_TEXT = 500
MAX_REASON = 300


class AppealState(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # staff keep the record hidden
    REINSTATED = "reinstated"  # staff show the record again


def _decision_written(appeal: Appeal, step: Transition, actor: User, now: datetime, before: str, reason: str = ""):
    """A decision's history row is its audit entry (appeal.upheld / appeal.reinstated)."""
    return audit.record(actor, f"appeal.{step.target}", appeal, community_id=appeal.community_id,
                        subject=appeal.author, before={"state": before},
                        after={"state": step.target, "kind": appeal.kind, "record_id": appeal.record_id},
                        reason=reason, now=now)


APPEAL_STATES = StateMachine(
    Transition("reinstate", {AppealState.OPEN}, AppealState.REINSTATED),
    Transition("uphold", {AppealState.OPEN}, AppealState.UPHELD),
    state="state",
    history=_decision_written,
)


class Appeal(CommunityScoped, db.Model):
    """An author's request to show a hidden record again, and staff's decision on it."""

    __tablename__ = "appeals"
    kind: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int] = mapped_column()
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(sa.String(MAX_TEXT))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(sa.String(12), default=AppealState.OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str] = mapped_column(sa.String(MAX_REASON), default="")

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    __table_args__ = (
        sa.CheckConstraint("state IN ('open','upheld','reinstated')", name="known_state"),
        sa.CheckConstraint("state = 'open' OR decided_at IS NOT NULL", name="decided_has_time"),
        sa.Index("ix_appeals_record", "kind", "record_id"),
        # One open appeal per record: a double submit or two tabs cannot make a second.
        sa.Index("uq_appeals_one_open", "kind", "record_id", unique=True,
                 sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'")),
    )

    @property
    def is_open(self) -> bool:
        return self.state == AppealState.OPEN

    def can(self, action: str) -> bool:
        """Whether the transitions table lets this appeal be decided that way now."""
        return APPEAL_STATES.allows(self, action)
