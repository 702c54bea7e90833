"""Form pieces shared by every module."""
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget



class _HiddenWithoutId(HiddenInput):
    """Pages often carry several forms; one shared id would repeat, and htmx settles elements
    that share an id across a swap (which our CSP forbids). The token needs no id."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", False)
        return super().__call__(field, **kwargs)


CSRFTokenField.widget = _HiddenWithoutId()


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (days of the week, buildings). A value that is not offered is refused
    with our own sentence: WTForms' built-in one has no Chinese translation."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        offered = {str(value) for value, *_ in self.iter_choices()} if self.choices is not None else None
        if self.validate_choice and offered is not None and any(str(v) not in offered for v in self.data or ()):
            raise ValidationError(_l("Choose only from the options shown."))


class EmptyForm(FlaskForm):
    """For buttons that only POST: it carries the CSRF token and nothing else."""


class OnceForm(FlaskForm):
    """A form whose submission key makes a double tap or a retried POST create one record.

    The key is made when the form is shown; the service stores it under a unique constraint.
    """

    submission_key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = uuid.uuid4().hex

    def clean_submission_key(self) -> str:
        value = (self.submission_key.data or "").strip()
        if len(value) != 32 or any(c not in "0123456789abcdef" for c in value):
            return uuid.uuid4().hex
        return value


class ActingForField(SelectField):
    """Choose whom a form acts for: oneself or a resident one cares for."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label or _l("For whom"), coerce=str, validate_choice=False, **kwargs)


def acting_for_choices(actor, people) -> list[tuple[str, str]]:
    from flask_babel import gettext

    return [(str(person.id), gettext("Myself") if person.id == actor.id else person.name) for person in people]

