"""The rules of the registers: every change goes through here, one transaction per public function (`@service`).

One file per topic; this package re-exports what views, hooks, the demo and tests use.
"""
from .entries import (
    COMMON_BODIES, Details, bodies_used, clean, correct_entry, details_of, entries_of, entry_for, history_of,
    record_entry, refuse_duplicate,
)
from .exports import HEADERS, statistics_sheets, street_sheets
from .personal_data import erase_person, personal_data
from .scope import Scope, scope_for, streets
from .statistics import (
    FIGURES, Period, Row, Statistics, change, cost_minutes, parse_listed_period, parse_period, period_of, statistics,
)
from .staff_hooks import figure_records, monthly_summary, person_summary, staff_queue, staff_queue_count
from .street import CommunityLine, compare, highlights

__all__ = [
    "COMMON_BODIES", "Details", "bodies_used", "clean", "correct_entry", "details_of", "entries_of", "entry_for",
    "history_of", "record_entry", "refuse_duplicate",
    "HEADERS", "statistics_sheets", "street_sheets",
    "Scope", "scope_for", "streets",
    "FIGURES", "Period", "Row", "Statistics", "change", "cost_minutes", "parse_listed_period", "parse_period", "period_of", "statistics",
    "CommunityLine", "compare", "highlights",
    "figure_records", "monthly_summary", "person_summary", "staff_queue", "staff_queue_count", "erase_person", "personal_data",
]
