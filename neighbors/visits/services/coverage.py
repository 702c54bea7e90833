"""Coverage (走访覆盖): per grid and per grid worker, for a month — households visited of all, visits made,
households never visited, overdue by tag, needs found by kind. Every figure is counted from the records."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa

from ...clock import local_to_utc, local_today
from ...extensions import db
from ...models import User
from ..models import Household, Need, Outcome, Tag, Visit
from ..policy import policy
from .rounds import household_rows, scope_for


@dataclass
class CoverageLine:
    name: str  # a grid's or a worker's
    households: int = 0
    visited: int = 0
    visits: int = 0
    nobody_home: int = 0
    never: int = 0
    overdue: Counter = field(default_factory=Counter)  # tag value (or "all") -> households
    needs: Counter = field(default_factory=Counter)  # need value -> times found


@dataclass
class Coverage:
    start: date
    end: date  # the day after the last
    grids: list[CoverageLine]
    workers: list[CoverageLine]


def coverage(actor: User, start: date, end: date, now: datetime) -> Coverage:
    policy.require(actor, "manage", actor.community_id)
    today = local_today(now)
    rows = household_rows(scope_for(actor), now)
    grids: dict[int, CoverageLine] = {}
    for row in rows:
        line = grids.setdefault(row.grid_id, CoverageLine(row.grid))
        line.households += 1
        line.never += row.last_met is None
        if row.overdue(today):
            line.overdue["all"] += 1
            line.overdue.update(tag.value for tag in row.tags)
    since, until = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    found = db.session.execute(
        sa.select(Household.grid_id, Visit.household_id, Visit.visitor_id, User.name, Visit.outcome, Visit.needs)
        .join(Household, Household.id == Visit.household_id).join(User, User.id == Visit.visitor_id)
        .where(Visit.community_id == actor.community_id, Visit.visited_at >= since, Visit.visited_at < until))
    workers: dict[int, CoverageLine] = {}
    visited: dict[tuple, set[int]] = defaultdict(set)
    for grid_id, household_id, visitor_id, visitor, outcome, needs in found:
        for key, line in ((("grid", grid_id), grids.get(grid_id)),
                          (("worker", visitor_id), workers.setdefault(visitor_id, CoverageLine(visitor)))):
            if line is None:
                continue
            line.visits += 1
            line.nobody_home += outcome == Outcome.NOBODY_HOME.value
            line.needs.update(value for value in needs.split(",") if value)
            if outcome != Outcome.NOBODY_HOME.value:
                visited[key].add(household_id)
    for (kind, key), households in visited.items():
        (grids if kind == "grid" else workers)[key].visited = len(households)
    return Coverage(start, end, sorted(grids.values(), key=lambda line: line.name),
                    sorted(workers.values(), key=lambda line: line.name))


def coverage_table(report: Coverage) -> tuple[list[str], list[list]]:
    """The figures as one sheet: a line per grid, then a line per grid worker."""
    header = ["", "名称", "住户", "已走访住户", "走访次数", "家中无人", "从未走访", "超期住户",
              *(f"超期·{tag.value}" for tag in Tag), *(f"需求·{need.value}" for need in Need)]
    lines = []
    for kind, group in (("网格", report.grids), ("网格员", report.workers)):
        for line in group:
            lines.append([kind, line.name, line.households, line.visited, line.visits, line.nobody_home, line.never,
                          line.overdue["all"], *(line.overdue[tag.value] for tag in Tag),
                          *(line.needs[need.value] for need in Need)])
    return header, lines
