"""The charts of a report page, drawn with the one bar chart (neighbors/charts.py)."""
from flask_babel import gettext as _

from ..charts import Chart, bar_chart
from . import reports


def report_charts(report: reports.Report) -> dict[str, Chart]:
    """The charts of a report page, by id; a chart with nothing to draw is left out."""
    return {chart.id: chart for chart in _module_charts(report) if chart is not None}


def annual_charts(report: reports.AnnualReport) -> list[Chart]:
    """An annual report's figures month by month, one chart per figure."""
    made = []
    for index, line in enumerate(reports.month_lines(report)):
        made.append(bar_chart(f"chart-{line.source}-{line.code}", _("%(figure)s by month", figure=_(line.label)), [
            (month.label, values[index], reports.show(values[index], line.kind)) for month, values in report.months
        ]))
    return [chart for chart in made if chart is not None]


def _module_charts(report: reports.Report) -> list[Chart | None]:
    show = reports.show
    made = []
    if report.kitchen and report.kitchen["kitchens"]:
        made.append(bar_chart("chart-meals", _("Meals served by kitchen"), [
            (k["name"], k[reports.MEALS_FIGURE], show(k[reports.MEALS_FIGURE], "count"))
            for k in report.kitchen["kitchens"]
        ]))
    if report.mutualaid:
        aid = report.mutualaid
        made.append(bar_chart("chart-help", _("Help requests"), [
            (_("Made"), aid["requests_made"], show(aid["requests_made"], "count")),
            (_("Completed"), aid["requests_completed"], show(aid["requests_completed"], "count")),
        ]))
    if report.alleys:
        alleys = report.alleys
        made.append(bar_chart("chart-slots", _("Patrol places"), [
            (_("Needed"), alleys["slots_needed"], show(alleys["slots_needed"], "count")),
            (_("Filled"), alleys["slots_filled"], show(alleys["slots_filled"], "count")),
        ]))
        made.append(bar_chart("chart-findings", _("Problems reported by category"), [
            (reports.category_label(code), count, show(count, "count"))
            for code, count in sorted(alleys["findings_by_category"].items(), key=lambda item: -item[1]) if count
        ]))
    return made
