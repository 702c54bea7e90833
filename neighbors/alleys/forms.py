"""Forms of the alley patrols: reports, fixes, rules, and staff settings."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectChoice, SelectField
from wtforms import StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import MultiCheckboxField, OnceForm
from .models import CATEGORY_LABELS, DEPARTMENT_LABELS, DEPARTMENTS, VOLUNTEER, MemberKind

# Form field names for each department's officer slots (HTML names stay ASCII).
DEPARTMENT_FIELDS = {"城管": "need_city", "市场监管": "need_market", "环卫": "need_sanitation"}
WEEKDAY_LABELS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday")]


def weekday_choices():
    return [SelectChoice(str(number), label) for number, label in enumerate(WEEKDAY_LABELS)]


def category_choices():
    return [SelectChoice(code, label) for code, label in CATEGORY_LABELS.items()]


def department_choices(blank: str | None = None):
    choices = [SelectChoice(dept, DEPARTMENT_LABELS[dept]) for dept in DEPARTMENTS]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


def kind_choices():
    return [SelectChoice(MemberKind.PATROLLER, _l("Patroller")), SelectChoice(MemberKind.OFFICER, _l("Officer"))]


class FindingForm(OnceForm):
    alley = SelectField(_l("Alley"), coerce=int, validators=[InputRequired(_l("Choose the alley."))])
    category = SelectField(_l("What kind of problem"), choices=category_choices,
                           validators=[InputRequired(_l("Choose a category from the list."))])
    description = TextAreaField(_l("What is wrong"), validators=[
        InputRequired(_l("Please fill this in.")), Length(max=1000)])
    place = StringField(_l("Where exactly (house number or landmark)"), validators=[
        InputRequired(_l("Please fill this in.")), Length(max=200)])
    photos = MultipleFileField(_l("Photos (1 to 3)"))
    new_anyway = BooleanField(_l("This is a different problem: report it as new"))
    held_photos = HiddenField()  # the signed reference to photos kept after a "possible duplicate" answer
    origin = HiddenField()  # the record the form was opened from (a visit at the door: visit:12)
    segment = SelectField(_l("Which stretch of the alley (if you know)"), coerce=int, validate_choice=False,
                          default=0)
    # filled by "use my position" (static/js/position.js) with the person's consent; empty without JavaScript
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    photo_position = BooleanField(_l("Use the position stored in my photo"))
    keep_far = BooleanField()  # the answer "keep it" to a position outside the community
    drop_position = BooleanField()  # the answer "send it without the position"


class SegmentForm(FlaskForm):
    name = StringField(_l("Name of the segment"), validators=[InputRequired(_l("Please fill this in.")),
                                                              Length(max=80)])
    landmarks = TextAreaField(_l("Landmarks"), validators=[Length(max=500)])


class SegmentOwnerForm(FlaskForm):
    department = SelectField(_l("Department"), choices=department_choices,
                             validators=[InputRequired(_l("Choose a department from the list."))])
    officer = SelectField(_l("Responsible officer"), coerce=int, validate_choice=False, default=0)
    deputy = SelectField(_l("Deputy"), coerce=int, validate_choice=False, default=0)


class AddToFindingForm(FlaskForm):
    note = TextAreaField(_l("What you saw"), validators=[InputRequired(_l("Please fill this in.")), Length(max=1000)])
    photos = MultipleFileField(_l("Photos (optional, up to 3)"))


class ResolveForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[InputRequired(_l("Please fill this in.")),
                                                          Length(max=1000)])
    photo = FileField(_l("Photo after the fix"))


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Why"), validators=[InputRequired(_l("Please fill this in.")), Length(max=1000)])


class DispatchForm(FlaskForm):
    department = SelectField(_l("Department"), choices=department_choices,
                             validators=[InputRequired(_l("Choose a department from the list."))])
    note = StringField(_l("Note for the department (optional)"), validators=[Optional(), Length(max=1000)])


class AssignForm(FlaskForm):
    # the service decides whom the secretary may assign (it says why), not the list of choices alone
    user = SelectField(_l("Member"), coerce=int, validate_choice=False,
                       validators=[InputRequired(_l("Choose a member."))])


class RuleForm(FlaskForm):
    weekdays = MultiCheckboxField(_l("Weekdays"), choices=weekday_choices)
    starts = TimeField(_l("Starts"), validators=[InputRequired(_l("Enter a start and an end time."))])
    ends = TimeField(_l("Ends"), validators=[InputRequired(_l("Enter a start and an end time."))])
    volunteers = IntegerField(_l("Volunteers and patrollers"), default=2,
                              validators=[Optional(), NumberRange(0, 20, _l("Enter a number of people from 0 to 20."))])
    need_city = IntegerField(DEPARTMENT_LABELS["城管"], default=0,
                             validators=[Optional(), NumberRange(0, 20, _l("Enter a number of people from 0 to 20."))])
    need_market = IntegerField(DEPARTMENT_LABELS["市场监管"], default=0,
                               validators=[Optional(), NumberRange(0, 20, _l("Enter a number of people from 0 to 20."))])
    need_sanitation = IntegerField(DEPARTMENT_LABELS["环卫"], default=0, validators=[
        Optional(), NumberRange(0, 20, _l("Enter a number of people from 0 to 20."))])
    skip_holidays = BooleanField(_l("No patrol on public holidays (and the extra days staff add)"), default=True)
    adjusted_workdays = BooleanField(_l("Also patrol on weekend working days (调休上班日)"), default=False)
    active = BooleanField(_l("Rule is in use"), default=True)

    def needs(self) -> dict[str, int]:
        needs = {VOLUNTEER: self.volunteers.data or 0}
        for department, name in DEPARTMENT_FIELDS.items():
            needs[department] = getattr(self, name).data or 0
        return needs


class AlleyForm(FlaskForm):
    name = StringField(_l("Name of the alley"), validators=[InputRequired(_l("Please fill this in.")), Length(max=80)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=1000)])
    landmarks = TextAreaField(_l("Stretches and landmarks (one a line)"), validators=[Optional(), Length(max=1000)])
    branch = SelectField(_l("Party branch"), coerce=int)


class BranchForm(FlaskForm):
    name = StringField(_l("Name of the branch"), validators=[InputRequired(_l("Please fill this in.")), Length(max=80)])
    secretary = SelectField(_l("Secretary"), coerce=int)


class MemberForm(FlaskForm):
    user = SelectField(_l("Person"), coerce=int, validators=[InputRequired(_l("Choose a person from this community."))])
    kind = RadioField(_l("Member as"), choices=kind_choices,
                      default=MemberKind.PATROLLER)
    department = SelectField(_l("Department (officers)"), choices=lambda: department_choices(_l("Not set")),
                             validators=[Optional()])


class HolidayForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(_l("Choose a day."))])
    name = StringField(_l("Name (e.g. 国庆节)"), validators=[Optional(), Length(max=50)])


class RouteRowForm(FlaskForm):
    category = HiddenField()
    department = SelectField(_l("Department"), choices=lambda: department_choices(_l("Not set")), validators=[Optional()])
    accept_minutes = IntegerField(_l("Accept within (minutes)"), validators=[
        Optional(), NumberRange(1, 7 * 24 * 60, _l("Enter a deadline in minutes, more than 0."))])
    resolve_minutes = IntegerField(_l("Fix within (minutes)"), validators=[
        Optional(), NumberRange(1, 30 * 24 * 60, _l("Enter a deadline in minutes, more than 0."))])
