"""Appeals against hidden content: the author asks staff to look again; staff uphold or reinstate.

Modules plug in through their hooks (neighbors/registry.py): each names, for a kind of record ("mutualaid.request"),
how to read the record (community, who wrote it, whether and why it is hidden), how to describe
records for the work queue, and how to reinstate one through its own rules. This module never
imports a module's internals, and staff read appeals only through `open_appeals`/`staff_queue`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import audit
from ..database import begin_write
from ..errors import N_, Conflict, InvalidInput, NotFound
from ..extensions import db
from ..links import NO_LINK, Link
from ..models import User
from ..notifications import notify
from ..registry import AppealKind, HiddenRecord, installed
from ..transactions import service
from ..workqueue import QueueItem
from .models import APPEAL_STATES, MAX_REASON, MAX_TEXT, Appeal, AppealState
from .policy import policy

RECENT_DECISIONS = 20


class AppealConflict(Conflict):
    """The appeal cannot be filed or decided as asked (already waiting, already decided, nothing hidden)."""


ALREADY_WAITING = N_("An appeal about this is already waiting for staff.")


def _kind(kind: str) -> AppealKind:
    found = installed().appeal_kind(kind)
    if found is None:
        raise NotFound(N_("That record was not found."))
    return found


def _clean_text(text: str, limit: int, empty: str, too_long: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(empty, field=field)
    if len(text) > limit:
        raise InvalidInput(too_long, field=field, limit=limit)
    return text


def _visible_record(actor: User, kind: str, record_id: int) -> HiddenRecord:
    record = _kind(kind).check(record_id)
    if record is None or not policy.may(actor, "see_record", record):
        raise NotFound(N_("That record was not found."))
    return record


@service
def file_appeal(actor: User, kind: str, record_id: int, text: str, now: datetime) -> Appeal:
    """The author of a hidden record asks staff to look again; one open appeal per record."""
    begin_write()
    record_id = int(record_id)
    record = _visible_record(actor, kind, record_id)
    policy.require(actor, "appeal", record, N_("Only the author can appeal."))
    if not record.hidden:
        raise AppealConflict(N_("This is not hidden, so there is nothing to appeal."))
    text = _clean_text(text, MAX_TEXT, N_("Say why it should be shown again."),
                       N_("The appeal can have at most %(limit)s characters."), "text")
    if _open_appeal(kind, record_id) is not None:
        raise AppealConflict(ALREADY_WAITING)
    appeal = Appeal(community_id=record.community_id, kind=kind, record_id=record_id, author_id=actor.id,
                    text=text, created_at=now, state=AppealState.OPEN)
    db.session.add(appeal)
    try:
        db.session.flush()
    except IntegrityError:  # the same appeal sent twice at once: the unique index kept one
        raise AppealConflict(ALREADY_WAITING) from None
    audit.record(actor, "appeal.filed", appeal, community_id=record.community_id, subject=actor,
                 after={"kind": kind, "record_id": record_id}, reason=text, now=now)
    return appeal


@service
def decide_appeal(actor: User, appeal_id: int, reinstate: bool, reason: str, now: datetime) -> Appeal:
    """Staff of the record's community decide once: reinstate (shown again) or uphold (stays hidden)."""
    reason = _clean_text(reason, MAX_REASON, N_("Write down the reason for the decision."),
                         N_("The reason can have at most %(limit)s characters."), "reason")
    begin_write()
    appeal = db.session.scalar(sa.select(Appeal).where(Appeal.id == appeal_id).with_for_update()
                               .execution_options(populate_existing=True))
    if appeal is None or not policy.may(actor, "decide", appeal):
        raise NotFound(N_("That appeal was not found."))
    action = "reinstate" if reinstate else "uphold"
    if not appeal.can(action):
        raise AppealConflict(N_("This appeal has already been decided."))
    if reinstate:
        _kind(appeal.kind).reinstate(actor, appeal.record_id, now)
    APPEAL_STATES.move(appeal, action, actor, now, reason=reason,
                       values={"decided_by_id": actor.id, "decided_at": now, "decision_reason": reason})
    title, link = _describe_one(appeal)
    message = (N_("Your appeal was accepted: %(title)s is shown again. %(reason)s") if reinstate
               else N_("Your appeal was not accepted: %(title)s stays hidden. Reason: %(reason)s"))
    notify(appeal.author, message, link=link, now=now, title=title, reason=reason)
    return appeal


