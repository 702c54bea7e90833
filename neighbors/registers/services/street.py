"""The street's page: its communities side by side — what the registers counted this month, the work waiting
in each community's queue, and the month's main figures of the other modules (through the registry)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...errors import N_
from ...registry import installed
from .scope import Scope
from .statistics import Period, Row, statistics

# (module, where in its monthly summary, the English msgid of the column): the figures a street compares
HIGHLIGHTS = (
    ("kitchen", ("totals", "meals_served"), N_("Meals served")),
    ("mutualaid", ("requests_completed",), N_("Help requests done")),
    ("mutualaid", ("minutes_given",), N_("Minutes of help")),
    ("alleys", ("findings_total",), N_("Findings reported")),
    ("alleys", ("overdue_cases",), N_("Findings overdue")),
    ("visits", ("visits",), N_("Visits")),
)


@dataclass
class CommunityLine:
    registers: Row
    queue: int
    highlights: list[int | None]


def _dig(summary: dict | None, path: tuple[str, ...]) -> int | None:
    value = summary
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, int) else None


def highlights() -> list[str]:
    """The msgids of the columns whose module is installed."""
    modules = installed().modules
    return [label for module, _path, label in HIGHLIGHTS if module in modules]


def compare(scope: Scope, period: Period, now: datetime) -> list[CommunityLine]:
    """One line per community of the scope, in the scope's order."""
    modules = installed().modules
    stats = statistics(scope.communities, period)
    lines = []
    for community, row in zip(scope.communities, stats.communities, strict=True):
        queue = sum(hooks.staff_queue_count(community.id, now) for hooks in modules.values())
        summaries = {name: hooks.monthly_summary(community.id, period.start, period.end, now)
                     for name, hooks in modules.items() if name in {m for m, _p, _l in HIGHLIGHTS}}
        lines.append(CommunityLine(row, queue, [_dig(summaries.get(module), path)
                                                for module, path, _label in HIGHLIGHTS if module in modules]))
    return lines
