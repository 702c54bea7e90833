"""The appeal pages: the author's appeal form and staff's list of appeals to decide."""
from flask import Blueprint, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..clock import utcnow
from ..models import Role
from ..security import login_required, role_required
from ..web import render, see_other, submit
from . import services
from .forms import AppealForm, DecisionForm
from .policy import policy

bp = Blueprint("appeals", __name__, url_prefix="/appeals")

STATE_LABELS = {"open": _l("Waiting for staff"), "upheld": _l("Stays hidden"), "reinstated": _l("Shown again")}


@bp.app_context_processor
def appeal_helpers():
    """What a module's page needs to show the appeal form on a hidden record of its author."""
    def appeal_form(kind: str, record_id: int) -> AppealForm:
        form = AppealForm(formdata=None, kind=kind, record=str(record_id))
        # a page may list several hidden records
        form.text.id = form.text.label.field_id = f"appeal-{kind.replace('.', '-')}-{record_id}"
        return form

    return {"appeal_state_label": lambda state: str(STATE_LABELS.get(str(state), state)),
            "appeal_form": appeal_form}


@bp.context_processor
def appeals_policy():
    return {"may": policy.for_templates(current_user)}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    target = services.appeal_target(current_user, request.values.get("kind", ""), request.values.get("record", ""))
    form = AppealForm()
    context = {"record": target.record, "title": target.title, "link": target.link, "appeal": target.appeal}
    if request.method == "GET":
        return render("appeals/new.html", form=form, **context)
    return submit(form, lambda: services.file_appeal(current_user, target.kind, target.id, form.text.data or "",
                                                     utcnow()),
                  done=lambda _appeal: _sent(target), template="appeals/new.html", context=context)


def _sent(target: services.AppealTarget):
    flash(_("Your appeal has been sent. Staff will decide and tell you."), "success")
    return redirect(target.link.url, 303) if target.link.url else see_other("main.home")


def _list_context(forms: dict[int, DecisionForm] | None = None) -> dict:
    listed = services.review(current_user)
    forms = forms or {}
    for appeal in listed.open:
        forms.setdefault(appeal.id, DecisionForm(formdata=None))
        for form_field in forms[appeal.id]:
            form_field.id = form_field.label.field_id = f"appeal-{appeal.id}-{form_field.name}"
    shown = {appeal.id for appeal in listed.open}
    return {"appeals": listed.open, "decided": listed.decided, "forms": forms, "described": listed.described,
            # a form sent about an appeal no longer open: its refusal is shown at the top of the page
            "refused_forms": [form for appeal_id, form in forms.items() if appeal_id not in shown]}


@bp.get("/")
@role_required(Role.STAFF)
def index():
    return render("appeals/list.html", **_list_context())


@bp.post("/<int:appeal_id>/decide")
@role_required(Role.STAFF)
def decide(appeal_id: int):
    form = DecisionForm()
    return submit(form, lambda: services.decide_appeal(current_user, appeal_id, form.reinstates,
                                                       form.reason.data or "", utcnow()),
                  done=_decided, template="appeals/list.html",
                  context=lambda: _list_context({appeal_id: form}))


def _decided(_appeal):
    flash(_("The decision is saved and the author has been told."), "success")
    return see_other("appeals.index")
