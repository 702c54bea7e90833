from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class LoginForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Enter your mobile number.")), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Enter your mobile number.")), Length(max=30)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=50)],
                       render_kw={"autocomplete": "name"})
    password = PasswordField(_l("Password (at least 8 characters)"),
                             validators=[DataRequired(_l("Enter a password.")), Length(max=128)],
                             render_kw={"autocomplete": "new-password"})
    community = SelectField(_l("Community"), coerce=int, validate_choice=False,
                            validators=[DataRequired(_l("Choose your community from the list.")),
                                        # an id past the database's integer range would fail the query, not the form
                                        NumberRange(1, 2**31 - 1, _l("Choose your community from the list."))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your password."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password (at least 8 characters)"),
                                 validators=[DataRequired(_l("Enter a password.")), Length(max=128)],
                                 render_kw={"autocomplete": "new-password"})


class SecondFactorForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(_l("Type the code.")), Length(max=30)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True})


class EnrolSecondFactorForm(FlaskForm):
    code = StringField(_l("The 6 digits your app shows"),
                       validators=[DataRequired(_l("Type the code.")), Length(max=30)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
