"""Kitchen pages: each view parses a form, calls one service and responds (303, page or fragment)."""
import uuid
from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import accounts, appeals
from ..clock import LOCAL_TZ, local_today, utcnow
from ..database import committed_id
from ..errors import DomainError, NotAllowed, NotFound
from ..extensions import db, htmx
from ..forms import EmptyForm, acting_for_choices, show_error
from ..models import User
from ..security import login_required, require_community, role_required
from ..urls import safe_next
from . import services
from .forms import (
    PAYMENT_CHOICES, SAFE_CHOICES, STATUS_CHOICES, WEEKDAY_CHOICES, AdvanceForm, CapacityForm, FeedbackForm,
    KitchenForm, MealForm, OrderAgainForm, OrderForm, PauseForm, ProfileForm, ReasonForm, SafeForm, SettingsForm,
    StandingOrderForm, TierForm, WelfareStatusForm, FULFILMENT_CHOICES, SLOT_CHOICES,
)
from .models import Feedback, Kitchen, Meal, MealOrder, OrderStatus, StandingOrder, SubsidyTier, WelfareCheck

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
    return {"labels": _labels(), "status_tags": STATUS_TAGS, "describe_rule": services.describe_rule,
            "can_operate": lambda kitchen: services.can_operate(current_user, kitchen),
            "is_staff": current_user.is_authenticated and current_user.is_staff_of(current_user.community_id),
            "now": utcnow(), "new_key": lambda: uuid.uuid4().hex,
            "diet_of": lambda user: services.profile_for(user).dietary_needs}


def _respond(template: str, status: int = 200, partial: str | None = None, **context):
    """The full page, or its fragment for a targeted htmx request."""
    if partial and htmx and not htmx.boosted:
        return render_template(partial, **context), status
    return render_template(template, **context), status


def _refused(error: DomainError) -> None:
    if isinstance(error, NotFound):
        abort(404)
    if isinstance(error, NotAllowed) and not error.field:
        abort(403)


