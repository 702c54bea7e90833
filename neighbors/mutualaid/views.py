"""Mutual-aid pages: each view parses a form, calls one service and responds (303, fragment, 422 or 409)."""
from __future__ import annotations

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import accounts, appeals, uploads
from ..clock import local_today, to_local, utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms import EmptyForm, acting_for_choices
from ..models import Role, User
from ..security import login_required, require_community, role_required
from ..web import is_fragment_request, press, records_asked, refuse, render, see_other, submit, with_trigger
from . import services
from .forms import (
    DAY_PARTS, WEEKDAY_NAMES, ConfirmForm, DisputeForm, DoneForm, GiftForm, GrantForm, InviteForm, OfferForm,
    ProfileForm, ReasonForm, RequestForm, ResolveForm, SettingsForm, SkillForm, window_rows,
)
from .models import Status
from .policy import contact_for, policy

bp = Blueprint("mutualaid", __name__, url_prefix="/aid")

STATUS_LABELS = {
    "open": _l("Waiting for a volunteer"),
    "accepted": _l("A volunteer is coming"),
    "done": _l("Done – please confirm"),
    "disputed": _l("Being checked by staff"),
    "confirmed": _l("Confirmed"),
    "cancelled": _l("Cancelled"),
    "voided": _l("Voided by staff"),
}
STATUS_TAGS = {"open": "tag-warn", "done": "tag-warn", "disputed": "tag-bad", "cancelled": "tag-muted",
               "voided": "tag-muted"}
ACTION_LABELS = {
    "create": _l("Asked for help"), "edit": _l("Changed the request"), "invite": _l("Invited a volunteer"),
    "decline_invite": _l("Invitation declined"), "accept": _l("Accepted"),
    "decline": _l("Volunteer gave it back"), "no_show": _l("Volunteer did not come"),
    "done": _l("Reported done"), "confirm": _l("Confirmed"), "auto_confirm": _l("Confirmed automatically after 72 hours"),
    "dispute": _l("Questioned"), "resolve_confirm": _l("Staff confirmed the time"),
    "resolve_change": _l("Staff changed the time"), "resolve_void": _l("Staff voided it"), "cancel": _l("Cancelled"),
}
KIND_LABELS = {"help": _l("Help"), "grant": _l("Starting grant"), "pool_grant": _l("From the community pool"),
               "gift": _l("Gift"), "correction": _l("Correction")}


@bp.app_template_filter("aid_duration")
def duration(minutes: int | None) -> str:
    """Minutes as plain words: 1 小时 30 分钟."""
    if minutes is None:
        return ""
    sign = "−" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    if hours and rest:
        text = _("%(hours)s h %(minutes)s min", hours=hours, minutes=rest)
    elif hours:
        text = _("%(hours)s h", hours=hours)
    else:
        text = _("%(minutes)s min", minutes=rest)
    return sign + text


@bp.context_processor
def labels():
    return {"status_label": lambda s: str(STATUS_LABELS.get(str(s), s)),
            "status_tag": lambda s: STATUS_TAGS.get(str(s), ""),
            "action_label": lambda a: str(ACTION_LABELS.get(a, a)),
            "kind_label": lambda k: str(KIND_LABELS.get(k, k)),
            "weekday_name": lambda d: str(WEEKDAY_NAMES[d]),
            "may": policy.for_templates(current_user),
            "contact_for": lambda request: contact_for(current_user, request)}


def _staff_required() -> None:
    if not policy.may(current_user, "manage"):
        abort(403)


# --- the board ---------------------------------------------------------------------------

@bp.get("/")
@login_required
def board():
    now = utcnow()
    is_volunteer = current_user.has_role(Role.VOLUNTEER)
    skill_ids = services.skill_ids_of(current_user.community_id, current_user.id)
    my_skills = skill_ids or set()
    see_board = policy.may(current_user, "see_board")
    open_requests = services.board(current_user, now, skill_ids=my_skills) if see_board else []
    people = accounts.people_i_can_act_for(current_user)
    held = services.balances(current_user.community_id, [current_user.id])[current_user.id]
    return render_template(
        "mutualaid/board.html", open_requests=open_requests, my_requests=services.requests_for(current_user, people),
        my_work=services.work_of(current_user) if is_volunteer else [], offers=services.offers(current_user.community_id),
        profile=skill_ids is not None, my_skills=my_skills, is_volunteer=is_volunteer,
        balance=held.minutes, cared=[p for p in people if p.id != current_user.id],
    )


