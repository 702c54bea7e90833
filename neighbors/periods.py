"""The months and years a report covers, and reading them from the address: staff's reports, and the modules'
list pages a report's figure links to (`?year=2026` or `?month=2026-05`, `Period.args`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import get_locale

from .errors import N_, InvalidInput


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "year"
    start: date
    end: date  # exclusive

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        zh = str(get_locale() or "zh") == "zh"
        if self.kind == "year":
            return f"{self.start.year}年" if zh else str(self.start.year)
        return f"{self.start.year}年{self.start.month}月" if zh else self.start.strftime("%B %Y")

    @property
    def month_name(self) -> str:
        """The month alone (1月, January), for the rows of a table whose year is in its title."""
        return f"{self.start.month}月" if str(get_locale() or "zh") == "zh" else self.start.strftime("%B")

    @property
    def code(self) -> str:
        return str(self.start.year) if self.kind == "year" else self.start.strftime("%Y-%m")

    @property
    def args(self) -> dict:
        """The period as a list page's query arguments: `year=2026` or `month=2026-05`."""
        return {"year": self.start.year} if self.kind == "year" else {"month": self.code}

    def previous(self) -> Period:
        if self.kind == "year":
            return year_period(self.start.year - 1)
        return month_period((self.start - timedelta(days=1)).replace(day=1))

    def next(self) -> Period:
        return year_period(self.start.year + 1) if self.kind == "year" else month_period(self.end)

    def months(self) -> list[Period]:
        found, start = [], self.start
        while start < self.end:
            found.append(month_period(start))
            start = found[-1].end
        return found


def month_period(start: date) -> Period:
    start = start.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return Period("month", start, end)


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year + 1, 1, 1))


def parse_month(text: str | None, today: date) -> Period:
    if not text:
        return month_period(today)
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return month_period(date(year, month, 1)) if 2000 <= year <= 2100 else _bad_month()
    except (TypeError, ValueError):
        return _bad_month()


def _bad_month() -> Period:
    raise InvalidInput(N_("Give the month as YYYY-MM, for example 2025-03."), field="month")


def parse_year(text: str | None, today: date) -> Period:
    if not text:
        return year_period(today.year)
    text = text.strip()
    if not (text.isdecimal() and 2000 <= int(text) <= 2100):
        raise InvalidInput(N_("Give the year as four digits, for example 2025."), field="year")
    return year_period(int(text))


def period_between(start: date, end: date) -> Period:
    """Local dates [start, end) as a report asks for them: a whole year, else the month it starts in."""
    year = year_period(start.year)
    return year if (start, end) == (year.start, year.end) else month_period(start)


def parse_period(year: str | None, month: str | None, today: date) -> Period | None:
    """A list page's period: `?year=2026` or `?month=2026-05`, None when neither is given; a bad one is refused
    (422, saying how to write it)."""
    if year:
        return parse_year(year, today)
    if month:
        return parse_month(month, today)
    return None
