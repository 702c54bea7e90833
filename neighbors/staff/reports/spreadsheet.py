"""A report as a spreadsheet: one row per figure, plain numbers a spreadsheet can sum."""
from __future__ import annotations

from flask_babel import gettext

from ...spreadsheets import csv_text
from .figures import Report
from .labels import ALLEYS, INDICATORS, KITCHEN, KITCHEN_PEOPLE, MUTUALAID, POPULATION, category_label, raw


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
    section = gettext("Indicators")
    for code, label, kind, _higher in INDICATORS:
        rows.append((section, "", code, gettext(label), raw(report.indicators[code], kind)))
    for month in report.months:
        item = month["period"].code
        rows.append((gettext("By month"), item, "meals", gettext("Meals served"), raw(month["meals"], "count")))
        rows.append((gettext("By month"), item, "help_minutes", gettext("Hours of help given"),
                     raw(month["help_minutes"], "hours")))
        rows.append((gettext("By month"), item, "findings", gettext("Problems reported"),
                     raw(month["findings"], "count")))
    return rows


def report_csv(report: Report) -> str:
    header = [gettext("Community"), gettext("Period"), gettext("Section"), gettext("Item"),
              gettext("Code"), gettext("Figure"), gettext("Value")]
    return csv_text([header, *([report.community.name, report.period.code, section, item, code, label, value]
                               for section, item, code, label, value in report_rows(report))])
