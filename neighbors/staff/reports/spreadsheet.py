"""A report as a spreadsheet: one row per figure, plain numbers a spreadsheet can sum."""
from __future__ import annotations

from flask_babel import gettext

from .annual import as_figures
from .figures import Report
from .labels import (ALLEYS, INDICATORS, KITCHEN, KITCHEN_PEOPLE, MUTUALAID, POPULATION, REGISTERS, VISITS, category_label,
                     need_label, raw)


def report_rows(report: Report) -> list[tuple[str, str, str, str, str]]:
    """(section, item, code, label, value) for the CSV."""
    rows: list[tuple[str, str, str, str, str]] = []
    section = gettext("Residents")
    for code, label, kind in POPULATION:
        rows.append((section, "", code, gettext(label), raw(report.population[code], kind)))
    if report.kitchen:
        section = gettext("Neighbour kitchen")
        for kitchen in report.kitchen["kitchens"]:
            for code, label, kind in KITCHEN:
                rows.append((section, kitchen["name"], code, gettext(label), raw(kitchen[code], kind)))
        for code, label, kind in KITCHEN:
            rows.append((section, gettext("All kitchens"), code, gettext(label), raw(report.kitchen["totals"][code], kind)))
        for code, label, kind in KITCHEN_PEOPLE:
            rows.append((section, "", code, gettext(label), raw(report.kitchen[code], kind)))
    if report.mutualaid:
        section = gettext("Mutual aid")
        for code, label, kind in MUTUALAID:
            rows.append((section, "", code, gettext(label), raw(report.mutualaid[code], kind)))
    if report.alleys:
        section = gettext("Alley patrols")
        for code, label, kind in ALLEYS:
            rows.append((section, "", code, gettext(label), raw(report.alleys[code], kind)))
        for category, count in sorted(report.alleys["findings_by_category"].items()):
            rows.append((section, category_label(category), f"findings.{category}", gettext("Problems reported"),
                         str(count)))
    if report.visits:
        section = gettext("Door-to-door visits")
        for code, label, kind in VISITS:
            rows.append((section, "", code, gettext(label), raw(report.visits[code], kind)))
        for need, count in report.visits["needs"].items():
            rows.append((section, need_label(need), f"needs.{need}", gettext("Needs found"), str(count)))
    if report.registers:
        section = gettext("Registers")
        for code, label, kind in REGISTERS:
            rows.append((section, "", code, gettext(label), raw(report.registers[code], kind)))
    section = gettext("Indicators")
    for code, label, kind, _higher in INDICATORS:
        rows.append((section, "", code, gettext(label), raw(report.indicators[code], kind)))
    return rows


def report_sheets(report: Report, *, as_numbers: bool = False) -> list[tuple[str, list]]:
    """The report as one table for the one download (`web.spreadsheet`): in a workbook the figures are numbers
    (so Excel sums them), in a CSV the text the page shows."""
    header = [gettext("Community"), gettext("Period"), gettext("Section"), gettext("Item"),
              gettext("Code"), gettext("Figure"), gettext("Value")]
    rows = [header, *([report.community.name, report.period.code, section, item, code, label, value]
                      for section, item, code, label, value in report_rows(report))]
    return [(gettext("Monthly report"), as_figures(rows) if as_numbers else rows)]
