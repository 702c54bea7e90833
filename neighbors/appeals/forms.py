"""The author's appeal and staff's decision."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from .models import MAX_REASON, MAX_TEXT

DECISIONS = ("reinstate", "uphold")


class AppealForm(FlaskForm):
    kind = HiddenField()
    record = HiddenField()
    text = TextAreaField(_l("Why should it be shown again?"), render_kw={"maxlength": MAX_TEXT, "rows": 3})


class DecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), coerce=str, validate_choice=False, default="uphold",
                          validators=[AnyOf(DECISIONS, message=_l("Choose a decision."))],
                          choices=[SelectChoice("reinstate", _l("Show it again")),
                                   SelectChoice("uphold", _l("Keep it hidden"))])
    reason = TextAreaField(_l("Reason for the decision"), render_kw={"maxlength": MAX_REASON, "rows": 2})

    @property
    def reinstates(self) -> bool:
        return self.decision.data == "reinstate"
