"""The assessment's pages: each view parses a form, calls one service and responds (303, page, 422 or 409)."""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import local_today, utcnow
from ..errors import DomainError
from ..forms import EmptyForm
from ..security import login_required
from ..templating import COMMUNITY_KINDS
from ..web import refuse, render, spreadsheet, submit, then
from . import services
from .forms import WeightsForm, weights_form
from .models import TYPES
from .policy import policy

bp = Blueprint("assessment", __name__, url_prefix="/staff/assessment")


@bp.context_processor
def helpers():
    return {"may": policy.for_templates(current_user), "type_label": lambda t: str(COMMUNITY_KINDS.get(t, t)),
            "types": [t.value for t in TYPES], "figure": _figure,
            "missing": lambda standing: "、".join(_(label) for label in standing.missing_labels)}


def _figure(value: float | None) -> str:
    """One decimal, none when it is whole (3 meetings, 42.5 per cent)."""
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")


def _require(action: str) -> None:
    if not policy.may(current_user, action):
        abort(403)


@bp.get("/")
@login_required
def results():
    _require("see_assessment")
    try:
        year = services.parse_year(request.args.get("year"), local_today())
    except DomainError as error:
        return refuse(error)
    found, published = services.visible(current_user, year, utcnow())
    wanted = request.args.get("format")
    if wanted:
        return spreadsheet(services.sheets(found, year), f"assessment-{year}", wanted)
    return render("assessment/results.html", year=year, standings=found, published=published,
                  this_year=local_today().year, publish_form=EmptyForm())


@bp.get("/communities/<int:community_id>")
@login_required
def community(community_id: int):
    _require("see_assessment")
    try:
        year = services.parse_year(request.args.get("year"), local_today())
        standing, published = services.standing_of(current_user, community_id, year, utcnow())
    except DomainError as error:
        return refuse(error)
    return render("assessment/community.html", year=year, standing=standing, published=published)


def _indicators_context(posted: WeightsForm | None = None) -> dict:
    current = services.weights()
    forms = {m.key: weights_form(m.key, current.get(m.key, {})) for m in services.offered()}
    if posted is not None and posted.measure.data in forms:
        forms[posted.measure.data] = posted
    return {"measures": services.offered(), "forms": forms}


@bp.get("/indicators")
@login_required
def indicators():
    _require("define")
    return render("assessment/indicators.html", **_indicators_context())


@bp.post("/indicators")
@login_required
def set_weights():
    _require("define")
    form = WeightsForm()
    return submit(form, lambda: services.set_weights(current_user, form.measure.data or "", form.chosen(), utcnow()),
                  done=then(_("The weights are saved."), ".indicators"), template="assessment/indicators.html",
                  form_name="posted", context=lambda: _indicators_context(form))


@bp.post("/<int:year>/publish")
@login_required
def publish(year: int):
    _require("publish")
    try:
        services.parse_year(str(year), local_today())
    except DomainError as error:
        return refuse(error)
    return submit(EmptyForm(), lambda: services.publish(current_user, year, utcnow()),
                  done=then(_("Published: the streets and the communities now see this year's results."),
                            ".results", year=year),
                  template="assessment/results.html", form_name="publish_form",
                  context=lambda: {"year": year, "standings": services.visible(current_user, year, utcnow())[0],
                                   "published": services.publication(year), "this_year": local_today().year})
