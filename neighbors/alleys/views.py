"""Alley patrols: parse a form, call one service, respond (303, the page, or the fragment)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import local_today, to_local, utcnow
from ..errors import DomainError
from ..extensions import htmx
from ..forms import EmptyForm, show_error
from ..security import login_required, require_community, role_required
from ..uploads import send_image
from ..urls import safe_next
from . import public_holidays, services
from .forms import (
    DEPARTMENT_FIELDS, AddToFindingForm, AlleyForm, AssignForm, BranchForm, DispatchForm, FindingForm, HolidayForm,
    MemberForm, NoteForm, ResolveForm, RouteRowForm, RuleForm,
)
from .models import (
    CATEGORIES, CATEGORY_LABELS, DEFAULT_ACCEPT_MINUTES, DEFAULT_RESOLVE_MINUTES, DEPARTMENT_LABELS, STATE_LABELS,
    VOLUNTEER, FindingPhoto, category_label, kind_label,
)

bp = Blueprint("alleys", __name__, url_prefix="/alleys")


def now() -> datetime:
    return utcnow()


def targeted() -> bool:
    return bool(htmx) and not htmx.boosted


@bp.context_processor
def alley_helpers():
    return {"kind_label": kind_label, "category_label": category_label, "state_labels": STATE_LABELS,
            "department_labels": DEPARTMENT_LABELS, "services": services, "VOLUNTEER": VOLUNTEER}


def _member_or_staff() -> None:
    if not (services.is_member(current_user) or services.is_staff(current_user, current_user.community_id)):
        abort(403)


def _alley(alley_id: int):
    """An alley by id; staff and members reach their own community's, administrators every community's."""
    place = services.alley_for(current_user, alley_id)
    require_community(place.community_id)
    return place


def _shift(shift_id: int):
    shift = services.shift_for(current_user, shift_id)
    require_community(shift.community_id)
    return shift


def _branch(branch_id: int):
    branch = services.branch_for(current_user, branch_id)
    require_community(branch.community_id)
    return branch


def _int_arg(name: str) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return None


# --- overview ---------------------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    community_id = current_user.community_id
    moment = now()
    member = services.is_member(current_user)
    return render_template(
        "alleys/index.html", alleys=services.alleys_of(community_id), branches=services.branches_of(community_id),
        member=member, staff=services.is_staff(current_user, community_id),
        my_shifts=services.my_shifts(current_user, moment)[:3] if member else [],
        my_findings=services.findings_for(current_user, moment, show="mine")[:5], now=moment)


@bp.get("/<int:alley_id>")
@login_required
def alley(alley_id: int):
    place = _alley(alley_id)
    routes = services.routes_of(place)
    return render_template("alleys/alley.html", alley=place, routes=routes, categories=CATEGORIES,
                           can_manage=services.can_manage_alley(current_user, place), form=EmptyForm())


# --- shifts -----------------------------------------------------------------------------

@bp.get("/shifts")
@login_required
def shifts():
    return _shifts_page()


def _shifts_page(error: DomainError | None = None, status: int = 200):
    moment = now()
    alley_id = _int_arg("alley")
    alley_ids = [alley_id] if alley_id else None
    listed = services.upcoming_shifts(current_user.community_id, moment, days=14, alley_ids=alley_ids)
    mine = services.my_shifts(current_user, moment)
    released = [s for s in listed if any(x.released_at for x in s.signups) and not s.signup_of(current_user.id)]
    return render_template("alleys/shifts.html", shifts=listed, mine=mine, released=released, now=moment,
                           my_kind=services.slot_kind(current_user), form=EmptyForm(),
                           alleys=services.alleys_of(current_user.community_id), alley_id=alley_id,
                           error=error), status


def _shift_action(shift_id: int, action):
    form = EmptyForm()
    shift = _shift(shift_id)
    error = None
    status = 200
    if not form.validate_on_submit():
        abort(400)
    try:
        action(shift)
    except DomainError as refusal:
        error, status = refusal, refusal.status
    if targeted():
        fresh = _shift(shift_id)
        return render_template("alleys/_shift.html", shift=fresh, now=now(), form=EmptyForm(),
                               my_kind=services.slot_kind(current_user), error=error), status
    if error is not None:
        return _shifts_page(error, status)
    return redirect(safe_next(request.form.get("next"), url_for("alleys.shifts") + f"#shift-{shift.id}"), 303)


@bp.post("/shifts/<int:shift_id>/signup")
@login_required
def signup(shift_id: int):
    return _shift_action(shift_id, lambda shift: services.sign_up(shift.id, current_user, now()))


@bp.post("/shifts/<int:shift_id>/withdraw")
@login_required
def withdraw(shift_id: int):
    return _shift_action(shift_id, lambda shift: services.withdraw(shift.id, current_user, now()))


@bp.post("/shifts/<int:shift_id>/release")
@login_required
def release(shift_id: int):
    return _shift_action(shift_id, lambda shift: services.release(shift.id, current_user, now()))


@bp.post("/shifts/<int:shift_id>/take-back")
@login_required
def take_back(shift_id: int):
    return _shift_action(shift_id, lambda shift: services.take_back(shift.id, current_user, now()))


@bp.post("/shifts/<int:shift_id>/checkin")
@login_required
def checkin(shift_id: int):
    return _shift_action(shift_id, lambda shift: services.check_in(shift.id, current_user, now()))


@bp.post("/shifts/<int:shift_id>/checkout")
@login_required
def checkout(shift_id: int):
    return _shift_action(shift_id, lambda shift: services.check_out(shift.id, current_user, now()))


@bp.route("/shifts/<int:shift_id>/assign", methods=["GET", "POST"])
@login_required
def assign(shift_id: int):
    shift = _shift(shift_id)
    if not services.can_manage_alley(current_user, shift.alley):
        abort(403)
    form = AssignForm()
    people = _assignable(shift)
    form.user.choices = [(0, _("Choose…"))] + [(p.id, f"{p.name}（{kind_label(services.slot_kind(p))}）")
                                                for p in people]
    status = 200
    if form.validate_on_submit():
        try:
            services.assign(shift.id, current_user, form.user.data, now())
            flash(_("Member assigned."), "success")
            return redirect(url_for("alleys.coverage", alley=shift.alley_id) + f"#shift-{shift.id}", 303)
        except DomainError as error:
            show_error(form, error)
            status = error.status
    elif request.method == "POST":
        status = 422
    return render_template("alleys/assign.html", shift=shift, form=form, now=now()), status


def _assignable(shift) -> list:
    members = []
    if shift.alley.branch is not None:
        members = [m.user for m in services.branch_members(shift.alley.branch)]
    if not members:
        members = [p for p in services.people_of(shift.community_id) if services.slot_kind(p)]
    taken = {s.user_id for s in shift.signups}
    return [p for p in members if p.id not in taken and services.slot_kind(p) and p.active]


@bp.get("/coverage")
@login_required
def coverage():
    _member_or_staff()
    community_id = current_user.community_id
    alley_id, branch_id = _int_arg("alley"), _int_arg("branch")
    scope_name = None
    alley_ids = None
    if branch_id:
        branch = services.get_branch(community_id, branch_id)
        alley_ids, scope_name = [a.id for a in branch.alleys], branch.name
    elif alley_id:
        place = services.get_alley(community_id, alley_id)
        alley_ids, scope_name = [place.id], place.name
    moment = now()
    listed = services.coverage(community_id, moment, alley_ids)
    days: dict[date, list] = {}
    for shift in listed:
        days.setdefault(shift.day, []).append(shift)
    return render_template("alleys/coverage.html", days=days, scope_name=scope_name, now=moment,
                           short_count=sum(1 for s in listed if s.is_short),
                           alleys=services.alleys_of(community_id), branches=services.branches_of(community_id),
                           alley_id=alley_id, branch_id=branch_id)


@bp.get("/me")
@login_required
def me():
    moment = now()
    today = local_today(moment)
    start, end = services.month_bounds(today)
    last_start, _last_end = services.month_bounds(start - timedelta(days=1))
    feed = services.calendar_feed(current_user, moment) if services.is_member(current_user) else None
    return render_template(
        "alleys/me.html", mine=services.my_shifts(current_user, moment), now=moment, form=EmptyForm(),
        my_kind=services.slot_kind(current_user),
        this_month=services.attendance(current_user.community_id, current_user.id, start, end, moment),
        last_month=services.attendance(current_user.community_id, current_user.id, last_start, start, moment),
        this_label=start, last_label=last_start, feed=feed,
        feed_url=url_for("alleys.calendar", token=feed.token, _external=True) if feed else None)


@bp.post("/me/calendar/reset")
@login_required
def reset_calendar():
    form = EmptyForm()
    if form.validate_on_submit():
        services.reset_calendar(current_user, now())
        flash(_("Your calendar link was changed. The old link no longer works."), "success")
    return redirect(url_for("alleys.me") + "#calendar", 303)


@bp.get("/calendar/<token>.ics")
def calendar(token: str):
    body = services.calendar_ics(token, now(), host=request.host.split(":")[0])
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="patrols.ics"'
    return response


# --- rules ------------------------------------------------------------------------------

@bp.route("/<int:alley_id>/rules/new", methods=["GET", "POST"])
@bp.route("/<int:alley_id>/rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def rule(alley_id: int, rule_id: int | None = None):
    place = _alley(alley_id)
    if not services.can_manage_alley(current_user, place):
        abort(403)
    existing = next((r for r in place.rules if r.id == rule_id), None) if rule_id else None
    if rule_id and existing is None:
        abort(404)
    form = RuleForm()
    if request.method == "GET":
        if existing is not None:
            form.weekdays.data = list(existing.weekdays)
            form.starts.data, form.ends.data = existing.starts, existing.ends
            form.volunteers.data = existing.needs.get(VOLUNTEER, 0)
            for department, name in DEPARTMENT_FIELDS.items():
                getattr(form, name).data = existing.needs.get(department, 0)
            form.skip_holidays.data, form.active.data = existing.skip_holidays, existing.active
            form.adjusted_workdays.data = existing.adjusted_workdays
        else:
            form.weekdays.data = ["0", "1", "2", "3", "4"]
            form.starts.data, form.ends.data = time(7, 0), time(8, 0)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_rule(current_user, place.id, form.weekdays.data, form.starts.data, form.ends.data,
                               form.needs(), form.skip_holidays.data, form.active.data, rule_id=rule_id, now=now(),
                               adjusted_workdays=form.adjusted_workdays.data)
            flash(_("Patrol rule saved. Shifts for the next 4 weeks are ready."), "success")
            return redirect(url_for("alleys.alley", alley_id=place.id), 303)
        except DomainError as error:
            show_error(form, error)
            status = error.status
    elif request.method == "POST":
        status = 422
    today = local_today(now())
    horizon = today + timedelta(days=services.HORIZON_DAYS)
    return render_template("alleys/rule.html", alley=place, rule=existing, form=form,
                           upcoming_days_off=public_holidays.days_off_between(today, horizon),
                           upcoming_workdays=public_holidays.adjusted_workdays_between(today, horizon),
                           unknown_years=sorted({today.year, horizon.year} - public_holidays.KNOWN_YEARS)), status


# --- findings ---------------------------------------------------------------------------

def _finding_form() -> FindingForm:
    form = FindingForm()
    form.alley.choices = [(0, _("Choose the alley"))] + [(a.id, a.name)
                                                          for a in services.alleys_of(current_user.community_id)]
    return form


@bp.get("/findings")
@login_required
def findings():
    show = request.args.get("show", "open")
    if show not in ("open", "mine", "department", "all"):
        show = "open"
    moment = now()
    return render_template("alleys/findings.html", findings=services.findings_for(current_user, moment, show=show),
                           show=show, now=moment, department=services.officer_department(current_user))


@bp.route("/findings/new", methods=["GET", "POST"])
@login_required
def new_finding():
    form = _finding_form()
    moment = now()
    similar = []
    status = 200
    if request.method == "GET":
        form.alley.data = _int_arg("alley") or 0
        if request.args.get("category") in CATEGORIES:
            form.category.data = request.args["category"]
        similar = services.similar_open(current_user.community_id, form.alley.data, form.category.data, moment)
    elif form.validate_on_submit():
        try:
            finding = services.report_finding(
                current_user, form.alley.data, form.category.data, form.description.data, form.place.data,
                request.files.getlist("photos"), form.clean_submission_key(), moment, new_anyway=form.new_anyway.data,
                held=form.held_photos.data or "")
            flash(_("Thank you. Your report was sent."), "success")
            return redirect(url_for("alleys.finding", finding_id=finding.id), 303)
        except services.DuplicateSuspected as error:
            similar = error.similar
            form.held_photos.data = error.held
            show_error(form, error)
            status = error.status
        except DomainError as error:
            show_error(form, error)
            status = error.status
    else:
        status = 422
        similar = services.similar_open(current_user.community_id, form.alley.data, form.category.data, moment)
    held = services.held_count(current_user, form.held_photos.data) if request.method == "POST" else 0
    if not held:
        form.held_photos.data = ""
    return render_template("alleys/new_finding.html", form=form, similar=similar, now=moment,
                           landmarks=_landmarks(), held_count=held), status


def _landmarks() -> dict[str, list[str]]:
    return {a.name: a.landmark_list for a in services.alleys_of(current_user.community_id)}


@bp.get("/findings/similar")
@login_required
def similar_findings():
    """The duplicate hint, refreshed as the reporter picks the alley and category."""
    moment = now()
    similar = services.similar_open(current_user.community_id, _int_arg("alley"), request.args.get("category"),
                                    moment)
    form = _finding_form()
    return render_template("alleys/_similar.html", similar=similar, form=form, now=moment)


def _load_finding(finding_id: int):
    finding = services.finding_for(current_user, finding_id)
    require_community(finding.community_id)
    if not services.can_view_finding(finding, current_user):
        abort(403)
    return finding


@bp.get("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int):
    return _finding_page(_load_finding(finding_id))


def _finding_page(record, status: int = 200, **forms):
    moment = now()
    dispatch_form = forms.get("dispatch_form") or DispatchForm(formdata=None)
    return render_template(
        "alleys/finding.html", finding=record, now=moment, form=EmptyForm(),
        resolve_form=forms.get("resolve_form") or ResolveForm(formdata=None),
        reopen_form=forms.get("reopen_form") or NoteForm(formdata=None, prefix="reopen"),
        send_back_form=forms.get("send_back_form") or NoteForm(formdata=None, prefix="back"),
        add_form=forms.get("add_form") or AddToFindingForm(formdata=None),
        dispatch_form=dispatch_form, error=forms.get("error")), status


def _finding_action(finding_id: int, run, form=None, form_name: str | None = None):
    record = _load_finding(finding_id)
    form = form or EmptyForm()
    if not form.validate_on_submit():
        if form_name is None:
            abort(400)
        return _finding_page(record, 422, **{form_name: form})
    try:
        run(record, form)
    except DomainError as error:
        if form_name:
            show_error(form, error)
            return _finding_page(record, error.status, **{form_name: form})
        return _finding_page(_load_finding(finding_id), error.status, error=error)
    return redirect(url_for("alleys.finding", finding_id=finding_id), 303)


@bp.post("/findings/<int:finding_id>/accept")
@login_required
def accept(finding_id: int):
    return _finding_action(finding_id, lambda f, _form: services.accept(f.id, current_user, now()))


@bp.post("/findings/<int:finding_id>/resolve")
@login_required
def resolve(finding_id: int):
    return _finding_action(
        finding_id, lambda f, form: services.resolve(f.id, current_user, form.note.data,
                                                     request.files.get("photo"), now()),
        ResolveForm(), "resolve_form")


@bp.post("/findings/<int:finding_id>/verify")
@login_required
def verify(finding_id: int):
    return _finding_action(finding_id, lambda f, _form: services.verify(f.id, current_user, now()))


@bp.post("/findings/<int:finding_id>/close")
@login_required
def close(finding_id: int):
    return _finding_action(finding_id, lambda f, _form: services.close(f.id, current_user, now()))


@bp.post("/findings/<int:finding_id>/reopen")
@login_required
def reopen(finding_id: int):
    return _finding_action(
        finding_id, lambda f, form: services.reopen(f.id, current_user, form.note.data, now()),
        NoteForm(prefix="reopen"), "reopen_form")


@bp.post("/findings/<int:finding_id>/send-back")
@login_required
def send_back(finding_id: int):
    return _finding_action(
        finding_id, lambda f, form: services.send_back(f.id, current_user, form.note.data, now()),
        NoteForm(prefix="back"), "send_back_form")


@bp.post("/findings/<int:finding_id>/dispatch")
@login_required
def dispatch(finding_id: int):
    return _finding_action(
        finding_id, lambda f, form: services.dispatch(f.id, current_user, form.department.data, now(),
                                                      form.note.data or ""),
        DispatchForm(), "dispatch_form")


@bp.post("/findings/<int:finding_id>/add")
@login_required
def add_to(finding_id: int):
    return _finding_action(
        finding_id, lambda f, form: services.add_to_finding(f.id, current_user, form.note.data,
                                                            request.files.getlist("photos"), now()),
        AddToFindingForm(), "add_form")


@bp.get("/findings/<int:finding_id>/photos/<int:photo_id>")
@login_required
def photo(finding_id: int, photo_id: int):
    record = _load_finding(finding_id)
    picture = next((p for p in record.photos if p.id == photo_id), None)
    if not isinstance(picture, FindingPhoto):
        abort(404)
    return send_image(picture.key)


# --- stats ------------------------------------------------------------------------------

def _stats_scope():
    community_id = current_user.community_id
    alley_id, branch_id = _int_arg("alley"), _int_arg("branch")
    if branch_id:
        branch = services.get_branch(community_id, branch_id)
        return [a.id for a in branch.alleys], branch.name
    if alley_id:
        place = services.get_alley(community_id, alley_id)
        return [place.id], place.name
    return None, current_user.community.name


def _month() -> date:
    text = request.args.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return local_today(now()).replace(day=1)


@bp.get("/stats")
@login_required
def stats():
    _member_or_staff()
    alley_ids, scope = _stats_scope()
    month = _month()
    start, end = services.month_bounds(month)
    figures = services.month_stats(current_user.community_id, start, end, now(), alley_ids)
    biggest = max([*figures["findings_by_category"].values(), 1])
    members = services.member_attendance(current_user.community_id, start, end, now(), alley_ids)
    return render_template("alleys/stats.html", stats=figures, scope=scope, month=month, biggest=biggest,
                           members=members,
                           categories=CATEGORY_LABELS, alleys=services.alleys_of(current_user.community_id),
                           branches=services.branches_of(current_user.community_id),
                           alley_id=_int_arg("alley"), branch_id=_int_arg("branch"))


@bp.get("/stats.csv")
@login_required
def stats_csv():
    _member_or_staff()
    alley_ids, scope = _stats_scope()
    month = _month()
    start, end = services.month_bounds(month)
    figures = services.month_stats(current_user.community_id, start, end, now(), alley_ids)
    response = make_response(services.stats_csv(figures, scope, f"{month:%Y-%m}"))
    response.mimetype = "text/csv"
    response.headers["Content-Disposition"] = f'attachment; filename="alley-stats-{month:%Y-%m}.csv"'
    return response


# --- the branch secretary: members ------------------------------------------------------

def _member_form(community_id: int, formdata=True) -> MemberForm:
    form = MemberForm() if formdata else MemberForm(formdata=None)
    form.user.choices = [(0, _("Choose…"))] + [(p.id, f"{p.name} {p.masked_phone}")
                                                for p in services.people_of(community_id)]
    return form


@bp.route("/branches/<int:branch_id>/members", methods=["GET", "POST"])
@login_required
def branch_members(branch_id: int):
    """The secretary (or staff) adds patrollers and officers to the branch."""
    branch = _branch(branch_id)
    if not services.can_manage_branch(current_user, branch):
        abort(403)
    form = _member_form(branch.community_id, formdata=request.method == "POST")
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.add_member(current_user, branch.id, form.user.data, form.kind.data,
                                    form.department.data or "", now())
                flash(_("Member added."), "success")
                return redirect(url_for("alleys.branch_members", branch_id=branch.id), 303)
            except DomainError as error:
                show_error(form, error)
                status = error.status
    return render_template("alleys/branch_members.html", branch=branch, member_form=form,
                           members=services.branch_members(branch)), status


# --- staff: alleys, branches, members, routing, holidays ---------------------------------

def _staff_only() -> None:
    if not services.is_staff(current_user, current_user.community_id):
        abort(403)


@bp.get("/manage")
@role_required("staff")
def manage():
    _staff_only()
    community_id = current_user.community_id
    return render_template("alleys/manage.html", alleys=services.alleys_of(community_id),
                           branches=services.branches_of(community_id))


def _branch_choices(form: AlleyForm, community_id: int) -> None:
    form.branch.choices = [(0, _("No branch yet"))] + [(b.id, b.name) for b in services.branches_of(community_id)]


@bp.route("/manage/alleys/new", methods=["GET", "POST"])
@bp.route("/manage/alleys/<int:alley_id>", methods=["GET", "POST"])
@role_required("staff")
def edit_alley(alley_id: int | None = None):
    _staff_only()
    place = _alley(alley_id) if alley_id else None
    community_id = place.community_id if place else current_user.community_id
    form = AlleyForm(obj=place) if request.method == "GET" and place else AlleyForm()
    _branch_choices(form, community_id)
    if request.method == "GET" and place:
        form.branch.data = place.branch_id or 0
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_alley(current_user, community_id, form.name.data,
                                        form.description.data, form.landmarks.data, form.branch.data or None,
                                        alley_id=alley_id, now=now())
            flash(_("Alley saved."), "success")
            return redirect(url_for("alleys.alley", alley_id=saved.id), 303)
        except DomainError as error:
            show_error(form, error)
            status = error.status
    elif request.method == "POST":
        status = 422
    return render_template("alleys/edit_alley.html", form=form, alley=place), status


@bp.route("/manage/branches/new", methods=["GET", "POST"])
@bp.route("/manage/branches/<int:branch_id>", methods=["GET", "POST"])
@role_required("staff")
def edit_branch(branch_id: int | None = None):
    _staff_only()
    branch = _branch(branch_id) if branch_id else None
    community_id = branch.community_id if branch else current_user.community_id
    form = BranchForm(obj=branch) if request.method == "GET" and branch else BranchForm()
    people = services.people_of(community_id)
    form.secretary.choices = [(0, _("Not chosen yet"))] + [(p.id, p.name) for p in people]
    if request.method == "GET" and branch:
        form.secretary.data = branch.secretary_id or 0
    member_form = MemberForm(formdata=None)
    member_form.user.choices = [(0, _("Choose…"))] + [(p.id, f"{p.name} {p.masked_phone}") for p in people]
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_branch(current_user, community_id, form.name.data,
                                         form.secretary.data or None, branch_id=branch_id, now=now())
            flash(_("Branch saved."), "success")
            return redirect(url_for("alleys.edit_branch", branch_id=saved.id), 303)
        except DomainError as error:
            show_error(form, error)
            status = error.status
    elif request.method == "POST":
        status = 422
    return render_template("alleys/edit_branch.html", form=form, branch=branch, member_form=member_form,
                           members=services.branch_members(branch) if branch else [], remove_form=EmptyForm()), status


@bp.post("/manage/branches/<int:branch_id>/members")
@role_required("staff")
def add_member(branch_id: int):
    _staff_only()
    branch = _branch(branch_id)
    form = MemberForm()
    people = services.people_of(branch.community_id)
    form.user.choices = [(0, _("Choose…"))] + [(p.id, f"{p.name} {p.masked_phone}") for p in people]
    status = 422
    if form.validate_on_submit():
        try:
            services.add_member(current_user, branch.id, form.user.data, form.kind.data, form.department.data or "",
                                now())
            flash(_("Member added."), "success")
            return redirect(url_for("alleys.edit_branch", branch_id=branch.id), 303)
        except DomainError as error:
            show_error(form, error)
            status = error.status
    branch_form = BranchForm(obj=branch)
    branch_form.secretary.choices = [(0, _("Not chosen yet"))] + [(p.id, p.name) for p in people]
    branch_form.secretary.data = branch.secretary_id or 0
    return render_template("alleys/edit_branch.html", form=branch_form, branch=branch, member_form=form,
                           members=services.branch_members(branch), remove_form=EmptyForm()), status


@bp.post("/manage/members/<int:member_id>/remove")
@role_required("staff")
def remove_member(member_id: int):
    _staff_only()
    form = EmptyForm()
    branch_id = request.form.get("branch", type=int)
    if form.validate_on_submit():
        services.remove_member(current_user, member_id, now())
        flash(_("Member removed."), "success")
    if branch_id:
        return redirect(url_for("alleys.edit_branch", branch_id=branch_id), 303)
    return redirect(url_for("alleys.manage"), 303)


@bp.route("/manage/settings", methods=["GET", "POST"])
@role_required("staff")
def settings():
    """Which department handles each category in an alley, and the deadlines to accept and fix."""
    _staff_only()
    alley_id = _int_arg("alley")
    place = _alley(alley_id) if alley_id else None
    all_alleys = services.alleys_of(place.community_id if place else current_user.community_id)
    if place is None and all_alleys:
        place = all_alleys[0]
    status = 200
    rows = {}
    if place is not None:
        routes = services.routes_of(place)
        for code in CATEGORIES:
            route = routes.get(code)
            rows[code] = RouteRowForm(formdata=None, prefix=code, category=code,
                                      department=route.department if route else "",
                                      accept_minutes=route.accept_minutes if route else DEFAULT_ACCEPT_MINUTES,
                                      resolve_minutes=route.resolve_minutes if route else DEFAULT_RESOLVE_MINUTES)
        if request.method == "POST":
            code = request.form.get("row")
            if code not in CATEGORIES:
                abort(400)
            row = RouteRowForm(prefix=code)
            rows[code] = row
            if row.validate_on_submit():
                try:
                    services.set_route(current_user, place.id, code, row.department.data or "",
                                       row.accept_minutes.data, row.resolve_minutes.data, now())
                    flash(_("Saved: %(category)s.", category=category_label(code)), "success")
                    return redirect(url_for("alleys.settings", alley=place.id) + f"#route-{code}", 303)
                except DomainError as error:
                    show_error(row, error)
                    status = error.status
            else:
                status = 422
    elif request.method == "POST":
        abort(404)
    return render_template("alleys/settings.html", alleys=all_alleys, alley=place, rows=rows,
                           categories=CATEGORY_LABELS), status


@bp.route("/manage/holidays", methods=["GET", "POST"])
@role_required("staff")
def holidays():
    _staff_only()
    form = HolidayForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.add_holiday(current_user, current_user.community_id, form.day.data, form.name.data or "",
                                 now())
            flash(_("Holiday added. Patrols that skip holidays were cancelled that day."), "success")
            return redirect(url_for("alleys.holidays"), 303)
        except DomainError as error:
            show_error(form, error)
            status = error.status
    elif request.method == "POST":
        status = 422
    listed = services.holidays_of(current_user.community_id, local_today(now()))
    return render_template("alleys/holidays.html", form=form, holidays=listed, remove_form=EmptyForm(),
                           official_years=sorted(public_holidays.KNOWN_YEARS)), status


@bp.post("/manage/holidays/<int:holiday_id>/remove")
@role_required("staff")
def remove_holiday(holiday_id: int):
    _staff_only()
    form = EmptyForm()
    if form.validate_on_submit():
        services.remove_holiday(current_user, holiday_id, now())
        flash(_("Holiday removed."), "success")
    return redirect(url_for("alleys.holidays"), 303)


@bp.app_template_filter("alley_time")
def alley_time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A refusal no view caught (a missing record, usually): the error page with its message."""
    from ..error_pages import render_error
    from ..extensions import db

    db.session.rollback()
    return render_error(error.status, error.message)
