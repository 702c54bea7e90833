"""Forms of the 千户访 pages. They parse; the services decide what is allowed."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..forms import MultiCheckboxField, OnceForm
from .models import STAFF_TAGS, Need, Outcome, Tag

TAG_LABELS = {
    Tag.ALONE: _l("Lives alone"),
    Tag.AGED: _l("Aged 80+"),
    Tag.EMPTY_NEST: _l("Empty nest"),
    Tag.LOW_INCOME: _l("Subsistence allowance"),
    Tag.EXTREME_POVERTY: _l("Extreme hardship support"),
    Tag.DISABLED: _l("Disability"),
    Tag.ATTENTION: _l("Needs close attention"),
}
NEED_LABELS = {
    Need.MEALS: _l("Meals"),
    Need.REPAIR: _l("A repair"),
    Need.HEALTH: _l("Health"),
    Need.HAZARD: _l("A safety hazard"),
    Need.DISPUTE: _l("A dispute"),
    Need.LONELINESS: _l("Loneliness"),
    Need.OTHER: _l("Something else"),
}
OUTCOME_LABELS = {
    Outcome.MET_MEMBER: _l("A member of the household"),
    Outcome.MET_OTHER: _l("Someone else"),
    Outcome.NOBODY_HOME: _l("Nobody home"),
}


class GridForm(FlaskForm):
    name = StringField(_l("Name of the grid"))


class WorkerForm(FlaskForm):
    phone = StringField(_l("Mobile number of the grid worker"), render_kw={"inputmode": "tel", "autocomplete": "off"})


class TagsForm(FlaskForm):
    tags = MultiCheckboxField(_l("Tags"), choices=[SelectChoice(tag.value, TAG_LABELS[tag]) for tag in STAFF_TAGS],
                              validate_choice=False)


class IntervalsForm(FlaskForm):
    """One number of months per tag; the fields are made from the tags (see `interval_fields`)."""


def intervals_form(keys: list[str], current: dict[str, int]) -> IntervalsForm:
    class Form(IntervalsForm):
        pass

    for key in keys:
        setattr(Form, key, IntegerField(label=key, default=current.get(key), validators=[Optional()],
                                        render_kw={"inputmode": "numeric", "min": 1, "max": 24}))
    return Form()


class VisitForm(OnceForm):
    outcome = RadioField(_l("Whom did you meet?"), choices=[SelectChoice(o.value, OUTCOME_LABELS[o]) for o in Outcome],
                         validate_choice=False)
    met = SelectField(_l("Which member"), coerce=str, validate_choice=False)
    met_other = StringField(_l("Who was it?"), render_kw={"maxlength": 50})
    needs = MultiCheckboxField(_l("What did you find?"), choices=[SelectChoice(n.value, NEED_LABELS[n]) for n in Need],
                               validate_choice=False)
    note = TextAreaField(_l("Note"), render_kw={"rows": 3, "maxlength": 500})
    talent = StringField(_l("Someone who could help others (a skill, a party member)"), render_kw={"maxlength": 100})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/jpeg,image/png"})


class RosterForm(FlaskForm):
    roster = FileField(_l("Roster file (.xlsx or .csv)"),
                       render_kw={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"})


class ConfirmImportForm(FlaskForm):
    token = HiddenField()
