"""The staff console: work queue, people, audit log, reports, district view and settings."""
import logging

from flask import Blueprint, current_app, g, make_response, request, url_for
from flask_login import current_user

from .. import workqueue
from ..clock import local_today, utcnow
from ..errors import DomainError, N_
from ..models import Role
from ..security import role_required
from ..web import is_fragment_request, refuse, render, see_other, spreadsheet, submit, with_trigger
from . import charts, reports, services
from .forms import AuditFilterForm, GrantRoleForm, LinkCarerForm, ResidentForm, RoleForm, SearchForm
from .policy import HeldRole, policy

log = logging.getLogger(__name__)

bp = Blueprint("staff", __name__, url_prefix="/staff")
staff_only = role_required(Role.STAFF)
report_readers = role_required(Role.STAFF, Role.STREET_STAFF)  # which community's, the policy decides
# Every module's htmx changes announce themselves to the queue and the nav count; the modules need not know.
bp.after_app_request(workqueue.announce_queue_change)


def _community():
    """The community this page is about: the staff member's own, or any for an admin (?community=)."""
    return services.managed_community(current_user, request.args.get("community"))


def _person(user_id: int):
    return services.person(current_user, user_id)


@bp.app_context_processor
def staff_navigation():
    def staff_queue_count() -> int | None:
        """One count per page, for staff only; the nav shows it next to 管理."""
        if not policy.may(current_user, "see_queue"):
            return None
        if "staff_queue_count" not in g:
            try:
                g.staff_queue_count = services.work_queue_count(current_user.community_id, utcnow())
            except Exception:  # a broken count must never break the page it sits on
                log.exception("work queue count failed")
                g.staff_queue_count = None
        return g.staff_queue_count

    return {"staff_queue_count": staff_queue_count}


@bp.context_processor
def staff_helpers():
    return {"switchable_communities": lambda: services.switchable_communities(current_user),
            "age_text": services.age_text, "action_label": services.action_label,
            "status_label": services.status_label, "category_label": reports.category_label,
            "trust_labels": services.TRUST_LABELS, "r": reports, "may": policy.for_templates(current_user),
            "held_role": lambda person, role: HeldRole(person, Role(role))}


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
    status_only = request.args.get("part") == "status"
    response = make_response(render(
        "staff/queue.html", partial="staff/_queue_status.html" if status_only else "staff/_queue.html",
        community=community, work=work, now=now, version=version,
        queue_args={} if own else {"community": community.id}))
    if is_fragment_request() and status_only and request.args.get("seen") != version:
        response = with_trigger(response, workqueue.QUEUE_CHANGED)
    response.vary.add("HX-Request")
    return response


@bp.get("/count")
@staff_only
def queue_count():
    """The navigation's count alone, fetched again when `staffQueueChanged` fires on any page."""
    return render("staff/_queue_count.html")


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
    return render("staff/people.html", partial="staff/_people_list.html", community=community, form=form,
                  people=found, query=form.q.data or "")


@bp.route("/people/new", methods=["GET", "POST"])
@staff_only
def register_resident():
    community = _community()
    form = ResidentForm()
    form.set_buildings(services.buildings_of(community.id))
    if request.method == "GET":
        return render("staff/register.html", form=form, community=community)
    return submit(form, lambda: services.register_resident(current_user, community.id, **form.details(),
                                                           now=utcnow()),
                  done=lambda registered: see_other("staff.person_page", user_id=registered.resident.id),
                  template="staff/register.html", context={"community": community})



def _person_context(target, **forms) -> dict:
    forms.setdefault("grant_form", GrantRoleForm(formdata=None))
    forms["grant_form"].set_choices(current_user, target.roles)
    forms.setdefault("carer_form", LinkCarerForm(formdata=None))
    forms.setdefault("button_form", RoleForm())
    return {
        "person": target,
        "community": target.community,
        "carer_links": services.carer_links_of(target),
        "cares_for": services.cared_for_by(target),
        "summaries": services.module_summaries(target.community_id, target.id),
        "grants": {grant.role: grant for grant in target.role_grants},
        "departments": services.DEPARTMENTS,
        "act_for": {"kitchen": _existing_path("/kitchen/"), "aid": _existing_path("/aid/requests/new")},
        "today": local_today(),
        **forms,
    }


