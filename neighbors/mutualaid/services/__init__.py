"""The rules of mutual aid: every change goes through here, one transaction per public function (`@service`).

Public functions take the actor first and `now` last; a refused rule raises a DomainError and changes
nothing. One file per topic; this package re-exports what views, hooks, the demo, tests and the bench use.
"""
from .access import locked_request, refuse_unless, request_link
from .appeal_hooks import (
    describe_offers, describe_requests, hidden_offer, hidden_request, reinstate_offer, reinstate_request,
)
from .board import (
    CARD, all_requests, board, get_request, request_for_page, requests_for, suggestions, work_of,
)
from .help_requests import (
    MAX_WINDOWS, RequestDetails, cancel_request, create_request, decline_invitation, edit_request, invite,
    window_field,
)
from .ledger import (
    Balance, InsufficientCredits, balance_minutes, balances, open_account, pays_from_pool, statement,
)
from .lifecycle import (
    AUTO_CONFIRM_AFTER, MAX_MINUTES_PER_VISIT, RESOLUTIONS, accept, auto_confirm, auto_confirm_due, confirm, decline,
    dispute, report_done, report_no_show, resolve_dispute,
)
from .moderation import hidden_offers_of, hide_offer, hide_request
from .offers import close_offer, create_offer, get_offer, offers
from .personal_data import erase_person, personal_data
from .reconciliation import check_ledger, ledger_totals
from .settings import (
    CreditRules, add_skill, ensure_skills, retire_skill, rules, seed_skills, skill_key, skill_list, skills_to_show,
    update_settings,
)
from .staff_hooks import (
    STALE_OPEN_AFTER, CompletedHelp, completed_help, figure_records, monthly_summary, person_summary, staff_queue,
    staff_queue_count,
)
from .transfers import (
    MAX_GIFT_MINUTES, corrected_ids, correct, give_hours, grant_by_phone, grant_from_pool, recent_transactions,
)
from .trust import (
    ATTENTION, NEEDS_ATTENTION_PROBLEMS, PROBLEM_ACTIONS, AttentionLimits, needs_attention, trust_record,
    trust_records,
)
from .volunteers import profile_of, save_profile, set_verified, skill_ids_of, volunteers


__all__ = [
    "ATTENTION", "AUTO_CONFIRM_AFTER", "Balance", "CARD", "CreditRules", "InsufficientCredits", "MAX_GIFT_MINUTES",
    "MAX_MINUTES_PER_VISIT", "MAX_WINDOWS", "NEEDS_ATTENTION_PROBLEMS", "PROBLEM_ACTIONS", "RESOLUTIONS",
    "STALE_OPEN_AFTER", "AttentionLimits", "RequestDetails", "accept", "add_skill", "all_requests", "auto_confirm",
    "CompletedHelp", "completed_help", "figure_records",
    "auto_confirm_due", "balance_minutes", "balances", "board", "cancel_request", "check_ledger", "close_offer",
    "confirm", "correct", "corrected_ids", "create_offer", "create_request", "decline", "decline_invitation",
    "describe_offers", "describe_requests", "dispute", "edit_request", "ensure_skills", "erase_person", "get_offer",
    "get_request",
    "give_hours", "grant_by_phone", "grant_from_pool", "hidden_offer", "hidden_offers_of", "hidden_request", "hide_offer",
    "hide_request", "invite", "ledger_totals", "locked_request", "monthly_summary", "needs_attention", "offers",
    "open_account", "pays_from_pool", "person_summary", "personal_data", "profile_of", "recent_transactions",
    "refuse_unless",
    "reinstate_offer", "reinstate_request", "report_done", "report_no_show", "request_for_page", "request_link",
    "requests_for", "resolve_dispute", "retire_skill", "rules", "save_profile", "seed_skills", "set_verified",
    "skill_ids_of", "skill_key", "skill_list", "skills_to_show", "staff_queue", "staff_queue_count", "statement",
    "suggestions", "trust_record", "trust_records", "update_settings", "volunteers", "window_field", "work_of",
]
