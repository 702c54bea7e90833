"""Monthly, annual and district reports, computed only from the modules' published summaries.

Nothing here is typed in by a person: every figure comes from `monthly_summary` of the
kitchen, mutual-aid and alleys modules, or from the foundation's users.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import get_locale, gettext

from ..clock import local_to_utc, utcnow
from ..errors import N_, InvalidInput
from ..extensions import db
from ..models import Community, CommunityType, Role, RoleGrant, User
from .modules import MODULES, service

ELDER_AGE = 65
# The kitchen counts a meal per portion handed over (an order of 2 feeds two); that is what elders eat.
MEALS_FIGURE = "portions_served"


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
    def code(self) -> str:
        return str(self.start.year) if self.kind == "year" else self.start.strftime("%Y-%m")

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


# --- figures ---------------------------------------------------------------------------

def elder_cutoff(day: date, age: int = ELDER_AGE) -> date:
    """The latest birth date of someone who is `age` or older on `day` (29 February counts as 28th)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:
        return day.replace(year=day.year - age, day=28)


def population(community_id: int, period: Period) -> dict:
    """Residents registered by the end of the period, and who among them is 65+ on its last day.

    One statement: each figure is a filtered count over the same residents.
    """
    counted = sa.func.count(User.id)
    figures = db.session.execute(
        sa.select(
            counted.label("residents"),
            counted.filter(User.birth_date <= elder_cutoff(period.last_day)).label("elders"),
            counted.filter(User.needs_care.is_(True)).label("needs_care"),
            counted.filter(User.phone.is_(None)).label("without_phone"),
        ).where(
            User.community_id == community_id,
            User.active.is_(True),
            User.created_at < local_to_utc(period.end, time.min),
            sa.select(RoleGrant.id).where(RoleGrant.community_id == community_id, RoleGrant.user_id == User.id,
                                          RoleGrant.role == Role.RESIDENT).exists(),
        )
    ).one()
    return {name: value or 0 for name, value in figures._mapping.items()}


def summaries(community_id: int, period: Period) -> dict[str, dict | None]:
    found: dict[str, dict | None] = {}
    for module in MODULES:
        function = service(module, "monthly_summary")
        moment = {"now": utcnow()} if module == "alleys" else {}  # alleys counts missed and overdue as of a time
        found[module] = function(community_id, period.start, period.end, **moment) if function else None
    return found


def _ratio(part, whole, scale: float = 100.0) -> float | None:
    if part is None or not whole:
        return None
    return part * scale / whole


def indicators(people: dict, parts: dict[str, dict | None]) -> dict[str, float | None]:
    """The plain figures the district compares communities on."""
    kitchen, aid, alleys = parts.get("kitchen"), parts.get("mutualaid"), parts.get("alleys")
    return {
        "meals_per_100_elders": _ratio(kitchen["totals"][MEALS_FIGURE], people["elders"]) if kitchen else None,
        "help_hours_per_100_residents": _ratio(aid["minutes_given"] / 60, people["residents"]) if aid else None,
        "slots_filled_share": _ratio(alleys["slots_filled"], alleys["slots_needed"]) if alleys else None,
        "median_minutes_to_fix": alleys["median_minutes_to_fix"] if alleys else None,
    }


@dataclass
class Report:
    community: Community
    period: Period
    population: dict
    kitchen: dict | None
    mutualaid: dict | None
    alleys: dict | None
    indicators: dict
    months: list[dict] = field(default_factory=list)  # the annual report's month-by-month figures

    @property
    def missing(self) -> list[str]:
        return [name for name in MODULES if getattr(self, name) is None]


def community_report(community: Community, period: Period) -> Report:
    people = population(community.id, period)
    parts = summaries(community.id, period)
    report = Report(community, period, people, parts["kitchen"], parts["mutualaid"], parts["alleys"],
                    indicators(people, parts))
    if period.kind == "year":
        for month in period.months():
            each = summaries(community.id, month)
            report.months.append({
                "period": month,
                "meals": each["kitchen"]["totals"][MEALS_FIGURE] if each["kitchen"] else None,
                "help_minutes": each["mutualaid"]["minutes_given"] if each["mutualaid"] else None,
                "findings": each["alleys"]["findings_total"] if each["alleys"] else None,
            })
    return report


# --- labels shared by the page and the CSV -------------------------------------------------