# --- requests ---------------------------------------------------------------------------

def _people_to_act_for() -> list[User]:
    """Myself and those I care for; staff also the resident named in `?for_user=` (e.g. from the staff console)."""
    return accounts.people_i_can_act_for(current_user, include_id=request.values.get("for_user"))


def _request_form(form: RequestForm) -> RequestForm:
    form.skill.choices = [("", _("Choose…"))] + [(services.skill_key(s), s.name) for s in
                                                 services.skills_to_show(current_user.community_id)]
    form.for_user.choices = acting_for_choices(current_user, _people_to_act_for())
    return form


def _details(form: RequestForm) -> services.RequestDetails:
    first, *others = [(day.data, starts.data, ends.data) for day, starts, ends in window_rows(form)]
    return services.RequestDetails(
        skill=form.skill.data, title=form.title.data or "", description=form.description.data or "",
        address=form.address.data or "", asap=form.when.data != "window", day=first[0],
        starts=first[1], ends=first[2], more_windows=others,
    )


def _photo(form: RequestForm):
    data = form.photo.data
    return data if data and getattr(data, "filename", "") else None


def _number(value: str | None) -> int | None:
    return int(value) if (value or "").isdecimal() else None


def _offer_asked_for():
    """The offer named in `?offer=`, which must still be on the board."""
    offer_id = request.values.get("offer", "")
    if not offer_id.isdecimal():
        return None
    offer = services.get_offer(current_user.community_id, int(offer_id))
    if offer is None or offer.hidden or not offer.active:
        abort(404)
    return offer


def _fill_new_request(form: RequestForm, offer) -> None:
    people = {str(p.id): p for p in _people_to_act_for()}
    person = people.get(request.args.get("for_user", ""), current_user)
    form.for_user.data = str(person.id)
    form.address.data = person.address
    form.origin.data = request.args.get("origin", "")[:30]
    if offer is not None:
        form.skill.data, form.title.data = str(offer.skill_id), offer.title
        form.description.data = offer.description
        form.invited.data, form.offer.data = str(offer.volunteer_id), str(offer.id)


def _asked(created):
    flash(_("Your request is on the board. We will tell you when a volunteer accepts."), "success")
    return see_other(".request_page", request_id=created.id)


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new_request():
    form = _request_form(RequestForm())
    offer = _offer_asked_for()
    context = {"offer": offer, "editing": None, "window_rows": window_rows(form)}
    if request.method == "GET":
        _fill_new_request(form, offer)
        return render_template("mutualaid/request_form.html", form=form, **context)
    return submit(form, lambda: services.create_request(
        current_user, form.for_user.data, _details(form), utcnow(), photo=_photo(form),
        invited_id=_number(form.invited.data), offer_id=_number(form.offer.data),
        submission_key=form.clean_submission_key(), origin=form.origin.data or ""),
        done=_asked, template="mutualaid/request_form.html", context=context)


def _load(request_id: int):
    help_request = services.request_for_page(request_id)
    if help_request is None:
        abort(404)
    require_community(help_request.community_id)
    if not help_request.can("view", current_user):
        abort(404)
    return help_request


def _forms(**given) -> dict:
    forms = {"done": DoneForm(formdata=None), "confirm": ConfirmForm(formdata=None),
             "dispute": DisputeForm(formdata=None), "resolve": ResolveForm(formdata=None),
             "decline": ReasonForm(formdata=None), "cancel": ReasonForm(formdata=None),
             "hide": ReasonForm(formdata=None), "button": EmptyForm(formdata=None),
             "invite": InviteForm(formdata=None), **given}
    for name, form in forms.items():
        for form_field in form:
            form_field.id = f"{name}-{form_field.name}"  # one page holds several forms with a `reason`
    return forms


def _panel_context(help_request, **forms) -> dict:
    now = utcnow()
    payer_is_pool = services.pays_from_pool(help_request.requester, services.rules(help_request.community_id), now)
    can_appeal = help_request.can("appeal", current_user)
    return {"r": help_request, "forms": _forms(**forms), "payer_is_pool": payer_is_pool, "can_appeal": can_appeal,
            "fragment": is_fragment_request(),
            "appeal": appeals.latest_appeal(help_request.community_id, "mutualaid.request", help_request.id)
            if can_appeal else None,
            "suggestions": services.suggestions(help_request, now) if help_request.can("invite", current_user)
            else [],
            "trust": services.trust_record(help_request.community_id, help_request.volunteer_id)
            if help_request.volunteer_id else None}


