"""A community's report, computed only from the installed modules' published summaries.

Nothing here is typed in by a person: every figure comes from the `monthly_summary` hook of the
kitchen, mutual-aid, alleys, 千户访 and registers modules (neighbors/registry.py), or from the foundation's users.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from ...clock import local_to_utc
from ...extensions import db
from ...models import Community, Role, RoleGrant, User
from ...periods import Period
from ...registry import installed

ELDER_AGE = 65
# The kitchen counts a meal per portion handed over (an order of 2 feeds two); that is what elders eat.
MEALS_FIGURE = "portions_served"
# the report's sections, each from the module of that name
REPORTED = ("kitchen", "mutualaid", "alleys", "visits", "registers")
INDICATOR_SOURCES = ("kitchen", "mutualaid", "alleys")  # the modules the district's indicators are made from


def elder_cutoff(day: date, age: int = ELDER_AGE) -> date:
    """The latest birth date of someone who is `age` or older on `day` (29 February counts as 28th)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


def population(community_id: int, period: Period) -> dict:
    """Residents registered by the end of the period, and who among them is 65+ on its last day.

    One statement: each figure is a filtered count over the same residents.
    """
    counted = sa.func.count(User.id)
    figures = db.session.execute(
        sa.select(
            counted.label("residents"),
            counted.filter(User.birth_date <= elder_cutoff(period.last_day)).label("elders"),
            counted.filter(User.needs_care.is_(True)).label("needs_care"),
            counted.filter(User.phone.is_(None)).label("without_phone"),
        ).where(
            User.community_id == community_id,
            User.active.is_(True),
            User.created_at < local_to_utc(period.end, time.min),
            sa.select(RoleGrant.id).where(RoleGrant.community_id == community_id, RoleGrant.user_id == User.id,
                                          RoleGrant.role == Role.RESIDENT).exists(),
        )
    ).one()
    return {name: value or 0 for name, value in figures._mapping.items()}


def summaries(community_id: int, period: Period, now: datetime,
              names: tuple[str, ...] = REPORTED) -> dict[str, dict | None]:
    """Each reported module's figures for the period as of `now` (alleys counts missed and overdue as of a
    time); None for a module that is not installed."""
    modules = installed().modules
    return {name: modules[name].monthly_summary(community_id, period.start, period.end, now)
            if name in modules else None for name in names}


def _ratio(part, whole, scale: float = 100.0) -> float | None:
    if part is None or not whole:
        return None
    return part * scale / whole


def indicators(people: dict, parts: dict[str, dict | None]) -> dict[str, float | None]:
    """The plain figures the district compares communities on."""
    kitchen, aid, alleys = parts.get("kitchen"), parts.get("mutualaid"), parts.get("alleys")
    return {
        "meals_per_100_elders": _ratio(kitchen["totals"][MEALS_FIGURE], people["elders"]) if kitchen else None,
        "help_hours_per_100_residents": _ratio(aid["minutes_given"] / 60, people["residents"]) if aid else None,
        "slots_filled_share": _ratio(alleys["slots_filled"], alleys["slots_needed"]) if alleys else None,
        "median_minutes_to_fix": alleys["median_minutes_to_fix"] if alleys else None,
    }


@dataclass
class Report:
    community: Community
    period: Period
    population: dict
    parts: dict[str, dict | None]  # each reported module's summary, None when it is not installed
    indicators: dict

    @property
    def kitchen(self) -> dict | None:
        return self.parts.get("kitchen")

    @property
    def mutualaid(self) -> dict | None:
        return self.parts.get("mutualaid")

    @property
    def alleys(self) -> dict | None:
        return self.parts.get("alleys")

    @property
    def visits(self) -> dict | None:
        return self.parts.get("visits")

    @property
    def registers(self) -> dict | None:
        return self.parts.get("registers")

    @property
    def missing(self) -> list[str]:
        return [name for name in REPORTED if self.parts.get(name) is None]


def community_report(community: Community, period: Period, now: datetime) -> Report:
    """The monthly report: every module's figures for the month (the annual reports are in annual.py)."""
    people = population(community.id, period)
    parts = summaries(community.id, period, now)
    return Report(community, period, people, parts, indicators(people, parts))
