"""Words for the codes the console shows: the modules' statuses in a person's summary (the audit log's acts are
said by `neighbors.audit.AuditAction`s)."""
from flask_babel import gettext

from ...errors import N_

# Words for the codes the modules' person summaries carry (the codes are their published contract).
STATUS_LABELS = {
    "kitchen": {
        "placed": N_("Ordered"), "cooking": N_("Cooking"), "out_for_delivery": N_("On its way"),
        "delivered": N_("Delivered"), "picked_up": N_("Picked up"), "no_show": N_("Did not come"),
        "no_answer": N_("Nobody answered"), "cancelled": N_("Cancelled"),
        "lunch": N_("Lunch"), "dinner": N_("Dinner"),
    },
    "mutualaid": {
        "open": N_("Waiting for a volunteer"), "accepted": N_("A volunteer is coming"),
        "done": N_("Done, waiting for confirmation"), "disputed": N_("Being checked by staff"),
        "confirmed": N_("Confirmed"), "cancelled": N_("Cancelled"), "voided": N_("Voided by staff"),
    },
    "alleys": {
        "reported": N_("Reported"), "dispatched": N_("Sent to the department"), "accepted": N_("Being handled"),
        "resolved": N_("Fixed, waiting for check"), "verified": N_("Checked"), "closed": N_("Closed"),
    },
}
TRUST_LABELS = [
    ("completed", N_("Help completed"), "count"),
    ("minutes", N_("Hours given"), "hours"),
    ("average_rating", N_("Average rating (1–5)"), "rating"),
    ("ratings_count", N_("Ratings given"), "count"),
    ("declines_after_accept", N_("Gave work back after accepting"), "count"),
    ("no_shows", N_("Did not come"), "count"),
    ("disputes_lost", N_("Disputes lost"), "count"),
    ("current_load", N_("Requests in hand"), "count"),
]

def status_label(module: str, code) -> str:
    label = STATUS_LABELS.get(module, {}).get(str(code))
    return gettext(label) if label else str(code)
