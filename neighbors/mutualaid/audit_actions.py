"""How the audit log says mutual aid's acts (installed through hooks.py): fields named as mutual aid's forms name
them, statuses and durations in the reader's language."""
from flask_babel import gettext

from ..audit import AuditAction
from ..errors import N_
from ..templating import hours

STATUSES = {"open": N_("Waiting for a volunteer"), "accepted": N_("A volunteer is coming"),
            "done": N_("Done, waiting for confirmation"), "disputed": N_("Being checked by staff"),
            "confirmed": N_("Confirmed"), "cancelled": N_("Cancelled"), "voided": N_("Voided by staff")}
SETTINGS_FIELDS = {"starting_grant_minutes": N_("Starting grant for a new member (hours)"),
                   "floor_minutes": N_("Lowest balance allowed (hours, zero or below)"),
                   "ceiling_minutes": N_("Highest balance (hours); the rest goes to the pool"),
                   "pool_paid_age": N_("From this age the pool pays for help")}
DISPUTE_FIELDS = {"status": N_("Status"), "reported_minutes": N_("Time spent, in minutes"),
                  "confirmed_minutes": N_("Time confirmed")}
POOL = N_("the community pool")
HIDDEN_FIELDS = {"hidden": N_("Hidden"), "reason": N_("Reason")}
TIME = {key: hours for key in ("starting_grant_minutes", "floor_minutes", "ceiling_minutes", "reported_minutes",
                               "confirmed_minutes", "minutes")}
DISPUTE_VALUES = {**TIME, "status": STATUSES}


def _dispute(label: str, sentence: str) -> AuditAction:
    return AuditAction(label, sentence, DISPUTE_FIELDS, DISPUTE_VALUES)


AUDIT_ACTIONS = {
    "mutualaid.settings_changed": AuditAction(
        N_("Time credit rules changed"), N_("%(actor)s changed the time credit rules."), SETTINGS_FIELDS, TIME),
    "mutualaid.skill_added": AuditAction(
        N_("Kind of help added"), N_("%(actor)s added the kind of help %(name)s."), {"name": N_("Kind of help")}),
    "mutualaid.skill_retired": AuditAction(
        N_("Kind of help retired"), N_("%(actor)s stopped offering the kind of help %(name)s."),
        {"name": N_("Kind of help"), "active": N_("In use")}),
    "mutualaid.skills_changed": AuditAction(
        N_("Volunteer's kinds of help changed"), N_("%(actor)s changed what %(person)s can help with."),
        {"skills": N_("What I can help with")}),
    "mutualaid.request_hidden": AuditAction(
        N_("Request for help hidden"), N_("%(actor)s hid a request for help of %(person)s."), HIDDEN_FIELDS),
    "mutualaid.request_reinstated": AuditAction(
        N_("Request for help shown again"), N_("%(actor)s showed a request for help of %(person)s again."),
        HIDDEN_FIELDS),
    "mutualaid.offer_hidden": AuditAction(
        N_("Offer of help hidden"), N_("%(actor)s hid an offer of help of %(person)s."), HIDDEN_FIELDS),
    "mutualaid.offer_reinstated": AuditAction(
        N_("Offer of help shown again"), N_("%(actor)s showed an offer of help of %(person)s again."),
        HIDDEN_FIELDS),
    "mutualaid.dispute_confirm": _dispute(
        N_("Questioned help confirmed"), N_("%(actor)s settled a questioned help of %(person)s: the time stands.")),
    "mutualaid.dispute_change": _dispute(
        N_("Questioned help confirmed with another time"),
        N_("%(actor)s settled a questioned help of %(person)s with another time.")),
    "mutualaid.dispute_void": _dispute(
        N_("Questioned help voided"), N_("%(actor)s voided a questioned help of %(person)s: no credits move.")),
    "mutualaid.hours_given": AuditAction(
        N_("Time credits given"), N_("%(actor)s gave %(minutes)s of time credits to %(to)s."),
        {"minutes": N_("Time"), "to": N_("Given to")},
        {**TIME, "to": lambda to: to if to != "pool" else gettext(POOL)}),
    "mutualaid.pool_grant": AuditAction(
        N_("Time credits from the pool"), N_("The community pool gave %(person)s %(minutes)s of time credits."),
        {"minutes": N_("Time")}, TIME),
    "mutualaid.transaction_corrected": AuditAction(
        N_("Time credit entry corrected"), N_("%(actor)s corrected a time credit entry."),
        {"transaction": N_("Entry"), "correction": N_("Correction")}),
}

