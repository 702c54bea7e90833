"""What the assessment holds about a person: the years they published and the weights they last set (the
district's work, kept with their name for accountability)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...errors import N_
from ...extensions import db
from ...models import User
from ...registry import PersonalData
from ..models import IndicatorWeight, Publication


def personal_data(person: User) -> list[PersonalData]:
    published = db.session.scalars(sa.select(Publication).where(Publication.published_by_id == person.id)
                                   .order_by(Publication.year))
    weights = db.session.scalars(sa.select(IndicatorWeight).where(IndicatorWeight.updated_by_id == person.id)
                                 .order_by(IndicatorWeight.measure, IndicatorWeight.community_type))
    return [PersonalData(N_("Assessment years you published"), (N_("Year"), N_("Published at")),
                         [(publication.year, publication.published_at) for publication in published]),
            PersonalData(N_("Assessment weights you set"),
                         (N_("Indicator"), N_("Type of community"), N_("Weight"), N_("Set at")),
                         [(weight.measure, weight.community_type, weight.weight, weight.updated_at)
                          for weight in weights])]


def erase_person(_actor: User, _person: User, _now: datetime) -> dict[str, int]:
    """Nothing to erase: a publication and a weight hold no words of the person, only the link to their (erased)
    account, which the district keeps to say who decided."""
    return {}