def _load(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    require_community(record.community_id)
    return record


def _act_for_choices(form_field, selected: str | None = None) -> None:
    people = accounts.people_i_can_act_for(current_user, include_id=selected or request.values.get("for_user"))
    if current_user.is_staff_of(current_user.community_id):
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
    return render_template("kitchen/menu.html", days=days, upcoming=upcoming, acting_for=acting_for,
                           runs=services.kitchens_run_by(current_user) if current_user.has_role("kitchen", "staff",
                                                                                                "admin") else [])


def _meal_page(meal: Meal, form: OrderForm | None = None, status: int = 200, error: str | None = None):
    if form is None:
        form = OrderForm()
        _act_for_choices(form.for_user, request.args.get("for_user"))
    return render_template("kitchen/meal.html", meal=meal, form=form, error=error,
                           rating=services.kitchen_rating(meal.kitchen)), status


@bp.get("/meals/<int:meal_id>")
@login_required
def meal(meal_id: int):
    return _meal_page(_load(Meal, meal_id))


@bp.post("/meals/<int:meal_id>/order")
@login_required
def place_order(meal_id: int):
    meal = _load(Meal, meal_id)
    form = OrderForm()
    _act_for_choices(form.for_user)
    if not form.validate_on_submit():
        return _meal_page(meal, form, 422)
    try:
        resident = accounts.resolve_for_user(current_user, form.for_user.data)
        order = services.place_order(current_user, meal.id, resident, form.quantity.data, form.fulfilment.data,
                                     form.address.data, form.note.data, form.clean_submission_key(), utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _meal_page(meal, form, error.status, error=error.message)
    flash(_("Your order is placed."), "success")
    return redirect(url_for("kitchen.order", order_id=committed_id(order)), 303)


def _visible_order(order_id: int) -> MealOrder:
    order = _load(MealOrder, order_id)
    if not (accounts.can_act_for(current_user, order.resident) or services.can_operate(current_user,
                                                                                        order.meal.kitchen)):
        abort(404)
    return order


@bp.get("/orders/")
@login_required
def orders():
    now = utcnow()
    mine = services.orders_for(current_user)
    open_meals = [m for m in services.upcoming_meals(current_user.community_id, now) if m.state(now) == "open"]
    return render_template("kitchen/orders.html", orders=mine, open_meals=open_meals, form=OrderAgainForm(),
                           cancel_form=EmptyForm())


@bp.get("/orders/<int:order_id>")
@login_required
def order(order_id: int):
    order = _visible_order(order_id)
    return _order_page(order)


def _order_page(order: MealOrder, status: int = 200, feedback_form: FeedbackForm | None = None,
                error: str | None = None):
    now = utcnow()
    feedback = services.feedback_for_order(order)
    may_appeal = feedback is not None and feedback.hidden_at is not None and feedback.resident_id == current_user.id
    return render_template("kitchen/order.html", order=order, now=now, form=EmptyForm(),
                           feedback=feedback, may_appeal=may_appeal,
                           appeal=appeals.latest_appeal(feedback.community_id, "kitchen.feedback", feedback.id)
                           if may_appeal else None, feedback_form=feedback_form or FeedbackForm(), error=error,
                           can_cancel=services.can_cancel(current_user, order, now),
                           can_rate=order.status in ("delivered", "picked_up") and feedback is None
                           and accounts.can_act_for(current_user, order.resident)), status


@bp.get("/orders/<int:order_id>/status")
@login_required
def order_status(order_id: int):
    """The live status fragment the order page polls."""
    order = _visible_order(order_id)
    return render_template("kitchen/_order_status.html", order=order)


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel_order(order_id: int):
    order = _visible_order(order_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_next(request.form.get("next"), url_for("kitchen.order", order_id=order.id))
    try:
        services.cancel_order(current_user, order.id, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        return _order_page(order, error.status, error=error.message)
    flash(_("The order is cancelled."), "success")
    return redirect(back, 303)


@bp.post("/orders/<int:order_id>/again")
@login_required
def order_again(order_id: int):
    previous = _visible_order(order_id)
    form = OrderAgainForm()
    if not form.validate_on_submit() or not form.meal_id.data:
        flash(_("Choose a meal."), "error")
        return redirect(url_for("kitchen.orders"), 303)
    try:
        order = services.order_again(current_user, previous.id, form.meal_id.data, form.clean_submission_key(),
                                     utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        if isinstance(error, NotAllowed):  # e.g. the operator, who sees the order but does not act for its resident
            abort(403)
        flash(error.message, "error")
        return redirect(url_for("kitchen.orders"), 303)
    flash(_("Your order is placed."), "success")
    return redirect(url_for("kitchen.order", order_id=committed_id(order)), 303)


@bp.post("/orders/<int:order_id>/feedback")
@login_required
def leave_feedback(order_id: int):
    order = _visible_order(order_id)
    form = FeedbackForm()
    if not form.validate_on_submit():
        return _order_page(order, 422, feedback_form=form)
    try:
        services.leave_feedback(current_user, order.id, int(form.rating.data), form.comment.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _order_page(order, error.status, feedback_form=form)
    flash(_("Thank you for your rating."), "success")
    return redirect(url_for("kitchen.order", order_id=order.id), 303)


@bp.get("/kitchens/<int:kitchen_id>")
@login_required
def kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    staff = current_user.is_staff_of(kitchen.community_id)
    today = local_today()
    return render_template("kitchen/kitchen.html", kitchen=kitchen, rating=services.kitchen_rating(kitchen),
                           comments=services.recent_feedback(kitchen, include_hidden=staff),
                           meals=services.kitchen_meals(kitchen, today, today + timedelta(days=7)),
                           form=EmptyForm(), hide_form=ReasonForm())


@bp.post("/feedback/<int:feedback_id>/hide")
@role_required("staff")
def hide_feedback(feedback_id: int):
    feedback = _load(Feedback, feedback_id)
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Say why the comment is hidden."))
        services.hide_feedback(current_user, feedback.id, form.reason.data, utcnow())
        flash(_("The comment is hidden."), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.kitchen", kitchen_id=feedback.kitchen_id), 303)


@bp.post("/feedback/<int:feedback_id>/acknowledge")
@role_required("staff")
def acknowledge_feedback(feedback_id: int):
    feedback = _load(Feedback, feedback_id)
    if EmptyForm().validate_on_submit():
        services.acknowledge_feedback(current_user, feedback.id, utcnow())
    return redirect(url_for("kitchen.kitchen", kitchen_id=feedback.kitchen_id), 303)


# --- standing orders and profiles --------------------------------------------------------

def _own_standing(standing_id: int) -> StandingOrder:
    """Another resident's standing order looks like nothing is there, as their orders do."""
    standing = _load(StandingOrder, standing_id)
    if not accounts.can_act_for(current_user, standing.resident):
        abort(404)
    return standing


def _standing_page(form: StandingOrderForm | None = None, status: int = 200):
    if form is None:
        form = StandingOrderForm()
        _act_for_choices(form.for_user, request.args.get("for_user"))
    form.kitchen_id.choices = [(k.id, k.name) for k in services.kitchens(current_user.community_id)
                               if not k.suspended]
    return render_template("kitchen/standing.html", form=form, standing=services.standing_orders_for(current_user),
                           pause_form=PauseForm(), end_form=EmptyForm()), status


@bp.get("/standing/")
@login_required
def standing():
    return _standing_page()


@bp.post("/standing/")
@login_required
def create_standing():
    form = StandingOrderForm()
    _act_for_choices(form.for_user)
    form.kitchen_id.choices = [(k.id, k.name) for k in services.kitchens(current_user.community_id)]
    if not form.validate_on_submit():
        return _standing_page(form, 422)
    try:
        resident = accounts.resolve_for_user(current_user, form.for_user.data)
        services.create_standing_order(current_user, resident, form.kitchen_id.data, form.weekdays.data,
                                       form.slot.data, form.fulfilment.data, form.quantity.data, form.address.data,
                                       form.note.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _standing_page(form, error.status)
    flash(_("The standing order is set. Matching meals will be ordered automatically."), "success")
    return redirect(url_for("kitchen.standing"), 303)


@bp.post("/standing/<int:standing_id>/pause")
@login_required
def pause_standing(standing_id: int):
    standing = _own_standing(standing_id)
    form = PauseForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("Enter both days."))
        services.pause_standing_order(current_user, standing.id, form.from_day.data, form.to_day.data, utcnow())
        flash(_("Paused for those days."), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.standing"), 303)


@bp.post("/standing/<int:standing_id>/end")
@login_required
def end_standing(standing_id: int):
    standing = _own_standing(standing_id)
    try:
        if not EmptyForm().validate_on_submit():
            abort(400)
        services.end_standing_order(current_user, standing.id, utcnow())
        flash(_("The standing order has ended."), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.standing"), 303)


def _profile_page(resident: User, form: ProfileForm | None = None, status_form=None, status: int = 200):
    profile = services.profile_for(resident)
    if form is None:
        form = ProfileForm(obj=profile)
    if status_form is None:
        status_form = WelfareStatusForm(welfare_status=profile.welfare_status)
    return render_template("kitchen/profile.html", resident=resident, profile=profile, form=form,
                           status_form=status_form, people=accounts.people_i_can_act_for(current_user)), status


def _resident(user_id: int) -> User:
    resident = _load(User, user_id)
    if not accounts.can_act_for(current_user, resident):
        abort(404)
    return resident


@bp.get("/profile/")
@login_required
def my_profile():
    return redirect(url_for("kitchen.profile", user_id=current_user.id), 303)


@bp.route("/profile/<int:user_id>", methods=["GET", "POST"])
@login_required
def profile(user_id: int):
    resident = _resident(user_id)
    if request.method == "GET":
        return _profile_page(resident)
    form = ProfileForm()
    if not form.validate_on_submit():
        return _profile_page(resident, form, status=422)
    try:
        services.update_profile(current_user, resident, form.dietary_needs.data, form.emergency_name.data,
                                form.emergency_phone.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _profile_page(resident, form, status=error.status)
    flash(_("Saved."), "success")
    return redirect(url_for("kitchen.profile", user_id=resident.id), 303)


@bp.post("/profile/<int:user_id>/status")
@role_required("staff")
def welfare_status(user_id: int):
    resident = _resident(user_id)
    form = WelfareStatusForm()
    if not form.validate_on_submit():
        return _profile_page(resident, status_form=form, status=422)
    try:
        services.set_welfare_status(current_user, resident, form.welfare_status.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _profile_page(resident, status_form=form, status=error.status)
    flash(_("Saved."), "success")
    return redirect(url_for("kitchen.profile", user_id=resident.id), 303)


# --- the operator's pages ----------------------------------------------------------------

def _operated(kitchen: Kitchen) -> Kitchen:
    if not services.can_operate(current_user, kitchen):
        abort(403)
    return kitchen


@bp.get("/manage/")
@role_required("kitchen", "staff")
def manage():
    now = utcnow()
    today = local_today(now)
    mine = services.kitchens_run_by(current_user)
    plans = {k.id: services.kitchen_meals(k, today, today + timedelta(days=7)) for k in mine}
    staff = current_user.is_staff_of(current_user.community_id)
    checks = services.open_welfare_checks(current_user.community_id) if staff else []
    return render_template("kitchen/manage/index.html", kitchens=mine, plans=plans, checks=checks,
                           form=EmptyForm(), today=today)


def _meal_form_page(form: MealForm, status: int = 200):
    return render_template("kitchen/manage/meal_form.html", form=form), status


def _kitchen_choices(form_field) -> list[Kitchen]:
    mine = [k for k in services.kitchens_run_by(current_user) if not k.suspended]
    form_field.choices = [(k.id, k.name) for k in mine]
    return mine


@bp.route("/manage/meals/new", methods=["GET", "POST"])
@role_required("kitchen", "staff")
def new_meal():
    form = MealForm()
    mine = _kitchen_choices(form.kitchen_id)
    if not mine:
        flash(_("You do not run a kitchen that can publish meals."), "error")
        return redirect(url_for("kitchen.manage"), 303)
    if request.method == "GET":
        form.kitchen_id.data = int(request.args.get("kitchen", mine[0].id) or mine[0].id) \
            if str(request.args.get("kitchen", "")).isdecimal() else mine[0].id
        form.served_on.data = form.served_on.data or local_today() + timedelta(days=1)
        return _meal_form_page(form)
    if not form.validate_on_submit():
        return _meal_form_page(form, 422)
    kitchen_id = form.kitchen_id.data if form.kitchen_id.data in {k.id for k in mine} else mine[0].id
    deadline = form.order_deadline.data.replace(tzinfo=LOCAL_TZ) if form.order_deadline.data else None
    try:
        meal = services.publish_meal(current_user, kitchen_id, form.served_on.data, form.slot.data, form.meat.data,
                                     form.vegetable.data, form.soup.data, form.capacity.data, utcnow(),
                                     order_deadline=deadline)
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _meal_form_page(form, error.status)
    flash(_("The meal is published."), "success")
    return redirect(url_for("kitchen.manage_meal", meal_id=meal.id), 303)


def _manage_meal_page(meal: Meal, status: int = 200, error: str | None = None, capacity_form=None):
    day = services.meal_day(meal)
    show = request.args.get("status", "")
    listed = [o for o in day["orders"] if not show or o.status == show]
    return render_template("kitchen/manage/meal.html", meal=meal, day=day, listed=listed, show=show, error=error,
                           form=EmptyForm(), advance_form=AdvanceForm(),
                           capacity_form=capacity_form or CapacityForm(capacity=meal.capacity),
                           reason_form=ReasonForm()), status


@bp.get("/manage/meals/<int:meal_id>")
@role_required("kitchen", "staff")
def manage_meal(meal_id: int):
    meal = _load(Meal, meal_id)
    _operated(meal.kitchen)
    return _manage_meal_page(meal)


@bp.get("/manage/meals/<int:meal_id>/counts")
@role_required("kitchen", "staff")
def meal_counts(meal_id: int):
    meal = _load(Meal, meal_id)
    _operated(meal.kitchen)
    return render_template("kitchen/manage/_counts.html", meal=meal, day=services.meal_day(meal))


@bp.get("/manage/meals/<int:meal_id>/sheet")
@role_required("kitchen", "staff")
def delivery_sheet(meal_id: int):
    meal = _load(Meal, meal_id)
    _operated(meal.kitchen)
    return render_template("kitchen/manage/sheet.html", meal=meal, groups=services.delivery_sheet(meal),
                           day=services.meal_day(meal))


def _meal_action(meal_id: int, action):
    meal = _load(Meal, meal_id)
    _operated(meal.kitchen)
    try:
        action(meal)
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        return _manage_meal_page(db.session.get(Meal, meal.id), error.status, error=error.message)
    return redirect(url_for("kitchen.manage_meal", meal_id=meal.id), 303)


@bp.post("/manage/meals/<int:meal_id>/capacity")
@role_required("kitchen", "staff")
def set_capacity(meal_id: int):
    form = CapacityForm()

    def act(meal):
        if not form.validate_on_submit():
            raise DomainError(_("Enter between 1 and 500."), field="capacity", status=422)
        services.set_capacity(current_user, meal.id, form.capacity.data, utcnow())
        flash(_("Saved."), "success")

    return _meal_action(meal_id, act)


@bp.post("/manage/meals/<int:meal_id>/close")
@role_required("kitchen", "staff")
def close_meal(meal_id: int):
    def act(meal):
        if not EmptyForm().validate_on_submit():
            abort(400)
        services.close_ordering(current_user, meal.id, utcnow())
        flash(_("Ordering is closed for this meal."), "success")

    return _meal_action(meal_id, act)


@bp.post("/manage/meals/<int:meal_id>/cancel")
@role_required("kitchen", "staff")
def cancel_meal(meal_id: int):
    form = ReasonForm()

    def act(meal):
        if not form.validate_on_submit():
            abort(400)
        services.cancel_meal(current_user, meal.id, form.reason.data or "", utcnow())
        flash(_("The meal is cancelled and everyone who ordered has been told."), "success")

    return _meal_action(meal_id, act)


@bp.post("/manage/orders/<int:order_id>/status")
@role_required("kitchen", "staff")
def advance_order(order_id: int):
    order = _load(MealOrder, order_id)
    _operated(order.meal.kitchen)
    form = AdvanceForm()
    error = None
    status = 200
    if not form.validate_on_submit():
        error, status = _("That did not work. Reload the page and try again."), 422
    else:
        try:
            services.advance_order(current_user, order.id, form.to_status.data, utcnow(),
                                   payment_method=form.payment_method.data)
        except DomainError as refusal:
            db.session.rollback()
            _refused(refusal)
            error, status = refusal.message, refusal.status
    order = db.session.get(MealOrder, order.id)
    if htmx and not htmx.boosted:
        response = Response(render_template("kitchen/manage/_order_row.html", order=order, error=error,
                                            advance_form=AdvanceForm(), form=EmptyForm()), status)
        response.headers["HX-Trigger"] = "kitchenOrderChanged"
        return response
    if error:
        return _manage_meal_page(order.meal, status, error=error)
    return redirect(url_for("kitchen.manage_meal", meal_id=order.meal_id) + f"#order-{order.id}", 303)


# --- kitchens (staff) --------------------------------------------------------------------

def _kitchen_form_choices(form: KitchenForm) -> None:
    cid = current_user.community_id
    form.buildings.choices = [(b.id, b.name) for b in services.buildings(cid)]
    form.operators.choices = [(u.id, f"{u.name} {u.masked_phone}") for u in services.operator_candidates(cid)]


def _kitchen_form_page(form: KitchenForm, kitchen: Kitchen | None = None, status: int = 200):
    return render_template("kitchen/manage/kitchen_form.html", form=form, kitchen=kitchen, action_form=EmptyForm(),
                           reason_form=ReasonForm()), status


@bp.route("/manage/kitchens/new", methods=["GET", "POST"])
@role_required("staff")
def new_kitchen():
    form = KitchenForm()
    _kitchen_form_choices(form)
    if request.method == "GET":
        return _kitchen_form_page(form)
    if not form.validate_on_submit():
        return _kitchen_form_page(form, status=422)
    try:
        kitchen = services.register_kitchen(current_user, current_user.community_id, form.name.data,
                                            form.address.data, form.opening_hours.data, form.delivers.data,
                                            form.buildings.data or [], form.operators.data or [], utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _kitchen_form_page(form, status=error.status)
    flash(_("The kitchen is registered."), "success")
    return redirect(url_for("kitchen.edit_kitchen", kitchen_id=kitchen.id), 303)


@bp.route("/manage/kitchens/<int:kitchen_id>", methods=["GET", "POST"])
@role_required("staff")
def edit_kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    if not current_user.is_staff_of(kitchen.community_id):
        abort(403)
    if request.method == "GET":
        form = KitchenForm(obj=kitchen)
        _kitchen_form_choices(form)
        form.buildings.data = sorted(kitchen.building_ids)
        form.operators.data = sorted(kitchen.operator_ids)
        return _kitchen_form_page(form, kitchen)
    form = KitchenForm()
    _kitchen_form_choices(form)
    if not form.validate_on_submit():
        return _kitchen_form_page(form, kitchen, 422)
    try:
        services.update_kitchen(current_user, kitchen.id, kitchen.community_id, form.name.data, form.address.data,
                                form.opening_hours.data, form.delivers.data, form.buildings.data or [],
                                form.operators.data or [], utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _kitchen_form_page(form, kitchen, error.status)
    flash(_("Saved."), "success")
    return redirect(url_for("kitchen.edit_kitchen", kitchen_id=kitchen.id), 303)


@bp.post("/manage/kitchens/<int:kitchen_id>/suspend")
@role_required("staff")
def suspend_kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    form = ReasonForm()
    try:
        if not form.validate_on_submit():
            abort(400)
        services.suspend_kitchen(current_user, kitchen.id, kitchen.community_id, form.reason.data or "", utcnow())
        flash(_("The kitchen is suspended; people with orders have been told."), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.edit_kitchen", kitchen_id=kitchen.id), 303)


@bp.post("/manage/kitchens/<int:kitchen_id>/resume")
@role_required("staff")
def resume_kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    try:
        if not EmptyForm().validate_on_submit():
            abort(400)
        services.resume_kitchen(current_user, kitchen.id, kitchen.community_id, utcnow())
        flash(_("The kitchen takes orders again."), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.edit_kitchen", kitchen_id=kitchen.id), 303)


@bp.post("/manage/kitchens/<int:kitchen_id>/copy-last-week")
@role_required("kitchen", "staff")
def copy_last_week(kitchen_id: int):
    kitchen = _operated(_load(Kitchen, kitchen_id))
    try:
        if not EmptyForm().validate_on_submit():
            abort(400)
        made = services.copy_last_week(current_user, kitchen.id, utcnow())
        flash(_("%(count)s meals published for the coming week.", count=len(made)), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.manage"), 303)


# --- staff: orders, settlement, settings, welfare ----------------------------------------

def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/manage/orders")
@role_required("staff")
def all_orders():
    cid = current_user.community_id
    kitchen_id = request.args.get("kitchen", type=int)
    status = request.args.get("status", "")
    status = status if status in {s.value for s in OrderStatus} else ""
    found = services.search_orders(cid, day=_date_arg("day"), kitchen_id=kitchen_id, status=status or None,
                                   resident_query=request.args.get("resident", "")[:50])
    return render_template("kitchen/manage/orders.html", orders=found, kitchens=services.kitchens(cid),
                           args=request.args, statuses=[s.value for s in OrderStatus])


def _month_arg() -> date:
    try:
        year, month = (int(part) for part in request.args.get("month", "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return local_today().replace(day=1)


def _settlement_kitchen() -> tuple[list[Kitchen], Kitchen | None]:
    mine = services.kitchens_run_by(current_user)
    wanted = request.args.get("kitchen", type=int)
    chosen = next((k for k in mine if k.id == wanted), mine[0] if mine else None)
    return mine, chosen


@bp.get("/manage/settlement")
@role_required("kitchen", "staff")
def settlement():
    mine, chosen = _settlement_kitchen()
    month = _month_arg()
    report = services.settlement(chosen.community_id, chosen.id, month) if chosen else None
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render_template("kitchen/manage/settlement.html", kitchens=mine, chosen=chosen, month=month,
                           report=report, previous=previous, following=following)


@bp.get("/manage/settlement.csv")
@role_required("kitchen", "staff")
def settlement_csv():
    _mine, chosen = _settlement_kitchen()
    if chosen is None:
        abort(404)
    report = services.settlement(chosen.community_id, chosen.id, _month_arg())
    filename = f"kitchen-{chosen.id}-{report['month_start']:%Y-%m}.csv"
    return Response("\ufeff" + services.settlement_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def _settings_page(form: SettingsForm | None = None, tier_form: TierForm | None = None, status: int = 200):
    cid = current_user.community_id
    settings = services.get_settings(cid)
    if form is None:
        form = SettingsForm(standard_price=Decimal(settings.standard_price_fen) / 100, policy=settings.policy,
                            min_meal=Decimal(settings.min_meal_fen) / 100, once_a_day=settings.once_a_day)
    return render_template("kitchen/manage/settings.html", form=form, tier_form=tier_form or TierForm(),
                           tiers=services.tiers(cid), settings=settings, delete_form=EmptyForm()), status


@bp.route("/manage/settings", methods=["GET", "POST"])
@role_required("staff")
def settings():
    if request.method == "GET":
        return _settings_page()
    form = SettingsForm()
    if not form.validate_on_submit():
        return _settings_page(form, status=422)
    try:
        services.update_settings(current_user, current_user.community_id, _fen(form.standard_price.data),
                                 form.policy.data, _fen(form.min_meal.data), form.once_a_day.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _settings_page(form, status=error.status)
    flash(_("Saved. New orders use these settings; earlier orders keep theirs."), "success")
    return redirect(url_for("kitchen.settings"), 303)


@bp.post("/manage/settings/tiers")
@role_required("staff")
def add_tier():
    form = TierForm()
    if not form.validate_on_submit():
        return _settings_page(tier_form=form, status=422)
    try:
        services.add_tier(current_user, current_user.community_id, form.label.data, form.status.data,
                          form.min_age.data, form.max_age.data, _fen(form.subsidy.data), utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _settings_page(tier_form=form, status=error.status)
    flash(_("Tier added."), "success")
    return redirect(url_for("kitchen.settings"), 303)


@bp.post("/manage/settings/tiers/<int:tier_id>/delete")
@role_required("staff")
def remove_tier(tier_id: int):
    tier = _load(SubsidyTier, tier_id)
    try:
        if not EmptyForm().validate_on_submit():
            abort(400)
        services.remove_tier(current_user, tier.community_id, tier.id, utcnow())
        flash(_("Tier removed."), "success")
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        flash(error.message, "error")
    return redirect(url_for("kitchen.settings"), 303)


@bp.get("/manage/welfare/")
@role_required("staff")
def welfare_checks():
    return render_template("kitchen/manage/welfare_list.html",
                           checks=services.open_welfare_checks(current_user.community_id))


def _welfare_page(check: WelfareCheck, form: SafeForm | None = None, status: int = 200):
    resident = check.resident
    return render_template("kitchen/manage/welfare.html", check=check, form=form or SafeForm(),
                           profile=services.profile_for(resident), carers=accounts.carers_of(resident),
                           can_record=services.can_record_safe(current_user, check)), status


@bp.get("/manage/welfare/<int:check_id>")
@login_required
def welfare_check(check_id: int):
    check = _load(WelfareCheck, check_id)
    if not services.can_record_safe(current_user, check):
        abort(404)
    return _welfare_page(check)


@bp.post("/manage/welfare/<int:check_id>/safe")
@login_required
def record_safe(check_id: int):
    check = _load(WelfareCheck, check_id)
    if not services.can_record_safe(current_user, check):
        abort(404)
    form = SafeForm()
    if not form.validate_on_submit():
        return _welfare_page(check, form, 422)
    try:
        services.record_safe(current_user, check.id, form.how.data, form.note.data, utcnow())
    except DomainError as error:
        db.session.rollback()
        _refused(error)
        show_error(form, error)
        return _welfare_page(db.session.get(WelfareCheck, check.id), form, error.status)
    flash(_("Recorded. Thank you for checking."), "success")
    return redirect(url_for("kitchen.welfare_check", check_id=check.id), 303)
