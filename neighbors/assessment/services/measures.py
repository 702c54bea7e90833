"""What the district may assess a community by: figures the modules already count, read through the registry
(each module's `monthly_summary` over the year), never by importing a module.

A measure says which module counts it, how to read it from that module's summary, whether more is better, and
when a community has no data for it (the module is not in use there: no kitchen, no household registered, no
patrol held). No data is None, never zero: nobody is ranked on missing data.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from ...clock import local_to_utc
from ...errors import N_
from ...extensions import db
from ...models import Community, Role, RoleGrant, User
from ...registry import installed

ELDER_AGE = 65  # as the staff reports and the kitchen count elders


@dataclass(frozen=True)
class Population:
    residents: int
    elders: int


@dataclass(frozen=True)
class Measure:
    key: str
    module: str  # the module whose summary holds it
    label: str  # an English msgid
    unit: str  # an English msgid
    higher_is_better: bool
    read: Callable[[dict, Population], float | None]  # (the module's summary of the year, population) -> value


def _per_hundred(count: float, of: int) -> float | None:
    return count * 100 / of if of else None


def _meals(summary: dict, people: Population) -> float | None:
    if not summary.get("kitchens"):
        return None
    return _per_hundred(summary["totals"]["meals_served"], people.elders)


def _help_hours(summary: dict, people: Population) -> float | None:
    if not summary.get("requests_made") and not summary.get("requests_completed"):
        return None
    return _per_hundred(summary["minutes_given"] / 60, people.residents)


def _attendance(summary: dict, _people: Population) -> float | None:
    ended = summary.get("shifts_held", 0) + summary.get("shifts_missed", 0)
    return summary["shifts_held"] * 100 / ended if ended else None


def _days_to_fix(summary: dict, _people: Population) -> float | None:
    minutes = summary.get("median_minutes_to_fix")
    return minutes / (24 * 60) if minutes is not None else None


def _coverage(summary: dict, _people: Population) -> float | None:
    return _per_hundred(summary.get("households_visited", 0), summary.get("households", 0))


def _burden(figure: str, per: int = 1) -> Callable[[dict, Population], float | None]:
    """A count of the registers; no data when the community recorded nothing at all that year."""
    def read(summary: dict, _people: Population) -> float | None:
        if not any(summary.get(kind) for kind in ("meetings", "documents", "inspections")):
            return None
        return summary[figure] / per
    return read


MEASURES = (
    Measure("kitchen.meals_per_hundred_elders", "kitchen", N_("Meals per hundred elders"), N_("meals"), True, _meals),
    Measure("mutualaid.help_hours_per_hundred_residents", "mutualaid", N_("Help hours per hundred residents"),
            N_("hours"), True, _help_hours),
    Measure("alleys.patrol_attendance", "alleys", N_("Patrols held"), N_("per cent"), True, _attendance),
    Measure("alleys.days_to_fix", "alleys", N_("Days to fix a finding (median)"), N_("days"), False, _days_to_fix),
    Measure("visits.coverage", "visits", N_("Share of households visited"), N_("per cent"), True, _coverage),
    Measure("registers.meetings", "registers", N_("Meetings attended"), N_("meetings"), False, _burden("meetings")),
    Measure("registers.meeting_hours", "registers", N_("Staff hours in meetings"), N_("hours"), False,
            _burden("meeting_minutes", 60)),
    Measure("registers.documents", "registers", N_("Documents received"), N_("documents"), False,
            _burden("documents")),
    Measure("registers.forms", "registers", N_("Forms to fill"), N_("forms"), False, _burden("forms")),
    Measure("registers.inspections", "registers", N_("Inspections"), N_("inspections"), False,
            _burden("inspections")),
    Measure("registers.prep_hours", "registers", N_("Hours preparing for inspections"), N_("hours"), False,
            _burden("prep_minutes", 60)),
)


def offered() -> list[Measure]:
    """The measures of the installed modules, in the catalogue's order."""
    modules = installed().modules
    return [measure for measure in MEASURES if measure.module in modules]


def measure_named(key: str) -> Measure | None:
    return next((measure for measure in offered() if measure.key == key), None)


def population(community_ids: list[int], year: int) -> dict[int, Population]:
    """Residents registered by the end of the year and those 65 or over on its last day (one statement)."""
    counted = sa.func.count(User.id)
    cutoff = date(year - ELDER_AGE, 12, 31)
    rows = db.session.execute(
        sa.select(User.community_id, counted, counted.filter(User.birth_date <= cutoff))
        .where(User.community_id.in_(community_ids), User.active.is_(True),
               User.created_at < local_to_utc(date(year + 1, 1, 1), time.min),
               sa.select(RoleGrant.id).where(RoleGrant.community_id == User.community_id,
                                             RoleGrant.user_id == User.id, RoleGrant.role == Role.RESIDENT).exists())
        .group_by(User.community_id))
    found = {community_id: Population(residents, elders) for community_id, residents, elders in rows}
    return {community_id: found.get(community_id, Population(0, 0)) for community_id in community_ids}


def raw_values(communities: list[Community], keys: list[str], year: int, now: datetime
               ) -> dict[int, dict[str, float | None]]:
    """Each community's value of each measure for the year: one summary per module that any measure needs."""
    chosen = [measure for measure in offered() if measure.key in keys]
    modules = installed().modules
    people = population([community.id for community in communities], year)
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    values: dict[int, dict[str, float | None]] = {}
    for community in communities:
        summaries = {name: modules[name].monthly_summary(community.id, start, end, now)
                     for name in dict.fromkeys(measure.module for measure in chosen)}
        values[community.id] = {measure.key: measure.read(summaries[measure.module] or {}, people[community.id])
                                for measure in chosen}
    return values
