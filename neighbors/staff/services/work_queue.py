"""The work queue: everything waiting for a person in one community, read from every installed module."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import ngettext
from sqlalchemy.orm import lazyload

from ... import appeals
from ...errors import N_
from ...extensions import db
from ...links import Link
from ...models import CarerLink, User
from ...registry import ModuleHooks, installed
from ...workqueue import QueueItem

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class WorkQueue:
    items: list[QueueItem]
    unavailable: list[str]  # modules whose list could not be read just now


def _alone(community_id: int):
    """Residents needing care with no carer linked."""
    has_carer = sa.select(CarerLink.id).where(CarerLink.resident_id == User.id,
                                              CarerLink.community_id == community_id).exists()
    return sa.and_(User.community_id == community_id, User.needs_care.is_(True), User.active.is_(True), ~has_carer)


def foundation_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """What the foundation itself leaves waiting: residents needing care with nobody to act for them."""
    alone = db.session.scalars(
        sa.select(User).where(_alone(community_id)).options(lazyload(User.role_grants))
        .order_by(User.created_at, User.id)
    )
    return [
        QueueItem(
            kind="staff.no_carer",
            title=N_("%(name)s needs care but has no carer linked"),
            since=resident.created_at,
            link=Link("staff.person_page", anchor="carers", user_id=resident.id),
            action=N_("Link a carer"),
            params={"name": resident.name},
        )
        for resident in alone
    ]


def _from_module(hooks: ModuleHooks, read: Callable[[], T]) -> tuple[T | None, bool]:
    """One module's part inside a savepoint: its failure, even a refused statement, leaves the others readable."""
    try:
        with db.session.begin_nested():
            return read(), True
    except Exception:  # one module's failure must not hide the others' urgent work
        log.exception("the staff queue of %s failed", hooks.name)
        return None, False


def link_key(link: Link) -> tuple:
    """A link as a key: the same page (and place on it) is the same thing to do."""
    return link.endpoint, tuple(sorted((name, str(value)) for name, value in link.args.items())), link.anchor


def work_queue(community_id: int, now: datetime) -> WorkQueue:
    """Everything waiting for a person in one community: urgent first, then oldest first, once each."""
    items: list[QueueItem] = []
    unavailable: list[str] = []
    for hooks in installed():
        listed, read = _from_module(hooks, lambda: hooks.staff_queue(community_id, now))
        items.extend(listed or [])
        if not read:
            unavailable.append(hooks.name)
    items.extend(foundation_queue(community_id, now))
    items.extend(appeals.staff_queue(community_id, now))  # hidden-content appeals, from every module
    unique = {}
    for item in items:
        unique.setdefault((item.kind, link_key(item.link)), item)
    ordered = sorted(unique.values(), key=lambda item: (not item.urgent, item.since, item.kind, link_key(item.link)))
    return WorkQueue(ordered, unavailable)


def work_queue_count(community_id: int, now: datetime) -> int:
    """len(work_queue(...).items) cheaply, for the staff menu on every page: one statement per module."""
    alone = sa.select(sa.func.count(User.id)).where(_alone(community_id)).scalar_subquery()
    total = db.session.scalar(sa.select(alone + appeals.open_count(community_id))) or 0  # one statement for both
    for hooks in installed():
        counted, _read = _from_module(hooks, lambda: hooks.staff_queue_count(community_id, now))
        total += counted or 0
    return total


def queue_version(work: WorkQueue, now: datetime) -> str:
    """A short fingerprint of what the queue page shows: its items, their ages as written, unread modules.

    The page polls with the version it shows; only a different version makes it reload the list.
    """
    shown = [
        (item.kind, link_key(item.link), item.since.isoformat(), item.urgent, item.title,
         sorted(item.params.items()), item.action, age(item.since, now))
        for item in work.items
    ]
    return hashlib.sha256(repr((shown, work.unavailable)).encode()).hexdigest()[:16]


def age(since: datetime, now: datetime) -> tuple[str, int]:
    """How long something has waited, in the unit the queue shows it in."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return "minutes", minutes
    hours = minutes // 60
    if hours < 48:
        return "hours", hours
    return "days", hours // 24


def age_text(since: datetime, now: datetime) -> str:
    unit, number = age(since, now)
    if unit == "minutes":
        return ngettext("%(num)d minute", "%(num)d minutes", number)
    if unit == "hours":
        return ngettext("%(num)d hour", "%(num)d hours", number)
    return ngettext("%(num)d day", "%(num)d days", number)
