"""The residents' kitchen pages (the operator's and staff's are in manage.py, on the same blueprint): each view
parses a form, calls one service and responds (303, page or fragment)."""
import uuid
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import accounts, appeals
from ..clock import local_today, utcnow
from ..database import committed_id
from ..errors import N_, DomainError, InvalidInput
from ..extensions import db
from ..forms import EmptyForm, acting_for_choices
from ..models import Role, User
from ..security import login_required, require_community, role_required
from ..urls import safe_next
from ..web import press, refuse, render, see_other, submit, succeeded, then
from . import services
from .forms import (
    FULFILMENT_CHOICES, PAYMENT_CHOICES, SAFE_CHOICES, SLOT_CHOICES, STATUS_CHOICES, WEEKDAY_CHOICES, FeedbackForm,
    OrderAgainForm, OrderForm, PauseForm, ProfileForm, ReasonForm, StandingOrderForm, WelfareStatusForm,
)
from .models import Feedback, Kitchen, Meal, MealOrder, StandingOrder
from .policy import can_cancel, may, policy

bp = Blueprint("kitchen", __name__, url_prefix="/kitchen")


def _labels():
    from flask_babel import lazy_gettext as _l

    return {
        "status": {"placed": _l("Ordered"), "cooking": _l("Cooking"), "out_for_delivery": _l("On its way"),
                   "delivered": _l("Delivered"), "picked_up": _l("Handed over"), "no_show": _l("Did not come"),
                   "no_answer": _l("Nobody answered"), "cancelled": _l("Cancelled")},
        "action": {"cooking": _l("Start cooking"), "out_for_delivery": _l("Out for delivery"),
                   "delivered": _l("Delivered"), "picked_up": _l("Handed over"), "no_show": _l("Did not come"),
                   "no_answer": _l("Nobody answered")},
        "slot": dict(SLOT_CHOICES), "fulfilment": dict(FULFILMENT_CHOICES), "payment": dict(PAYMENT_CHOICES),
        "weekday": dict(WEEKDAY_CHOICES), "safe": dict(SAFE_CHOICES), "welfare": dict(STATUS_CHOICES),
        "meal_state": {"open": _l("Taking orders"), "sold_out": _l("Sold out"), "closed": _l("Ordering closed"),
                       "cancelled": _l("Cancelled")},
    }


STATUS_TAGS = {"placed": "tag", "cooking": "tag", "out_for_delivery": "tag tag-warn", "delivered": "tag",
               "picked_up": "tag", "no_show": "tag tag-muted", "no_answer": "tag tag-bad", "cancelled": "tag tag-muted"}


@bp.context_processor
def kitchen_context():
    now = utcnow()
    today = local_today(now)
    return {"labels": _labels(), "status_tags": STATUS_TAGS, "describe_rule": services.describe_rule,
            "near_day": lambda day, in_sentence=False: services.near_day(day, today, in_sentence),
            "may": policy.for_templates(current_user), "now": now, "new_key": lambda: uuid.uuid4().hex,
            "diet_of": lambda user: services.profile_for(user).dietary_needs}


