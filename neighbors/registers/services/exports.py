"""The registers' tables for the one download (`web.spreadsheet`: .xlsx or CSV), headed in the reader's language
(Chinese first): the monthly statistics and the quarterly bulletin, and the street's communities side by side."""
from __future__ import annotations

from flask_babel import gettext as _

from ...errors import N_
from .statistics import FIGURES, Row, Statistics
from .street import CommunityLine

HEADERS = {
    "meetings": N_("Meetings"),
    "meeting_minutes": N_("Staff hours in meetings"),
    "documents": N_("Documents"),
    "forms": N_("Forms to fill"),
    "inspections": N_("Inspections"),
    "prep_minutes": N_("Hours preparing for inspections"),
}


def _value(name: str, figures: dict[str, int]) -> int | float:
    value = figures[name]
    return round(value / 60, 1) if name.endswith("minutes") else value


def _header(first: str) -> list[str]:
    columns = []
    for name in FIGURES:
        label = _(HEADERS[name])
        columns += [label, _("%(figure)s a year earlier", figure=label),
                    _("%(figure)s a quarter earlier", figure=label)]
    return [first, *columns]


def _line(row: Row, name: str) -> list:
    cells: list = [name]
    for figure in FIGURES:
        cells += [_value(figure, row.now), _value(figure, row.year_earlier), _value(figure, row.quarter_earlier)]
    return cells


def statistics_sheets(stats: Statistics) -> list[tuple[str, list[list]]]:
    """By community (with the total) and by calling body, this period against a year and a quarter earlier."""
    communities = [_header(_("Community")), *(_line(row, row.name) for row in stats.communities)]
    if stats.total is not None:
        communities.append(_line(stats.total, _("Total")))
    bodies = [_header(_("Calling body")), *(_line(row, row.name) for row in stats.bodies)]
    return [(f"{_('By community')} {stats.period.code}", communities),
            (f"{_('By calling body')} {stats.period.code}", bodies)]


def street_sheets(lines: list[CommunityLine], columns: list[str], period_code: str) -> list[tuple[str, list[list]]]:
    """The street's communities side by side (`compare`): the registers' figures, the work waiting and the other
    modules' main figures of the month, one community a line."""
    header = [_("Community"), *(_(HEADERS[name]) for name in FIGURES), _("Waiting in the work queue"),
              *(_(label) for label in columns)]
    rows = [[line.registers.name, *(_value(name, line.registers.now) for name in FIGURES), line.queue,
             *("" if value is None else value for value in line.highlights)] for line in lines]
    return [(_("Communities side by side") + f" {period_code}", [header, *rows])]