def _existing_path(path: str) -> str | None:
    """A module's page, if that module serves it already."""
    adapter = current_app.url_map.bind("localhost")
    return path if adapter.test(path, method="GET") else None


def _change_person(user_id: int, change, form, form_name: str = "button_form", anchor: str = "roles"):
    """A change on the person page: 303 back to its section, or the page again with the refusal and its status."""
    return submit(form, change, done=lambda _done: see_other("staff.person_page", user_id=user_id, _anchor=anchor),
                  template="staff/person.html", form_name=form_name, explain_forbidden=True,
                  context=lambda: _person_context(_person(user_id)))


@bp.get("/people/<int:user_id>")
@staff_only
def person_page(user_id: int):
    return render("staff/person.html", **_person_context(_person(user_id)))


@bp.post("/people/<int:user_id>/roles")
@staff_only
def grant_role(user_id: int):
    target = _person(user_id)
    form = GrantRoleForm()
    form.set_choices(current_user, target.roles)
    return _change_person(user_id, lambda: services.grant_role(current_user, target.id, form.role.data,
                                                               form.department.data or ""), form, "grant_form")


@bp.post("/people/<int:user_id>/roles/<role>/revoke")
@staff_only
def revoke_role(user_id: int, role: str):
    target = _person(user_id)
    return _change_person(user_id, lambda: services.revoke_role(current_user, target.id, role), RoleForm())


@bp.post("/people/<int:user_id>/volunteer/<any(verify, unverify):change>")
@staff_only
def verify_volunteer(user_id: int, change: str):
    target = _person(user_id)
    return _change_person(user_id, lambda: services.set_volunteer_verified(current_user, target.id,
                                                                           change == "verify", utcnow()), RoleForm())


@bp.post("/people/<int:user_id>/carers")
@staff_only
def link_carer(user_id: int):
    target = _person(user_id)
    form = LinkCarerForm()
    return _change_person(user_id, lambda: services.link_carer(current_user, target.id, form.carer.data,
                                                               form.relation.data or ""),
                          form, "carer_form", anchor="carers")


@bp.post("/people/<int:user_id>/carers/<int:link_id>/unlink")
@staff_only
def unlink_carer(user_id: int, link_id: int):
    target = _person(user_id)
    return _change_person(user_id, lambda: services.unlink_carer(current_user, target.id, link_id), RoleForm(),
                          anchor="carers")


@bp.post("/people/<int:user_id>/password-reset")
@staff_only
def reset_password(user_id: int):
    """Two POSTs, no script needed: the button asks to confirm; the confirmation sets the one-time password."""
    _person(user_id)
    if request.form.get("confirm") != "yes":
        def change():
            return services.password_reset_target(current_user, user_id)

        def done(target):
            return _not_stored(render("staff/person_password_reset.html", person=target, button_form=RoleForm()))
    else:
        def change():
            return services.reset_password(current_user, user_id, utcnow())

        def done(password):
            return _not_stored(render("staff/person_password_done.html", person=_person(user_id), password=password))
    return submit(RoleForm(), change, done=done, template="staff/person.html", form_name="button_form",
                  explain_forbidden=True, context=lambda: _person_context(_person(user_id)))


