"""The district view: every community side by side, ranked only against communities of its own type."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext

from ...extensions import db
from ...models import Community, CommunityType
from ...periods import Period
from ...ranking import competition_ranks
from ...templating import COMMUNITY_KINDS
from .figures import INDICATOR_SOURCES, indicators, population, summaries
from .labels import INDICATORS

KIND_ORDER = [CommunityType.NEW_TOWN, CommunityType.OLD_TOWN, CommunityType.VILLAGE]


@dataclass
class DistrictRow:
    community: Community
    population: dict
    indicators: dict
    ranks: dict = field(default_factory=dict)


@dataclass
class DistrictGroup:
    kind: CommunityType
    rows: list[DistrictRow]


def rank(values: list[float | None], higher_is_better: bool) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) of the communities that did something: one with no figure, or with
    nothing of a figure where more is better (no meals served), is not placed, so nobody is first on a zero."""
    return competition_ranks([value if value is not None and (value > 0 or not higher_is_better) else None
                              for value in values], higher_is_better)


def district(period: Period, now: datetime) -> list[DistrictGroup]:
    """Every community side by side, ranked only against communities of its own type."""
    communities = db.session.scalars(sa.select(Community).order_by(Community.name)).all()
    groups = []
    for kind in KIND_ORDER:
        rows = []
        for community in (c for c in communities if c.kind == kind):
            people = population(community.id, period)
            rows.append(DistrictRow(community, people, indicators(people, summaries(community.id, period, now, INDICATOR_SOURCES))))
        if not rows:
            continue
        for code, _label, _kind, higher in INDICATORS:
            for row, place in zip(rows, rank([row.indicators[code] for row in rows], higher)):
                row.ranks[code] = place
        unplaced = len(rows) + 1  # not len() inside the key: a list being sorted is empty meanwhile
        rows.sort(key=lambda row: (row.ranks["meals_per_100_elders"] or unplaced, row.community.name))
        groups.append(DistrictGroup(kind, rows))
    return groups


def district_sheets(groups: list[DistrictGroup], period: Period) -> list[tuple[str, list[list]]]:
    """The district view as one table (.xlsx or CSV): each community's type, people, figures and rank in its type."""
    header = [gettext("Type of community"), gettext("Community"), gettext("Residents"), gettext("Elders 65+")]
    for _code, label, _kind, _higher in INDICATORS:
        header += [gettext(label), gettext("%(figure)s: rank in its type", figure=gettext(label))]
    rows = [header]
    for group in groups:
        for row in group.rows:
            cells = [str(COMMUNITY_KINDS.get(group.kind.value, group.kind.value)), row.community.name,
                     row.population["residents"], row.population["elders"]]
            for code, *_rest in INDICATORS:
                value = row.indicators[code]
                cells += [round(value, 1) if isinstance(value, float) else ("" if value is None else value),
                          row.ranks.get(code) or ""]
            rows.append(cells)
    return [(f"{gettext('District view')} {period.code}", rows)]
