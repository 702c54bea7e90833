"""Simple bar charts drawn on the server as SVG: no chart JavaScript, readable on a phone and on paper.

The label and the figure sit on a line above each bar, so long Chinese names never overlap; the macro
`templates/_chart.html` gives every chart a <title> and <desc>, and a page shows the numbers in a table too.
Staff's reports and 千户访's coverage draw theirs with it.
"""
from dataclasses import dataclass

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


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float | None, str]],
              most: float | None = None) -> Chart | None:
    """Rows are (label, value, shown text); rows without a value are left out. None when nothing to draw.
    `most` is the value of a full bar (100 for shares); by default the biggest value."""
    drawn = [(label, float(value), text) for label, value, text in rows if value is not None]
    if not drawn:
        return None
    biggest = most or max(value for _label, value, _text in drawn) or 1.0
    bars = []
    for index, (label, value, text) in enumerate(drawn):
        top = TOP + index * ROW
        length = 0.0 if value <= 0 else max(2.0, (WIDTH - 2) * min(value, biggest) / biggest)
        bars.append(Bar(label, value, text, y_text=top + 19, y_bar=top + 27, length=round(length, 1)))
    return Chart(chart_id, title, bars, WIDTH, TOP + len(bars) * ROW + 4)
