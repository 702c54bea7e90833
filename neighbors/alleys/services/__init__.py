"""The rules of alley patrols and findings: the only way their state changes.

Public functions take the actor first, then ids, then the rest, then `now`; each changing one is a
`@service` (one transaction) and raises DomainError subclasses whose messages are English msgids. One file
per topic; this package re-exports what views, hooks, the demo and tests call.
"""
from .attendance import attendance, check_in, check_out, member_attendance, month_bounds
from .calendar import calendar_feed, calendar_ics, reset_calendar
from .cases import accept, close, dispatch, escalate_overdue, reopen, resolve, send_back, verify
from .common import (
    HORIZON_DAYS, MAX_PHOTOS, SHORT_NOTICE, SIMILAR_WINDOW, WITHDRAW_BEFORE, DuplicateSuspected, ShiftFull,
    coverage_link, finding_link, shift_link,
)
from .console import person_summary, staff_queue, staff_queue_count
from .coverage import coverage, my_shifts, notify_short_shifts, upcoming_shifts
from .findings import (
    PositionQuestioned, Whereabouts, add_to_finding, duty_officers, findings_for, report_finding, send_to_department,
    similar_open,
)
from .lookups import (
    alley_for, alleys_of, branch_for, branch_members, branches_of, finding_for, get_alley, get_branch, get_finding,
    get_shift, holidays_of, in_reach, people_of, route_for, routes_of, shift_for,
)
from .members import add_member, remove_member
from .photos import HELD_FOLDER, HOLD_PHOTOS_FOR, discard_expired_held_photos, held_count, held_path, held_photos
from .personal_data import erase_person, personal_data
from .places import save_alley, save_branch, set_route
from .records import HeldShifts, ReportedFindings, figure_records, held_shifts, reported_findings
from .responsibility import ResponsibilityRow, responsibility_stats
from .schedule import add_holiday, generate_shifts, remove_holiday, save_rule, sync_rule_shifts
from .segments import (
    officer_minutes, officers_of, pass_on_unaccepted, save_segment, segment_for, segments_of, set_owner,
)
from .signups import assign, assignable, release, sign_up, take_back, withdraw
from .stats import median, month_stats, monthly_summary, percentile, stats_sheets

__all__ = [
    "HELD_FOLDER", "HOLD_PHOTOS_FOR", "HORIZON_DAYS", "MAX_PHOTOS", "SHORT_NOTICE", "SIMILAR_WINDOW",
    "WITHDRAW_BEFORE", "DuplicateSuspected", "HeldShifts", "ReportedFindings", "figure_records", "held_shifts",
    "reported_findings", "PositionQuestioned", "ResponsibilityRow", "ShiftFull", "Whereabouts",
    "accept", "add_holiday", "add_member", "add_to_finding", "alley_for", "alleys_of", "assign", "assignable",
    "attendance", "branch_for", "branch_members", "branches_of", "calendar_feed", "calendar_ics", "check_in",
    "check_out", "close", "coverage", "coverage_link", "discard_expired_held_photos", "dispatch", "duty_officers",
    "erase_person", "escalate_overdue", "finding_for", "finding_link", "findings_for", "generate_shifts",
    "get_alley", "get_branch", "get_finding", "get_shift", "held_count", "held_path", "held_photos", "holidays_of",
    "in_reach", "median", "member_attendance", "month_bounds", "month_stats", "monthly_summary", "my_shifts",
    "notify_short_shifts", "officer_minutes", "officers_of", "pass_on_unaccepted", "people_of", "percentile",
    "person_summary", "personal_data", "release", "remove_holiday", "remove_member", "reopen", "report_finding",
    "reset_calendar", "resolve", "responsibility_stats", "route_for", "routes_of", "save_alley", "save_branch",
    "save_rule", "save_segment", "segment_for", "segments_of", "send_back", "send_to_department", "set_owner",
    "set_route", "shift_for", "shift_link", "sign_up", "similar_open", "staff_queue", "staff_queue_count",
    "stats_sheets", "sync_rule_shifts", "take_back", "upcoming_shifts", "verify", "withdraw",
]