def _load(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    require_community(record.community_id)
    return record


def _act_for_choices(form_field, selected: str | None = None) -> None:
    people = accounts.people_i_can_act_for(current_user, include_id=selected or request.values.get("for_user"))
    if may(current_user, "oversee", current_user.community_id):
        people += [p for p in services.residents(current_user.community_id) if p.id not in {x.id for x in people}]
    form_field.choices = acting_for_choices(current_user, people)
    if selected and not form_field.raw_data:
        form_field.data = selected


def _fen(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


# --- resident pages ----------------------------------------------------------------------

@bp.get("/")
@login_required
def menu():
    now = utcnow()
    meals = services.upcoming_meals(current_user.community_id, now)
    days: dict[date, list[Meal]] = {}
    for meal in meals:
        days.setdefault(meal.served_on, []).append(meal)
    upcoming = services.orders_for(current_user, limit=20, coming_from=local_today(now))
    acting_for = None  # staff or a carer arriving with ?for_user=: the meal links keep that person chosen
    wanted = request.args.get("for_user", "")
    if wanted.isdecimal() and int(wanted) != current_user.id:
        acting_for = next((p for p in accounts.people_i_can_act_for(current_user, include_id=wanted)
                           if p.id == int(wanted)), None)
    runs = services.kitchens_run_by(current_user) if may(current_user, "run_kitchens") else []
    origin = request.args.get("origin", "")[:30] if acting_for else ""  # a visit's need: the meal links keep it
    return render("kitchen/menu.html", days=days, upcoming=upcoming, acting_for=acting_for, runs=runs,
                  origin=origin or None)


def _ordered_for(form: OrderForm) -> User:
    """The person the form is set to order for (the price shown is theirs); oneself when unsure."""
    try:
        return accounts.resolve_for_user(current_user, form.for_user.data or request.args.get("for_user"))
    except DomainError:
        return current_user


def _meal_context(meal: Meal, form: OrderForm | None = None, **extra) -> dict:
    if form is None:
        form = OrderForm()
        _act_for_choices(form.for_user, request.args.get("for_user"))
        form.origin.data = request.args.get("origin", "")[:30]
    meal = db.session.get(Meal, meal.id)
    return {"meal": meal, "form": form, "rating": services.kitchen_rating(meal.kitchen),
            "pay": services.price_for(meal, _ordered_for(form)), **extra}


@bp.get("/meals/<int:meal_id>")
@login_required
def meal(meal_id: int):
    """The meal and its order form; with htmx (the person chosen changed) only what that person pays."""
    return render("kitchen/meal.html", partial="kitchen/_you_pay.html", **_meal_context(_load(Meal, meal_id)))


@bp.post("/meals/<int:meal_id>/order")
@login_required
def place_order(meal_id: int):
    meal = _load(Meal, meal_id)
    form = OrderForm()
    _act_for_choices(form.for_user)
    if not form.validate_on_submit():
        return render("kitchen/meal.html", status=422, **_meal_context(meal, form))
    try:
        resident = accounts.resolve_for_user(current_user, form.for_user.data)
        order = services.place_order(current_user, meal.id, resident, form.quantity.data, form.fulfilment.data,
                                     form.address.data, form.note.data, form.clean_submission_key(), utcnow(),
                                     also=bool(form.also.data), origin=form.origin.data or "")
    except services.AlreadyOrdered as error:  # a second order of the meal for her: ask before making it
        return render("kitchen/order_twice.html", status=error.status, meal=meal, form=form, existing=error.orders,
                      pay=services.price_for(meal, error.orders[0].resident))
    except DomainError as error:
        return refuse(error, form=form, template="kitchen/meal.html",
                      context=lambda: _meal_context(meal, form, page_error=error.message))
    return succeeded(_("Your order is placed."), "kitchen.order_page", order_id=committed_id(order))


def _visible_order(order_id: int) -> MealOrder:
    order = _load(MealOrder, order_id)
    if not may(current_user, "see_order", order):
        abort(404)
    return order


@bp.get("/orders/")
@login_required
def orders():
    now = utcnow()
    mine = services.orders_for(current_user)
    newest = {}  # each person's newest order offers "order again", for the next meal that person does not have
    for order in mine:
        newest.setdefault(order.resident_id, order)
    again = {order.id: services.next_meal_without(order.resident, now) for order in newest.values()}
    return render("kitchen/orders.html", orders=mine, again=again, form=OrderAgainForm(), cancel_form=EmptyForm())


def _order_context(order_id: int, feedback_form: FeedbackForm | None = None, **extra) -> dict:
    now = utcnow()
    order = db.session.get(MealOrder, order_id)
    feedback = services.feedback_for_order(order)
    may_appeal = feedback is not None and may(current_user, "appeal_feedback", feedback)
    return {"order": order, "now": now, "form": EmptyForm(), "feedback": feedback, "may_appeal": may_appeal,
            "appeal": appeals.latest_appeal(feedback.community_id, "kitchen.feedback", feedback.id)
            if may_appeal else None, "feedback_form": feedback_form or FeedbackForm(),
            "can_cancel": can_cancel(current_user, order, now),
            "can_rate": feedback is None and may(current_user, "leave_feedback", order), **extra}


@bp.get("/orders/<int:order_id>")
@login_required
def order_page(order_id: int):
    return render("kitchen/order.html", **_order_context(_visible_order(order_id).id))


@bp.get("/orders/<int:order_id>/status")
@login_required
def order_status(order_id: int):
    """The live status fragment the order page polls."""
    return render("kitchen/_order_status.html", order=_visible_order(order_id))


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel_order(order_id: int):
    order = _visible_order(order_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next"), url_for("kitchen.order_page", order_id=order.id))
    try:
        services.cancel_order(current_user, order.id, utcnow())
    except DomainError as error:
        return refuse(error, template="kitchen/order.html", context=lambda: _order_context(order_id))
    flash(_("The order is cancelled."), "success")
    return redirect(back, 303)


@bp.post("/orders/<int:order_id>/again")
@login_required
def order_again(order_id: int):
    previous = _visible_order(order_id)
    form = OrderAgainForm()
    back = url_for("kitchen.orders")
    if not form.validate_on_submit() or not form.meal_id.data:
        return refuse(InvalidInput(N_("Choose a meal.")), redirect_to=back)
    try:
        order = services.order_again(current_user, previous.id, form.meal_id.data, form.clean_submission_key(),
                                     utcnow())
    except DomainError as error:  # e.g. the operator, who sees the order but does not act for its resident: 403
        return refuse(error, redirect_to=back)
    return succeeded(_("Your order is placed."), "kitchen.order_page", order_id=committed_id(order))


@bp.post("/orders/<int:order_id>/feedback")
@login_required
def leave_feedback(order_id: int):
    order = _visible_order(order_id)
    form = FeedbackForm()
    return submit(form, lambda: services.leave_feedback(current_user, order.id, int(form.rating.data),
                                                        form.comment.data, utcnow()),
                  done=then(_("Thank you for your rating."), "kitchen.order_page", order_id=order.id),
                  template="kitchen/order.html", form_name="feedback_form",
                  context=lambda: _order_context(order_id, form))


@bp.get("/kitchens/<int:kitchen_id>")
@login_required
def kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    today = local_today()
    return render("kitchen/kitchen.html", kitchen=kitchen, rating=services.kitchen_rating(kitchen),
                  comments=services.recent_feedback(kitchen, include_hidden=may(current_user, "moderate_feedback",
                                                                                kitchen)),
                  meals=services.kitchen_meals(kitchen, today, today + timedelta(days=7)),
                  form=EmptyForm(), hide_form=ReasonForm())


@bp.post("/feedback/<int:feedback_id>/hide")
@role_required(Role.STAFF)
def hide_feedback(feedback_id: int):
    feedback = _load(Feedback, feedback_id)
    form = ReasonForm()
    return press(form, lambda: services.hide_feedback(current_user, feedback.id, form.reason.data, utcnow()),
                 success=_("The comment is hidden."), back=url_for("kitchen.kitchen", kitchen_id=feedback.kitchen_id),
                 invalid=_("Say why the comment is hidden."))


@bp.post("/feedback/<int:feedback_id>/acknowledge")
@role_required(Role.STAFF)
def acknowledge_feedback(feedback_id: int):
    feedback = _load(Feedback, feedback_id)
    if EmptyForm().validate_on_submit():
        try:
            services.acknowledge_feedback(current_user, feedback.id, utcnow())
        except DomainError as error:
            return refuse(error, redirect_to=url_for("kitchen.kitchen", kitchen_id=feedback.kitchen_id))
    return see_other("kitchen.kitchen", kitchen_id=feedback.kitchen_id)


# --- standing orders and profiles --------------------------------------------------------

def _own_standing(standing_id: int) -> StandingOrder:
    """Another resident's standing order looks like nothing is there, as their orders do."""
    standing = _load(StandingOrder, standing_id)
    if not may(current_user, "act_for", standing.resident):
        abort(404)
    return standing


def _standing_context(form: StandingOrderForm | None = None) -> dict:
    if form is None:
        form = StandingOrderForm()
        _act_for_choices(form.for_user, request.args.get("for_user"))
        form.origin.data = request.args.get("origin", "")[:30]
    form.kitchen_id.choices = [(k.id, k.name) for k in services.kitchens(current_user.community_id)
                               if not k.suspended]
    standing = services.standing_orders_for(current_user)
    return {"form": form, "standing": standing, "skipped": services.skipped_meals(standing, utcnow()),
            "pause_form": PauseForm(), "end_form": EmptyForm()}


@bp.get("/standing/")
@login_required
def standing():
    return render("kitchen/standing.html", **_standing_context())


@bp.post("/standing/")
@login_required
def create_standing():
    form = StandingOrderForm()
    _act_for_choices(form.for_user)
    form.kitchen_id.choices = [(k.id, k.name) for k in services.kitchens(current_user.community_id)]

    def create():
        resident = accounts.resolve_for_user(current_user, form.for_user.data)
        return services.create_standing_order(current_user, resident, form.kitchen_id.data, form.weekdays.data,
                                              form.slot.data, form.fulfilment.data, form.quantity.data,
                                              form.address.data, form.note.data, utcnow(),
                                              origin=form.origin.data or "")

    return submit(form, create,
                  done=then(_("The standing order is set. Matching meals will be ordered automatically."),
                             "kitchen.standing"),
                  template="kitchen/standing.html", context=lambda: _standing_context(form))


@bp.post("/standing/<int:standing_id>/pause")
@login_required
def pause_standing(standing_id: int):
    standing = _own_standing(standing_id)
    form = PauseForm()
    return press(form, lambda: services.pause_standing_order(current_user, standing.id, form.from_day.data,
                                                             form.to_day.data, utcnow()),
                 success=_("Paused for those days."), back=url_for("kitchen.standing"), invalid=_("Enter both days."))


@bp.post("/standing/<int:standing_id>/end")
@login_required
def end_standing(standing_id: int):
    standing = _own_standing(standing_id)
    return press(EmptyForm(), lambda: services.end_standing_order(current_user, standing.id, utcnow()),
                 success=_("The standing order has ended."), back=url_for("kitchen.standing"))


def _profile_context(resident: User, form: ProfileForm | None = None, status_form=None) -> dict:
    profile = services.profile_for(resident)
    return {"resident": resident, "profile": profile, "form": form or ProfileForm(obj=profile),
            "status_form": status_form or WelfareStatusForm(welfare_status=profile.welfare_status),
            "people": accounts.people_i_can_act_for(current_user)}


def _resident(user_id: int) -> User:
    resident = _load(User, user_id)
    if not may(current_user, "act_for", resident):
        abort(404)
    return resident


@bp.get("/profile/")
@login_required
def my_profile():
    return see_other("kitchen.profile", user_id=current_user.id)


@bp.route("/profile/<int:user_id>", methods=["GET", "POST"])
@login_required
def profile(user_id: int):
    resident = _resident(user_id)
    if request.method == "GET":
        return render("kitchen/profile.html", **_profile_context(resident))
    form = ProfileForm()
    return submit(form, lambda: services.update_profile(current_user, resident, form.dietary_needs.data,
                                                        form.emergency_name.data, form.emergency_phone.data,
                                                        utcnow()),
                  done=then(_("Saved."), "kitchen.profile", user_id=resident.id),
                  template="kitchen/profile.html", context=lambda: _profile_context(resident, form))


@bp.post("/profile/<int:user_id>/status")
@role_required(Role.STAFF)
def welfare_status(user_id: int):
    resident = _resident(user_id)
    form = WelfareStatusForm()
    return submit(form, lambda: services.set_welfare_status(current_user, resident, form.welfare_status.data,
                                                            utcnow()),
                  done=then(_("Saved."), "kitchen.profile", user_id=resident.id),
                  template="kitchen/profile.html", form_name="status_form",
                  context=lambda: _profile_context(resident, status_form=form))

