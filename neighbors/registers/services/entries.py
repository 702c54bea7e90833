"""Recording what reached a community, correcting it (the original is kept) and refusing a duplicate."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import audit
from ...clock import local_today
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotFound
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import KIND_FIELDS, Entry, Kind, counted
from ..policy import policy

# the bodies most often met, offered before the ones the community typed itself
COMMON_BODIES = ("区委办", "区政府办", "区委组织部", "区民政局", "区卫健局", "区城管局", "区市场监管局",
                 "区人社局", "区妇联", "街道党工委", "街道办事处")
MAX_MINUTES = 24 * 60
MAX_COUNT = 9999
OLDEST = timedelta(days=400)  # an entry older than this is a typing mistake, not a late entry


@dataclass
class Details:
    """What the form sends, already parsed; `clean` checks it against the kind."""

    kind: str = Kind.MEETING.value
    day: date | None = None
    body: str = ""
    minutes: int = 0
    staff_count: int = 0
    online: bool = False
    merged: bool = False
    proxy: bool = False
    pages: int = 0
    needs_reply: bool = False
    has_form: bool = False
    deadline: date | None = None
    items: int = 0
    prep_minutes: int = 0
    note: str = ""


def _number(value: int | None, field: str, most: int = MAX_COUNT) -> int:
    if value is None:
        return 0
    if value < 0 or value > most:
        raise InvalidInput(N_("Enter a number from 0 to %(most)s."), field=field, most=most)
    return value


def clean(details: Details, today: date) -> Details:
    """The details as stored: checked, trimmed, and with the fields of the other kinds emptied."""
    if details.kind not in set(Kind):
        raise InvalidInput(N_("Choose a meeting, a document or an inspection."), field="kind")
    kind = Kind(details.kind)
    if details.day is None:
        raise InvalidInput(N_("Enter the date."), field="day")
    if details.day > today or details.day < today - OLDEST:
        raise InvalidInput(N_("The date must be in the last year and not in the future."), field="day")
    body = " ".join((details.body or "").split())
    if not body:
        raise InvalidInput(N_("Enter who it came from."), field="body")
    if len(body) > 60:
        raise InvalidInput(N_("At most %(most)s characters."), field="body", most=60)
    note = " ".join((details.note or "").split())
    if len(note) > 200:
        raise InvalidInput(N_("At most %(most)s characters."), field="note", most=200)
    kept = set(KIND_FIELDS[kind])
    cleaned = Details(kind=kind.value, day=details.day, body=body, note=note)
    for name in kept:
        setattr(cleaned, name, getattr(details, name))
    cleaned.minutes = _number(cleaned.minutes, "minutes", MAX_MINUTES)
    cleaned.prep_minutes = _number(cleaned.prep_minutes, "prep_hours", 100 * 60)
    for name in ("staff_count", "pages", "items"):
        setattr(cleaned, name, _number(getattr(cleaned, name), name))
    if kind == Kind.MEETING and cleaned.minutes == 0:
        raise InvalidInput(N_("Enter how many minutes the meeting took."), field="minutes")
    if cleaned.deadline is not None and cleaned.deadline < cleaned.day:
        raise InvalidInput(N_("The deadline cannot be before the day it arrived."), field="deadline")
    return cleaned


def _values(details: Details) -> dict:
    return {field.name: getattr(details, field.name) for field in fields(details)}


def _logged(details: Details) -> dict:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in asdict(details).items()}


def details_of(entry: Entry) -> Details:
    return Details(**{field.name: getattr(entry, field.name) for field in fields(Details)})


def _earlier(community_id: int, submission_key: str | None) -> Entry | None:
    if not submission_key:
        return None
    return db.session.scalar(sa.select(Entry).where(Entry.submission_key == submission_key,
                                                    Entry.community_id == community_id))


@service
def record_entry(actor: User, details: Details, now: datetime, submission_key: str | None = None) -> Entry:
    """A meeting, document or inspection that reached the actor's community; the same form sent twice records
    it once (the submission key is unique)."""
    policy.require(actor, "record", actor.community)
    details = clean(details, local_today(now))
    earlier = _earlier(actor.community_id, submission_key)
    if earlier is not None:
        return earlier
    entry = Entry(community_id=actor.community_id, recorded_by_id=actor.id, recorded_at=now,
                  submission_key=submission_key or None, **_values(details))
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        earlier = _earlier(actor.community_id, submission_key)  # sent twice at once: the first one made it
        if earlier is not None:
            return earlier
        raise
    audit.record(actor, "registers.recorded", entry, community_id=entry.community_id, after=_logged(details), now=now)
    return entry


def _locked(entry_id: int) -> Entry | None:
    begin_write()
    return db.session.scalar(sa.select(Entry).where(Entry.id == entry_id).with_for_update(of=Entry))


def _still_current(entry: Entry, now: datetime, **change) -> None:
    """Mark the entry no longer counted, only if it still counts (two people at once: one wins, 409)."""
    moved = db.session.execute(sa.update(Entry).where(Entry.id == entry.id, Entry.community_id == entry.community_id,
                                                      counted()).values(**change)
                               .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict(N_("This entry was corrected or refused a moment ago."))


@service
def correct_entry(actor: User, entry_id: int, details: Details, now: datetime) -> Entry:
    """A corrected copy replaces the entry; the original stays, marked superseded, and the change is logged."""
    entry = _locked(entry_id)
    if entry is None or not policy.may(actor, "view", entry):
        raise NotFound(N_("That entry was not found."))
    policy.require(actor, "correct", entry, N_("Only the community's staff correct an entry that still counts."))
    details.kind = entry.kind  # a correction keeps the kind; a wrong kind is refused and recorded again
    details = clean(details, local_today(now))
    before = details_of(entry)
    _still_current(entry, now, superseded_at=now)
    corrected = Entry(community_id=entry.community_id, recorded_by_id=actor.id, recorded_at=now, replaces_id=entry.id,
                      **_values(details))
    db.session.add(corrected)
    db.session.flush()
    db.session.refresh(entry)
    audit.record(actor, "registers.corrected", corrected, community_id=entry.community_id,
                 before={"entry": entry.id, **_logged(before)}, after=_logged(details), now=now)
    return corrected


@service
def refuse_duplicate(actor: User, entry_id: int, duplicate_of: int | None, now: datetime) -> Entry:
    """The street says an entry repeats another (of any community of the street): it stops counting."""
    entry = _locked(entry_id)
    if entry is None or not policy.may(actor, "view", entry):
        raise NotFound(N_("That entry was not found."))
    policy.require(actor, "refuse", entry)
    original = None
    if duplicate_of is not None:
        original = db.session.get(Entry, duplicate_of)
        if original is None or original.id == entry.id or not policy.may(actor, "view", original) \
                or not original.current:
            raise InvalidInput(N_("Give the number of an entry that still counts."), field="duplicate_of")
    _still_current(entry, now, refused_at=now, refused_by_id=actor.id,
                   duplicate_of_id=original.id if original else None)
    db.session.refresh(entry)
    audit.record(actor, "registers.refused", entry, community_id=entry.community_id,
                 after={"duplicate_of": original.id if original else None}, now=now)
    return entry


def entry_for(actor: User, entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not policy.may(actor, "view", entry):
        raise NotFound(N_("That entry was not found."))
    return entry


def history_of(entry: Entry) -> list[Entry]:
    """The entry and every version before it, newest first (a correction chain is a few rows)."""
    chain = [entry]
    while chain[-1].replaces_id is not None and len(chain) < 50:
        chain.append(db.session.get(Entry, chain[-1].replaces_id))
    replaced_by = db.session.scalar(sa.select(Entry).where(Entry.replaces_id == entry.id))
    while replaced_by is not None and len(chain) < 100:
        chain.insert(0, replaced_by)
        replaced_by = db.session.scalar(sa.select(Entry).where(Entry.replaces_id == replaced_by.id))
    return chain


def entries_of(community_id: int, start: date, end: date, kind: str | None = None) -> list[Entry]:
    """The community's entries dated in [start, end), every version, newest day first (one statement)."""
    query = (sa.select(Entry).where(Entry.community_id == community_id, Entry.day >= start, Entry.day < end)
             .order_by(Entry.day.desc(), Entry.id.desc()))
    if kind in set(Kind):
        query = query.where(Entry.kind == kind)
    return list(db.session.scalars(query))


def bodies_used(community_id: int) -> list[str]:
    """The bodies to offer in the form: the common ones, then those the community typed before."""
    typed = db.session.scalars(sa.select(Entry.body).where(Entry.community_id == community_id)
                               .group_by(Entry.body).order_by(sa.func.count().desc()).limit(30))
    return list(dict.fromkeys([*COMMON_BODIES, *typed]))
