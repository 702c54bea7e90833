"""The year's standings: computed live for the admin, frozen when published, and shown to whom may see them."""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime

import sqlalchemy as sa

from ... import audit
from ...clock import local_today
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotFound
from ...extensions import db
from ...models import Community, User
from ...transactions import service
from ..models import Publication, Result
from ..policy import policy
from .indicators import weights
from .measures import offered, raw_values
from .scoring import Candidate, Line, Standing, score

FIRST_YEAR = 2020


def parse_year(text: str | None, today: date) -> int:
    """`2026`; none given: this year."""
    text = (text or "").strip()
    if not text:
        return today.year
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= today.year:
        raise InvalidInput(N_("Choose a year from %(first)s to this year."), first=FIRST_YEAR)
    return int(text)


def _communities() -> list[Community]:
    return list(db.session.scalars(sa.select(Community).order_by(Community.kind, Community.name)))


def standings(year: int, now: datetime) -> list[Standing]:
    """Every community's standing for the year, from the modules' figures as they are now."""
    communities = _communities()
    chosen = weights()
    measures = [measure for measure in offered() if measure.key in chosen]
    raw = raw_values(communities, [measure.key for measure in measures], year, now)
    candidates = [Candidate(c.id, c.name, c.kind.value) for c in communities]
    return score(candidates, chosen, measures, raw)


def publication(year: int) -> Publication | None:
    return db.session.scalar(sa.select(Publication).where(Publication.year == year))


@service
def publish(actor: User, year: int, now: datetime) -> Publication:
    """Freeze the year's standings: from now on the street and the community see them. A year is published once."""
    policy.require(actor, "publish")
    if not FIRST_YEAR <= year <= local_today(now).year:
        raise InvalidInput(N_("Choose a year from %(first)s to this year."), first=FIRST_YEAR)
    begin_write()
    if publication(year) is not None:
        raise Conflict(N_("This year's assessment is already published."))
    published = Publication(year=year, published_by_id=actor.id, published_at=now)
    db.session.add(published)
    db.session.flush()
    for standing in standings(year, now):
        db.session.add(Result(community_id=standing.community.id, publication_id=published.id, year=year,
                              community_type=standing.community.community_type, score=standing.score,
                              rank=standing.rank, ranked_in_type=standing.ranked_in_type,
                              lines=[asdict(line) for line in standing.lines], missing=standing.missing))
    db.session.flush()
    audit.record(actor, "assessment.published", published, community_id=None, after={"year": year}, now=now)
    return published


def _standing(result: Result) -> Standing:
    community = result.community
    return Standing(Candidate(community.id, community.name, result.community_type),
                    [Line(**line) for line in result.lines], list(result.missing), result.score, result.rank,
                    result.ranked_in_type)


def visible(actor: User, year: int, now: datetime) -> tuple[list[Standing], Publication | None]:
    """What the actor sees of the year: the admin everything (live until published), others the published
    results they may see, and nothing before publication."""
    policy.require(actor, "see_assessment")
    published = publication(year)
    if published is None:
        return (standings(year, now) if policy.may(actor, "preview") else []), None
    results = db.session.scalars(sa.select(Result).where(Result.publication_id == published.id)
                                 .order_by(Result.community_type, Result.rank.is_(None), Result.rank, Result.id))
    return [_standing(result) for result in results if policy.may(actor, "see_result", result)], published


def standing_of(actor: User, community_id: int, year: int, now: datetime) -> tuple[Standing, Publication | None]:
    """How one community's score is made, for someone who may see it (404 for anyone else, and before
    publication for anyone but the admin)."""
    found, published = visible(actor, year, now)
    standing = next((s for s in found if s.community.id == community_id), None)
    if standing is None:
        raise NotFound(N_("There is no published assessment of that community for that year."))
    return standing, published
