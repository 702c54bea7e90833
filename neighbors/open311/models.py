"""A community as an Open311 jurisdiction, the API keys its staff issue to partner systems, and what a
partner sent with a case that the case itself does not hold (its position, its media URL)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import Community, User


class Jurisdiction(CommunityScoped, db.Model):
    """A community's code for partner systems (`jurisdiction_id`) and whether anyone may read its cases."""

    __tablename__ = "open311_jurisdictions"
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    publishes_cases: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    community: Mapped[Community] = relationship()
    __table_args__ = (sa.UniqueConstraint("community_id"),)


class ApiKey(CommunityScoped, db.Model):
    """A partner system's key: only its SHA-256 is kept (the key is shown once); its cases are filed by its
    own account, which cannot log in."""

    __tablename__ = "open311_api_keys"
    name: Mapped[str] = mapped_column(sa.String(80))
    prefix: Mapped[str] = mapped_column(sa.String(12))  # the first characters, so staff can tell keys apart
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    account: Mapped[User] = relationship(foreign_keys=[account_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class PartnerFiling(CommunityScoped, db.Model):
    """What a partner sent with a case beyond the case's own fields."""

    __tablename__ = "open311_filings"
    api_key_id: Mapped[int] = mapped_column(sa.ForeignKey("open311_api_keys.id"), index=True)
    case_id: Mapped[int] = mapped_column(index=True)
    latitude: Mapped[float | None] = mapped_column(sa.Float)
    longitude: Mapped[float | None] = mapped_column(sa.Float)
    media_url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (sa.UniqueConstraint("community_id", "case_id"),)


class Webhook(CommunityScoped, db.Model):
    """A partner's URL that is told when a community's cases move. The secret is kept as it was given (it must
    sign every delivery, so a hash would not do); it is shown to staff once, when made."""

    __tablename__ = "open311_webhooks"
    url: Mapped[str] = mapped_column(sa.String(500))
    secret: Mapped[str] = mapped_column(sa.String(80))
    events: Mapped[str] = mapped_column(sa.String(300))  # space-separated event names
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def wants(self, event: str) -> bool:
        return event in self.events.split()


class WebhookDelivery(CommunityScoped, db.Model):
    """One event for one webhook, written in the transaction that made the event and sent later by the tick."""

    __tablename__ = "open311_webhook_deliveries"
    webhook_id: Mapped[int] = mapped_column(sa.ForeignKey("open311_webhooks.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[str] = mapped_column(sa.Text)  # the JSON body, exactly as sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # None: delivered or given up
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(sa.String(200), default="")
