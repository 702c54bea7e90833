"""The kitchen's forms. Fields parse input; the rules live in the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, DateTimeLocalField, DecimalField, HiddenField, IntegerField, RadioField, SelectField,
    StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..forms import ActingForField, MultiCheckboxField, OnceForm

FULFILMENT_CHOICES = [("dine_in", _l("Eat at the kitchen")), ("pickup", _l("Pick up")),
                      ("delivery", _l("Deliver to my door"))]
SLOT_CHOICES = [("lunch", _l("Lunch")), ("dinner", _l("Dinner"))]
PAYMENT_CHOICES = [("cash", _l("Cash")), ("wechat", _l("WeChat Pay")), ("alipay", _l("Alipay")),
                   ("other", _l("Other"))]
WEEKDAY_CHOICES = [("0", _l("Mon")), ("1", _l("Tue")), ("2", _l("Wed")), ("3", _l("Thu")), ("4", _l("Fri")),
                   ("5", _l("Sat")), ("6", _l("Sun"))]
SAFE_CHOICES = [("seen", _l("Saw them in person")), ("phoned", _l("Spoke on the phone")),
                ("family", _l("Family confirmed")), ("other", _l("Other (say how)"))]
STATUS_CHOICES = [("", _l("None")), ("dibao", _l("Minimum living allowance (低保)")),
                  ("tekun", _l("Extreme hardship support (特困)"))]
POLICY_CHOICES = [("xiamen", _l("Xiamen rule: ¥3 off for 65 and over")), ("tiers", _l("Our community's tiers"))]
REQUIRED = _l("This field is required.")


class OrderForm(OnceForm):
    quantity = IntegerField(_l("Portions"), default=1,
                            validators=[InputRequired(REQUIRED), NumberRange(1, 3, _l("Order 1 to 3 portions."))])
    fulfilment = RadioField(_l("How do you get it?"), choices=lambda: FULFILMENT_CHOICES, default="dine_in",
                            validators=[InputRequired(_l("Choose how to get the meal."))])
    address = StringField(_l("Delivery address"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note for the kitchen"), validators=[Optional(), Length(max=100)])
    for_user = ActingForField()
    also = BooleanField()  # "yes, a second order": sent by the page that said she already has this meal
    origin = HiddenField()  # the record the form was opened from (a visit at the door: visit:12)


class OrderAgainForm(OnceForm):
    meal_id = SelectField(_l("Which meal?"), coerce=int, validate_choice=False)


class CancelForm(FlaskForm):
    pass


class AdvanceForm(FlaskForm):
    to_status = StringField(validators=[InputRequired()])
    payment_method = SelectField(_l("Paid by"), choices=lambda: PAYMENT_CHOICES, validate_choice=False)  # no default


class FeedbackForm(FlaskForm):
    rating = RadioField(_l("Your rating"), choices=lambda: [(str(n), str(n)) for n in range(5, 0, -1)],
                        validators=[InputRequired(_l("Choose 1 to 5 stars."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=300)])


class MealForm(FlaskForm):
    kitchen_id = SelectField(_l("Kitchen"), coerce=int, validate_choice=False)
    served_on = DateField(_l("Day"), validators=[InputRequired(_l("Enter a date."))])
    slot = SelectField(_l("Meal"), choices=lambda: SLOT_CHOICES, default="lunch")
    meat = StringField(_l("Meat dish"), validators=[InputRequired(REQUIRED), Length(max=50)])
    vegetable = StringField(_l("Vegetable dish"), validators=[InputRequired(REQUIRED), Length(max=50)])
    soup = StringField(_l("Soup"), validators=[InputRequired(REQUIRED), Length(max=50)])
    capacity = IntegerField(_l("Portions available"), default=30,
                            validators=[InputRequired(REQUIRED), NumberRange(1, 500, _l("Enter between 1 and 500."))])
    order_deadline = DateTimeLocalField(_l("Order deadline"), format="%Y-%m-%dT%H:%M", validators=[Optional()])


class CapacityForm(FlaskForm):
    capacity = IntegerField(_l("Portions available"), validators=[InputRequired(REQUIRED), NumberRange(1, 500)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class StandingOrderForm(FlaskForm):
    for_user = ActingForField()
    kitchen_id = SelectField(_l("Kitchen"), coerce=int, validate_choice=False)
    weekdays = MultiCheckboxField(_l("Days"), choices=lambda: WEEKDAY_CHOICES, default=["0", "1", "2", "3", "4"])
    slot = SelectField(_l("Meal"), choices=lambda: SLOT_CHOICES, default="lunch")
    fulfilment = RadioField(_l("How do you get it?"), choices=lambda: FULFILMENT_CHOICES, default="delivery",
                            validators=[InputRequired(_l("Choose how to get the meal."))])
    quantity = IntegerField(_l("Portions"), default=1,
                            validators=[InputRequired(REQUIRED), NumberRange(1, 3, _l("Order 1 to 3 portions."))])
    address = StringField(_l("Delivery address"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note for the kitchen"), validators=[Optional(), Length(max=100)])
    origin = HiddenField()  # the record the form was opened from (a visit at the door: visit:12)


class PauseForm(FlaskForm):
    from_day = DateField(_l("First day"), validators=[InputRequired(_l("Enter a date."))])
    to_day = DateField(_l("Until (inclusive)"), validators=[InputRequired(_l("Enter a date."))])


class ProfileForm(FlaskForm):
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=200)])
    emergency_name = StringField(_l("Emergency contact: name"), validators=[Optional(), Length(max=50)])
    emergency_phone = StringField(_l("Emergency contact: phone"), validators=[Optional(), Length(max=20)])


class WelfareStatusForm(FlaskForm):
    welfare_status = SelectField(_l("Welfare status (set by staff)"), choices=lambda: STATUS_CHOICES)


class KitchenForm(FlaskForm):
    name = StringField(_l("Kitchen name"), validators=[InputRequired(REQUIRED), Length(max=50)])
    address = StringField(_l("Address"), validators=[InputRequired(REQUIRED), Length(max=200)])
    opening_hours = StringField(_l("Opening hours"), validators=[Optional(), Length(max=100)])
    delivers = BooleanField(_l("Delivers to homes"))
    buildings = MultiCheckboxField(_l("Delivers to these buildings (none ticked: all)"), coerce=int,
                                   validate_choice=False)
    operators = MultiCheckboxField(_l("Operators"), coerce=int, validate_choice=False)


class SafeForm(FlaskForm):
    how = RadioField(_l("How do you know?"), choices=lambda: SAFE_CHOICES, validators=[InputRequired(REQUIRED)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class SettingsForm(FlaskForm):
    standard_price = DecimalField(_l("Standard meal price (¥)"), places=2,
                                  validators=[InputRequired(REQUIRED), NumberRange(1, 100)])
    policy = RadioField(_l("Subsidy rule"), choices=lambda: POLICY_CHOICES, validators=[InputRequired(REQUIRED)])
    min_meal = DecimalField(_l("Only meals of at least (¥)"), places=2,
                            validators=[InputRequired(REQUIRED), NumberRange(0, 100)])
    once_a_day = BooleanField(_l("At most one subsidised meal a day"))


class TierForm(FlaskForm):
    label = StringField(_l("Tier name"), validators=[InputRequired(REQUIRED), Length(max=50)])
    status = SelectField(_l("Welfare status"), choices=lambda: STATUS_CHOICES)
    min_age = IntegerField(_l("From age"), validators=[Optional(), NumberRange(0, 120)])
    max_age = IntegerField(_l("To age (inclusive)"), validators=[Optional(), NumberRange(0, 120)])
    subsidy = DecimalField(_l("Subsidy per meal (¥)"), places=2, validators=[InputRequired(REQUIRED),
                                                                           NumberRange(0.01, 100)])