def _render_request(help_request, status: int = 200, **forms):
    return render("mutualaid/request.html", partial="mutualaid/_request_panel.html", status=status,
                  **_panel_context(help_request, **forms))


@bp.get("/requests/<int:request_id>")
@login_required
def request_page(request_id: int):
    return _render_request(_load(request_id))


@bp.get("/requests/<int:request_id>/photo")
@login_required
def request_photo(request_id: int):
    help_request = _load(request_id)
    if not help_request.photo_key:
        abort(404)
    return uploads.send_image(help_request.photo_key)


def _fill_edit(form: RequestForm, help_request) -> None:
    form.skill.data = str(help_request.skill_id)
    form.when.data = "asap" if help_request.asap else "window"
    for (day, starts, ends), window in zip(window_rows(form), help_request.windows):
        start, end = to_local(window.starts), to_local(window.ends)
        day.data, starts.data, ends.data = start.date(), start.time(), end.time()


def _saved(help_request):
    flash(_("Your changes are saved."), "success")
    return see_other(".request_page", request_id=help_request.id)


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@login_required
def edit_request(request_id: int):
    help_request = _load(request_id)
    if not help_request.can("speak_for", current_user):
        abort(403)
    if request.method == "GET" and not help_request.can("edit", current_user):
        flash(_("This request can no longer be changed because a volunteer has taken it."), "warning")
        return see_other(".request_page", request_id=request_id)
    form = _request_form(RequestForm(obj=help_request if request.method == "GET" else None))
    context = {"offer": None, "editing": help_request, "window_rows": window_rows(form)}
    if request.method == "GET":
        _fill_edit(form, help_request)
        return render_template("mutualaid/request_form.html", form=form, **context)
    return submit(form, lambda: services.edit_request(current_user, request_id, _details(form), utcnow(),
                                                      photo=_photo(form), remove_photo=form.remove_photo.data),
                  done=_saved, template="mutualaid/request_form.html", context=context)


def _act(request_id: int, form_name: str, form, call, success: str, trigger: str | None = None):
    """The shape of every button on a request: validate, one service call, then 303 or the fragment."""
    _load(request_id)

    def done(_result):
        flash(success, "success")
        if not is_fragment_request():
            return see_other(".request_page", request_id=request_id)
        answer = _render_request(services.request_for_page(request_id))
        return with_trigger(answer, trigger) if trigger else answer

    return submit(form, lambda: call(form), done=done, template="mutualaid/request.html",
                  partial="mutualaid/_request_panel.html", form_name="submitted",
                  context=lambda: _panel_context(services.request_for_page(request_id), **{form_name: form}))


@bp.post("/requests/<int:request_id>/accept")
@role_required(Role.VOLUNTEER, Role.STAFF)
def accept(request_id: int):
    return _act(request_id, "button", EmptyForm(),
                lambda form: services.accept(current_user, request_id, utcnow()),
                _("Thank you! You have accepted this request. Please contact them soon."))


@bp.post("/requests/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    return _act(request_id, "decline", ReasonForm(),
                lambda form: services.decline(current_user, request_id, utcnow(), reason=form.reason.data or ""),
                _("You gave the request back. It is open for other volunteers."))


@bp.post("/requests/<int:request_id>/decline-invitation")
@login_required
def decline_invitation(request_id: int):
    return _act(request_id, "button", EmptyForm(),
                lambda form: services.decline_invitation(current_user, request_id, utcnow()),
                _("You declined the invitation."))


@bp.post("/requests/<int:request_id>/no-show")
@login_required
def no_show(request_id: int):
    return _act(request_id, "button", EmptyForm(),
                lambda form: services.report_no_show(current_user, request_id, utcnow()),
                _("Noted. The request is open for other volunteers again."))


@bp.post("/requests/<int:request_id>/done")
@login_required
def done(request_id: int):
    return _act(request_id, "done", DoneForm(),
                lambda form: services.report_done(current_user, request_id, form.minutes.data, utcnow()),
                _("Thank you! We have asked them to confirm."))


@bp.post("/requests/<int:request_id>/confirm")
@login_required
def confirm(request_id: int):
    return _act(request_id, "confirm", ConfirmForm(),
                lambda form: services.confirm(current_user, request_id, form.rating.data, form.comment.data or "",
                                              utcnow()),
                _("Confirmed. The time credits have moved. Thank you!"), trigger="creditsChanged")


