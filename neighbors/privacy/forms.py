from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("The person (or their guardian) asked for this, and I checked who they are. Erase for good."),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))])
