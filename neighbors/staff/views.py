"""The staff console: work queue, people, audit log, reports, district view and settings."""
import logging

from flask import (Blueprint, Response, abort, current_app, g, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from .. import accounts, workqueue
from ..clock import local_today, utcnow
from ..errors import N_, DomainError, NotFound
from ..extensions import htmx
from ..forms import show_error
from ..models import Role
from ..security import role_required
from . import charts, reports, services
from .forms import AuditFilterForm, GrantRoleForm, LinkCarerForm, ResidentForm, RoleForm, SearchForm

log = logging.getLogger(__name__)

bp = Blueprint("staff", __name__, url_prefix="/staff")
staff_only = role_required("staff")
# Every module's htmx changes announce themselves to the queue and the nav count; the modules need not know.
bp.after_app_request(workqueue.announce_queue_change)


def _targeted() -> bool:
    return bool(htmx) and not htmx.boosted


def _community():
    """The community this page is about: the staff member's own, or any for an admin (?community=)."""
    try:
        return services.managed_community(current_user, request.args.get("community"))
    except NotFound:
        abort(404)
    except DomainError:
        abort(403)


def _person(user_id: int):
    try:
        return services.person(current_user, user_id)
    except DomainError:
        abort(404)


@bp.app_context_processor
def staff_navigation():
    def staff_queue_count() -> int | None:
        """One count per page, for staff only; the nav shows it next to 管理."""
        if not current_user.is_authenticated or not (current_user.is_admin or current_user.has_role(Role.STAFF)):
            return None
        if "staff_queue_count" not in g:
            try:
                g.staff_queue_count = services.work_queue_count(current_user.community_id, utcnow())
            except Exception:  # a broken count must never break the page it sits on
                log.exception("work queue count failed")
                g.staff_queue_count = None
        return g.staff_queue_count

    return {"staff_queue_count": staff_queue_count}


def _switchable_communities() -> list:
    """Admins may look at any community; staff only ever see their own."""
    return services.all_communities() if current_user.is_admin else []


@bp.context_processor
def staff_helpers():
    return {"switchable_communities": _switchable_communities, "age_text": services.age_text,
            "action_label": services.action_label, "status_label": services.status_label,
            "category_label": reports.category_label, "trust_labels": services.TRUST_LABELS, "r": reports}


# --- work queue ---------------------------------------------------------------------------

@bp.get("/")
@staff_only
def queue():
    """The page; to htmx, the list (`staffQueueChanged`) or, every minute, only its status line (`?part=status`).

    The status line carries the version of the list it belongs to (`seen`); when the list has changed since,
    the answer triggers `staffQueueChanged` and the list reloads. A phone on a weak line fetches a few
    hundred bytes a minute instead of the whole queue.
    """
    community = _community()
    now = utcnow()
    work = services.work_queue(community.id, now)
    own = community.id == current_user.community_id
    if own:
        g.staff_queue_count = len(work.items)
    version = services.queue_version(work, now)
    context = {"community": community, "work": work, "now": now, "version": version,
               "queue_args": {} if own else {"community": community.id}}
    if not _targeted():
        response = make_response(render_template("staff/queue.html", **context))
    elif request.args.get("part") == "status":
        response = make_response(render_template("staff/_queue_status.html", **context))
        if request.args.get("seen") != version:
            response.headers["HX-Trigger"] = workqueue.QUEUE_CHANGED
    else:
        response = make_response(render_template("staff/_queue.html", **context))
    response.vary.add("HX-Request")
    return response


@bp.get("/count")
@staff_only
def queue_count():
    """The navigation's count alone, fetched again when `staffQueueChanged` fires on any page."""
    return render_template("staff/_queue_count.html")


# --- people --------------------------------------------------------------------------------

@bp.get("/people")
@staff_only
def people():
    community = _community()
    form = SearchForm(request.args)
    form.validate()
    form.q.render_kw = {**(form.q.render_kw or {}), "hx-get": url_for("staff.people"), "hx-include": "closest form",
                        "hx-trigger": "input changed delay:400ms, search", "hx-target": "#people-list",
                        "hx-swap": "outerHTML"}
    found = services.search_people(community.id, form.q.data or "")
    context = {"community": community, "form": form, "people": found, "query": form.q.data or ""}
    if _targeted():
        return render_template("staff/_people_list.html", **context)
    return render_template("staff/people.html", **context)


@bp.route("/people/new", methods=["GET", "POST"])
@staff_only
def register_resident():
    community = _community()
    form = ResidentForm()
    form.set_buildings(services.buildings_of(community.id))
    status = 200
    if form.validate_on_submit():
        try:
            done = services.register_resident(
                current_user, community.id, name=form.name.data, birth_date=form.birth_date.data,
                building_id=form.building.data, unit=form.unit.data or "", needs_care=form.needs_care.data,
                now=utcnow(),
            )
        except DomainError as error:
            show_error(form, error)
            status = error.status
        else:
            return redirect(url_for("staff.person_page", user_id=done.resident.id), 303)
    elif request.method == "POST":
        status = 422
    return render_template("staff/register.html", form=form, community=community), status


def _render_person(target, status: int = 200, **forms):
    forms.setdefault("grant_form", GrantRoleForm(formdata=None))
    forms["grant_form"].set_choices(current_user, target.roles)
    forms.setdefault("carer_form", LinkCarerForm(formdata=None))
    actions = {
        "kitchen": _existing_path("/kitchen/"),
        "aid": _existing_path("/aid/requests/new"),
    }
    return render_template(
        "staff/person.html",
        person=target,
        community=target.community,
        carer_links=services.carer_links_of(target),
        cares_for=services.cared_for_by(target),
        summaries=services.module_summaries(target.community_id, target.id),
        grants={grant.role: grant for grant in target.role_grants},
        button_form=RoleForm(),
        departments=services.DEPARTMENTS,
        act_for=actions,
        can_reset_password=accounts.can_reset_password(current_user, target),
        today=local_today(),
        **forms,
    ), status


def _existing_path(path: str) -> str | None:
    """A module's page, if that module serves it already."""
    adapter = current_app.url_map.bind("localhost")
    return path if adapter.test(path, method="GET") else None


@bp.get("/people/<int:user_id>")
@staff_only
def person_page(user_id: int):
    return _render_person(_person(user_id))


def _after_change(target, anchor: str):
    return redirect(url_for("staff.person_page", user_id=target.id, _anchor=anchor), 303)


def _refused(target, error: DomainError, form_name: str | None = None, form=None):
    if form is not None:
        show_error(form, error)
        return _render_person(target, error.status, **{form_name: form})
    return _render_person(target, error.status, page_error=error.message)


@bp.post("/people/<int:user_id>/roles")
@staff_only
def grant_role(user_id: int):
    target = _person(user_id)
    form = GrantRoleForm()
    form.set_choices(current_user, target.roles)
    if not form.validate_on_submit():
        return _render_person(target, 422, grant_form=form)
    try:
        services.grant_role(current_user, target.id, form.role.data, form.department.data or "")
    except DomainError as error:
        return _refused(_person(user_id), error, "grant_form", form)
    return _after_change(target, "roles")


@bp.post("/people/<int:user_id>/roles/<role>/revoke")
@staff_only
def revoke_role(user_id: int, role: str):
    target = _person(user_id)
    if not RoleForm().validate_on_submit():
        abort(400)
    try:
        services.revoke_role(current_user, target.id, role)
    except DomainError as error:
        return _refused(_person(user_id), error)
    return _after_change(target, "roles")


@bp.post("/people/<int:user_id>/volunteer/<any(verify, unverify):change>")
@staff_only
def verify_volunteer(user_id: int, change: str):
    target = _person(user_id)
    if not RoleForm().validate_on_submit():
        abort(400)
    try:
        services.set_volunteer_verified(current_user, target.id, change == "verify", utcnow())
    except DomainError as error:
        return _refused(_person(user_id), error)
    return _after_change(target, "roles")


@bp.post("/people/<int:user_id>/carers")
@staff_only
def link_carer(user_id: int):
    target = _person(user_id)
    form = LinkCarerForm()
    if not form.validate_on_submit():
        return _render_person(target, 422, carer_form=form)
    try:
        services.link_carer(current_user, target.id, form.carer.data, form.relation.data or "")
    except DomainError as error:
        return _refused(_person(user_id), error, "carer_form", form)
    return _after_change(target, "carers")


@bp.post("/people/<int:user_id>/carers/<int:link_id>/unlink")
@staff_only
def unlink_carer(user_id: int, link_id: int):
    target = _person(user_id)
    if not RoleForm().validate_on_submit():
        abort(400)
    try:
        services.unlink_carer(current_user, target.id, link_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        return _refused(_person(user_id), error)
    return _after_change(target, "carers")


@bp.post("/people/<int:user_id>/password-reset")
@staff_only
def reset_password(user_id: int):
    """Two POSTs, no script needed: the button asks to confirm; the confirmation sets the one-time password."""
    target = _person(user_id)
    if not RoleForm().validate_on_submit():
        abort(400)
    try:
        if request.form.get("confirm") != "yes":
            accounts.check_password_reset(current_user, target)
            response = make_response(render_template("staff/person_password_reset.html", person=target,
                                                     button_form=RoleForm()))
        else:
            password = accounts.reset_password(current_user, target.id, utcnow())
            response = make_response(render_template("staff/person_password_done.html", person=_person(user_id),
                                                     password=password))
    except NotFound:
        abort(404)
    except DomainError as error:
        return _refused(_person(user_id), error)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_person(user_id: int):
    target = _person(user_id)
    form = ResidentForm()
    form.set_buildings(services.buildings_of(target.community_id))
    status = 200
    if request.method == "GET":
        form.fill_from(target)
    elif form.validate_on_submit():
        try:
            services.update_resident(
                current_user, target.id, name=form.name.data, birth_date=form.birth_date.data,
                building_id=form.building.data, unit=form.unit.data or "", needs_care=form.needs_care.data,
                now=utcnow(),
            )
        except DomainError as error:
            show_error(form, error)
            status = error.status
        else:
            return _after_change(target, "details")
    else:
        status = 422
    return render_template("staff/edit_person.html", form=form, person=_person(user_id)), status


# --- audit log ---------------------------------------------------------------------------

@bp.get("/audit")
@staff_only
def audit():
    requested = request.args.get("community")
    community = _community() if requested or not current_user.is_admin else None
    form = AuditFilterForm(request.args)
    actions = services.audit_actions(community.id if community else None)
    form.action.choices = [("", _("All kinds"))] + [(code, services.action_label(code)) for code in actions]
    person = _person(int(request.args["person"])) if request.args.get("person", "").isdecimal() else None
    page = int(request.args["page"]) if request.args.get("page", "").isdecimal() else 1
    status, entries, more, chosen = 200, [], False, None
    if form.validate():
        try:
            chosen = services.audit_filter(
                current_user, community.id if community else None, person_id=person.id if person else None,
                who=form.who.data or "", action=form.action.data or "", start=form.start.data, end=form.end.data,
            )
        except DomainError as error:
            show_error(form, error)
            status = error.status
    else:
        status = 422
    if chosen is not None and request.args.get("format") == "csv":
        stamp = local_today().isoformat()
        return Response(services.audit_csv(chosen), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})
    if chosen is not None:
        entries, more = services.audit_entries(chosen, page)
    args = {key: value for key, value in request.args.items() if key not in ("page", "format")}
    everyone_args = {key: value for key, value in args.items() if key != "person"}
    names = {c.id: c.name for c in services.all_communities()} if community is None else {}
    return render_template("staff/audit.html", form=form, community=community, person=person, entries=entries,
                           more=more, page=page, args=args, everyone_args=everyone_args, community_names=names,
                           describe=services.describe_change), status


# --- reports -------------------------------------------------------------------------------

def _report_charts(report: reports.Report) -> dict:
    made = []
    show = reports.show
    if report.kitchen and report.kitchen["kitchens"]:
        made.append(charts.bar_chart("chart-meals", _("Meals served by kitchen"), [
            (k["name"], k[reports.MEALS_FIGURE], show(k[reports.MEALS_FIGURE], "count"))
            for k in report.kitchen["kitchens"]
        ]))
    if report.mutualaid:
        aid = report.mutualaid
        made.append(charts.bar_chart("chart-help", _("Help requests"), [
            (_("Made"), aid["requests_made"], show(aid["requests_made"], "count")),
            (_("Completed"), aid["requests_completed"], show(aid["requests_completed"], "count")),
        ]))
    if report.alleys:
        alleys = report.alleys
        made.append(charts.bar_chart("chart-slots", _("Patrol places"), [
            (_("Needed"), alleys["slots_needed"], show(alleys["slots_needed"], "count")),
            (_("Filled"), alleys["slots_filled"], show(alleys["slots_filled"], "count")),
        ]))
        made.append(charts.bar_chart("chart-findings", _("Problems reported by category"), [
            (reports.category_label(code), count, show(count, "count"))
            for code, count in sorted(alleys["findings_by_category"].items(), key=lambda item: -item[1]) if count
        ]))
    if report.months:
        for key, title, kind in (("meals", _("Meals served by month"), "count"),
                                 ("help_minutes", _("Hours of help by month"), "hours"),
                                 ("findings", _("Problems reported by month"), "count")):
            made.append(charts.bar_chart(f"chart-{key}-months", title, [
                (month["period"].label, month[key], show(month[key], kind)) for month in report.months
            ]))
    return {chart.id: chart for chart in made if chart is not None}


def _report(kind: str):
    community = _community()
    try:
        if kind == "year":
            period = reports.parse_year(request.args.get("year"), local_today())
        else:
            period = reports.parse_month(request.args.get("month"), local_today())
    except DomainError as error:
        return render_template("staff/report.html", community=community, report=None, kind=kind,
                               error=error.message), 422
    report = reports.community_report(community, period)
    if request.args.get("format") == "csv":
        return Response(reports.report_csv(report), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="report-{community.id}-{period.code}.csv"'})
    context = {"community": community, "report": report, "kind": kind, "charts": _report_charts(report),
               "r": reports}
    if request.args.get("view") == "print":
        return render_template("staff/report_print.html", **context)
    return render_template("staff/report.html", **context)


@bp.get("/reports/monthly")
@staff_only
def monthly_report():
    return _report("month")


@bp.get("/reports/annual")
@staff_only
def annual_report():
    return _report("year")


@bp.get("/district")
@role_required("admin")
def district():
    try:
        period = reports.parse_month(request.args.get("month"), local_today())
    except DomainError as error:
        return render_template("staff/district.html", groups=[], period=None, error=error.message, r=reports), 422
    return render_template("staff/district.html", groups=reports.district(period), period=period, r=reports)


# --- settings ------------------------------------------------------------------------------

SETTINGS_PAGES = [
    ("/kitchen/manage/settings", "bowl", N_("Neighbour kitchen"), N_("Standard meal price and the subsidy rule")),
    ("/aid/manage/settings", "hands", N_("Mutual aid"),
     N_("Time credits (starting grant, floor, ceiling, pool-paid age) and the skill list")),
    ("/alleys/manage/settings", "alley", N_("Alley patrols"),
     N_("Finding categories, responsible departments and deadlines")),
]


@bp.get("/settings")
@staff_only
def settings():
    community = _community()
    pages = [(path if _existing_path(path) else None, icon, title, text) for path, icon, title, text in SETTINGS_PAGES]
    return render_template("staff/settings.html", community=community, pages=pages,
                           buildings=services.buildings_of(community.id))