@bp.post("/requests/<int:request_id>/dispute")
@login_required
def dispute(request_id: int):
    return _act(request_id, "dispute", DisputeForm(),
                lambda form: services.dispute(current_user, request_id, form.reason.data or "", utcnow()),
                _("Staff will look at it and decide. No credits move until then."))


@bp.post("/requests/<int:request_id>/resolve")
@login_required
def resolve(request_id: int):
    return _act(request_id, "resolve", ResolveForm(),
                lambda form: services.resolve_dispute(current_user, request_id, form.outcome.data or "", utcnow(),
                                                      minutes=form.minutes.data, note=form.note.data or ""),
                _("Decision saved."), trigger="creditsChanged")


@bp.post("/requests/<int:request_id>/cancel")
@login_required
def cancel(request_id: int):
    return _act(request_id, "cancel", ReasonForm(),
                lambda form: services.cancel_request(current_user, request_id, utcnow(),
                                                     reason=form.reason.data or ""),
                _("The request is cancelled."))


@bp.post("/requests/<int:request_id>/invite")
@login_required
def invite(request_id: int):
    return _act(request_id, "invite", InviteForm(),
                lambda form: services.invite(current_user, request_id, form.volunteer.data, utcnow()),
                _("Invitation sent. We will tell you when they answer."))


@bp.post("/requests/<int:request_id>/hide")
@login_required
def hide_request(request_id: int):
    return _act(request_id, "hide", ReasonForm(),
                lambda form: services.hide_request(current_user, request_id, form.reason.data or "", utcnow()),
                _("The request is hidden and its author has been told why."))


# --- volunteers and offers -------------------------------------------------------------

def _profile_form(form: ProfileForm) -> ProfileForm:
    form.skills.choices = [(services.skill_key(s), s.name)
                           for s in services.skills_to_show(current_user.community_id)]
    form.availability.choices = [(f"{day}-{part}", f"{WEEKDAY_NAMES[day]} {label}")
                                 for day in range(7) for part, (_s, _e, label) in DAY_PARTS.items()]
    return form


def _profile_saved(_profile):
    flash(_("Your volunteer profile is saved."), "success")
    return see_other(".volunteer_page", user_id=current_user.id)


@bp.route("/volunteer", methods=["GET", "POST"])
@login_required
def volunteer_profile():
    form = _profile_form(ProfileForm())
    profile = services.profile_of(current_user.community_id, current_user.id)
    if request.method == "GET":
        if profile is not None:
            form.skills.data = [str(s.id) for s in profile.skills]
            form.intro.data = profile.intro
            form.show_windows(profile.availability)
        return render_template("mutualaid/volunteer_form.html", form=form, profile=profile)
    return submit(form, lambda: services.save_profile(current_user, skill_ids=form.skills.data or [],
                                                      windows=form.windows(), intro=form.intro.data or "",
                                                      now=utcnow()),
                  done=_profile_saved, template="mutualaid/volunteer_form.html", context={"profile": profile})


@bp.get("/volunteers/<int:user_id>")
@login_required
def volunteer_page(user_id: int):
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    require_community(person.community_id)
    profile = services.profile_of(person.community_id, person.id)
    if profile is None and not person.has_role(Role.VOLUNTEER):
        abort(404)
    offers = [o for o in services.offers(person.community_id) if o.volunteer_id == person.id]
    own = policy.may(current_user, "change_profile", person)
    hidden_offers = services.hidden_offers_of(person.community_id, person.id) if own else []
    return render_template("mutualaid/volunteer.html", person=person, profile=profile, offers=offers,
                           hidden_offers=[(offer, appeals.latest_appeal(offer.community_id, "mutualaid.offer", offer.id))
                                          for offer in hidden_offers],
                           trust=services.trust_record(person.community_id, person.id))


def _offered(_offer):
    flash(_("Your offer is on the board."), "success")
    return redirect(url_for(".board", _anchor="offers"), 303)


@bp.route("/offers/new", methods=["GET", "POST"])
@login_required
def new_offer():
    form = OfferForm()
    form.skill.choices = [("", _("Choose…"))] + [(services.skill_key(s), s.name) for s in
                                                 services.skills_to_show(current_user.community_id)]
    if request.method == "GET":
        return render_template("mutualaid/offer_form.html", form=form)
    return submit(form, lambda: services.create_offer(current_user, form.skill.data, form.title.data or "",
                                                      form.description.data or "", utcnow()),
                  done=_offered, template="mutualaid/offer_form.html")


