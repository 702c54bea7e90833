"""What the registers hold about a person, and their part of an erasure (neighbors/privacy, PIPL arts. 45, 47).

A register entry is the community's record of a meeting, document or inspection; it names the body that called
it, not a resident. What it holds about a person is who recorded or refused it: listed for them, and kept on an
erasure (the recorder's name goes with their account, the community's record stays whole)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...errors import N_
from ...extensions import db
from ...models import User
from ...registry import PersonalData
from ..models import Entry


def personal_data(person: User) -> list[PersonalData]:
    entries = db.session.scalars(sa.select(Entry).where(
        Entry.community_id == person.community_id,
        sa.or_(Entry.recorded_by_id == person.id, Entry.refused_by_id == person.id)).order_by(Entry.id))
    return [PersonalData(N_("Register entries you recorded"), (N_("Day"), N_("Kind"), N_("Body"), N_("Recorded")),
                         [(entry.day, entry.kind, entry.body, entry.recorded_at) for entry in entries])]


def erase_person(_actor: User, _person: User, _now: datetime) -> dict[str, int]:
    """Nothing to erase: an entry holds no words of the person, only the link to their (erased) account."""
    return {}
