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