def _not_stored(answer):
    """A one-time password (or the step before it) is never kept by a browser or a proxy."""
    response = make_response(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_person(user_id: int):
    target = _person(user_id)
    form = ResidentForm()
    form.set_buildings(services.buildings_of(target.community_id))
    if request.method == "GET":
        form.fill_from(target)
        return render("staff/edit_person.html", form=form, person=target)
    return submit(form, lambda: services.update_resident(current_user, target.id, **form.details(), now=utcnow()),
                  done=lambda _changed: see_other("staff.person_page", user_id=user_id, _anchor="details"),
                  template="staff/edit_person.html", context=lambda: {"person": _person(user_id)})



@bp.get("/audit")
@staff_only
def audit():
    everywhere = not request.args.get("community") and policy.may(current_user, "see_district")
    community = None if everywhere else _community()
    community_id = community.id if community else None
    form = AuditFilterForm(request.args)
    form.set_actions(services.audit_actions(community_id))
    person = _person(int(request.args["person"])) if request.args.get("person", "").isdecimal() else None
    page = int(request.args["page"]) if request.args.get("page", "").isdecimal() else 1
    args = {key: value for key, value in request.args.items() if key not in ("page", "format")}
    context = {"form": form, "community": community, "person": person, "entries": [], "more": False, "page": page,
               "args": args, "everyone_args": {key: value for key, value in args.items() if key != "person"},
               "community_names": {c.id: c.name for c in services.all_communities()} if everywhere else {},
               "describe": services.describe}
    if not form.validate():
        return render("staff/audit.html", status=422, **context)
    try:
        chosen = services.audit_filter(current_user, community_id, person_id=person.id if person else None,
                                       who=form.who.data or "", action=form.action.data or "",
                                       start=form.start.data, end=form.end.data)
    except DomainError as error:
        return refuse(error, form=form, template="staff/audit.html", context=context)
    if request.args.get("format") in ("csv", "xlsx"):
        return spreadsheet(services.audit_sheets(chosen), f"audit-{local_today().isoformat()}", request.args["format"])
    context["entries"], context["more"] = services.audit_entries(chosen, page)
    return render("staff/audit.html", **context)


@bp.get("/reports/monthly")
@report_readers
def monthly_report():
    community = services.reported_community(current_user, request.args.get("community"))
    try:
        period = reports.parse_month(request.args.get("month"), local_today())
    except DomainError as error:
        return refuse(error, template="staff/report.html", context={"community": community, "report": None})
    report = reports.community_report(community, period, utcnow())
    wanted = request.args.get("format")
    if wanted:
        return spreadsheet(reports.report_sheets(report, as_numbers=wanted == "xlsx"),
                           f"report-{community.id}-{period.code}", wanted)
    template = "staff/report_print.html" if request.args.get("view") == "print" else "staff/report.html"
    return render(template, community=community, report=report, charts=charts.report_charts(report))


@bp.get("/reports/annual/<any(work,burden):which>")
@report_readers
def annual_report(which: str):
    """The year's work or the year's burden: the page, its print view, .xlsx and CSV."""
    community = services.reported_community(current_user, request.args.get("community"))
    try:
        period = reports.parse_year(request.args.get("year"), local_today())
    except DomainError as error:
        return refuse(error, template="staff/annual.html",
                      context={"community": community, "report": None, "which": which})
    report = reports.annual_report(which, community, period, utcnow())
    if request.args.get("format") in ("xlsx", "csv"):
        return spreadsheet(reports.annual_sheets(report), f"annual-{which}-{community.id}-{period.code}",
                           request.args["format"])
    template = "staff/annual_print.html" if request.args.get("view") == "print" else "staff/annual.html"
    return render(template, community=community, report=report, which=which, lines=reports.month_lines(report),
                  charts=charts.annual_charts(report))


@bp.get("/district")
@role_required(Role.ADMIN)
def district():
    try:
        period = reports.parse_month(request.args.get("month"), local_today())
    except DomainError as error:
        return refuse(error, template="staff/district.html", context={"groups": [], "period": None})
    groups = reports.district(period, utcnow())
    if request.args.get("format"):
        return spreadsheet(reports.district_sheets(groups, period), f"district-{period.code}", request.args["format"])
    return render("staff/district.html", groups=groups, period=period)


SETTINGS_PAGES = [
    ("/kitchen/manage/settings", "bowl", N_("Neighbour kitchen"), N_("Standard meal price and the subsidy rule")),
    ("/aid/manage/settings", "hands", N_("Mutual aid"),
     N_("Time credits (starting grant, floor, ceiling, pool-paid age) and the skill list")),
    ("/alleys/manage/settings", "alley", N_("Alley patrols"),
     N_("Finding categories, responsible departments and deadlines")),
    ("/open311/keys", "list", N_("Open interface (Open311)"),
     N_("Keys for partner systems such as the 12345 hotline, and whether our cases are published")),
]


@bp.get("/settings")
@staff_only
def settings():
    community = _community()
    pages = [(path if _existing_path(path) else None, icon, title, text) for path, icon, title, text in SETTINGS_PAGES]
    return render("staff/settings.html", community=community, pages=pages,
                  buildings=services.buildings_of(community.id))