@dataclass(frozen=True)
class AppealTarget:
    """A hidden record as its author sees it on the appeal page."""

    kind: str
    id: int
    record: HiddenRecord
    title: str
    link: Link
    appeal: Appeal | None  # the latest appeal about it


def appeal_target(actor: User, kind: str, record_id: Any) -> AppealTarget:
    """The record the actor may appeal; anything else (another's, another community's, unknown) is not found."""
    if installed().appeal_kind(kind) is None or not str(record_id).isdecimal():
        raise NotFound(N_("That record was not found."))
    record_id = int(record_id)
    record = _visible_record(actor, kind, record_id)
    if not policy.may(actor, "appeal", record):
        raise NotFound(N_("That record was not found."))
    title, link = _kind(kind).describe(record.community_id, [record_id]).get(record_id, ("", NO_LINK))
    return AppealTarget(kind, record_id, record, title, link, latest_appeal(record.community_id, kind, record_id))


@dataclass(frozen=True)
class Review:
    """What staff read on the appeals page: the open appeals, the recent decisions, and what each is about."""

    open: list[Appeal]
    decided: list[Appeal]
    described: dict[int, tuple[str, Link]]


def review(actor: User) -> Review:
    policy.require(actor, "review", actor.community_id)
    listed = open_appeals(actor.community_id)
    decided = decided_appeals(actor.community_id)
    return Review(listed, decided, describe(listed + decided))


def _open_appeal(kind: str, record_id: int) -> Appeal | None:
    return db.session.scalar(sa.select(Appeal).where(Appeal.kind == kind, Appeal.record_id == record_id,
                                                     Appeal.state == AppealState.OPEN))


def latest_appeal(community_id: int, kind: str, record_id: int) -> Appeal | None:
    """The newest appeal about a record, for its page (open, or how it was decided)."""
    return db.session.scalar(
        sa.select(Appeal).where(Appeal.community_id == community_id, Appeal.kind == kind,
                                Appeal.record_id == record_id)
        .order_by(Appeal.created_at.desc(), Appeal.id.desc()).limit(1)
    )


def open_appeals(community_id: int) -> list[Appeal]:
    """The work queue's appeals: oldest first, with their authors."""
    return list(db.session.scalars(
        sa.select(Appeal).where(Appeal.community_id == community_id, Appeal.state == AppealState.OPEN)
        .options(joinedload(Appeal.author)).order_by(Appeal.created_at, Appeal.id)
    ))


def decided_appeals(community_id: int, limit: int = RECENT_DECISIONS) -> list[Appeal]:
    """The latest decisions, newest first, with who appealed and who decided."""
    return list(db.session.scalars(
        sa.select(Appeal).where(Appeal.community_id == community_id, Appeal.state != AppealState.OPEN)
        .options(joinedload(Appeal.author), joinedload(Appeal.decided_by))
        .order_by(Appeal.decided_at.desc(), Appeal.id.desc()).limit(limit)
    ))


def open_count(community_id: int) -> sa.ScalarSelect:
    """The number of open appeals as a subquery, so the staff menu's count adds no statement."""
    return (sa.select(sa.func.count(Appeal.id))
            .where(Appeal.community_id == community_id, Appeal.state == AppealState.OPEN).scalar_subquery())


def _describe_one(appeal: Appeal) -> tuple[str, Link]:
    return _kind(appeal.kind).describe(appeal.community_id, [appeal.record_id]).get(appeal.record_id, ("", NO_LINK))


def describe(appeals: list[Appeal]) -> dict[int, tuple[str, Link]]:
    """{appeal id: (record title, link)}, one query per kind of record."""
    by_kind: dict[str, list[Appeal]] = {}
    for appeal in appeals:
        by_kind.setdefault(appeal.kind, []).append(appeal)
    described = {}
    for kind, listed in by_kind.items():
        found = installed().appeal_kind(kind)
        titles = found.describe(listed[0].community_id, [a.record_id for a in listed]) if found else {}
        for appeal in listed:
            described[appeal.id] = titles.get(appeal.record_id, ("", NO_LINK))
    return described


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    """Hidden-content appeals as work-queue items: each waits for a staff decision."""
    return [
        QueueItem(kind="appeals.hidden_content", title=N_("%(name)s appeals against hidden content"),
                  since=appeal.created_at, link=Link("appeals.index", anchor=f"appeal-{appeal.id}"),
                  action=N_("Decide"), params={"name": appeal.author.name})
        for appeal in open_appeals(community_id)
    ]
