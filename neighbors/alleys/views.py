"""Alley patrols: parse a form, call one service, respond (303, the page, or the fragment)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import local_today, to_local, utcnow
from ..errors import DomainError
from ..forms import EmptyForm
from ..geo import map_links, position_from_form
from ..models import Role
from ..security import login_required, require_community, role_required
from ..uploads import send_image
from ..urls import safe_next
from ..web import is_fragment_request, month_arg, refuse, render, see_other, spreadsheet, submit, succeeded, then
from . import public_holidays, services
from .forms import (
    DEPARTMENT_FIELDS, AddToFindingForm, AlleyForm, AssignForm, BranchForm, DispatchForm, FindingForm, HolidayForm,
    MemberForm, NoteForm, ResolveForm, RouteRowForm, RuleForm,
)
from .models import (
    CATEGORIES, CATEGORY_LABELS, DEFAULT_ACCEPT_MINUTES, DEFAULT_RESOLVE_MINUTES, DEPARTMENT_LABELS, STATE_LABELS,
    VOLUNTEER, FindingPhoto, category_label, kind_label,
)
from .policy import may, officer_department, policy, slot_kind

bp = Blueprint("alleys", __name__, url_prefix="/alleys")


def now() -> datetime:
    return utcnow()


@bp.context_processor
def alley_helpers():
    return {"kind_label": kind_label, "category_label": category_label, "state_labels": STATE_LABELS,
            "department_labels": DEPARTMENT_LABELS, "VOLUNTEER": VOLUNTEER, "officer_department": officer_department,
            "may": policy.for_templates(current_user)}


def _guard(action: str, record=None) -> None:
    """A page the reader may not open is 403 (the policy says who may)."""
    if not may(current_user, action, record):
        abort(403)


def _staff_only() -> None:
    _guard("manage_community", current_user.community_id)


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
    member = may(current_user, "patrol")
    return render(
        "alleys/index.html", alleys=services.alleys_of(community_id), branches=services.branches_of(community_id),
        member=member, staff=may(current_user, "manage_community", community_id),
        my_shifts=services.my_shifts(current_user, moment)[:3] if member else [],
        my_findings=services.findings_for(current_user, moment, show="mine")[:5], now=moment)


@bp.get("/<int:alley_id>")
@login_required
def alley(alley_id: int):
    place = _alley(alley_id)
    return render("alleys/alley.html", alley=place, routes=services.routes_of(place), categories=CATEGORIES,
                  form=EmptyForm())


# --- shifts -----------------------------------------------------------------------------

def _shifts_context() -> dict:
    moment = now()
    alley_id = _int_arg("alley")
    listed = services.upcoming_shifts(current_user.community_id, moment, days=14,
                                      alley_ids=[alley_id] if alley_id else None)
    released = [s for s in listed if any(x.released_at for x in s.signups) and not s.signup_of(current_user.id)]
    return {"shifts": listed, "mine": services.my_shifts(current_user, moment), "released": released, "now": moment,
            "my_kind": slot_kind(current_user), "form": EmptyForm(), "alleys": services.alleys_of(
                current_user.community_id), "alley_id": alley_id}


def _shift_context(shift_id: int) -> dict:
    """The shift's card as it is now (with the whole list around it unless htmx asked for the card)."""
    card = {"shift": _shift(shift_id), "now": now(), "form": EmptyForm(), "my_kind": slot_kind(current_user),
            "refused_shift_id": shift_id}
    return card if is_fragment_request() else {**_shifts_context(), **card}


def _shiftsucceeded(shift_id: int):
    if is_fragment_request():
        return render("alleys/_shift.html", **_shift_context(shift_id))
    return redirect(safe_next(request.form.get("next"), url_for("alleys.shifts", _anchor=f"shift-{shift_id}")), 303)


def _shift_act(action):
    """A member's one-tap move on a shift: the same form, service call and answer for each of them."""

    @login_required
    def view(shift_id: int):
        shift = _shift(shift_id)
        return submit(EmptyForm(), lambda: action(current_user, shift.id, now()),
                      done=lambda _result: _shiftsucceeded(shift.id), template="alleys/shifts.html",
                      partial="alleys/_shift.html", context=lambda: _shift_context(shift.id))

    return view


for _path, _endpoint, _action in (("signup", "signup", services.sign_up), ("withdraw", "withdraw", services.withdraw),
                                  ("release", "release", services.release),
                                  ("take-back", "take_back", services.take_back),
                                  ("checkin", "checkin", services.check_in),
                                  ("checkout", "checkout", services.check_out)):
    bp.add_url_rule(f"/shifts/<int:shift_id>/{_path}", _endpoint, _shift_act(_action), methods=["POST"])


