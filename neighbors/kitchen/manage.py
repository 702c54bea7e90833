"""The operator's and staff's kitchen pages, on the kitchen blueprint: publish and run meals, move orders on,
register kitchens, settle the month, set prices and subsidies, and close welfare checks."""
from datetime import date, timedelta
from decimal import Decimal

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import accounts
from ..clock import LOCAL_TZ, local_today, utcnow
from ..errors import N_, DomainError, InvalidInput
from ..extensions import db
from ..forms import EmptyForm
from ..models import Role
from ..security import login_required, role_required
from ..urls import safe_next
from ..web import (
    is_fragment_request, month_arg, press, records_asked, refuse, render, see_other, spreadsheet, submit, succeeded, then,
    with_trigger,
)
from . import services
from .forms import (
    PAYMENT_CHOICES, AdvanceForm, CapacityForm, KitchenForm, MealForm, ReasonForm, SafeForm, SettingsForm, TierForm,
)
from .models import Kitchen, Meal, MealOrder, OrderStatus, SubsidyTier, WelfareCheck
from .policy import may
from .views import _fen, _load, bp

OPERATORS = (Role.KITCHEN, Role.STAFF)


def _operated(kitchen: Kitchen) -> Kitchen:
    if not may(current_user, "operate", kitchen):
        abort(403)
    return kitchen


@bp.get("/manage/")
@role_required(*OPERATORS)
def manage():
    today = local_today(utcnow())
    mine = services.kitchens_run_by(current_user)
    plans = {k.id: services.kitchen_meals(k, today, today + timedelta(days=7)) for k in mine}
    staff = may(current_user, "oversee", current_user.community_id)
    checks = services.open_welfare_checks(current_user.community_id) if staff else []
    return render("kitchen/manage/index.html", kitchens=mine, plans=plans, checks=checks, form=EmptyForm(),
                  today=today)


def _kitchen_choices(form_field) -> list[Kitchen]:
    mine = [k for k in services.kitchens_run_by(current_user) if not k.suspended]
    form_field.choices = [(k.id, k.name) for k in mine]
    return mine


@bp.route("/manage/meals/new", methods=["GET", "POST"])
@role_required(*OPERATORS)
def new_meal():
    form = MealForm()
    mine = _kitchen_choices(form.kitchen_id)
    if not mine:
        return refuse(InvalidInput(N_("You do not run a kitchen that can publish meals.")),
                      redirect_to=url_for("kitchen.manage"))
    if request.method == "GET":
        wanted = str(request.args.get("kitchen", ""))
        form.kitchen_id.data = int(wanted) if wanted.isdecimal() else mine[0].id
        form.served_on.data = form.served_on.data or local_today() + timedelta(days=1)
        return render("kitchen/manage/meal_form.html", form=form)
    kitchen_id = form.kitchen_id.data if form.kitchen_id.data in {k.id for k in mine} else mine[0].id
    deadline = form.order_deadline.data.replace(tzinfo=LOCAL_TZ) if form.order_deadline.data else None
    return submit(form, lambda: services.publish_meal(current_user, kitchen_id, form.served_on.data, form.slot.data,
                                                      form.meat.data, form.vegetable.data, form.soup.data,
                                                      form.capacity.data, utcnow(), order_deadline=deadline),
                  done=lambda meal: succeeded(_("The meal is published."), "kitchen.manage_meal", meal_id=meal.id),
                  template="kitchen/manage/meal_form.html")


def _manage_meal_context(meal_id: int, capacity_form: CapacityForm | None = None, **extra) -> dict:
    meal = db.session.get(Meal, meal_id)
    day = services.meal_day(meal)
    show = request.args.get("status", "")
    listed = [o for o in day["orders"] if not show or o.status == show]
    return {"meal": meal, "day": day, "listed": listed, "show": show, "form": EmptyForm(), "twice": day["twice"],
            "advance_form": AdvanceForm(), "capacity_form": capacity_form or CapacityForm(capacity=meal.capacity),
            "reason_form": ReasonForm(), **extra}


def _operated_meal(meal_id: int) -> Meal:
    meal = _load(Meal, meal_id)
    _operated(meal.kitchen)
    return meal


@bp.get("/manage/meals/<int:meal_id>")
@role_required(*OPERATORS)
def manage_meal(meal_id: int):
    return render("kitchen/manage/meal.html", **_manage_meal_context(_operated_meal(meal_id).id))


@bp.get("/manage/meals/<int:meal_id>/counts")
@role_required(*OPERATORS)
def meal_counts(meal_id: int):
    meal = _operated_meal(meal_id)
    return render("kitchen/manage/_counts.html", meal=meal, day=services.meal_day(meal))


