"""Forms of the mutual-aid pages. They parse; the services decide what is allowed."""
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import ActingForField, OnceForm

WEEKDAY_NAMES = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
                 _l("Sunday")]
DAY_PARTS = {
    "am": (time(8, 0), time(12, 0), _l("Morning 8–12")),
    "pm": (time(13, 0), time(17, 0), _l("Afternoon 13–17")),
    "eve": (time(18, 0), time(21, 0), _l("Evening 18–21")),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False, html_tag="ul")
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        """Unknown values are refused by the service with a message, not here with a generic one."""


def _numeric(**extra):
    return {"inputmode": "numeric", "autocomplete": "off", **extra}


class RequestForm(OnceForm):
    for_user = ActingForField(_l("Who needs the help"))
    skill = SelectField(_l("What kind of help"), coerce=str, validate_choice=False)
    title = StringField(_l("In a few words"), render_kw={"maxlength": 80, "placeholder": "厨房水龙头漏水"})
    description = TextAreaField(_l("More details (optional)"), render_kw={"maxlength": 1000, "rows": 3})
    address = StringField(_l("Where"), render_kw={"maxlength": 200})
    when = RadioField(_l("When"), choices=[SelectChoice("asap", _l("As soon as possible")), SelectChoice("window", _l("At a set time"))],
                      default="asap")
    # Up to three windows without JavaScript: `day`/`starts`/`ends`, then `day_2` …, `day_3` …; empty rows are ignored.
    day = DateField(_l("Day"), validators=[Optional()])
    starts = TimeField(_l("From what time"), validators=[Optional()])
    ends = TimeField(_l("Until what time"), validators=[Optional()])
    day_2 = DateField(_l("Day"), validators=[Optional()])
    starts_2 = TimeField(_l("From what time"), validators=[Optional()])
    ends_2 = TimeField(_l("Until what time"), validators=[Optional()])
    day_3 = DateField(_l("Day"), validators=[Optional()])
    starts_3 = TimeField(_l("From what time"), validators=[Optional()])
    ends_3 = TimeField(_l("Until what time"), validators=[Optional()])
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/jpeg,image/png"})
    remove_photo = BooleanField(_l("Remove the photo"))
    invited = HiddenField()
    offer = HiddenField()
    origin = HiddenField()  # the record the form was opened from (a visit at the door: visit:12)


WINDOW_ROWS = 3


def window_rows(form: RequestForm) -> list[tuple]:
    """The (day, starts, ends) fields of each window row, first row first."""
    return [(form.day, form.starts, form.ends), (form.day_2, form.starts_2, form.ends_2),
            (form.day_3, form.starts_3, form.ends_3)]


class DoneForm(FlaskForm):
    minutes = StringField(_l("Time spent, in minutes"), render_kw=_numeric(placeholder="90"))


class ConfirmForm(FlaskForm):
    rating = RadioField(_l("How was the help?"), coerce=str, validate_choice=False,
                        choices=[SelectChoice("5", _l("5 – very good")), SelectChoice("4", _l("4 – good")), SelectChoice("3", _l("3 – all right")),
                                 SelectChoice("2", _l("2 – not good")), SelectChoice("1", _l("1 – bad"))])
    comment = TextAreaField(_l("A word of thanks or a comment (optional)"), render_kw={"maxlength": 500, "rows": 2})


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), render_kw={"maxlength": 300, "rows": 2})


class DisputeForm(FlaskForm):
    reason = TextAreaField(_l("What is wrong?"), render_kw={"maxlength": 500, "rows": 2})


class ResolveForm(FlaskForm):
    outcome = RadioField(_l("Decision"), coerce=str, validate_choice=False,
                         choices=[SelectChoice("confirm", _l("Confirm the reported time")), SelectChoice("change", _l("Confirm another time")),
                                  SelectChoice("void", _l("Void: no credits move"))])
    minutes = StringField(_l("Minutes (for another time)"), render_kw=_numeric())
    note = TextAreaField(_l("Reason for the decision"), render_kw={"maxlength": 500, "rows": 2})


