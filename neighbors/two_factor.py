"""Staff and administrators' second factor (ASVS 2.7/2.8): a time-based one-time code from an authenticator app
(RFC 6238, through pyotp), enrolled by scanning a QR code drawn on the server, and ten recovery codes shown
once, stored hashed, each usable once. Every service here is one `@service` transaction.

Required at every staff login unless NEIGHBORS_ENV is `testing` or `bench` (suites that sign staff in without
a phone) or NEIGHBORS_STAFF_TWO_FACTOR=0 outside production; production refuses to turn it off. The demo
data enrols its staff with the published DEMO_SECRET (README), so the demo logins keep working.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from . import audit
from .database import begin_write
from .errors import N_, InvalidInput, NotAllowed
from .extensions import db
from .models import RecoveryCode, User
from .passwords import hash_password
from .transactions import service

ISSUER = "Neighbors 邻里"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing to misread on paper (no 0/o, 1/l/i)
# Published in the README for the demo data only: anyone can compute its codes, so nothing else may use it.
DEMO_SECRET = "NEIGHBORSDEMOSTAFF2FA234"
WRONG_CODE = N_("That code is not right. Type the 6 digits your authenticator app shows now, or a recovery code.")


def required() -> bool:
    """Whether staff and administrators must give a second factor when they log in."""
    configured = current_app.config.get("STAFF_TWO_FACTOR")
    if configured is not None:
        return bool(configured)
    return current_app.config.get("NEIGHBORS_ENV") not in {"testing", "bench"}


def applies_to(user: User) -> bool:
    return user.is_privileged and required()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.masked_phone or str(user.id), issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code an authenticator app scans, as inline SVG: no script, no image request, no third party."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#1b1b1b", light="#ffffff")


def grouped(secret: str) -> str:
    """The secret as it is typed into an app by hand: in groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def awaiting_code(session_id: str) -> User | None:
    """The account whose password this browser gave (its "id.epoch"), if it can still log in: a password change
    or a logout everywhere in between ends the wait."""
    user_id, _, epoch = session_id.partition(".")
    user = db.session.get(User, int(user_id)) if user_id.isdecimal() else None
    if user is None or not user.can_log_in or str(user.session_epoch or 0) != epoch:
        return None
    return user


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step (this one, or one either side for a slow phone clock) whose code is `code`."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.generate_otp(current + offset), code):
            return current + offset
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


@service
def enrol(user: User, secret: str, code: str, now: datetime) -> list[str]:
    """Keep the secret once the person proves their app has it (a code of now); returns the recovery codes, the
    only time they exist in clear."""
    begin_write()
    db.session.refresh(user, with_for_update=True)
    step = _matching_step(secret, _digits(code or ""), now) if secret else None
    if step is None:
        raise InvalidInput(N_("That code is not right. Scan the QR code again and type the 6 digits your app shows."),
                           field="code")
    user.totp_secret, user.totp_enrolled_at, user.totp_last_step = secret, now, step
    codes = _replace_recovery_codes(user, now)
    audit.record(user, "two_factor.enrolled", user, community_id=user.community_id, subject=user, now=now)
    return codes


@service
def new_recovery_codes(user: User, now: datetime) -> list[str]:
    """Ten fresh recovery codes; the old ones stop working."""
    begin_write()
    if user.totp_enrolled_at is None:
        raise NotAllowed(N_("Set up the authenticator app first."))
    codes = _replace_recovery_codes(user, now)
    audit.record(user, "two_factor.recovery_codes_renewed", user, community_id=user.community_id, subject=user,
                 now=now)
    return codes


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(community_id=user.community_id, user_id=user.id, code_hash=hash_password(raw),
                                    created_at=now))
    db.session.flush()
    return codes


@service
def verify(user: User, code: str, now: datetime) -> str:
    """The second step of a staff login: the app's code of now (never one already used), or an unused recovery
    code, which is then spent. Returns which it was ("app" or "recovery code")."""
    begin_write()
    db.session.refresh(user, with_for_update=True)
    typed = _digits(code or "")
    if user.totp_secret and typed.isdecimal() and len(typed) == 6:
        step = _matching_step(user.totp_secret, typed, now)
        if step is not None and step > (user.totp_last_step or 0):
            user.totp_last_step = step
            return "app"
        raise InvalidInput(WRONG_CODE, field="code")
    wanted = typed.replace("-", "").lower()
    for recovery in db.session.scalars(sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)).order_by(RecoveryCode.id)):
        if wanted and check_password_hash(recovery.code_hash, wanted):
            recovery.used_at = now
            audit.record(user, "two_factor.recovery_code_used", user, community_id=user.community_id, subject=user,
                         now=now)
            return "recovery code"
    raise InvalidInput(WRONG_CODE, field="code")


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def enrol_demo(user: User, now: datetime) -> None:
    """The demo data's staff: enrolled with the published DEMO_SECRET (flushes; the demo build commits)."""
    user.totp_secret, user.totp_enrolled_at = DEMO_SECRET, now


def demo_code(now: datetime) -> str:
    return pyotp.TOTP(DEMO_SECRET).at(now)