@bp.get("/offers")
@login_required
def offer_list():
    return redirect(url_for(".board", _anchor="offers"), 303)


@bp.post("/offers/<int:offer_id>/close")
@login_required
def close_offer(offer_id: int):
    return press(EmptyForm(), lambda: services.close_offer(current_user, offer_id, utcnow()),
                 success=_("The offer is closed."), back=url_for(".board", _anchor="offers"))


# --- credits ---------------------------------------------------------------------------

def _gift_form(form: GiftForm) -> GiftForm:
    people = accounts.people_i_can_act_for(current_user)
    form.for_user.choices = acting_for_choices(current_user, people)
    relatives = [p for p in people if p.id != current_user.id]
    relatives += [c for c in accounts.carers_of(current_user) if c.id not in {p.id for p in relatives}]
    form.to.choices = [("pool", _("The community pool"))] + [(str(p.id), p.name) for p in relatives] + \
        [("", _("Someone else (enter their number below)"))]
    return form


def _credits_context() -> dict:
    community_id = current_user.community_id
    cared = [p for p in accounts.people_i_can_act_for(current_user) if p.id != current_user.id]
    staff = policy.may(current_user, "manage")
    held = services.balances(community_id, [current_user.id, *(p.id for p in cared)])
    return {"balance": held[current_user.id].minutes, "pending_grant": held[current_user.id].pending_grant,
            "entries": services.statement(community_id, current_user.id),
            "cared": [(p, held[p.id], services.statement(community_id, p.id, 5)) for p in cared],
            "rules": services.rules(community_id), "totals": services.ledger_totals(community_id) if staff else None}


@bp.get("/credits")
@login_required
def credits():
    if is_fragment_request() and request.args.get("part") == "balance":
        held = services.balances(current_user.community_id, [current_user.id])[current_user.id]
        return render_template("mutualaid/_balance.html", balance=held.minutes, pending_grant=held.pending_grant)
    return render_template("mutualaid/credits.html", form=_gift_form(GiftForm()), **_credits_context())


def _given(_transaction):
    flash(_("Thank you! The hours have been given."), "success")
    return see_other(".credits")


@bp.post("/credits/gift")
@login_required
def give():
    form = _gift_form(GiftForm())
    return submit(form, lambda: services.give_hours(current_user, form.for_user.data, form.to.data, form.minutes.data,
                                                    utcnow(), phone=form.phone.data or "", note=form.note.data or "",
                                                    submission_key=form.clean_submission_key()),
                  done=_given, template="mutualaid/credits.html", context=_credits_context)


# --- staff ------------------------------------------------------------------------------

@bp.get("/manage")
@role_required(Role.STAFF)
def manage():
    """Requests by status, offers and what waits; or, for a year or a month (`?year=2026`, where the annual
    report's help figures lead), the help completed in it with what it adds up to."""
    _staff_required()
    community_id = current_user.community_id
    try:
        asked = records_asked(local_today())
    except DomainError as error:
        return refuse(error)
    if asked is not None:
        if not policy.may(current_user, "manage", asked.community_id):
            abort(403)
        return render("mutualaid/manage.html",
                      completed=services.completed_help(asked.community_id, asked.period, asked.page))
    status = request.args.get("status") or None
    if status not in {s.value for s in Status}:
        status = None
    return render_template("mutualaid/manage.html", requests=services.all_requests(community_id, status),
                           offers=services.offers(community_id, include_hidden=True), status=status,
                           statuses=list(Status), hide_form=ReasonForm(formdata=None),
                           queue=services.staff_queue(community_id, utcnow()))


@bp.post("/manage/offers/<int:offer_id>/hide")
@role_required(Role.STAFF)
def hide_offer(offer_id: int):
    form = ReasonForm()
    return press(form, lambda: services.hide_offer(current_user, offer_id, form.reason.data or "", utcnow()),
                 success=_("The offer is hidden and the volunteer has been told why."), back=url_for(".manage"))


@bp.get("/manage/volunteers")
@role_required(Role.STAFF)
def manage_volunteers():
    _staff_required()
    community_id = current_user.community_id
    listed = services.volunteers(community_id)
    records = services.trust_records(community_id, [user.id for user, _profile, _grant in listed])
    rows = [(user, profile, grant, records[user.id]) for user, profile, grant in listed]
    return render_template("mutualaid/manage_volunteers.html", rows=rows, form=EmptyForm())


