"""How the audit log says the registers' acts (installed through hooks.py): fields named as the entry form names
them, the kind of entry and days in the reader's language."""
from ..audit import AuditAction, iso_date
from ..errors import N_
from .forms import KIND_LABELS

ENTRY_FIELDS = {
    "kind": N_("Kind"), "day": N_("Date"), "body": N_("Called by"), "minutes": N_("Minutes it took"),
    "staff_count": N_("How many of our staff went"), "online": N_("Held online (video meeting)"),
    "merged": N_("Merged with another"), "proxy": N_("Attended on someone's behalf"), "pages": N_("Pages"),
    "needs_reply": N_("Asks for a reply"), "has_form": N_("Has a form to fill"), "deadline": N_("Deadline"),
    "items": N_("Items checked"), "prep_minutes": N_("Minutes we spent preparing"), "note": N_("Note (optional)"),
    "entry": N_("Register entry"), "duplicate_of": N_("It repeats entry number (optional)"),
}
ENTRY_VALUES = {"kind": lambda kind: str(KIND_LABELS.get(kind, kind)), "day": iso_date, "deadline": iso_date}

AUDIT_ACTIONS = {
    "registers.recorded": AuditAction(
        N_("Register entry recorded"), N_("%(actor)s recorded a register entry from %(body)s."), ENTRY_FIELDS,
        ENTRY_VALUES),
    "registers.corrected": AuditAction(
        N_("Register entry corrected"), N_("%(actor)s corrected a register entry (the original is kept)."),
        ENTRY_FIELDS, ENTRY_VALUES),
    "registers.refused": AuditAction(
        N_("Register entry refused as a duplicate"), N_("%(actor)s refused a register entry as a duplicate."),
        ENTRY_FIELDS),
}
