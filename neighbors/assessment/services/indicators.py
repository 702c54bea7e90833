"""The district's indicators: a measure of the app and its weight for each type of community."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...database import begin_write
from ...errors import N_, InvalidInput
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import MAX_WEIGHT, TYPES, IndicatorWeight
from ..policy import policy
from .measures import measure_named


def weights() -> dict[str, dict[str, int]]:
    """{measure key: {community type: weight}} of every indicator defined (one statement)."""
    found: dict[str, dict[str, int]] = {}
    for row in db.session.scalars(sa.select(IndicatorWeight).order_by(IndicatorWeight.id)):
        found.setdefault(row.measure, {})[row.community_type] = row.weight
    return found


def _checked(chosen: dict[str, int | None]) -> dict[str, int]:
    cleaned = {}
    for community_type in TYPES:
        weight = chosen.get(community_type.value) or 0
        if not 0 <= weight <= MAX_WEIGHT:
            raise InvalidInput(N_("Enter a weight from 0 to %(most)s."), field=community_type.value, most=MAX_WEIGHT)
        cleaned[community_type.value] = weight
    return cleaned


@service
def set_weights(actor: User, measure: str, chosen: dict[str, int | None], now: datetime) -> dict[str, int]:
    """The measure's weight for each type of community; 0 (or empty) takes it out of that type's score."""
    policy.require(actor, "define")
    if measure_named(measure) is None:
        raise InvalidInput(N_("Choose a measure from the list."), field="measure")
    cleaned = _checked(chosen)
    begin_write()
    rows = {row.community_type: row for row in db.session.scalars(
        sa.select(IndicatorWeight).where(IndicatorWeight.measure == measure).with_for_update())}
    before = {community_type: row.weight for community_type, row in rows.items()}
    for community_type, weight in cleaned.items():
        row = rows.get(community_type)
        if weight and row is None:
            db.session.add(IndicatorWeight(measure=measure, community_type=community_type, weight=weight,
                                           updated_by_id=actor.id, updated_at=now))
        elif weight and row is not None:
            row.weight, row.updated_by_id, row.updated_at = weight, actor.id, now
        elif row is not None:
            db.session.delete(row)
    db.session.flush()
    audit.record(actor, "assessment.weights_set", "IndicatorWeight", community_id=actor.community_id,
                 before={"measure": measure, **before}, after={"measure": measure, **cleaned}, now=now)
    return cleaned