@bp.get("/manage/meals/<int:meal_id>/sheet")
@role_required(*OPERATORS)
def delivery_sheet(meal_id: int):
    meal = _operated_meal(meal_id)
    return render("kitchen/manage/sheet.html", meal=meal, groups=services.delivery_sheet(meal),
                  day=services.meal_day(meal), advance_form=AdvanceForm())


def _on_meal(meal_id: int, form, action, message: str, invalid: str | None = None):
    """A change to one meal from its page: 303 back to it, or the page again with the refusal at its top."""
    meal = _operated_meal(meal_id)
    if not form.validate_on_submit():
        if invalid is None:
            abort(400)
        error: DomainError = InvalidInput(invalid, field="capacity")
    else:
        try:
            action(meal)
        except DomainError as refusal:
            error = refusal
        else:
            return succeeded(message, "kitchen.manage_meal", meal_id=meal.id)
    return refuse(error, template="kitchen/manage/meal.html",
                  context=lambda: _manage_meal_context(meal_id, page_error=error.message))


@bp.post("/manage/meals/<int:meal_id>/capacity")
@role_required(*OPERATORS)
def set_capacity(meal_id: int):
    form = CapacityForm()
    return _on_meal(meal_id, form, lambda meal: services.set_capacity(current_user, meal.id, form.capacity.data,
                                                                       utcnow()),
                    _("Saved."), invalid=N_("Enter between 1 and 500."))


@bp.post("/manage/meals/<int:meal_id>/close")
@role_required(*OPERATORS)
def close_meal(meal_id: int):
    return _on_meal(meal_id, EmptyForm(), lambda meal: services.close_ordering(current_user, meal.id, utcnow()),
                    _("Ordering is closed for this meal."))


@bp.post("/manage/meals/<int:meal_id>/cancel")
@role_required(*OPERATORS)
def cancel_meal(meal_id: int):
    form = ReasonForm()
    return _on_meal(meal_id, form, lambda meal: services.cancel_meal(current_user, meal.id, form.reason.data or "",
                                                                      utcnow()),
                    _("The meal is cancelled and everyone who ordered has been told."))


@bp.post("/manage/orders/<int:order_id>/status")
@role_required(*OPERATORS)
def advance_order(order_id: int):
    """One tap on an order row: with htmx the row comes back (and `kitchenOrderChanged` for the counts); from the
    delivery sheet's cards (`next`), back to the sheet with the outcome."""
    order = _load(MealOrder, order_id)
    _operated(order.meal.kitchen)
    form = AdvanceForm()
    back = safe_next(request.form.get("next"), "")
    error: DomainError | None = None
    if not form.validate_on_submit():
        error = InvalidInput(N_("That did not work. Reload the page and try again."))
    else:
        try:
            services.advance_order(current_user, order.id, form.to_status.data, utcnow(),
                                   payment_method=form.payment_method.data)
        except DomainError as refusal:
            error = refusal
    if back and not is_fragment_request():
        return refuse(error, redirect_to=back) if error else redirect(back, 303)
    if error is None and not is_fragment_request():
        return see_other("kitchen.manage_meal", meal_id=order.meal_id, _anchor=f"order-{order.id}")

    def context() -> dict:
        """The row alone for htmx; the meal's page (with the refusal at its top) without JavaScript."""
        changed = db.session.get(MealOrder, order_id)
        message = error.message if error else None
        if is_fragment_request():
            return {"order": changed, "error": message, "advance_form": AdvanceForm(), "form": EmptyForm(),
                    "twice": services.ordered_twice(services.meal_orders(changed.meal))}
        return _manage_meal_context(changed.meal_id, page_error=message)

    answer = refuse(error, template="kitchen/manage/meal.html", partial="kitchen/manage/_order_row.html",
                    context=context) if error else render("kitchen/manage/_order_row.html", **context())
    return with_trigger(answer, "kitchenOrderChanged") if is_fragment_request() else answer


# --- kitchens (staff) --------------------------------------------------------------------

def _kitchen_form_context(form: KitchenForm, kitchen: Kitchen | None = None) -> dict:
    community_id = current_user.community_id
    form.buildings.choices = [(b.id, b.name) for b in services.buildings(community_id)]
    form.operators.choices = [(u.id, f"{u.name} {u.masked_phone}") for u in services.operator_candidates(community_id)]
    return {"form": form, "kitchen": kitchen, "action_form": EmptyForm(), "reason_form": ReasonForm()}


