"""千户访 pages: each view parses a form, calls one service and responds (303, fragment, 422 or 409)."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import click
from flask import Blueprint, abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import uploads
from ..charts import bar_chart
from ..clock import local_today, utcnow
from ..errors import DomainError
from ..forms import EmptyForm
from ..security import login_required
from ..web import month_arg, press, refuse, render, spreadsheet, submit, succeeded, then
from . import services
from .forms import (
    NEED_LABELS, OUTCOME_LABELS, TAG_LABELS, ConfirmImportForm, GridForm, RosterForm, TagsForm, VisitForm,
    WorkerForm, intervals_form,
)
from .models import STAFF_TAGS, Tag
from .policy import policy

bp = Blueprint("visits", __name__, url_prefix="/visits", cli_group="households")


@bp.context_processor
def labels():
    return {"tag_label": lambda tag: str(TAG_LABELS.get(Tag(tag), tag)),
            "need_label": lambda need: str(NEED_LABELS.get(need, need)),
            "outcome_label": lambda outcome: str(OUTCOME_LABELS.get(outcome, outcome)),
            "may": policy.for_templates(current_user)}


def _require(action: str, record=None) -> None:
    if not policy.may(current_user, action, record):
        abort(403)


def _grid_arg() -> int | None:
    value = request.args.get("grid", "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


# --- the grid worker's round -------------------------------------------------------------

@bp.get("/")
@login_required
def home():
    _require("see_round")
    now = utcnow()
    grid_id = _grid_arg()
    rows = services.round_for(current_user, now, grid_id)
    staff = policy.may(current_user, "manage")
    grids = services.grids(current_user.community_id) if staff else services.grids_of_worker(current_user)
    return render("visits/home.html", partial="visits/_round.html", rows=rows, today=local_today(now),
                  grids=grids, grid_id=grid_id, staff=staff)


# --- households ----------------------------------------------------------------------------

@bp.get("/households")
@login_required
def households():
    _require("see_round")
    grid_id = _grid_arg()
    tag, address = request.args.get("tag", ""), request.args.get("q", "").strip()
    scope = services.scope_for(current_user, grid_id, tag, address)
    staff = policy.may(current_user, "manage")
    grids = services.grids(current_user.community_id) if staff else services.grids_of_worker(current_user)
    return render("visits/households.html", partial="visits/_household_list.html",
                  rows=services.household_rows(scope, utcnow()), today=local_today(), grids=grids,
                  grid_id=grid_id, tag=scope.tag, q=address, tags=list(Tag), staff=staff)


def _visit_form(household, form: VisitForm | None = None) -> VisitForm:
    form = form or VisitForm(formdata=None)
    form.met.choices = [(str(person.id), person.name) for person in household.people]
    return form


def _household_context(household_id: int, **forms) -> dict:
    household = services.household_for(current_user, household_id)
    tags_form = forms.get("tags_form") or TagsForm(formdata=None, tags=[t.value for t in household.staff_tags()])
    row = services.household_rows(services.Scope(household.community_id, (household.grid_id,),
                                                 address=household.address), utcnow())
    visits = services.visits_of(household)
    return {"household": household, "visits": visits, "today": local_today(), "origin_of": services.origin_of,
            "follow_ups": services.follow_ups_of(household.community_id, [visit.id for visit in visits]),
            "visit_form": _visit_form(household, forms.get("visit_form")), "tags_form": tags_form,
            "row": next((r for r in row if r.id == household.id), None), "button": EmptyForm(formdata=None),
            "staff_tags": STAFF_TAGS}


def _household_or_refusal(household_id: int):
    try:
        return _household_context(household_id)
    except DomainError as error:
        return refuse(error)


@bp.get("/households/<int:household_id>")
@login_required
def household_page(household_id: int):
    context = _household_or_refusal(household_id)
    if not isinstance(context, dict):
        return context
    return render("visits/household.html", **context)


@bp.post("/households/<int:household_id>/tags")
@login_required
def household_tags(household_id: int):
    context = _household_or_refusal(household_id)
    if not isinstance(context, dict):
        return context
    form = TagsForm()
    return submit(form, lambda: services.set_tags(current_user, household_id, form.tags.data or [], utcnow()),
                  done=then(_("The tags are saved."), ".household_page", household_id=household_id),
                  template="visits/household.html", form_name="tags_form",
                  context=lambda: _household_context(household_id, tags_form=form))


def _photo(form: VisitForm):
    data = form.photo.data
    return data if data and getattr(data, "filename", "") else None


def _number(value: str | None) -> int | None:
    return int(value) if (value or "").isdecimal() and len(value) < 10 else None


@bp.post("/households/<int:household_id>/visits")
@login_required
def record_visit(household_id: int):
    context = _household_or_refusal(household_id)
    if not isinstance(context, dict):
        return context
    form = _visit_form(context["household"], VisitForm())
    details = services.VisitDetails(outcome=form.outcome.data or "", met_id=_number(form.met.data),
                                    met_other=form.met_other.data or "", needs=form.needs.data or [],
                                    note=form.note.data or "", talent=form.talent.data or "")
    return submit(form, lambda: services.record_visit(current_user, household_id, details, utcnow(),
                                                      submission_key=form.clean_submission_key(), photo=_photo(form)),
                  done=lambda visit: _visited(visit, household_id), template="visits/household.html",
                  form_name="visit_form", context=lambda: _household_context(household_id, visit_form=form))


def _visited(visit, household_id: int):
    """Back to the round, or to the household when something was found (its needs lead on from there)."""
    if visit.nobody_home:
        return succeeded(_("Nobody home: the household is due a second try in a few days."), ".home")
    if visit.need_list:
        return succeeded(_("The visit is saved."), ".household_page", household_id=household_id)
    return succeeded(_("The visit is saved."), ".home")


@bp.get("/visits/<int:visit_id>/photo")
@login_required
def visit_photo(visit_id: int):
    visit = services.visit_for(current_user, visit_id)
    if visit is None or not visit.photo_key:
        abort(404)
    return uploads.send_image(visit.photo_key)


@bp.post("/visits/<int:visit_id>/attended")
@login_required
def visit_attended(visit_id: int):
    visit = services.visit_for(current_user, visit_id)
    if visit is None:
        abort(404)
    _require("manage", visit.community_id)
    back = request.referrer if (request.referrer or "").startswith(request.host_url) else None
    return press(EmptyForm(), lambda: services.mark_attended(current_user, visit_id, utcnow()),
                 success=_("Marked as seen to."),
                 back=back or url_for("visits.household_page", household_id=visit.household_id))


# --- grids and their workers ------------------------------------------------------------------

def _grids_context(**forms) -> dict:
    return {"grids": services.grids(current_user.community_id), "grid_form": forms.get("grid_form") or
            GridForm(formdata=None), "worker_form": forms.get("worker_form") or WorkerForm(formdata=None),
            "worker_grid": forms.get("worker_grid"), "button": EmptyForm(formdata=None)}


@bp.get("/grids")
@login_required
def grids():
    _require("manage")
    return render("visits/grids.html", **_grids_context())


@bp.post("/grids")
@login_required
def new_grid():
    _require("manage")
    form = GridForm()
    return submit(form, lambda: services.create_grid(current_user, form.name.data or "", utcnow()),
                  done=lambda grid: then(_("Grid %(name)s is added.", name=grid.name), ".grids")(),
                  template="visits/grids.html", form_name="grid_form", context=lambda: _grids_context(grid_form=form))


@bp.post("/grids/<int:grid_id>/workers")
@login_required
def add_worker(grid_id: int):
    _require("manage")
    form = WorkerForm()
    return submit(form, lambda: services.add_worker(current_user, grid_id, form.phone.data or "", utcnow()),
                  done=lambda worker: then(_("%(name)s now visits the households of this grid.",
                                             name=worker.user.name), ".grids")(),
                  template="visits/grids.html", form_name="worker_form",
                  context=lambda: _grids_context(worker_form=form, worker_grid=grid_id))


@bp.post("/grids/<int:grid_id>/workers/<int:user_id>/remove")
@login_required
def remove_worker(grid_id: int, user_id: int):
    _require("manage")
    return press(EmptyForm(), lambda: services.remove_worker(current_user, grid_id, user_id, utcnow()),
                 success=_("The grid worker is taken off this grid."), back=url_for("visits.grids"))


# --- visit plans ------------------------------------------------------------------------------

def _interval_keys() -> list[str]:
    return [tag.value for tag in Tag] + [services.UNTAGGED]


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    _require("manage")
    keys = _interval_keys()
    form = intervals_form(keys, services.intervals(current_user.community_id))
    context = {"keys": keys, "untagged": services.UNTAGGED}
    if request.method == "GET":
        return render("visits/settings.html", form=form, **context)
    wanted = {key: form[key].data for key in keys}
    return submit(form, lambda: services.set_intervals(current_user, wanted, utcnow()),
                  done=then(_("The visit plan is saved."), ".settings"), template="visits/settings.html",
                  context=context)


# --- rosters in and out -----------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, name: str) -> Response:
    return send_file(BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.get("/import/template.xlsx")
@login_required
def roster_template():
    _require("manage")
    return _xlsx(services.template_bytes(), "花名册模板.xlsx")


@bp.get("/households.xlsx")
@login_required
def export_households():
    _require("manage")
    scope = services.scope_for(current_user, _grid_arg(), request.args.get("tag", ""), request.args.get("q", ""))
    now = utcnow()
    return _xlsx(services.export_bytes(current_user, scope, now), f"住户_{local_today(now).isoformat()}.xlsx")


def _uploaded(form: RosterForm) -> tuple[str, bytes]:
    upload = form.roster.data
    if not upload or not getattr(upload, "filename", ""):
        return "", b""
    return upload.filename, upload.read(services.MAX_BYTES + 1)


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_roster():
    _require("manage")
    form = RosterForm()
    if request.method == "GET":
        return render("visits/import.html", form=form, plan=None)
    filename, data = _uploaded(form)
    return submit(form, lambda: services.preview_roster(current_user, filename, data, utcnow()),
                  done=lambda kept: render("visits/import.html", form=RosterForm(formdata=None), plan=kept[1],
                                           confirm=ConfirmImportForm(formdata=None, token=kept[0])),
                  template="visits/import.html", context={"plan": None})


@bp.post("/import/confirm")
@login_required
def confirm_import():
    _require("manage")
    form = ConfirmImportForm()
    token = form.token.data or ""

    def imported(plan):
        services.forget_upload(current_user.community_id, token)
        return succeeded(_("Imported: %(added)s added, %(changed)s changed, %(same)s unchanged, %(refused)s refused.",
                           added=plan.count("add"), changed=plan.count("change"), same=plan.count("same"),
                           refused=plan.count("refuse")), ".households")

    return submit(form, lambda: services.import_roster(
        current_user, current_user.community_id, services.kept_roster(current_user.community_id, token), utcnow()),
        done=imported, template="visits/import.html", form_name="confirm",
        context={"form": RosterForm(formdata=None), "plan": None})


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--community", "community_name", required=True, help="The community's name, e.g. 镇海社区.")
@click.option("--dry-run", is_flag=True, help="Only show what would be imported.")
def import_command(path: str, community_name: str, dry_run: bool):
    """Import households and residents from an .xlsx or .csv roster."""
    community = services.community_named(community_name)
    if community is None:
        raise click.ClickException(f"No community is called {community_name}.")
    with open(path, "rb") as handle:
        data = handle.read(services.MAX_BYTES + 1)
    try:
        plan = services.import_roster(None, community.id, services.read_roster(path, data), utcnow(), dry_run=dry_run)
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    for row in plan.rows:
        if row.action == "refuse":
            for problem in row.problems:
                click.echo(f"第{row.number}行 {problem.column_label}: {problem.text}", err=True)
    verb = "would be" if dry_run else "were"
    click.echo(f"{plan.count('add')} {verb} added, {plan.count('change')} {verb} changed, "
               f"{plan.count('same')} unchanged, {plan.count('refuse')} refused.")


# --- coverage ---------------------------------------------------------------------------------

def _period() -> tuple[date, date]:
    """`?year=2026` for a year, else `?month=2026-05` (this month when none or a bad one is given)."""
    year = request.args.get("year", "")
    if year.isdecimal() and 2000 <= int(year) <= 2100:
        return date(int(year), 1, 1), date(int(year) + 1, 1, 1)
    first = month_arg(local_today())
    return first, first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)


def _community_arg() -> int | None:
    """`?community=<id>`: the admin reading another community's coverage from its annual report (the policy decides)."""
    value = request.args.get("community", "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def _coverage_charts(report: services.Coverage) -> list:
    whole = report.whole
    return [chart for chart in (
        bar_chart("chart-visited", _("Households visited, by grid"), [
            (line.name, 100 * line.visited / line.households if line.households else None,
             f"{line.visited} / {line.households}") for line in report.grids], most=100),
        bar_chart("chart-needs", _("Needs found"), [
            (str(NEED_LABELS[need]), whole.needs[need.value], str(whole.needs[need.value]))
            for need in NEED_LABELS if whole.needs[need.value]]),
    ) if chart is not None]


@bp.get("/coverage")
@login_required
def coverage():
    report = services.coverage(current_user, *_period(), utcnow(), _community_arg())
    return render("visits/coverage.html", report=report, tags=list(Tag), needs=list(NEED_LABELS),
                  charts=_coverage_charts(report), this_year=local_today().year,
                  elsewhere={"community": report.community.id} if report.community.id != current_user.community_id
                  else {})


@bp.get("/coverage.<any(xlsx,csv):kind>")
@login_required
def coverage_sheet(kind: str):
    """The coverage's one table, as .xlsx or CSV (the one download, `web.spreadsheet`)."""
    report = services.coverage(current_user, *_period(), utcnow(), _community_arg())
    header, lines = services.coverage_table(report)
    return spreadsheet([("走访覆盖", [header, *lines])], f"coverage-{report.code}", kind)
