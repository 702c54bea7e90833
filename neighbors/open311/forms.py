"""Forms of staff's page for the Open311 interface. They parse; the services decide what is allowed."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField


class KeyForm(FlaskForm):
    name = StringField(_l("Partner system (e.g. 12345 hotline)"))


class SettingsForm(FlaskForm):
    code = StringField(_l("Code for partner systems (jurisdiction_id)"))
    publishes = BooleanField(_l("Publish our cases: anyone may read them without a key"))
