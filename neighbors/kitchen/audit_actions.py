"""How the audit log says the kitchen's acts (installed through hooks.py): fields named as the kitchen's forms
name them."""
from ..audit import AuditAction, person_names
from ..errors import N_
from ..templating import yuan
from .forms import POLICY_CHOICES, SAFE_CHOICES, STATUS_CHOICES

KITCHEN_FIELDS = {"name": N_("Kitchen name"), "address": N_("Address"), "operators": N_("Operators"),
                  "delivers": N_("Delivers to homes"), "suspended": N_("Suspended")}
SETTINGS_FIELDS = {"standard_price_fen": N_("Standard meal price (¥)"), "policy": N_("Subsidy rule"),
                   "min_meal_fen": N_("Only meals of at least (¥)"),
                   "once_a_day": N_("At most one subsidised meal a day")}
TIER_FIELDS = {"label": N_("Tier name"), "status": N_("Welfare status"), "min_age": N_("From age"),
               "max_age": N_("To age (inclusive)"), "subsidy_fen": N_("Subsidy per meal (¥)")}
PROFILE_FIELDS = {"dietary_needs": N_("Dietary needs"), "emergency_name": N_("Emergency contact: name"),
                  "emergency_phone": N_("Emergency contact: phone"),
                  "welfare_status": N_("Welfare status (set by staff)")}
COMMENT_FIELDS = {"comment": N_("Comment"), "rating": N_("Rating"), "hidden": N_("Hidden"), "reason": N_("Reason")}
MONEY = {key: yuan for key in ("standard_price_fen", "min_meal_fen", "subsidy_fen")}

AUDIT_ACTIONS = {
    "kitchen.registered": AuditAction(
        N_("Kitchen registered"), N_("%(actor)s registered the kitchen %(name)s."), KITCHEN_FIELDS,
        {"operators": person_names}),
    "kitchen.changed": AuditAction(
        N_("Kitchen changed"), N_("%(actor)s changed the kitchen %(name)s."), KITCHEN_FIELDS,
        {"operators": person_names}),
    "kitchen.suspended": AuditAction(
        N_("Kitchen suspended"), N_("%(actor)s closed a kitchen for now."), KITCHEN_FIELDS),
    "kitchen.resumed": AuditAction(
        N_("Kitchen reopened"), N_("%(actor)s reopened a kitchen."), KITCHEN_FIELDS),
    "kitchen.settings_changed": AuditAction(
        N_("Meal prices and subsidy rule changed"), N_("%(actor)s changed the meal prices and the subsidy rule."),
        SETTINGS_FIELDS, {**MONEY, "policy": dict(POLICY_CHOICES)}),
    "kitchen.tier_added": AuditAction(
        N_("Subsidy tier added"), N_("%(actor)s added the subsidy tier %(label)s."), TIER_FIELDS,
        {**MONEY, "status": dict(STATUS_CHOICES)}),
    "kitchen.tier_removed": AuditAction(
        N_("Subsidy tier removed"), N_("%(actor)s removed the subsidy tier %(label)s."), TIER_FIELDS, MONEY),
    "kitchen.profile_changed": AuditAction(
        N_("Dietary needs or emergency contact changed"),
        N_("%(actor)s changed the dietary needs or emergency contact of %(person)s."), PROFILE_FIELDS),
    "kitchen.welfare_status_changed": AuditAction(
        N_("Welfare status changed"), N_("%(actor)s changed the welfare status of %(person)s."), PROFILE_FIELDS,
        {"welfare_status": dict(STATUS_CHOICES)}),
    "kitchen.welfare_check_raised": AuditAction(
        N_("Welfare check opened"),
        N_("Nobody answered when %(person)s's meal was delivered: %(actor)s opened a welfare check.")),
    "kitchen.welfare_check_resolved": AuditAction(
        N_("Welfare check closed"), N_("%(actor)s recorded that %(person)s is safe."),
        {"how": N_("How do you know?"), "note": N_("Note")}, {"how": dict(SAFE_CHOICES)}),
    "kitchen.comment_hidden": AuditAction(
        N_("Comment hidden"), N_("%(actor)s hid a comment of %(person)s on a meal."), COMMENT_FIELDS),
    "kitchen.comment_reinstated": AuditAction(
        N_("Comment shown again"), N_("%(actor)s showed a comment of %(person)s on a meal again."), COMMENT_FIELDS),
    "kitchen.rating_acknowledged": AuditAction(
        N_("Low rating seen"), N_("%(actor)s marked a low rating of a meal as seen.")),
    "kitchen.meal_cancelled": AuditAction(
        N_("Meal cancelled"), N_("%(actor)s cancelled a meal and every order of it.")),
}