POPULATION = [
    ("residents", N_("Registered residents"), "count"),
    ("elders", N_("Elders aged 65 and over"), "count"),
    ("needs_care", N_("Residents who need care"), "count"),
    ("without_phone", N_("Residents without a phone login"), "count"),
]
KITCHEN = [
    ("meals_served", N_("Meals served"), "count"),
    ("portions_served", N_("Portions served"), "count"),
    ("paid_fen", N_("Paid by residents"), "yuan"),
    ("subsidy_fen", N_("Subsidy owed by the community"), "yuan"),
    ("no_shows", N_("Meals not collected"), "count"),
    ("cancellations", N_("Cancellations"), "count"),
]
KITCHEN_FIGURES = [code for code, _label, _kind in KITCHEN]
KITCHEN_PEOPLE = [
    ("residents_served", N_("Residents served"), "count"),
    ("elders_with_standing_orders", N_("Elders with standing orders"), "count"),
]
MUTUALAID = [
    ("requests_made", N_("Help requests made"), "count"),
    ("requests_completed", N_("Help requests completed"), "count"),
    ("minutes_given", N_("Hours of help given"), "hours"),
    ("volunteers_active", N_("Active volunteers"), "count"),
    ("average_rating", N_("Average rating (1–5)"), "rating"),
    ("ratings_count", N_("Ratings given"), "count"),
    ("pool_minutes_paid", N_("Hours paid by the community pool"), "hours"),
]
ALLEYS = [
    ("shifts_held", N_("Patrol shifts held"), "count"),
    ("slots_needed", N_("Patrol places needed"), "count"),
    ("slots_filled", N_("Patrol places filled"), "count"),
    ("shifts_missed", N_("Patrol shifts missed"), "count"),
    ("findings_total", N_("Problems reported"), "count"),
    ("median_minutes_to_fix", N_("Median time to fix"), "minutes"),
    ("overdue_cases", N_("Overdue cases"), "count"),
]
INDICATORS = [
    ("meals_per_100_elders", N_("Meals per 100 elders"), "decimal", True),
    ("help_hours_per_100_residents", N_("Help hours per 100 residents"), "decimal", True),
    ("slots_filled_share", N_("Share of patrol places filled"), "percent", True),
    ("median_minutes_to_fix", N_("Median time to fix"), "minutes", False),
]
KIND_ORDER = [CommunityType.NEW_TOWN, CommunityType.OLD_TOWN, CommunityType.VILLAGE]


# The finding categories the alleys module reports by code in `findings_by_category`.
CATEGORY_LABELS = {
    "obstruction": N_("Blocked passage"),
    "sanitation": N_("Sanitation"),
    "street_vending": N_("Street vending"),
    "hazard": N_("Safety hazard"),
    "facility": N_("Broken facility"),
    "other": N_("Other"),
}


def category_label(code: str) -> str:
    label = CATEGORY_LABELS.get(code)
    return gettext(label) if label else code


def show(value, kind: str) -> str:
    """A figure as people read it; an em dash when there is nothing to show."""
    if value is None:
        return "—"
    if kind == "yuan":
        sign = "-" if value < 0 else ""
        return f"{sign}¥{abs(int(value)) // 100:,}.{abs(int(value)) % 100:02d}"
    if kind == "hours":
        amount = format(value / 60, ",.1f")
        return gettext("%(hours)s h", hours=amount)
    if kind == "minutes":
        amount = format(value, ",.0f")
        return gettext("%(minutes)s min", minutes=amount)
    if kind == "rating":
        return f"{value:.1f}"
    if kind == "decimal":
        return f"{value:,.1f}"
    if kind == "percent":
        return f"{value:.0f}%"
    return f"{int(value):,}"


def raw(value, kind: str) -> str:
    """A figure for a spreadsheet: plain numbers, yuan with two decimals, hours as decimals."""
    if value is None:
        return ""
    if kind == "yuan":
        sign = "-" if value < 0 else ""
        return f"{sign}{abs(int(value)) // 100}.{abs(int(value)) % 100:02d}"
    if kind == "hours":
        return f"{value / 60:.2f}"
    if kind in ("rating", "decimal", "percent"):
        return f"{value:.2f}"
    if kind == "minutes":
        return f"{value:.1f}" if isinstance(value, float) else str(value)
    return str(int(value))


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
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([gettext("Community"), gettext("Period"), gettext("Section"), gettext("Item"),
                     gettext("Code"), gettext("Figure"), gettext("Value")])
    for section, item, code, label, value in report_rows(report):
        writer.writerow([report.community.name, report.period.code, section, item, code, label, value])
    return out.getvalue()


# --- the district view ---------------------------------------------------------------------

@dataclass
class DistrictRow:
    community: Community
    population: dict
    indicators: dict
    ranks: dict = field(default_factory=dict)


@dataclass
class DistrictGroup:
    kind: CommunityType
    rows: list[DistrictRow]


def rank(values: list[float | None], higher_is_better: bool) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4); a community with no figure gets no rank."""
    ranks: list[int | None] = []
    for value in values:
        if value is None:
            ranks.append(None)
            continue
        better = sum(1 for other in values if other is not None and
                     (other > value if higher_is_better else other < value))
        ranks.append(better + 1)
    return ranks


def district(period: Period) -> list[DistrictGroup]:
    """Every community side by side, ranked only against communities of its own type."""
    communities = db.session.scalars(sa.select(Community).order_by(Community.name)).all()
    groups = []
    for kind in KIND_ORDER:
        rows = []
        for community in (c for c in communities if c.kind == kind):
            people = population(community.id, period)
            rows.append(DistrictRow(community, people, indicators(people, summaries(community.id, period))))
        if not rows:
            continue
        for code, _label, _kind, higher in INDICATORS:
            for row, place in zip(rows, rank([row.indicators[code] for row in rows], higher)):
                row.ranks[code] = place
        rows.sort(key=lambda row: (row.ranks["meals_per_100_elders"] or len(rows) + 1, row.community.name))
        groups.append(DistrictGroup(kind, rows))
    return groups
