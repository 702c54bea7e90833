"""How the audit log says 千户访's acts (installed through hooks.py): fields named as its forms name them, tags,
needs and whom the worker met in the reader's language."""
from ..audit import AuditAction
from ..errors import N_
from ..templating import as_list
from .forms import NEED_LABELS, OUTCOME_LABELS, TAG_LABELS


def _words(labels):
    def say(values) -> str:
        items = values if isinstance(values, list) else [values]
        return as_list([str(labels.get(item, item)) for item in items])
    return say


INTERVAL_FIELDS = {tag.value: label for tag, label in TAG_LABELS.items()}

AUDIT_ACTIONS = {
    "visits.grid_created": AuditAction(
        N_("Grid created"), N_("%(actor)s created the grid %(name)s."), {"name": N_("Name of the grid")}),
    "visits.worker_added": AuditAction(
        N_("Grid worker added"), N_("%(actor)s made %(person)s a grid worker of %(grid)s."), {"grid": N_("Grid")}),
    "visits.worker_removed": AuditAction(
        N_("Grid worker removed"), N_("%(actor)s took %(person)s off the grid %(grid)s."), {"grid": N_("Grid")}),
    "visits.tags_changed": AuditAction(
        N_("Household tags changed"), N_("%(actor)s changed a household's tags."), {"tags": N_("Tags")},
        {"tags": _words(TAG_LABELS)}),
    "visits.intervals_changed": AuditAction(
        N_("Visit plan changed"), N_("%(actor)s changed how often households are visited (months)."),
        INTERVAL_FIELDS),
    "visits.roster_imported": AuditAction(
        N_("Roster imported"), N_("%(actor)s imported the roster %(file)s."),
        {"file": N_("Roster file (.xlsx or .csv)"), "added": N_("Added"), "changed": N_("Changed"),
         "refused": N_("Refused")}),
    "visits.visited": AuditAction(
        N_("Household visited"), N_("%(actor)s visited a household."),
        {"household": N_("Household"), "outcome": N_("Whom did you meet?"), "needs": N_("What did you find?")},
        {"outcome": _words(OUTCOME_LABELS), "needs": _words(NEED_LABELS)}),
    "visits.attended": AuditAction(
        N_("Need seen to"), N_("%(actor)s saw to a need found at a visit.")),
}
