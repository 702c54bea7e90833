"""Forms of staff's page for the Open311 interface. They parse; the services decide what is allowed."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, StringField

from ..forms import MultiCheckboxField


class KeyForm(FlaskForm):
    name = StringField(_l("Partner system (e.g. 12345 hotline)"))


class SettingsForm(FlaskForm):
    code = StringField(_l("Code for partner systems (jurisdiction_id)"))
    publishes = BooleanField(_l("Publish our cases: anyone may read them without a key"))


# the events a partner may subscribe to (neighbors/events.EVENTS), as staff read them
EVENT_LABELS = {
    "finding.dispatched": _l("A case was dispatched to a department"),
    "finding.accepted": _l("A department accepted a case"),
    "finding.resolved": _l("A case was fixed"),
    "finding.verified": _l("A fix was checked on the spot"),
    "finding.reopened": _l("A case was reopened"),
    "help_request.opened": _l("A help request was opened"),
}


class WebhookForm(FlaskForm):
    url = StringField(_l("Partner's address (http:// or https://)"))
    events = MultiCheckboxField(_l("Tell it when"), choices=lambda: [SelectChoice(event, label)
                                                                     for event, label in EVENT_LABELS.items()])
