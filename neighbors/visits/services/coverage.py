"""Coverage (走访覆盖): per grid and per grid worker, for a month or a year — households visited of all, visits
made, households never visited, overdue by tag (as of today), needs found by kind. Every figure is counted from
the records; the page, its chart, the .xlsx and the CSV all read `coverage`."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa

from ...clock import local_to_utc, local_today
from ...database import same_community
from ...extensions import db
from ...models import Community, User
from ...registry import Service
from ..models import Household, Need, Outcome, Tag, Visit, VisitFollowUp
from ..policy import policy
from .rounds import Scope, household_rows
from .roster import TAG_WORD_OF


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
    led_to: Counter = field(default_factory=Counter)  # order, request or finding -> how many were made


@dataclass
class Coverage:
    start: date
    end: date  # the day after the last
    grids: list[CoverageLine]
    workers: list[CoverageLine]
    community: Community | None = None  # whose coverage it is

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.year) == (1, 1, self.start.year + 1)

    @property
    def code(self) -> str:
        """How the period is written in an address: 2026 or 2026-05."""
        return str(self.start.year) if self.is_year else f"{self.start:%Y-%m}"

    @property
    def whole(self) -> CoverageLine:
        """Every grid together (a household is in one grid, so the grids' figures add up)."""
        total = CoverageLine("")
        for line in self.grids:
            for name in ("households", "visited", "visits", "nobody_home", "never"):
                setattr(total, name, getattr(total, name) + getattr(line, name))
            total.overdue.update(line.overdue)
            total.needs.update(line.needs)
            total.led_to.update(line.led_to)
        return total


def coverage(actor: User, start: date, end: date, now: datetime, community_id: int | None = None) -> Coverage:
    """A community's coverage (the actor's own unless another is named: the admin reading a report of another)."""
    community_id = actor.community_id if community_id is None else community_id
    policy.require(actor, "manage", community_id)
    today = local_today(now)
    rows = household_rows(Scope(community_id), now)
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
        .join(Household, same_community(Household.id == Visit.household_id)).join(User, User.id == Visit.visitor_id)
        .where(Visit.community_id == community_id, Household.community_id == community_id,
               Visit.visited_at >= since, Visit.visited_at < until))
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
    _count_follow_ups(community_id, since, until, grids, workers)
    return Coverage(start, end, sorted(grids.values(), key=lambda line: line.name),
                    sorted(workers.values(), key=lambda line: line.name), db.session.get(Community, community_id))


def _count_follow_ups(community_id: int, since: datetime, until: datetime, grids: dict, workers: dict) -> None:
    """What the period's visits led to (an order, a help request, a finding), by grid and by visitor."""
    for grid_id, visitor_id, service, made in db.session.execute(
            sa.select(Household.grid_id, Visit.visitor_id, VisitFollowUp.service, sa.func.count(VisitFollowUp.id))
            .join(Visit, same_community(Visit.id == VisitFollowUp.visit_id))
            .join(Household, same_community(Household.id == Visit.household_id))
            .where(VisitFollowUp.community_id == community_id, Visit.community_id == community_id,
                   Household.community_id == community_id, Visit.visited_at >= since, Visit.visited_at < until)
            .group_by(Household.grid_id, Visit.visitor_id, VisitFollowUp.service)):
        for line in (grids.get(grid_id), workers.get(visitor_id)):
            if line is not None:
                line.led_to[service] += made


LED_TO_WORDS = {Service.ORDER: "成为订餐", Service.REQUEST: "成为求助", Service.FINDING: "成为问题上报"}
NEED_WORDS = {Need.MEALS: "吃饭", Need.REPAIR: "维修", Need.HEALTH: "健康", Need.HAZARD: "安全隐患",
              Need.DISPUTE: "纠纷", Need.LONELINESS: "孤独", Need.OTHER: "其他"}


def coverage_table(report: Coverage) -> tuple[list[str], list[list]]:
    """The figures as one sheet (Chinese headers, as staff's spreadsheets are): a line per grid, then a line
    per grid worker."""
    header = ["", "名称", "住户", "已走访住户", "走访次数", "家中无人", "从未走访", "超期住户",
              *(f"超期·{TAG_WORD_OF[tag]}" for tag in Tag), *(f"需求·{NEED_WORDS[need]}" for need in Need),
              *LED_TO_WORDS.values()]
    lines = []
    for kind, group in (("网格", report.grids), ("网格员", report.workers)):
        for line in group:
            lines.append([kind, line.name, line.households, line.visited, line.visits, line.nobody_home, line.never,
                          line.overdue["all"], *(line.overdue[tag.value] for tag in Tag),
                          *(line.needs[need.value] for need in Need),
                          *(line.led_to[service.value] for service in LED_TO_WORDS)])
    return header, lines
