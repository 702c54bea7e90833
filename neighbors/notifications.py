"""Notifications: modules call `notify`; the bell and the list page read them."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext

from .clock import utcnow
from .database import begin_write
from .extensions import db
from .models import Notification, User


def notify(user: User, message: str, link: str = "", now: datetime | None = None, **params) -> Notification:
    """`message` is an English msgid marked with N_(); it is translated for the reader when shown."""
    note = Notification(
        community_id=user.community_id,
        user_id=user.id,
        message=message,
        params=params,
        link=link,
        created_at=now or utcnow(),
    )
    db.session.add(note)
    return note


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.community_id == user.community_id,
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
    ) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.community_id == user.community_id, Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User, now: datetime | None = None) -> int:
    begin_write()
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.community_id == user.community_id,
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
        )
        .values(read_at=now or utcnow())
    )
    db.session.commit()
    return result.rowcount


def render(note: Notification) -> str:
    try:
        return gettext(note.message, **(note.params or {}))
    except (KeyError, ValueError, TypeError):
        return gettext(note.message)
