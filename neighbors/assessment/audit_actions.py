"""How the audit log says the assessment's acts (installed through hooks.py): the weights by the names the
indicators page gives them, the measure by its label."""
from ..audit import AuditAction
from ..errors import N_
from .forms import TYPE_FIELD_LABELS
from .services import measure_named


def _measure(key) -> str:
    measure = measure_named(key) if isinstance(key, str) else None
    return measure.label if measure else str(key)


WEIGHT_FIELDS = {"measure": N_("Indicator"), **TYPE_FIELD_LABELS}

AUDIT_ACTIONS = {
    "assessment.weights_set": AuditAction(
        N_("Assessment weights set"), N_("%(actor)s set the weights of an assessment indicator."), WEIGHT_FIELDS,
        {"measure": _measure}),
    "assessment.published": AuditAction(
        N_("Assessment published"), N_("%(actor)s published the assessment of %(year)s."), {"year": N_("Year")}),
}