@bp.post("/manage/volunteers/<int:user_id>/verify")
@role_required(Role.STAFF)
def verify_volunteer(user_id: int):
    verified = request.form.get("verified") == "1"
    return press(EmptyForm(), lambda: services.set_verified(current_user, user_id, verified, utcnow()),
                 success=_("Verified.") if verified else _("Verification withdrawn."),
                 back=url_for(".manage_volunteers"))


def _settings_context(**forms) -> dict:
    return {"form": SettingsForm(formdata=None), "skill_form": SkillForm(formdata=None),
            "skills": services.skills_to_show(current_user.community_id, include_retired=True),
            "button": EmptyForm(formdata=None), **forms}


def _settings_saved(_result):
    flash(_("Settings saved."), "success")
    return see_other(".manage_settings")


@bp.route("/manage/settings", methods=["GET", "POST"])
@role_required(Role.STAFF)
def manage_settings():
    _staff_required()
    form = SettingsForm()
    if request.method == "GET":
        form.show(services.rules(current_user.community_id))
        return render_template("mutualaid/manage_settings.html", **_settings_context(form=form))
    return submit(form, lambda: services.update_settings(current_user, current_user.community_id, now=utcnow(),
                                                         **form.numbers()),
                  done=_settings_saved, template="mutualaid/manage_settings.html",
                  context=lambda: _settings_context(form=form))


def _skill_added(_skill):
    flash(_("The skill is on the list."), "success")
    return see_other(".manage_settings")


@bp.post("/manage/skills")
@role_required(Role.STAFF)
def add_skill():
    _staff_required()
    skill_form = SkillForm()
    settings_form = SettingsForm(formdata=None)
    settings_form.show(services.rules(current_user.community_id))
    return submit(skill_form, lambda: services.add_skill(current_user, current_user.community_id,
                                                         skill_form.name.data or "", utcnow()),
                  done=_skill_added, template="mutualaid/manage_settings.html", form_name="skill_form",
                  context=lambda: _settings_context(form=settings_form))


@bp.post("/manage/skills/<int:skill_id>/retire")
@role_required(Role.STAFF)
def retire_skill(skill_id: int):
    return press(EmptyForm(), lambda: services.retire_skill(current_user, skill_id, utcnow()),
                 success=_("The skill was taken off the list."), back=url_for(".manage_settings"))


def _ledger_context() -> dict:
    community_id = current_user.community_id
    return {"totals": services.ledger_totals(community_id), "pool": services.statement(community_id, None, 50),
            "reason_form": ReasonForm(formdata=None), "recent": services.recent_transactions(community_id),
            "corrected": services.corrected_ids(community_id)}


@bp.get("/manage/ledger")
@role_required(Role.STAFF)
def manage_ledger():
    _staff_required()
    return render_template("mutualaid/manage_ledger.html", grant_form=GrantForm(formdata=None), **_ledger_context())


def _granted(_transaction):
    flash(_("The hours were granted from the pool."), "success")
    return see_other(".manage_ledger")


@bp.post("/manage/grant")
@role_required(Role.STAFF)
def grant():
    _staff_required()
    form = GrantForm()
    return submit(form, lambda: services.grant_by_phone(current_user, form.phone.data or "", form.minutes.data,
                                                        form.reason.data or "", utcnow()),
                  done=_granted, template="mutualaid/manage_ledger.html", form_name="grant_form",
                  context=_ledger_context)


@bp.post("/manage/transactions/<int:transaction_id>/correct")
@role_required(Role.STAFF)
def correct(transaction_id: int):
    _staff_required()
    form = ReasonForm()
    return press(form, lambda: services.correct(current_user, transaction_id, form.reason.data or "", utcnow()),
                 success=_("A correcting transaction was added."), back=url_for(".manage_ledger"))


# --- command line -----------------------------------------------------------------------

@bp.cli.command("check-ledger")
@click.option("--community", "community_id", type=int, default=None, help="Only this community (its id).")
def check_ledger_command(community_id):
    """Prove that every transaction sums to zero and every cached balance equals its entries."""
    problems = services.check_ledger(community_id)
    for line in problems:
        click.echo(f"PROBLEM: {line}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("Ledger OK: every transaction sums to zero and every balance matches its entries.")
