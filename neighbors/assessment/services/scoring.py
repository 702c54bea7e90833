"""The year's score and rank of each community within its type: a pure calculation, tested on its own.

Within one type, each indicator's raw value is normalised to 0–100 across the communities of that type that are
ranked (the best 100, the worst 0; all equal: 100), the other way round when less is better. A community's
score is the weighted mean of its normalised values; its contribution per indicator is the normalised value times
its share of the weights. A community missing any of its type's indicators is not ranked, not ranked with zero:
its raw values are shown, its score is not computed and it does not move anyone else's.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ...ranking import competition_ranks
from .measures import Measure

TIE = 6  # scores equal to six decimals share a rank


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    community_type: str


@dataclass
class Line:
    measure: str
    label: str
    unit: str
    raw: float | None
    weight: int
    normalised: float | None = None
    contribution: float | None = None


@dataclass
class Standing:
    community: Candidate
    lines: list[Line]
    missing: list[str] = field(default_factory=list)  # the measures (keys) it has no data for
    score: float | None = None
    rank: int | None = None
    ranked_in_type: int = 0

    @property
    def missing_labels(self) -> list[str]:
        return [line.label for line in self.lines if line.measure in self.missing]


def _normalise(value: float, low: float, high: float, higher_is_better: bool) -> float:
    if high == low:
        return 100.0
    share = (value - low) / (high - low)
    return 100.0 * (share if higher_is_better else 1 - share)


def _rank(standings: list[Standing]) -> None:
    """Competition ranking: equal scores share a rank, the next rank skips (1, 1, 3)."""
    places = competition_ranks([None if s.score is None else round(s.score, TIE) for s in standings])
    ranked = sum(1 for place in places if place is not None)
    for standing, place in zip(standings, places, strict=True):
        standing.rank = place
        standing.ranked_in_type = ranked if place is not None else 0


def _score_type(members: list[Candidate], measures: list[tuple[Measure, int]],
                raw: Mapping[int, Mapping[str, float | None]]) -> list[Standing]:
    standings = []
    for member in members:
        lines = [Line(m.key, m.label, m.unit, raw.get(member.id, {}).get(m.key), weight) for m, weight in measures]
        standings.append(Standing(member, lines, [line.measure for line in lines if line.raw is None]))
    complete = [standing for standing in standings if not standing.missing and standing.lines]
    total_weight = sum(weight for _m, weight in measures)
    for index, (measure, weight) in enumerate(measures):
        values = [standing.lines[index].raw for standing in complete]
        for standing in complete:
            line = standing.lines[index]
            line.normalised = _normalise(line.raw, min(values), max(values), measure.higher_is_better)
            line.contribution = line.normalised * weight / total_weight
    for standing in complete:
        standing.score = sum(line.contribution for line in standing.lines)
    _rank(standings)
    return standings


def score(candidates: Sequence[Candidate], weights: Mapping[str, Mapping[str, int]], measures: Sequence[Measure],
          raw: Mapping[int, Mapping[str, float | None]]) -> list[Standing]:
    """Every candidate's standing within its type, best first in each type, the unranked after them.

    `weights` is {measure key: {community type: weight}}; a measure without a weight for a type is not one of
    that type's indicators."""
    standings: list[Standing] = []
    for community_type in dict.fromkeys(candidate.community_type for candidate in candidates):
        members = [candidate for candidate in candidates if candidate.community_type == community_type]
        chosen = [(m, weights[m.key][community_type]) for m in measures
                  if weights.get(m.key, {}).get(community_type)]
        standings += sorted(_score_type(members, chosen, raw),
                            key=lambda s: (s.rank is None, s.rank or 0, s.community.name))
    return standings
