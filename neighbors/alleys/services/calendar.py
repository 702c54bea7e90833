"""A member's shifts as a calendar their phone subscribes to, behind a secret link they can replace."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import icalendar
import sqlalchemy as sa

from ...clock import utcnow
from ...database import begin_write, same_community
from ...errors import N_, NotFound
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import CalendarFeed, PatrolShift, PatrolSignup


def _feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


@service
def calendar_feed(actor: User, now: datetime | None = None) -> CalendarFeed:
    """The member's feed, made the first time it is asked for."""
    feed = _feed_of(actor)
    if feed is not None:
        return feed
    begin_write()
    feed = _feed_of(actor)
    if feed is None:
        feed = CalendarFeed(community_id=actor.community_id, user_id=actor.id, token=secrets.token_urlsafe(24),
                            created_at=now or utcnow())
        try:
            with db.session.begin_nested():
                db.session.add(feed)
        except sa.exc.IntegrityError:  # made by a simultaneous request
            feed = _feed_of(actor)
    return feed


@service
def reset_calendar(actor: User, now: datetime | None = None) -> CalendarFeed:
    """A new secret: the old URL stops working at once."""
    feed = calendar_feed(actor, now)
    begin_write()
    feed = db.session.get(CalendarFeed, feed.id)
    feed.token = secrets.token_urlsafe(24)
    feed.created_at = now or utcnow()
    return feed


def calendar_ics(token: str, now: datetime, host: str = "neighbors") -> bytes:
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token)) if token else None
    if feed is None:
        raise NotFound(N_("This calendar link is not valid any more."))
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Neighbors//Alley patrols//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "巷道巡查 / Alley patrols")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    shifts = db.session.scalars(
        sa.select(PatrolShift).join(PatrolSignup, same_community(PatrolSignup.shift_id == PatrolShift.id))
        .where(PatrolShift.community_id == feed.community_id, PatrolSignup.user_id == feed.user_id,
               PatrolShift.cancelled_at.is_(None), PatrolShift.ends_at > now - timedelta(days=30))
        .order_by(PatrolShift.starts_at))
    for shift in shifts:
        event = icalendar.Event()
        event.add("uid", f"alleys-shift-{shift.id}-user-{feed.user_id}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"巡查 {shift.alley.name}")
        event.add("location", shift.alley.name)
        event.add("description", "；".join(shift.alley.landmark_list) or shift.alley.description)
        calendar.add_component(event)
    return calendar.to_ical()
