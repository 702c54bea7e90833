"""The registers' pages: each view parses a form, calls one service and responds (303, page, 422 or 409)."""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import local_today, utcnow
from ..errors import DomainError
from ..security import login_required
from ..web import refuse, render, spreadsheet, submit, then
from . import services
from .forms import BODY_LABELS, KIND_LABELS, EntryForm, RefuseForm, entry_form
from .models import Kind
from .policy import policy

bp = Blueprint("registers", __name__, url_prefix="/staff/registers")


@bp.context_processor
def helpers():
    return {"kind_label": lambda kind: str(KIND_LABELS.get(Kind(kind), kind)) if kind in set(Kind) else kind,
            "body_label": lambda kind: str(BODY_LABELS.get(Kind(kind), "")) if kind in set(Kind) else "",
            "hours": lambda minutes: f"{minutes / 60:.1f}".removesuffix(".0"), "change": services.change,
            "headers": services.HEADERS, "figures": services.FIGURES, "kinds": list(Kind),
            "may": policy.for_templates(current_user)}


def _require(action: str, record=None) -> None:
    if not policy.may(current_user, action, record):
        abort(403)


def _id_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def _scope():
    return services.scope_for(current_user, _id_arg("street") if current_user.is_admin else None)


@bp.get("/")
@login_required
def entries():
    _require("see_registers")
    try:
        scope = _scope()
        community = scope.community(_id_arg("community"))
        period = services.parse_listed_period(request.args.get("month"), request.args.get("year"), local_today())
    except DomainError as error:
        return refuse(error)
    kind = request.args.get("kind", "")
    return render("registers/entries.html", partial="registers/_entries.html", scope=scope, community=community,
                  period=period, kind=kind, rows=services.entries_of(community.id, period.start, period.end, kind),
                  may_record=policy.may(current_user, "record", community))


def _new_context(form: EntryForm) -> dict:
    return {"form": form, "bodies": services.bodies_used(current_user.community_id)}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_entry():
    _require("record", current_user.community)
    posted = request.method == "POST"
    kind = (request.form if posted else request.args).get("kind", "")
    if not posted and kind not in set(Kind):
        return render("registers/choose.html")
    form = entry_form(kind, local_today(), posted=posted)
    return submit(form, lambda: services.record_entry(current_user, form.details(), utcnow(),
                                                      form.clean_submission_key()),
                  done=lambda entry: then(_("Saved. Thank you."), ".new_entry", kind=entry.kind)(entry),
                  template="registers/new.html", context=lambda: _new_context(form))


def _entry_context(entry_id: int, **forms) -> dict:
    entry = services.entry_for(current_user, entry_id)
    today = local_today()
    correct_form = forms.get("correct_form") or entry_form(entry.kind, today, services.details_of(entry))
    correct_form.set_kind(entry.kind)
    return {"entry": entry, "history": services.history_of(entry), "correct_form": correct_form,
            "refuse_form": forms.get("refuse_form") or RefuseForm(formdata=None),
            "bodies": services.bodies_used(entry.community_id)}


def _entry_or_refusal(entry_id: int):
    _require("see_registers")
    try:
        return _entry_context(entry_id)
    except DomainError as error:
        return refuse(error)


@bp.get("/<int:entry_id>")
@login_required
def entry_page(entry_id: int):
    context = _entry_or_refusal(entry_id)
    if not isinstance(context, dict):
        return context
    return render("registers/entry.html", **context)


@bp.post("/<int:entry_id>/correct")
@login_required
def correct_entry(entry_id: int):
    context = _entry_or_refusal(entry_id)
    if not isinstance(context, dict):
        return context
    form = entry_form(context["entry"].kind, local_today(), posted=True)
    return submit(form, lambda: services.correct_entry(current_user, entry_id, form.details(), utcnow()),
                  done=lambda entry: then(_("The correction is saved; the original is kept."), ".entry_page",
                                          entry_id=entry.id)(entry),
                  template="registers/entry.html", form_name="correct_form",
                  context=lambda: _entry_context(entry_id, correct_form=form))


@bp.post("/<int:entry_id>/refuse")
@login_required
def refuse_entry(entry_id: int):
    context = _entry_or_refusal(entry_id)
    if not isinstance(context, dict):
        return context
    form = RefuseForm()
    return submit(form, lambda: services.refuse_duplicate(current_user, entry_id, form.duplicate_of.data, utcnow()),
                  done=then(_("Refused as a duplicate: it no longer counts."), ".entry_page", entry_id=entry_id),
                  template="registers/entry.html", form_name="refuse_form",
                  context=lambda: _entry_context(entry_id, refuse_form=form))


def _statistics(quarter: bool):
    _require("see_registers")
    try:
        scope = _scope()
        period = services.parse_period(request.args.get("quarter" if quarter else "month"), local_today(), quarter)
    except DomainError as error:
        return refuse(error)
    stats = services.statistics(scope.communities, period)
    name = f"{'bulletin' if quarter else 'statistics'}-{period.code}"
    if request.args.get("format"):
        return spreadsheet(services.statistics_sheets(stats), name, request.args["format"])
    template = "registers/print.html" if request.args.get("view") == "print" else "registers/statistics.html"
    return render(template, stats=stats, scope=scope, quarter=quarter, streets=services.streets(),
                  street_id=scope.street.id if scope.street else None)


@bp.get("/statistics")
@login_required
def monthly_statistics():
    return _statistics(quarter=False)


@bp.get("/bulletin")
@login_required
def bulletin():
    return _statistics(quarter=True)


@bp.get("/street")
@login_required
def street():
    _require("compare")
    try:
        scope = _scope()
        period = services.parse_period(request.args.get("month"), local_today())
    except DomainError as error:
        return refuse(error)
    lines, columns = services.compare(scope, period, utcnow()), services.highlights()
    if request.args.get("format"):
        return spreadsheet(services.street_sheets(lines, columns, period.code), f"street-{period.code}",
                           request.args["format"])
    return render("registers/street.html", scope=scope, period=period, streets=services.streets(), lines=lines,
                  columns=columns)
