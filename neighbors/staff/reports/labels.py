"""What each figure is called and how it is written, shared by the page, the print view and the CSV."""
from __future__ import annotations

from flask_babel import gettext

from ...errors import N_

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
    ("findings_fixed", N_("Problems fixed"), "count"),
    ("median_minutes_to_fix", N_("Median time to fix"), "minutes"),
    ("overdue_cases", N_("Overdue cases"), "count"),
]
VISITS = [
    ("visits", N_("Visits made"), "count"),
    ("households_visited", N_("Households visited"), "count"),
    ("households", N_("Households on the rosters"), "count"),
    ("nobody_home", N_("Nobody home"), "count"),
]
REGISTERS = [
    ("meetings", N_("Meetings attended"), "count"),
    ("meeting_minutes", N_("Staff time in meetings"), "hours"),
    ("documents", N_("Documents received"), "count"),
    ("forms", N_("Forms to fill in"), "count"),
    ("inspections", N_("Inspections and checks"), "count"),
    ("prep_minutes", N_("Hours preparing for checks"), "hours"),
]
INDICATORS = [
    ("meals_per_100_elders", N_("Meals per 100 elders"), "decimal", True),
    ("help_hours_per_100_residents", N_("Help hours per 100 residents"), "decimal", True),
    ("slots_filled_share", N_("Share of patrol places filled"), "percent", True),
    ("median_minutes_to_fix", N_("Median time to fix"), "minutes", False),
]


# The finding categories the alleys module reports by code in `findings_by_category`.
CATEGORY_LABELS = {
    "obstruction": N_("Blocked passage"),
    "sanitation": N_("Sanitation"),
    "street_vending": N_("Street vending"),
    "hazard": N_("Safety hazard"),
    "facility": N_("Broken facility"),
    "other": N_("Other"),
}


# The needs 千户访 reports by code in `needs`.
NEED_LABELS = {
    "meals": N_("Meals"),
    "repair": N_("A repair"),
    "health": N_("Health"),
    "hazard": N_("A safety hazard"),
    "dispute": N_("A dispute"),
    "loneliness": N_("Loneliness"),
    "other": N_("Something else"),
}


def need_label(code: str) -> str:
    label = NEED_LABELS.get(code)
    return gettext(label) if label else code


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
