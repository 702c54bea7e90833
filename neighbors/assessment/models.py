"""考核 by community type: the district's indicators (a measure of the app and its weight for each type of
community), and what was published for a year.

A publication freezes the year's results: each community's score, its rank within its type and, line by line,
how the score is made. What the modules count may still change afterwards (a late correction); the published
figures do not.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import CommunityScoped, UTCDateTime
from ..extensions import db
from ..models import Community, CommunityType

MAX_WEIGHT = 100
TYPES = tuple(CommunityType)


class IndicatorWeight(db.Model):
    """How much one measure counts in the score of one type of community (the district's, so no community)."""

    __tablename__ = "assessment_weights"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(sa.String(60))
    community_type: Mapped[str] = mapped_column(sa.String(20))
    weight: Mapped[int] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    __table_args__ = (
        sa.UniqueConstraint("measure", "community_type"),
        sa.CheckConstraint(f"weight > 0 AND weight <= {MAX_WEIGHT}", name="weight_range"),
        sa.CheckConstraint("community_type IN (" + ",".join(f"'{t.value}'" for t in TYPES) + ")",
                           name="known_type"),
    )


class Publication(db.Model):
    """The admin published a year: from then on its results are what the street and the community see."""

    __tablename__ = "assessment_publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Result(CommunityScoped, db.Model):
    """A community's published result for a year: score and rank within its type (both empty when it is not
    ranked for missing data), and the lines that make the score."""

    __tablename__ = "assessment_results"
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_publications.id"), index=True)
    year: Mapped[int] = mapped_column()
    community_type: Mapped[str] = mapped_column(sa.String(20))
    score: Mapped[float | None] = mapped_column(sa.Float)
    rank: Mapped[int | None] = mapped_column()
    ranked_in_type: Mapped[int] = mapped_column(default=0)  # how many of its type were ranked
    # [{"measure", "label", "unit", "raw", "normalised", "weight", "contribution"}, ...] in the indicators' order
    lines: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    missing: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # the measures it has no data for

    community: Mapped[Community] = relationship(lazy="joined")
    publication: Mapped[Publication] = relationship()
    __table_args__ = (sa.UniqueConstraint("community_id", "year"),)
