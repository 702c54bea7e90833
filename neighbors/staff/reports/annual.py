"""The two annual reports, made one way: the year's work (the services delivered) and the year's burden (what
the registers counted). Each is a list of figures for the year against the year before, then month by month.

Every figure comes from a module's `monthly_summary` hook and links, through the module's `figure_records`
hook, to the list of the records behind it for that year; staff never import a module (neighbors/registry.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext

from ...errors import N_
from ...links import Link
from ...models import Community
from ...periods import Period, year_period
from ...registry import installed
from .labels import raw


@dataclass(frozen=True)
class Line:
    """One figure of a report: the module it comes from and the key of its summary."""

    source: str  # the module's name
    code: str  # the key in the module's summary (the kitchen's totals are read as if at the top)
    label: str  # an English msgid
    kind: str  # how it is written (labels.show)


@dataclass(frozen=True)
class Kind:
    title: str  # an English msgid
    lead: str  # an English msgid: what the report is for
    sections: tuple[tuple[str, tuple[Line, ...]], ...]
    by_month: tuple[Line, ...]


MEALS = Line("kitchen", "portions_served", N_("Portions served"), "count")
HELP_HOURS = Line("mutualaid", "minutes_given", N_("Hours of help given"), "hours")
FIXED = Line("alleys", "findings_fixed", N_("Problems fixed"), "count")
VISITS = Line("visits", "visits", N_("Visits made"), "count")
MEETINGS = Line("registers", "meetings", N_("Meetings attended"), "count")
DOCUMENTS = Line("registers", "documents", N_("Documents received"), "count")
INSPECTIONS = Line("registers", "inspections", N_("Inspections and checks"), "count")

KINDS = {
    "work": Kind(N_("The year's work"), N_("The services the community delivered this year, against last year."), (
        (N_("Neighbour kitchen"), (MEALS, Line("kitchen", "meals_served", N_("Meals served"), "count"),
                                   Line("kitchen", "residents_served", N_("Residents served"), "count"),
                                   Line("kitchen", "subsidy_fen", N_("Meal subsidies"), "yuan"))),
        (N_("Mutual aid"), (Line("mutualaid", "requests_completed", N_("Help requests completed"), "count"),
                            HELP_HOURS, Line("mutualaid", "volunteers_active", N_("Volunteers who helped"), "count"))),
        (N_("Alley patrols"), (Line("alleys", "findings_total", N_("Problems reported"), "count"), FIXED,
                               Line("alleys", "median_minutes_to_fix", N_("Median time to fix"), "minutes"),
                               Line("alleys", "shifts_held", N_("Patrol shifts held"), "count"))),
        (N_("Door-to-door visits"), (VISITS, Line("visits", "households_visited", N_("Households visited"), "count"),
                                     Line("visits", "households", N_("Households on the rosters"), "count"))),
    ), (MEALS, HELP_HOURS, FIXED, VISITS)),
    "burden": Kind(N_("The year's burden"), N_("What reached the community from above this year, as the registers "
                                                "counted it, against last year."), (
        (N_("Meetings called from above"), (
            MEETINGS, Line("registers", "meeting_minutes", N_("Staff time in meetings"), "hours"))),
        (N_("Documents from above"), (DOCUMENTS, Line("registers", "forms", N_("Forms to fill in"), "count"))),
        (N_("Inspections and checks"), (
            INSPECTIONS, Line("registers", "prep_minutes", N_("Hours preparing for checks"), "hours"))),
    ), (MEETINGS, DOCUMENTS, INSPECTIONS)),
}


@dataclass(frozen=True)
class Figure:
    line: Line
    value: float | None
    before: float | None  # the year before
    link: Link | None  # the records behind the figure, for this year

    @property
    def change(self) -> float | None:
        """Percent against the year before; None when there is nothing to compare with."""
        if self.value is None or not self.before:
            return None
        return (self.value - self.before) * 100 / self.before


@dataclass
class AnnualReport:
    kind: str  # a key of KINDS
    community: Community
    period: Period
    sections: list[tuple[str, list[Figure]]] = field(default_factory=list)
    months: list[tuple[Period, list[float | None]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # modules the report reads that are not installed

    @property
    def about(self) -> Kind:
        return KINDS[self.kind]


def _read(summary: dict | None, code: str):
    if summary is None:
        return None
    return summary.get("totals", {}).get(code, summary.get(code))


def _sources(kind: Kind) -> list[str]:
    lines = [line for _title, lines in kind.sections for line in lines]
    return list(dict.fromkeys(line.source for line in lines))


def annual_report(which: str, community: Community, period: Period, now: datetime) -> AnnualReport:
    """The year's figures, the year before's, and the months of the year (each module asked 14 times)."""
    kind, modules = KINDS[which], installed().modules
    sources = [name for name in _sources(kind) if name in modules]
    before = year_period(period.start.year - 1)

    def ask(name: str, span: Period) -> dict:
        return modules[name].monthly_summary(community.id, span.start, span.end, now)

    report = AnnualReport(which, community, period, missing=[name for name in _sources(kind) if name not in modules])
    this_year = {name: ask(name, period) for name in sources}
    last_year = {name: ask(name, before) for name in sources}
    links = {name: modules[name].figure_records(community.id, period.start, period.end)
             if modules[name].figure_records else {} for name in sources}
    for title, lines in kind.sections:
        figures = [Figure(line, _read(this_year.get(line.source), line.code), _read(last_year.get(line.source), line.code),
                          links.get(line.source, {}).get(line.code)) for line in lines if line.source in modules]
        if figures:
            report.sections.append((title, figures))
    shown = [line for line in kind.by_month if line.source in modules]
    for month in period.months():
        asked = {name: ask(name, month) for name in dict.fromkeys(line.source for line in shown)}
        report.months.append((month, [_read(asked[line.source], line.code) for line in shown]))
    return report


def month_lines(report: AnnualReport) -> list[Line]:
    return [line for line in report.about.by_month if line.source not in report.missing]


def annual_rows(report: AnnualReport) -> list[list]:
    """The report as one table a spreadsheet can sum: section, figure, this year, last year."""
    year, before = report.period.code, str(report.period.start.year - 1)
    rows: list[list] = [[gettext("Section"), gettext("Figure"), gettext("Code"), year, before]]
    for title, figures in report.sections:
        for figure in figures:
            rows.append([gettext(title), gettext(figure.line.label), f"{figure.line.source}.{figure.line.code}",
                         raw(figure.value, figure.line.kind), raw(figure.before, figure.line.kind)])
    return rows


def month_rows(report: AnnualReport) -> list[list]:
    lines = month_lines(report)
    rows: list[list] = [[gettext("Month"), *(gettext(line.label) for line in lines)]]
    for month, values in report.months:
        rows.append([month.code, *(raw(value, line.kind) for value, line in zip(values, lines, strict=True))])
    return rows


def annual_sheets(report: AnnualReport) -> list[tuple[str, list]]:
    """The report's two tables for the one download (`web.spreadsheet`): the year's figures, and by month."""
    return [(gettext(report.about.title), as_figures(annual_rows(report))),
            (gettext("By month"), as_figures(month_rows(report)))]


def as_figures(rows: list[list]) -> list[list]:
    """Figures as numbers in a workbook (so Excel sums them); the header and the words stay text."""
    def number(cell):
        try:
            return int(cell) if cell.lstrip("-").isdecimal() else float(cell)
        except (AttributeError, ValueError):
            return cell
    return [rows[0], *([number(cell) for cell in row] for row in rows[1:])]
