"""Shared models: places, people, roles, carers, the audit log and notifications."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from .clock import age_on, local_today, utcnow
from .database import CommunityScoped, UTCDateTime
from .geo import distance_m
from .extensions import db
from .links import build
from .passwords import hash_password


class CommunityType(enum.StrEnum):
    NEW_TOWN = "new_town"  # 新城区
    OLD_TOWN = "old_town"  # 老城区
    VILLAGE = "village"  # 村改居


class Role(enum.StrEnum):
    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    KITCHEN = "kitchen"
    PATROLLER = "patroller"
    GRID_WORKER = "grid_worker"  # 网格员: visits the households of their grids
    OFFICER = "officer"
    STREET_STAFF = "street_staff"  # 街道: sees and compares the registers, reports and queues of its communities
    STAFF = "staff"
    ADMIN = "admin"


class District(db.Model):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)


class SubDistrict(db.Model):
    """街道."""

    __tablename__ = "sub_districts"
    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    district: Mapped[District] = relationship()
    __table_args__ = (sa.UniqueConstraint("district_id", "name"),)


class Community(db.Model):
    """社区: the unit every domain record belongs to, and the shard key."""

    __tablename__ = "communities"
    id: Mapped[int] = mapped_column(primary_key=True)
    sub_district_id: Mapped[int] = mapped_column(sa.ForeignKey("sub_districts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)
    kind: Mapped[CommunityType] = mapped_column(
        sa.Enum(CommunityType, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    phone: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")  # the office; 长辈版 calls it
    # the community's area, a centre (WGS-84) and a radius: a reported position outside it is questioned
    centre_latitude: Mapped[float | None] = mapped_column(sa.Float)
    centre_longitude: Mapped[float | None] = mapped_column(sa.Float)
    area_radius_m: Mapped[int | None] = mapped_column()
    sub_district: Mapped[SubDistrict] = relationship()

    def metres_beyond_area(self, latitude: float, longitude: float) -> float | None:
        """How far a point is from the community's centre when it lies outside its area; None inside it (or when
        the area is not set)."""
        if self.centre_latitude is None or self.centre_longitude is None or not self.area_radius_m:
            return None
        metres = distance_m(self.centre_latitude, self.centre_longitude, latitude, longitude)
        return metres if metres > self.area_radius_m else None


class Building(CommunityScoped, db.Model):
    """A building or courtyard address inside a community (e.g. 镇海路12号)."""

    __tablename__ = "buildings"
    name: Mapped[str] = mapped_column(sa.String(100))
    community: Mapped[Community] = relationship()
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    needs_care: Mapped[bool] = mapped_column(default=False)
    party_member: Mapped[bool] = mapped_column(default=False)
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"))
    unit: Mapped[str] = mapped_column(sa.String(50), default="")
    elder_mode: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    active: Mapped[bool] = mapped_column(default=True)
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    # staff set a one-time password: the next login must choose a new one before anything else
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # ... and that one-time password stops working at this time (ASVS 2.3.1)
    one_time_password_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # staff erased this person's information on their request: the row stays so totals and the ledger add up
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # staff and admins' second factor (ASVS 2.8): the authenticator app's secret, when it was enrolled, and the
    # 30-second step of the last code accepted, so one code never logs in twice
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    community: Mapped[Community] = relationship()
    building: Mapped[Building | None] = relationship()
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", foreign_keys="RoleGrant.user_id"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every session and remember-me cookie issued before now stops working."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def get_id(self) -> str:  # Flask-Login: the epoch makes old cookies worthless
        return f"{self.id}.{self.session_epoch or 0}"

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def can_log_in(self) -> bool:
        return bool(self.phone and self.password_hash and self.active)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def roles(self) -> set[Role]:
        return {Role(grant.role) for grant in self.role_grants}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles & {str(r) for r in roles})

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_privileged(self) -> bool:
        """Staff or admin: sees every resident's address and phone, so gets stricter rules (shorter sessions,
        only an admin resets their password)."""
        return self.has_role(Role.STAFF, Role.STREET_STAFF, Role.ADMIN)

    def is_staff_of(self, community_id: int) -> bool:
        return self.is_admin or (self.has_role(Role.STAFF) and self.community_id == community_id)

    def oversees(self, community: "Community") -> bool:
        """The admin, or street staff (街道) of the street this community belongs to: they read what reaches
        the community and what it reports, not its residents' records."""
        return self.is_admin or (self.has_role(Role.STREET_STAFF) and self.community is not None
                                 and self.community.sub_district_id == community.sub_district_id)

    @property
    def is_verified_volunteer(self) -> bool:
        return any(g.role == Role.VOLUNTEER and g.verified_at for g in self.role_grants)

    def age(self, day: date | None = None) -> int | None:
        return age_on(self.birth_date, day or local_today())

    @property
    def address(self) -> str:
        if self.building is None:
            return self.unit
        return f"{self.building.name}{self.unit}"

    @property
    def masked_phone(self) -> str:
        if not self.phone:
            return ""
        return self.phone[:3] + "****" + self.phone[-4:]


class RoleGrant(CommunityScoped, db.Model):
    __tablename__ = "role_grants"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    department: Mapped[str] = mapped_column(sa.String(50), default="")
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])
    __table_args__ = (
        sa.UniqueConstraint("user_id", "role"),
        sa.CheckConstraint(
            "role IN (" + ",".join(f"'{role.value}'" for role in Role) + ")",
            name="known_role",
        ),
    )


class CarerLink(CommunityScoped, db.Model):
    """A family member or worker who may act for a resident (many elders have no phone)."""

    __tablename__ = "carer_links"
    carer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    relation: Mapped[str] = mapped_column(sa.String(30), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    carer: Mapped[User] = relationship(foreign_keys=[carer_id])
    resident: Mapped[User] = relationship(foreign_keys=[resident_id])
    __table_args__ = (
        sa.UniqueConstraint("carer_id", "resident_id"),
        sa.CheckConstraint("carer_id <> resident_id", name="not_self"),
    )


class RecoveryCode(CommunityScoped, db.Model):
    """One of the ten codes a staff member keeps on paper for a lost phone: stored hashed, each used once."""

    __tablename__ = "recovery_codes"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(db.Model):
    """Append-only: who changed whose data, and how. Never updated or deleted."""

    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(50))
    target_id: Mapped[int | None] = mapped_column()
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_user_id])


class Notification(CommunityScoped, db.Model):
    """A message for one user; `message` is an English msgid translated when shown."""

    __tablename__ = "notifications"
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(sa.String(300))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # where the message leads: an endpoint and its arguments, built into a URL when shown (neighbors.links)
    endpoint: Mapped[str] = mapped_column(sa.String(100), default="")
    link_args: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    @property
    def url(self) -> str:
        args = dict(self.link_args or {})
        anchor = args.pop("_anchor", "")
        return build(self.endpoint, args, anchor)
