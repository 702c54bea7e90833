"""Forms of the registers' pages. They parse; the services decide what is allowed."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, StringField
from wtforms.validators import NumberRange, Optional

from ..forms import OnceForm
from .models import KIND_FIELDS, Kind
from .services import Details

KIND_LABELS = {Kind.MEETING: _l("Meeting"), Kind.DOCUMENT: _l("Document"), Kind.INSPECTION: _l("Inspection or check")}
BODY_LABELS = {Kind.MEETING: _l("Called by"), Kind.DOCUMENT: _l("Sent by"), Kind.INSPECTION: _l("Checked by")}
NUMBER = {"inputmode": "numeric", "min": 0}


class EntryForm(OnceForm):
    kind = HiddenField()
    day = DateField(_l("Date"), validators=[Optional()])
    body = StringField(_l("Called by"), render_kw={"maxlength": 60, "list": "bodies", "autocomplete": "off"})
    minutes = IntegerField(_l("Minutes it took"), validators=[Optional(), NumberRange(0, 1440)],
                           render_kw={**NUMBER, "max": 1440, "step": 5})
    staff_count = IntegerField(_l("How many of our staff went"), validators=[Optional(), NumberRange(0, 9999)],
                               render_kw=NUMBER)
    online = BooleanField(_l("Held online (video meeting)"))
    merged = BooleanField(_l("Merged with another"))
    proxy = BooleanField(_l("Attended on someone's behalf"))
    pages = IntegerField(_l("Pages"), validators=[Optional(), NumberRange(0, 9999)], render_kw=NUMBER)
    needs_reply = BooleanField(_l("Asks for a reply"))
    has_form = BooleanField(_l("Has a form to fill"))
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    items = IntegerField(_l("Items checked"), validators=[Optional(), NumberRange(0, 9999)], render_kw=NUMBER)
    prep_hours = DecimalField(_l("Hours we spent preparing"), places=1, validators=[Optional(), NumberRange(0, 100)],
                              render_kw={"inputmode": "decimal", "min": 0, "max": 100, "step": "0.5"})
    note = StringField(_l("Note (optional)"), render_kw={"maxlength": 200})

    def set_kind(self, kind: str) -> None:
        self.kind.data = kind
        self.body.label.text = str(BODY_LABELS.get(Kind(kind), BODY_LABELS[Kind.MEETING])) if kind in set(Kind) \
            else self.body.label.text

    def shown(self) -> list:
        """The fields of this form's kind, in the order the form asks them."""
        names = KIND_FIELDS.get(Kind(self.kind.data), ()) if self.kind.data in set(Kind) else ()
        return [self["prep_hours" if name == "prep_minutes" else name] for name in names]

    def details(self) -> Details:
        hours = self.prep_hours.data
        return Details(kind=self.kind.data or "", day=self.day.data, body=self.body.data or "",
                       minutes=self.minutes.data, staff_count=self.staff_count.data, online=self.online.data,
                       merged=self.merged.data, proxy=self.proxy.data, pages=self.pages.data,
                       needs_reply=self.needs_reply.data, has_form=self.has_form.data, deadline=self.deadline.data,
                       items=self.items.data, prep_minutes=int(hours * 60) if hours is not None else 0,
                       note=self.note.data or "")


def entry_form(kind: str, today, details: Details | None = None, posted: bool = False) -> EntryForm:
    """The form as sent (`posted`), or a new entry's (today, one staff member), or a correction's (the entry)."""
    if posted:
        form = EntryForm()
    elif details is None:
        form = EntryForm(formdata=None, day=today, staff_count=1)
    else:
        form = EntryForm(formdata=None, obj=details,
                         prep_hours=Decimal(details.prep_minutes) / 60 if details.prep_minutes else None)
    form.set_kind(kind)
    return form


class RefuseForm(FlaskForm):
    duplicate_of = IntegerField(_l("It repeats entry number (optional)"), validators=[Optional(), NumberRange(1)],
                                render_kw=NUMBER)
