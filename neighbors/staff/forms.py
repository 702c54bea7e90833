from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import EmptyForm
from ..models import Role
from ..templating import role_label
from .policy import policy
from .services import action_label


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a building of this community: the service says so on the field


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name, phone or address"), validators=[Optional(), Length(max=50)],
                    render_kw={"type": "search", "autocomplete": "off"})
    community = HiddenField()


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False, validators=[DataRequired(_l("Choose a role from the list."))])
    department = StringField(_l("Department (officers only)"), validators=[Optional(), Length(max=50)],
                             render_kw={"list": "departments", "autocomplete": "off"})

    def set_choices(self, actor, held: set[str]) -> None:
        """The roles the person does not hold yet and the actor may grant."""
        roles = [r for r in Role if r.value not in held and policy.may(actor, "grant_role", r)]
        self.role.choices = [("", _l("Choose…"))] + [(r.value, role_label(r.value)) for r in roles]


class RoleForm(EmptyForm):
    """Revoke a role, or verify a volunteer: the role travels in the URL, the form carries CSRF."""


class LinkCarerForm(FlaskForm):
    carer = StringField(_l("Carer's mobile number"),
                        validators=[DataRequired(_l("Enter the carer's mobile number.")), Length(max=30)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    relation = StringField(_l("Relation (e.g. daughter, neighbour)"), validators=[Optional(), Length(max=30)])


class ResidentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=50)])
    birth_date = DateField(_l("Birth date"), validators=[Optional()],
                           render_kw={"min": "1900-01-01"})
    building = SelectField(_l("Building"), coerce=_optional_int, validate_choice=False)
    unit = StringField(_l("Unit and room (e.g. 2单元301室)"), validators=[Optional(), Length(max=50)])
    needs_care = BooleanField(_l("Needs care (lives alone, frail, or ill)"))

    def set_buildings(self, buildings) -> None:
        self.building.choices = [("", _l("Not known"))] + [(b.id, b.name) for b in buildings]

    def details(self) -> dict:
        """The resident as the register and update services take them."""
        return {"name": self.name.data, "birth_date": self.birth_date.data, "building_id": self.building.data,
                "unit": self.unit.data or "", "needs_care": self.needs_care.data}

    def fill_from(self, resident) -> None:
        self.name.data = resident.name
        self.birth_date.data = resident.birth_date
        self.building.data = resident.building_id
        self.unit.data = resident.unit
        self.needs_care.data = resident.needs_care


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    who = StringField(_l("Person (name or phone)"), validators=[Optional(), Length(max=50)])
    action = SelectField(_l("Kind of act"), validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def set_actions(self, actions: list[str]) -> None:
        """The kinds of act found in the log, by their names."""
        self.action.choices = [("", _l("All kinds"))] + [(code, action_label(code)) for code in actions]
