"""月统计 and 季度通报, counted from the registers alone: nothing here is typed by a person.

One period is a month (`2026-05`) or a quarter (`2026-Q2`). Each is compared with the same period a year
earlier and with the period a quarter earlier (for a month, the month three months before). The figures of
every community and every calling body come from two GROUP BY statements per period, whatever the number of
entries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from ...errors import N_, InvalidInput
from ...extensions import db
from ...models import Community
from ..models import Entry, Kind, counted

FIGURES = ("meetings", "meeting_minutes", "documents", "forms", "inspections", "prep_minutes")


@dataclass(frozen=True)
class Period:
    start: date  # the first day
    end: date  # the day after the last
    code: str  # 2026-05 or 2026-Q2
    months: int  # 1 or 3

    def shifted(self, months: int) -> Period:
        return period_of(_add_months(self.start, -months), self.months)

    @property
    def year_earlier(self) -> Period:
        return self.shifted(12)

    @property
    def quarter_earlier(self) -> Period:
        return self.shifted(3)

    @property
    def label_parts(self) -> tuple[int, int]:
        """(year, month) for a month, (year, quarter) for a quarter."""
        return (self.start.year, self.start.month if self.months == 1 else (self.start.month - 1) // 3 + 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(start: date, months: int) -> Period:
    end = _add_months(start, months)
    if months == 12 and start.month == 1:
        code = str(start.year)
    else:
        code = f"{start.year}-{start.month:02d}" if months == 1 else f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return Period(start, end, code, months)


def parse_period(text: str | None, today: date, quarter: bool = False) -> Period:
    """`2026-05` (a month) or `2026-Q2` (a quarter); none given: this month, or the last full quarter."""
    text = (text or "").strip()
    if not text:
        if not quarter:
            return period_of(today.replace(day=1), 1)
        this_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return period_of(_add_months(this_quarter, -3), 3)
    found = re.fullmatch(r"(\d{4})-Q([1-4])" if quarter else r"(\d{4})-(\d{1,2})", text)
    if not found or not 2000 <= int(found[1]) <= 2100 or not 1 <= int(found[2]) <= 12:
        raise InvalidInput(N_("That period is not one the registers know."))
    year, number = int(found[1]), int(found[2])
    return period_of(date(year, (number - 1) * 3 + 1 if quarter else number, 1), 3 if quarter else 1)


def parse_listed_period(month: str | None, year: str | None, today: date) -> Period:
    """The entries list's period: a year (`?year=2026`, the annual report's link) or a month, as above."""
    if not year:
        return parse_period(month, today)
    if not (year.isdecimal() and 2000 <= int(year) <= 2100):
        raise InvalidInput(N_("That period is not one the registers know."))
    return period_of(date(int(year), 1, 1), 12)


def _sums():
    meeting, document, inspection = (Entry.kind == kind.value for kind in Kind)
    staff = sa.case((Entry.staff_count > 0, Entry.staff_count), else_=1)
    return (
        sa.func.count(sa.case((meeting, Entry.id))),
        sa.func.coalesce(sa.func.sum(sa.case((meeting, Entry.minutes * staff), else_=0)), 0),
        sa.func.count(sa.case((document, Entry.id))),
        sa.func.count(sa.case((sa.and_(document, Entry.has_form), Entry.id))),
        sa.func.count(sa.case((inspection, Entry.id))),
        sa.func.coalesce(sa.func.sum(sa.case((inspection, Entry.prep_minutes), else_=0)), 0),
    )


def _empty() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _grouped(column, community_ids: list[int], period: Period) -> dict:
    rows = db.session.execute(
        sa.select(column, *_sums()).where(Entry.community_id.in_(community_ids), counted(),
                                          Entry.day >= period.start, Entry.day < period.end).group_by(column))
    return {key: dict(zip(FIGURES, (int(v) for v in values), strict=True)) for key, *values in rows}


def cost_minutes(figures: dict[str, int]) -> int:
    """What a body costs the communities: staff time in its meetings plus time preparing for its checks."""
    return figures["meeting_minutes"] + figures["prep_minutes"]


@dataclass
class Row:
    key: int | str
    name: str
    now: dict[str, int]
    year_earlier: dict[str, int]
    quarter_earlier: dict[str, int]

    @property
    def cost(self) -> int:
        return cost_minutes(self.now)


@dataclass
class Statistics:
    period: Period
    communities: list[Row] = field(default_factory=list)
    bodies: list[Row] = field(default_factory=list)  # costliest first
    total: Row | None = None

    @property
    def costliest(self) -> list[Row]:
        """The bodies that cost the communities most this period (those that cost anything), at most three."""
        return [row for row in self.bodies if row.cost > 0][:3]


def _total(rows: list[Row], attribute: str) -> dict[str, int]:
    return {name: sum(getattr(row, attribute)[name] for row in rows) for name in FIGURES}


def statistics(communities: list[Community], period: Period) -> Statistics:
    """Per community and per calling body, this period against a year and a quarter earlier (six statements)."""
    ids = [community.id for community in communities]
    periods = (period, period.year_earlier, period.quarter_earlier)
    by_community = [_grouped(Entry.community_id, ids, p) for p in periods] if ids else [{}, {}, {}]
    by_body = [_grouped(Entry.body, ids, p) for p in periods] if ids else [{}, {}, {}]
    stats = Statistics(period)
    stats.communities = [Row(c.id, c.name, *(found.get(c.id, _empty()) for found in by_community))
                         for c in communities]
    names = sorted(set().union(*by_body))
    stats.bodies = sorted((Row(name, name, *(found.get(name, _empty()) for found in by_body)) for name in names),
                          key=lambda row: (-row.cost, -sum(row.now.values()), row.name))
    stats.total = Row(0, "", *(_total(stats.communities, a) for a in ("now", "year_earlier", "quarter_earlier")))
    return stats


def change(now: int, before: int) -> float | None:
    """The change in percent against an earlier figure, None when there was nothing to compare with."""
    return None if not before else (now - before) * 100.0 / before