@bp.route("/shifts/<int:shift_id>/assign", methods=["GET", "POST"])
@login_required
def assign(shift_id: int):
    shift = _shift(shift_id)
    _guard("assign", shift)
    form = AssignForm()
    form.user.choices = [(0, _("Choose…"))] + [(p.id, f"{p.name}（{kind_label(slot_kind(p))}）")
                                                for p in services.assignable(shift)]
    context = {"shift": shift, "now": now()}
    if request.method == "GET":
        return render("alleys/assign.html", form=form, **context)
    return submit(form, lambda: services.assign(current_user, shift.id, form.user.data, now()),
                  done=lambda _signup: succeeded(_("Member assigned."), "alleys.coverage", alley=shift.alley_id,
                                             _anchor=f"shift-{shift.id}"),
                  template="alleys/assign.html", context=context)


def _scope(community_id: int) -> tuple[list[int] | None, str | None]:
    """The alleys a coverage or stats page is about (?branch= or ?alley=), and their name."""
    alley_id, branch_id = _int_arg("alley"), _int_arg("branch")
    if branch_id:
        branch = services.get_branch(community_id, branch_id)
        return [a.id for a in branch.alleys], branch.name
    if alley_id:
        place = services.get_alley(community_id, alley_id)
        return [place.id], place.name
    return None, None


@bp.get("/coverage")
@login_required
def coverage():
    _guard("see_patrols")
    community_id = current_user.community_id
    alley_ids, scope_name = _scope(community_id)
    moment = now()
    listed = services.coverage(community_id, moment, alley_ids)
    days: dict[date, list] = {}
    for shift in listed:
        days.setdefault(shift.day, []).append(shift)
    return render("alleys/coverage.html", days=days, scope_name=scope_name, now=moment,
                  short_count=sum(1 for s in listed if s.is_short),
                  alleys=services.alleys_of(community_id), branches=services.branches_of(community_id),
                  alley_id=_int_arg("alley"), branch_id=_int_arg("branch"))


@bp.get("/me")
@login_required
def me():
    moment = now()
    start, end = services.month_bounds(local_today(moment))
    last_start, _last_end = services.month_bounds(start - timedelta(days=1))
    feed = services.calendar_feed(current_user, moment) if may(current_user, "patrol") else None
    return render(
        "alleys/me.html", mine=services.my_shifts(current_user, moment), now=moment, form=EmptyForm(),
        my_kind=slot_kind(current_user),
        this_month=services.attendance(current_user.community_id, current_user.id, start, end, moment),
        last_month=services.attendance(current_user.community_id, current_user.id, last_start, start, moment),
        this_label=start, last_label=last_start, feed=feed,
        feed_url=url_for("alleys.calendar", token=feed.token, _external=True) if feed else None)


@bp.post("/me/calendar/reset")
@login_required
def reset_calendar():
    services.reset_calendar(current_user, now())
    return succeeded(_("Your calendar link was changed. The old link no longer works."), "alleys.me", _anchor="calendar")


@bp.get("/calendar/<token>.ics")
def calendar(token: str):
    body = services.calendar_ics(token, now(), host=request.host.split(":")[0])
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Disposition"] = 'inline; filename="patrols.ics"'
    return response


# --- rules ------------------------------------------------------------------------------

def _fill_rule_form(form: RuleForm, existing) -> None:
    if existing is None:
        form.weekdays.data = ["0", "1", "2", "3", "4"]
        form.starts.data, form.ends.data = time(7, 0), time(8, 0)
        return
    form.weekdays.data = list(existing.weekdays)
    form.starts.data, form.ends.data = existing.starts, existing.ends
    form.volunteers.data = existing.needs.get(VOLUNTEER, 0)
    for department, name in DEPARTMENT_FIELDS.items():
        getattr(form, name).data = existing.needs.get(department, 0)
    form.skip_holidays.data, form.active.data = existing.skip_holidays, existing.active
    form.adjusted_workdays.data = existing.adjusted_workdays


def _rule_context(place, existing) -> dict:
    today = local_today(now())
    horizon = today + timedelta(days=services.HORIZON_DAYS)
    return {"alley": place, "rule": existing,
            "upcoming_days_off": public_holidays.days_off_between(today, horizon),
            "upcoming_workdays": public_holidays.adjusted_workdays_between(today, horizon),
            "unknown_years": sorted({today.year, horizon.year} - public_holidays.KNOWN_YEARS)}


