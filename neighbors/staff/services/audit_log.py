"""The audit log as staff read it: filtered, a page at a time, or as a spreadsheet."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext

from ...clock import local_to_utc, to_local
from ...errors import N_, InvalidInput
from ...database import one_page
from ...extensions import db
from ...audit import FOUNDATION_ACTIONS, AuditAction
from ...models import AuditEntry, User
from ...registry import installed
from ...templating import as_list
from ..policy import policy
from .people import all_communities, like, managed_community

AUDIT_PAGE = 50
AUDIT_CSV_LIMIT = 50_000


@dataclass(frozen=True)
class AuditFilter:
    community_id: int | None  # None: every community (admins only)
    person_id: int | None = None
    who: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None  # inclusive, local date


def audit_filter(actor: User, community_id: int | None, **filters) -> AuditFilter:
    """Staff read their own community's log; an admin may read one community's or the whole district's."""
    if community_id is None and not policy.may(actor, "see_district"):
        community_id = actor.community_id
    if community_id is not None:
        managed_community(actor, community_id)
    start, end = filters.get("start"), filters.get("end")
    if start and end and end < start:
        raise InvalidInput(N_("The end date is before the start date."), field="end")
    return AuditFilter(community_id=community_id, **filters)


def _audit_statement(chosen: AuditFilter) -> sa.Select:
    statement = sa.select(AuditEntry)
    if chosen.community_id is not None:
        statement = statement.where(AuditEntry.community_id == chosen.community_id)
    if chosen.person_id:
        statement = statement.where(sa.or_(AuditEntry.actor_id == chosen.person_id,
                                           AuditEntry.subject_user_id == chosen.person_id))
    if chosen.who:
        text = " ".join(chosen.who.split())[:50]
        people = sa.select(User.id).where(sa.or_(User.name.ilike(like(text), escape="\\"),
                                                 User.phone.contains(text, autoescape=True)))
        if chosen.community_id is not None:
            people = people.where(User.community_id == chosen.community_id)
        statement = statement.where(sa.or_(AuditEntry.actor_id.in_(people), AuditEntry.subject_user_id.in_(people)))
    if chosen.action:
        statement = statement.where(AuditEntry.action == chosen.action)
    if chosen.start:
        statement = statement.where(AuditEntry.created_at >= local_to_utc(chosen.start, time.min))
    if chosen.end:
        statement = statement.where(AuditEntry.created_at < local_to_utc(chosen.end + timedelta(days=1), time.min))
    return statement


def audit_entries(chosen: AuditFilter, page: int = 1, per_page: int = AUDIT_PAGE) -> tuple[list[AuditEntry], bool]:
    """One page of entries, newest first, and whether there are older ones."""
    rows, _page, more = one_page(
        _audit_statement(chosen).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()), page, per_page)
    return rows, more


def audit_actions(community_id: int | None) -> list[str]:
    statement = sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    if community_id is not None:
        statement = statement.where(AuditEntry.community_id == community_id)
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class AuditText:
    """An entry as people read it: one sentence, and each changed field named as its form names it."""

    sentence: str
    changes: list[tuple[str, str, str]]  # (field, before, after), in words


def _action(code: str) -> AuditAction | None:
    return FOUNDATION_ACTIONS.get(code) or installed().audit_action(code)


def action_label(code: str) -> str:
    """The short name of a kind of act, for the log's filter."""
    action = _action(code)
    return gettext(action.label) if action else code


def describe(entry: AuditEntry) -> AuditText:
    """The entry in the reader's language: who did what to whom, then what changed from what to what."""
    action = _action(entry.action)
    before, after = entry.before or {}, entry.after or {}
    keys = sorted(set(before) | set(after), key=lambda k: (k not in after, k))
    changes = [(gettext(action.fields[key]) if action and key in action.fields else key,
                _plain(action, key, before.get(key)), _plain(action, key, after.get(key)))
               for key in keys if before.get(key) != after.get(key)]
    actor = entry.actor.name if entry.actor else gettext("System")
    words = {key: _plain(action, key, after.get(key, before.get(key))) for key in keys}
    try:
        sentence = gettext(action.sentence, **{**words, "actor": actor, "person": entry.subject.name
                                               if entry.subject else ""}) if action else None
    except (KeyError, ValueError, TypeError):
        sentence = None
    return AuditText(sentence or gettext("%(actor)s made a change (%(code)s).", actor=actor, code=entry.action),
                     changes)


def _plain(action: AuditAction | None, key: str, value) -> str:
    words = action.values.get(key) if action else None
    if value is not None and callable(words):
        return words(value)
    if value is not None and words is not None:
        return as_list([_plain(action, key, item) for item in value]) if isinstance(value, list) \
            else gettext(words[str(value)]) if str(value) in words else str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return as_list(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def audit_sheets(chosen: AuditFilter) -> list[tuple[str, list[list]]]:
    """The filtered log as one table (.xlsx or CSV), oldest first, headed in the reader's language."""
    rows = db.session.scalars(
        _audit_statement(chosen).order_by(AuditEntry.created_at, AuditEntry.id).limit(AUDIT_CSV_LIMIT)
    )
    names = {c.id: c.name for c in all_communities()}
    header = [gettext("Time"), gettext("Community"), gettext("Who"), gettext("Act"), gettext("Code"),
              gettext("Record"), gettext("Person concerned"), gettext("Before"), gettext("After"), gettext("Reason")]
    return [(gettext("Audit log"), [header, *([
        to_local(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        names.get(entry.community_id, ""),
        entry.actor.name if entry.actor else gettext("System"),
        describe(entry).sentence,
        entry.action,
        f"{entry.target_type} {entry.target_id}" if entry.target_id else entry.target_type,
        entry.subject.name if entry.subject else "",
        json.dumps(entry.before, ensure_ascii=False, sort_keys=True) if entry.before else "",
        json.dumps(entry.after, ensure_ascii=False, sort_keys=True) if entry.after else "",
        entry.reason,
    ] for entry in rows)])]
