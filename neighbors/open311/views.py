"""Staff's page for the Open311 interface: the community's code, publishing its cases, and partners' keys."""
from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import utcnow
from ..forms import EmptyForm
from ..security import login_required
from ..web import press, render, submit, then
from . import services, webhooks as hooks
from .forms import EVENT_LABELS, KeyForm, SettingsForm, WebhookForm
from .policy import policy

bp = Blueprint("open311", __name__, url_prefix="/open311")


def _page_context(**more):
    jurisdiction = services.jurisdiction_of(current_user.community_id)
    settings = more.pop("settings", None) or SettingsForm(
        formdata=None, data={"code": jurisdiction.code if jurisdiction else "",
              "publishes": jurisdiction.publishes_cases if jurisdiction else False})
    return {"jurisdiction": jurisdiction, "keys": services.keys_of(current_user.community_id), "settings": settings,
            "revoke_form": EmptyForm(), "new_key": None, **more}


def _require_manage() -> None:
    if not policy.may(current_user, "manage"):
        abort(403)


@bp.get("/keys")
@login_required
def keys():
    _require_manage()
    return render("open311/keys.html", form=KeyForm(), **_page_context())


@bp.post("/keys")
@login_required
def issue_key():
    _require_manage()
    form = KeyForm()
    return submit(form, lambda: services.issue_key(current_user, form.name.data, utcnow()),
                  done=lambda issued: render("open311/keys.html", form=KeyForm(formdata=None),
                                             **_page_context(new_key=issued[1])),
                  template="open311/keys.html", context=_page_context)


@bp.post("/keys/<int:key_id>/revoke")
@login_required
def revoke_key(key_id: int):
    _require_manage()
    return press(EmptyForm(), lambda: services.revoke_key(current_user, key_id, utcnow()),
                 success=_("The key no longer works."), back=url_for(".keys"))


@bp.post("/settings")
@login_required
def settings():
    _require_manage()
    form = SettingsForm()
    return submit(form, lambda: services.save_settings(current_user, form.code.data, form.publishes.data, utcnow()),
                  done=then(_("Saved."), ".keys"), template="open311/keys.html", form_name="settings",
                  context=lambda: {"form": KeyForm(formdata=None), **_page_context(settings=form)})


def _webhooks_context(**more):
    community_id = current_user.community_id
    return {"webhooks": hooks.webhooks_of(community_id), "deliveries": hooks.recent_deliveries(community_id),
            "labels": EVENT_LABELS, "button": EmptyForm(), "new_secret": None, **more}


@bp.get("/webhooks")
@login_required
def webhooks():
    _require_manage()
    return render("open311/webhooks.html", form=WebhookForm(), **_webhooks_context())


@bp.post("/webhooks")
@login_required
def add_webhook():
    _require_manage()
    form = WebhookForm()
    return submit(form, lambda: hooks.add_webhook(current_user, form.url.data, form.events.data, utcnow()),
                  done=lambda added: render("open311/webhooks.html", form=WebhookForm(formdata=None),
                                            **_webhooks_context(new_secret=added[1])),
                  template="open311/webhooks.html", context=_webhooks_context)


@bp.post("/webhooks/<int:webhook_id>/enabled")
@login_required
def switch_webhook(webhook_id: int):
    _require_manage()
    return press(EmptyForm(), lambda: hooks.switch_webhook(current_user, webhook_id, utcnow()),
                 success=lambda hook: _("Turned on.") if hook.enabled else _("Turned off."),
                 back=url_for(".webhooks"))


@bp.post("/webhooks/<int:webhook_id>/delete")
@login_required
def delete_webhook(webhook_id: int):
    _require_manage()
    return press(EmptyForm(), lambda: hooks.delete_webhook(current_user, webhook_id, utcnow()),
                 success=_("Deleted."), back=url_for(".webhooks"))
