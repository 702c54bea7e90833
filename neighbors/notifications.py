"""Notifications: modules call `notify`; the bell and the list page read them."""
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext

from .clock import utcnow
from .database import begin_write
from .dates import spoken
from .extensions import db
from .i18n import with_terms
from .links import NO_LINK, Link
from .models import Notification, User
from .transactions import service


def notify(user: User, message: str, link: Link = NO_LINK, now: datetime | None = None, **params) -> Notification:
    """`message` is an English msgid marked with N_(); it is translated for the reader when shown, and `link`
    is built into a URL then too."""
    if not isinstance(link, Link):
        raise TypeError("notify() takes a Link (an endpoint and its arguments), not a path")
    args = dict(link.args)
    if link.anchor:
        args["_anchor"] = link.anchor
    note = Notification(
        community_id=user.community_id,
        user_id=user.id,
        message=message,
        params=params,
        endpoint=link.endpoint,
        link_args=args,
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


@service
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
    return result.rowcount


def render(note: Notification) -> str:
    try:
        return gettext(note.message, **spoken(with_terms(note.params or {})))
    except (KeyError, ValueError, TypeError):
        return gettext(note.message)