@bp.route("/<int:alley_id>/rules/new", methods=["GET", "POST"])
@bp.route("/<int:alley_id>/rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def rule(alley_id: int, rule_id: int | None = None):
    place = _alley(alley_id)
    _guard("manage_alley", place)
    existing = next((r for r in place.rules if r.id == rule_id), None) if rule_id else None
    if rule_id and existing is None:
        abort(404)
    form = RuleForm()
    if request.method == "GET":
        _fill_rule_form(form, existing)
        return render("alleys/rule.html", form=form, **_rule_context(place, existing))
    return submit(
        form, lambda: services.save_rule(
            current_user, place.id, form.weekdays.data, form.starts.data, form.ends.data, form.needs(),
            form.skip_holidays.data, form.active.data, rule_id=rule_id, now=now(),
            adjusted_workdays=form.adjusted_workdays.data),
        done=lambda _rule: succeeded(_("Patrol rule saved. Shifts for the next 4 weeks are ready."), "alleys.alley",
                                 alley_id=place.id),
        template="alleys/rule.html", context=lambda: _rule_context(place, existing))


# --- findings ---------------------------------------------------------------------------

def _finding_form() -> FindingForm:
    form = FindingForm()
    form.alley.choices = [(0, _("Choose the alley"))] + [(a.id, a.name)
                                                          for a in services.alleys_of(current_user.community_id)]
    form.segment.choices = [(0, _("Not sure"))] + [(s.id, f"{s.alley.name} · {s.name}")
                                                   for s in services.segments_of(current_user.community_id)]
    return form


def _whereabouts(form: FindingForm) -> services.Whereabouts:
    """The segment and the position the form carries; "send without the position" drops both sources of it."""
    dropped = form.drop_position.data
    position = None if dropped else position_from_form(form.latitude.data, form.longitude.data, form.accuracy.data)
    return services.Whereabouts(segment_id=form.segment.data or None, position=position,
                                photo_position=form.photo_position.data and not dropped, far_ok=form.keep_far.data)


def _report_context(form: FindingForm, similar: list | None = None) -> dict:
    """The report form's page: the similar open reports, and how many photos are kept from a first try."""
    moment = now()
    if similar is None:
        similar = services.similar_open(current_user.community_id, form.alley.data, form.category.data, moment)
    held = services.held_count(current_user, form.held_photos.data) if request.method == "POST" else 0
    if not held:
        form.held_photos.data = ""
    return {"similar": similar, "now": moment, "held_count": held,
            "landmarks": {a.name: a.landmark_list for a in services.alleys_of(current_user.community_id)}}


@bp.route("/findings/new", methods=["GET", "POST"])
@login_required
def new_finding():
    form = _finding_form()
    template = "alleys/new_finding.html"
    if request.method == "GET":
        form.alley.data = _int_arg("alley") or 0
        form.origin.data = request.args.get("origin", "")[:30]
        if request.args.get("category") in CATEGORIES:
            form.category.data = request.args["category"]
        return render(template, form=form, **_report_context(form))
    if not form.validate_on_submit():
        return render(template, status=422, form=form, **_report_context(form))
    try:
        finding = services.report_finding(
            current_user, form.alley.data, form.category.data, form.description.data, form.place.data,
            request.files.getlist("photos"), form.clean_submission_key(), now(), new_anyway=form.new_anyway.data,
            held=form.held_photos.data or "", where=_whereabouts(form), origin=form.origin.data or "")
    except services.PositionQuestioned as error:
        form.held_photos.data = error.held
        form.latitude.data, form.longitude.data = error.position.latitude, error.position.longitude
        form.accuracy.data = error.position.accuracy_m if error.position.accuracy_m is not None else ""
        return refuse(error, form=form, template=template, context=lambda: _report_context(form, []))
    except services.DuplicateSuspected as error:
        form.held_photos.data = error.held
        return refuse(error, form=form, template=template, context=lambda: _report_context(form, error.similar))
    except DomainError as error:
        return refuse(error, form=form, template=template, context=lambda: _report_context(form, []))
    return succeeded(_("Thank you. Your report was sent."), "alleys.finding", finding_id=finding.id)


@bp.get("/findings/similar")
@login_required
def similar_findings():
    """The duplicate hint, refreshed as the reporter picks the alley and category."""
    moment = now()
    similar = services.similar_open(current_user.community_id, _int_arg("alley"), request.args.get("category"),
                                    moment)
    return render("alleys/_similar.html", similar=similar, form=_finding_form(), now=moment)


def _load_finding(finding_id: int):
    finding = services.finding_for(current_user, finding_id)
    require_community(finding.community_id)
    _guard("view_finding", finding)
    return finding


@bp.get("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int):
    return render("alleys/finding.html", **_finding_context(finding_id))


def _finding_context(finding_id: int) -> dict:
    case = _load_finding(finding_id)
    maps = map_links(case.position, f"{case.alley.name} {case.place}") if case.position else None
    return {"finding": case, "maps": maps, "now": now(), "form": EmptyForm(formdata=None),
            "resolve_form": ResolveForm(formdata=None), "reopen_form": NoteForm(formdata=None, prefix="reopen"),
            "send_back_form": NoteForm(formdata=None, prefix="back"), "add_form": AddToFindingForm(formdata=None),
            "dispatch_form": DispatchForm(formdata=None)}


def _finding_action(finding_id: int, action, form=None, form_name: str = "form", message: str | None = None):
    """One step of a case; back on the case's page, which says what happened (`message`, or the page itself)."""
    _load_finding(finding_id)
    form = form or EmptyForm()
    done = then(message, "alleys.finding", finding_id=finding_id) if message else (
        lambda _case: see_other("alleys.finding", finding_id=finding_id))
    return submit(form, lambda: action(form), done=done, template="alleys/finding.html", form_name=form_name,
                  context=lambda: _finding_context(finding_id))


@bp.post("/findings/<int:finding_id>/accept")
@login_required
def accept(finding_id: int):
    return _finding_action(finding_id, lambda _form: services.accept(current_user, finding_id, now()))


@bp.post("/findings/<int:finding_id>/resolve")
@login_required
def resolve(finding_id: int):
    return _finding_action(
        finding_id, lambda form: services.resolve(current_user, finding_id, form.note.data, form.photo.data, now()),
        ResolveForm(), "resolve_form", _("Sent. The person who reported it is asked to check the fix."))


@bp.post("/findings/<int:finding_id>/verify")
@login_required
def verify(finding_id: int):
    return _finding_action(finding_id, lambda _form: services.verify(current_user, finding_id, now()),
                           message=_("Thank you: the fix is confirmed."))


@bp.post("/findings/<int:finding_id>/close")
@login_required
def close(finding_id: int):
    return _finding_action(finding_id, lambda _form: services.close(current_user, finding_id, now()),
                           message=_("The case is closed."))


@bp.post("/findings/<int:finding_id>/reopen")
@login_required
def reopen(finding_id: int):
    return _finding_action(
        finding_id, lambda form: services.reopen(current_user, finding_id, form.note.data, now()),
        NoteForm(prefix="reopen"), "reopen_form", _("Sent back to the officer to fix again."))


@bp.post("/findings/<int:finding_id>/send-back")
@login_required
def send_back(finding_id: int):
    return _finding_action(
        finding_id, lambda form: services.send_back(current_user, finding_id, form.note.data, now()),
        NoteForm(prefix="back"), "send_back_form", _("Sent back to staff to choose the department."))


@bp.post("/findings/<int:finding_id>/dispatch")
@login_required
def dispatch(finding_id: int):
    return _finding_action(
        finding_id, lambda form: services.dispatch(current_user, finding_id, form.department.data, now(),
                                                   form.note.data or ""),
        DispatchForm(), "dispatch_form", _("Sent to the department."))


@bp.post("/findings/<int:finding_id>/add")
@login_required
def add_to(finding_id: int):
    return _finding_action(
        finding_id, lambda form: services.add_to_finding(current_user, finding_id, form.note.data,
                                                         request.files.getlist("photos"), now()),
        AddToFindingForm(), "add_form", _("Thank you. What you saw is added to this report."))


@bp.get("/findings/<int:finding_id>/photos/<int:photo_id>")
@login_required
def photo(finding_id: int, photo_id: int):
    record = _load_finding(finding_id)
    picture = next((p for p in record.photos if p.id == photo_id), None)
    if not isinstance(picture, FindingPhoto):
        abort(404)
    return send_image(picture.key)


# --- stats ------------------------------------------------------------------------------

def _month_figures() -> tuple[dict, str, date, list[int] | None]:
    _guard("see_patrols")
    alley_ids, scope = _scope(current_user.community_id)
    month = month_arg(local_today(now()))
    start, end = services.month_bounds(month)
    figures = services.month_stats(current_user.community_id, start, end, now(), alley_ids)
    return figures, scope or current_user.community.name, month, alley_ids


@bp.get("/stats")
@login_required
def stats():
    figures, scope, month, alley_ids = _month_figures()
    start, end = services.month_bounds(month)
    members = services.member_attendance(current_user.community_id, start, end, now(), alley_ids)
    return render("alleys/stats.html", stats=figures, scope=scope, month=month,
                  responsible=services.responsibility_stats(current_user.community_id, start, end, alley_ids),
                  biggest=max([*figures["findings_by_category"].values(), 1]), members=members,
                  categories=CATEGORY_LABELS, alleys=services.alleys_of(current_user.community_id),
                  branches=services.branches_of(current_user.community_id),
                  alley_id=_int_arg("alley"), branch_id=_int_arg("branch"))


@bp.get("/stats.csv", defaults={"wanted": "csv"})
@bp.get("/stats.xlsx", defaults={"wanted": "xlsx"})
@login_required
def stats_download(wanted: str):
    """The month's figures as .xlsx or CSV (the same table)."""
    figures, scope, month, _alley_ids = _month_figures()
    return spreadsheet(services.stats_sheets(figures, scope, f"{month:%Y-%m}"), f"alley-stats-{month:%Y-%m}", wanted)


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
    _guard("manage_branch", branch)
    form = _member_form(branch.community_id, formdata=request.method == "POST")

    def page() -> dict:
        return {"branch": branch, "members": services.branch_members(branch)}

    if request.method == "GET":
        return render("alleys/branch_members.html", member_form=form, **page())
    return submit(form, lambda: services.add_member(current_user, branch.id, form.user.data, form.kind.data,
                                                    form.department.data or "", now()),
                  done=lambda _member: succeeded(_("Member added."), "alleys.branch_members", branch_id=branch.id),
                  template="alleys/branch_members.html", form_name="member_form", context=page)


# --- staff: alleys, branches, members, routing, holidays ---------------------------------

@bp.get("/manage")
@role_required(Role.STAFF)
def manage():
    _staff_only()
    community_id = current_user.community_id
    return render("alleys/manage.html", alleys=services.alleys_of(community_id),
                  branches=services.branches_of(community_id))


@bp.route("/manage/alleys/new", methods=["GET", "POST"])
@bp.route("/manage/alleys/<int:alley_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_alley(alley_id: int | None = None):
    _staff_only()
    place = _alley(alley_id) if alley_id else None
    community_id = place.community_id if place else current_user.community_id
    form = AlleyForm(obj=place) if request.method == "GET" and place else AlleyForm()
    form.branch.choices = [(0, _("No branch yet"))] + [(b.id, b.name) for b in services.branches_of(community_id)]
    if request.method == "GET":
        if place is not None:
            form.branch.data = place.branch_id or 0
        return render("alleys/edit_alley.html", form=form, alley=place)
    return submit(form, lambda: services.save_alley(current_user, community_id, form.name.data, form.description.data,
                                                    form.landmarks.data, form.branch.data or None, alley_id=alley_id,
                                                    now=now()),
                  done=lambda saved: succeeded(_("Alley saved."), "alleys.alley", alley_id=saved.id),
                  template="alleys/edit_alley.html", context={"alley": place})


def _branch_page(branch, community_id: int, form: BranchForm | None = None,
                 member_form: MemberForm | None = None) -> dict:
    """The branch's page: its form, the members and the form to add one (choices from its community)."""
    people = services.people_of(community_id)
    if form is None:
        form = BranchForm(obj=branch, formdata=None)
        form.secretary.data = branch.secretary_id or 0 if branch else 0
    form.secretary.choices = [(0, _("Not chosen yet"))] + [(p.id, p.name) for p in people]
    if member_form is None:
        member_form = MemberForm(formdata=None)
    member_form.user.choices = [(0, _("Choose…"))] + [(p.id, f"{p.name} {p.masked_phone}") for p in people]
    return {"form": form, "branch": branch, "member_form": member_form, "remove_form": EmptyForm(),
            "members": services.branch_members(branch) if branch else []}


@bp.route("/manage/branches/new", methods=["GET", "POST"])
@bp.route("/manage/branches/<int:branch_id>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_branch(branch_id: int | None = None):
    _staff_only()
    branch = _branch(branch_id) if branch_id else None
    community_id = branch.community_id if branch else current_user.community_id
    if request.method == "GET":
        return render("alleys/edit_branch.html", **_branch_page(branch, community_id))
    form = BranchForm()
    page = _branch_page(branch, community_id, form=form)
    return submit(form, lambda: services.save_branch(current_user, community_id, form.name.data,
                                                     form.secretary.data or None, branch_id=branch_id, now=now()),
                  done=lambda saved: succeeded(_("Branch saved."), "alleys.edit_branch", branch_id=saved.id),
                  template="alleys/edit_branch.html", context=page)


@bp.post("/manage/branches/<int:branch_id>/members")
@role_required(Role.STAFF)
def add_member(branch_id: int):
    _staff_only()
    branch = _branch(branch_id)
    form = MemberForm()
    page = _branch_page(branch, branch.community_id, member_form=form)
    return submit(form, lambda: services.add_member(current_user, branch.id, form.user.data, form.kind.data,
                                                    form.department.data or "", now()),
                  done=lambda _member: succeeded(_("Member added."), "alleys.edit_branch", branch_id=branch.id),
                  template="alleys/edit_branch.html", form_name="member_form", context=page)


@bp.post("/manage/members/<int:member_id>/remove")
@role_required(Role.STAFF)
def remove_member(member_id: int):
    _staff_only()
    branch_id = request.form.get("branch", type=int)
    services.remove_member(current_user, member_id, now())
    if branch_id:
        return succeeded(_("Member removed."), "alleys.edit_branch", branch_id=branch_id)
    return succeeded(_("Member removed."), "alleys.manage")


def _route_rows(place) -> dict[str, RouteRowForm]:
    routes = services.routes_of(place)
    rows = {}
    for code in CATEGORIES:
        route = routes.get(code)
        rows[code] = RouteRowForm(formdata=None, prefix=code, category=code,
                                  department=route.department if route else "",
                                  accept_minutes=route.accept_minutes if route else DEFAULT_ACCEPT_MINUTES,
                                  resolve_minutes=route.resolve_minutes if route else DEFAULT_RESOLVE_MINUTES)
    return rows


@bp.route("/manage/settings", methods=["GET", "POST"])
@role_required(Role.STAFF)
def settings():
    """Which department handles each category in an alley, and the deadlines to accept and fix."""
    _staff_only()
    alley_id = _int_arg("alley")
    place = _alley(alley_id) if alley_id else None
    all_alleys = services.alleys_of(place.community_id if place else current_user.community_id)
    place = place or (all_alleys[0] if all_alleys else None)
    if place is None and request.method == "POST":
        abort(404)
    page = {"alleys": all_alleys, "alley": place, "rows": _route_rows(place) if place else {},
            "categories": CATEGORY_LABELS}
    if request.method == "GET":
        return render("alleys/settings.html", **page)
    code = request.form.get("row")
    if code not in CATEGORIES:
        abort(400)
    row = page["rows"][code] = RouteRowForm(prefix=code)
    return submit(row, lambda: services.set_route(current_user, place.id, code, row.department.data or "",
                                                  row.accept_minutes.data, row.resolve_minutes.data, now()),
                  done=lambda _route: succeeded(_("Saved: %(category)s.", category=category_label(code)),
                                            "alleys.settings", alley=place.id, _anchor=f"route-{code}"),
                  template="alleys/settings.html", form_name="row", context=page)


def _holidays_page() -> dict:
    return {"holidays": services.holidays_of(current_user.community_id, local_today(now())),
            "remove_form": EmptyForm(), "official_years": sorted(public_holidays.KNOWN_YEARS)}


@bp.route("/manage/holidays", methods=["GET", "POST"])
@role_required(Role.STAFF)
def holidays():
    _staff_only()
    form = HolidayForm()
    if request.method == "GET":
        return render("alleys/holidays.html", form=form, **_holidays_page())
    return submit(form, lambda: services.add_holiday(current_user, current_user.community_id, form.day.data,
                                                     form.name.data or "", now()),
                  done=lambda _day: succeeded(_("Holiday added. Patrols that skip holidays were cancelled that day."),
                                          "alleys.holidays"),
                  template="alleys/holidays.html", context=_holidays_page)


@bp.post("/manage/holidays/<int:holiday_id>/remove")
@role_required(Role.STAFF)
def remove_holiday(holiday_id: int):
    _staff_only()
    services.remove_holiday(current_user, holiday_id, now())
    return succeeded(_("Holiday removed."), "alleys.holidays")


@bp.app_template_filter("alley_time")
def alley_time(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")