class InviteForm(FlaskForm):
    volunteer = HiddenField()


class ProfileForm(FlaskForm):
    skills = MultiCheckboxField(_l("What I can help with"), coerce=str)
    availability = MultiCheckboxField(_l("When I am usually free"), coerce=str)
    intro = TextAreaField(_l("A short introduction"), render_kw={"maxlength": 300, "rows": 3,
                                                                 "placeholder": "退休电工，住镇海路，周末有空。"})

    def windows(self) -> list[tuple[int, time, time]]:
        """The ticked parts of the week ("5-am") as (weekday, from, until); unknown values are left out."""
        windows = []
        for value in self.availability.data or []:
            day, _sep, part = value.partition("-")
            if day.isdecimal() and part in DAY_PARTS:
                windows.append((int(day), DAY_PARTS[part][0], DAY_PARTS[part][1]))
        return windows

    def show_windows(self, slots) -> None:
        """Tick the parts of the week a profile's free times cover."""
        self.availability.data = [f"{slot.weekday}-{part}" for slot in slots
                                  for part, (starts, ends, _label) in DAY_PARTS.items()
                                  if slot.starts == starts and slot.ends == ends]


class OfferForm(FlaskForm):
    skill = SelectField(_l("Kind of help"), coerce=str, validate_choice=False)
    title = StringField(_l("What you offer"), render_kw={"maxlength": 80, "placeholder": "周六上午义务理发"})
    description = TextAreaField(_l("Details (optional)"), render_kw={"maxlength": 500, "rows": 3})


class GiftForm(OnceForm):
    for_user = ActingForField(_l("From whose hours"))
    to = SelectField(_l("Give to"), coerce=str, validate_choice=False)
    phone = StringField(_l("Or a neighbour's mobile number"), render_kw={"inputmode": "tel", "autocomplete": "off"})
    minutes = StringField(_l("Minutes"), render_kw=_numeric(placeholder="60"))
    note = StringField(_l("Note (optional)"), render_kw={"maxlength": 200})


class GrantForm(FlaskForm):
    phone = StringField(_l("Resident's mobile number"), render_kw={"inputmode": "tel", "autocomplete": "off"})
    person = HiddenField()
    minutes = StringField(_l("Minutes"), render_kw=_numeric())
    reason = StringField(_l("Reason"), render_kw={"maxlength": 300})


class SettingsForm(FlaskForm):
    starting_grant_hours = StringField(_l("Starting grant for a new member (hours)"), render_kw=_numeric())
    floor_hours = StringField(_l("Lowest balance allowed (hours, zero or below)"),
                              render_kw={"inputmode": "text", "autocomplete": "off"})
    ceiling_hours = StringField(_l("Highest balance (hours); the rest goes to the pool"), render_kw=_numeric())
    pool_paid_age = StringField(_l("From this age the pool pays for help"), render_kw=_numeric())

    NUMBERS = ("starting_grant_hours", "floor_hours", "ceiling_hours", "pool_paid_age")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in self.NUMBERS:
            try:
                int((self[name].data or "").strip())
            except ValueError:
                self[name].errors = [*self[name].errors, _l("Enter a whole number.")]
                valid = False
        return valid

    def numbers(self) -> dict[str, int]:
        return {name: int(self[name].data.strip()) for name in self.NUMBERS}

    def show(self, rules) -> None:
        """The community's current rules, in hours."""
        self.starting_grant_hours.data = str(rules.starting_grant_minutes // 60)
        self.floor_hours.data = str(rules.floor_minutes // 60)
        self.ceiling_hours.data = str(rules.ceiling_minutes // 60)
        self.pool_paid_age.data = str(rules.pool_paid_age)


class SkillForm(FlaskForm):
    name = StringField(_l("New skill"), render_kw={"maxlength": 30, "placeholder": "助浴"})
