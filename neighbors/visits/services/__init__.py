"""The rules of 千户访: every change goes through here, one transaction per public function (`@service`).

Public functions take the actor first and `now` last; a refused rule raises a DomainError and changes
nothing. One file per topic; this package re-exports what views, hooks, the demo and tests use.
"""
from .coverage import Coverage, CoverageLine, coverage, coverage_table
from .exports import export_bytes, forget_old_uploads, forget_upload, keep_upload, kept_roster, preview_roster, template_bytes
from .follow_ups import ORIGIN, follow_ups_of, note_follow_up, origin_of
from .grids import add_worker, clean_grid_name, community_named, create_grid, grid_in, grids, grids_of_worker, remove_worker
from .households import acts_for, clean_tags, household_for, household_in, replace_tags, set_tags, visits_of
from .rounds import (
    DEFAULT_MONTHS, SECOND_TRY_AFTER, UNTAGGED, HouseholdRow, Scope, add_months, household_rows, intervals,
    next_due, round_for, scope_for, set_intervals,
)
from .personal_data import erase_person, personal_data
from .roster import ImportPlan, Problem, RowPlan, import_roster, plan_import
from .roster_files import COLUMNS, MAX_BYTES, MAX_ROWS, Roster, read_roster, workbook_bytes
from .staff_hooks import figure_records, monthly_summary, person_summary, staff_queue, staff_queue_count
from .visiting import VisitDetails, elder_alone, mark_attended, record_visit, visit_for

__all__ = [
    "Coverage", "CoverageLine", "coverage", "coverage_table",
    "ORIGIN", "follow_ups_of", "note_follow_up", "origin_of",
    "export_bytes", "forget_old_uploads", "forget_upload", "keep_upload", "kept_roster", "preview_roster", "template_bytes",
    "COLUMNS", "ImportPlan", "MAX_BYTES", "MAX_ROWS", "Problem", "Roster", "RowPlan", "import_roster", "plan_import",
    "read_roster", "workbook_bytes",
    "DEFAULT_MONTHS", "SECOND_TRY_AFTER", "UNTAGGED", "HouseholdRow", "Scope", "VisitDetails", "add_months",
    "acts_for", "add_worker", "clean_grid_name", "clean_tags", "community_named", "create_grid", "elder_alone", "grid_in", "grids",
    "grids_of_worker", "household_for", "household_in", "household_rows", "intervals", "mark_attended",
    "erase_person", "figure_records", "monthly_summary", "next_due", "person_summary", "personal_data", "record_visit",
    "remove_worker", "replace_tags",
    "round_for", "scope_for", "set_intervals", "set_tags", "staff_queue", "staff_queue_count", "visit_for",
    "visits_of",
]
