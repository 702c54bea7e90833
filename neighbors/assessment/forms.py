"""Forms of the assessment pages. They parse; the services decide what is allowed."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from ..errors import N_
from .models import MAX_WEIGHT, TYPES

WEIGHT = {"inputmode": "numeric", "min": 0, "max": MAX_WEIGHT}
TYPE_FIELD_LABELS = {"new_town": N_("Weight for new towns"), "old_town": N_("Weight for old towns"),
                     "village": N_("Weight for former villages")}


class WeightsForm(FlaskForm):
    """One measure's weight for each type of community (0 or empty: not counted for that type)."""

    measure = HiddenField()
    new_town = IntegerField(_l(TYPE_FIELD_LABELS["new_town"]), validators=[Optional(), NumberRange(0, MAX_WEIGHT)],
                            render_kw=WEIGHT)
    old_town = IntegerField(_l(TYPE_FIELD_LABELS["old_town"]), validators=[Optional(), NumberRange(0, MAX_WEIGHT)],
                            render_kw=WEIGHT)
    village = IntegerField(_l(TYPE_FIELD_LABELS["village"]), validators=[Optional(), NumberRange(0, MAX_WEIGHT)],
                           render_kw=WEIGHT)

    def chosen(self) -> dict[str, int | None]:
        return {community_type.value: self[community_type.value].data for community_type in TYPES}


def weights_form(measure: str, current: dict[str, int]) -> WeightsForm:
    return WeightsForm(formdata=None, measure=measure, **{t.value: current.get(t.value) for t in TYPES})
