"""Simple bar charts drawn on the server as SVG: no chart JavaScript, readable on a phone and on paper.

The label and the figure sit on a line above each bar, so long Chinese names never overlap;
the template gives every chart a <title> and <desc> and the numbers are also in a table.
"""
from dataclasses import dataclass

from flask_babel import gettext as _

from . import reports

WIDTH = 320
ROW = 52
BAR = 18
TOP = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the figure as shown next to the label
    y_text: int = 0
    y_bar: int = 0
    length: float = 0.0


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    bars: list[Bar]
    width: int
    height: int

    @property
    def desc(self) -> str:
        return "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars)


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float | None, str]]) -> Chart | None:
    """Rows are (label, value, shown text); rows without a value are left out. None when nothing to draw."""
    drawn = [(label, float(value), text) for label, value, text in rows if value is not None]
    if not drawn:
        return None
    biggest = max(value for _label, value, _text in drawn) or 1.0
    bars = []
    for index, (label, value, text) in enumerate(drawn):
        top = TOP + index * ROW
        length = 0.0 if value <= 0 else max(2.0, (WIDTH - 2) * value / biggest)
        bars.append(Bar(label, value, text, y_text=top + 19, y_bar=top + 27, length=round(length, 1)))
    return Chart(chart_id, title, bars, WIDTH, TOP + len(bars) * ROW + 4)


def report_charts(report: reports.Report) -> dict[str, Chart]:
    """The charts of a report page, by id; a chart with nothing to draw is left out."""
    made = [*_module_charts(report)]
    if report.months:
        for key, title, kind in (("meals", _("Meals served by month"), "count"),
                                 ("help_minutes", _("Hours of help by month"), "hours"),
                                 ("findings", _("Problems reported by month"), "count")):
            made.append(bar_chart(f"chart-{key}-months", title, [
                (month["period"].label, month[key], reports.show(month[key], kind)) for month in report.months
            ]))
    return {chart.id: chart for chart in made if chart is not None}


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