@bp.route("/manage/kitchens/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def new_kitchen():
    form = KitchenForm()
    context = _kitchen_form_context(form)
    if request.method == "GET":
        return render("kitchen/manage/kitchen_form.html", **context)
    return submit(form, lambda: services.register_kitchen(
                      current_user, current_user.community_id, form.name.data, form.address.data,
                      form.opening_hours.data, form.delivers.data, form.buildings.data or [], form.operators.data or [],
                      utcnow()),
                  done=lambda kitchen: succeeded(_("The kitchen is registered."), "kitchen.edit_kitchen",
                                             kitchen_id=kitchen.id),
                  template="kitchen/manage/kitchen_form.html", context=context)


@bp.route("/manage/kitchens/<int:kitchen_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    if not may(current_user, "oversee", kitchen.community_id):
        abort(403)
    if request.method == "GET":
        form = KitchenForm(obj=kitchen)
        context = _kitchen_form_context(form, kitchen)
        form.buildings.data = sorted(kitchen.building_ids)
        form.operators.data = sorted(kitchen.operator_ids)
        return render("kitchen/manage/kitchen_form.html", **context)
    form = KitchenForm()
    return submit(form, lambda: services.update_kitchen(
                      current_user, kitchen.id, kitchen.community_id, form.name.data, form.address.data,
                      form.opening_hours.data, form.delivers.data, form.buildings.data or [], form.operators.data or [],
                      utcnow()),
                  done=then(_("Saved."), "kitchen.edit_kitchen", kitchen_id=kitchen_id),
                  template="kitchen/manage/kitchen_form.html", context=_kitchen_form_context(form, kitchen))


@bp.post("/manage/kitchens/<int:kitchen_id>/suspend")
@role_required(Role.STAFF)
def suspend_kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    form = ReasonForm()
    return press(form, lambda: services.suspend_kitchen(current_user, kitchen.id, kitchen.community_id,
                                                        form.reason.data or "", utcnow()),
                 success=_("The kitchen is suspended; people with orders have been told."),
                 back=url_for("kitchen.edit_kitchen", kitchen_id=kitchen_id))


@bp.post("/manage/kitchens/<int:kitchen_id>/resume")
@role_required(Role.STAFF)
def resume_kitchen(kitchen_id: int):
    kitchen = _load(Kitchen, kitchen_id)
    return press(EmptyForm(), lambda: services.resume_kitchen(current_user, kitchen.id, kitchen.community_id,
                                                              utcnow()),
                 success=_("The kitchen takes orders again."), back=url_for("kitchen.edit_kitchen", kitchen_id=kitchen_id))


@bp.post("/manage/kitchens/<int:kitchen_id>/copy-last-week")
@role_required(*OPERATORS)
def copy_last_week(kitchen_id: int):
    kitchen = _operated(_load(Kitchen, kitchen_id))
    return press(EmptyForm(), lambda: services.copy_last_week(current_user, kitchen.id, utcnow()),
                 success=lambda made: _("%(count)s meals published for the coming week.", count=len(made)),
                 back=url_for("kitchen.manage"))


# --- staff: orders, settlement, settings, welfare ----------------------------------------

def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/manage/orders")
@role_required(Role.STAFF)
def all_orders():
    """Orders found by day, kitchen, status or resident; or, for a year or a month (`?year=2026`, where the
    annual report's kitchen figures lead), the orders served in it with what they add up to."""
    community_id = current_user.community_id
    try:
        asked = records_asked(local_today())
    except DomainError as error:
        return refuse(error)
    if asked is not None:
        if not may(current_user, "oversee", asked.community_id):
            abort(403)
        return render("kitchen/manage/orders.html",
                      served=services.served_orders(asked.community_id, asked.period, asked.page))
    kitchen_id = request.args.get("kitchen", type=int)
    status = request.args.get("status", "")
    status = status if status in {s.value for s in OrderStatus} else ""
    found = services.search_orders(community_id, day=_date_arg("day"), kitchen_id=kitchen_id, status=status or None,
                                   resident_query=request.args.get("resident", "")[:50])
    return render("kitchen/manage/orders.html", orders=found, twice=services.ordered_twice(found),
                  kitchens=services.kitchens(community_id),
                  args=request.args, statuses=[s.value for s in OrderStatus])


def _settlement_kitchen() -> tuple[list[Kitchen], Kitchen | None]:
    mine = services.kitchens_run_by(current_user)
    wanted = request.args.get("kitchen", type=int)
    chosen = next((k for k in mine if k.id == wanted), mine[0] if mine else None)
    return mine, chosen


@bp.get("/manage/settlement")
@role_required(*OPERATORS)
def settlement():
    mine, chosen = _settlement_kitchen()
    month = month_arg(local_today())
    report = services.settlement(chosen.community_id, chosen.id, month) if chosen else None
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render("kitchen/manage/settlement.html", kitchens=mine, chosen=chosen, month=month, report=report,
                  previous=previous, following=following)


@bp.get("/manage/settlement.csv", defaults={"wanted": "csv"})
@bp.get("/manage/settlement.xlsx", defaults={"wanted": "xlsx"})
@role_required(*OPERATORS)
def settlement_download(wanted: str):
    """The month's settlement as .xlsx or CSV (the same tables)."""
    _mine, chosen = _settlement_kitchen()
    if chosen is None:
        abort(404)
    report = services.settlement(chosen.community_id, chosen.id, month_arg(local_today()))
    return spreadsheet(services.settlement_sheets(report, dict(PAYMENT_CHOICES)),
                       f"kitchen-{chosen.id}-{report['month_start']:%Y-%m}", wanted)


def _settings_context(form: SettingsForm | None = None, tier_form: TierForm | None = None) -> dict:
    community_id = current_user.community_id
    settings = services.get_settings(community_id)
    if form is None:
        form = SettingsForm(standard_price=Decimal(settings.standard_price_fen) / 100, policy=settings.policy,
                            min_meal=Decimal(settings.min_meal_fen) / 100, once_a_day=settings.once_a_day)
    return {"form": form, "tier_form": tier_form or TierForm(), "tiers": services.tiers(community_id),
            "settings": settings, "delete_form": EmptyForm()}


@bp.route("/manage/settings", methods=["GET", "POST"])
@role_required(Role.STAFF)
def settings():
    if request.method == "GET":
        return render("kitchen/manage/settings.html", **_settings_context())
    form = SettingsForm()
    return submit(form, lambda: services.update_settings(current_user, current_user.community_id,
                                                         _fen(form.standard_price.data), form.policy.data,
                                                         _fen(form.min_meal.data), form.once_a_day.data, utcnow()),
                  done=then(_("Saved. New orders use these settings; earlier orders keep theirs."), "kitchen.settings"),
                  template="kitchen/manage/settings.html", context=lambda: _settings_context(form))


@bp.post("/manage/settings/tiers")
@role_required(Role.STAFF)
def add_tier():
    form = TierForm()
    return submit(form, lambda: services.add_tier(current_user, current_user.community_id, form.label.data,
                                                  form.status.data, form.min_age.data, form.max_age.data,
                                                  _fen(form.subsidy.data), utcnow()),
                  done=then(_("Tier added."), "kitchen.settings"), template="kitchen/manage/settings.html",
                  form_name="tier_form", context=lambda: _settings_context(tier_form=form))


@bp.post("/manage/settings/tiers/<int:tier_id>/delete")
@role_required(Role.STAFF)
def remove_tier(tier_id: int):
    tier = _load(SubsidyTier, tier_id)
    return press(EmptyForm(), lambda: services.remove_tier(current_user, tier.community_id, tier.id, utcnow()),
                 success=_("Tier removed."), back=url_for("kitchen.settings"))


@bp.get("/manage/welfare/")
@role_required(Role.STAFF)
def welfare_checks():
    return render("kitchen/manage/welfare_list.html", checks=services.open_welfare_checks(current_user.community_id))


def _welfare_context(check_id: int, form: SafeForm | None = None) -> dict:
    check = db.session.get(WelfareCheck, check_id)
    resident = check.resident
    return {"check": check, "form": form or SafeForm(), "profile": services.profile_for(resident),
            "carers": accounts.carers_of(resident), "can_record": may(current_user, "record_safe", check)}


def _reachable_check(check_id: int) -> WelfareCheck:
    """Someone who may not record it does not learn that the check exists."""
    check = _load(WelfareCheck, check_id)
    if not may(current_user, "record_safe", check):
        abort(404)
    return check


@bp.get("/manage/welfare/<int:check_id>")
@login_required
def welfare_check(check_id: int):
    return render("kitchen/manage/welfare.html", **_welfare_context(_reachable_check(check_id).id))


@bp.post("/manage/welfare/<int:check_id>/safe")
@login_required
def record_safe(check_id: int):
    check = _reachable_check(check_id)
    form = SafeForm()
    return submit(form, lambda: services.record_safe(current_user, check.id, form.how.data, form.note.data, utcnow()),
                  done=then(_("Recorded. Thank you for checking."), "kitchen.welfare_check", check_id=check_id),
                  template="kitchen/manage/welfare.html", context=lambda: _welfare_context(check_id, form))
