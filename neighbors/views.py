"""Home, account, language, elder mode, notifications and the health check."""
from flask import Blueprint, make_response, redirect, request, session, url_for
from flask_login import current_user

from . import accounts, notifications, two_factor
from .forms import EmptyForm
from .security import login_required
from .urls import safe_next
from .web import is_fragment_request, render, see_other

bp = Blueprint("main", __name__)

LANGUAGES = {"zh", "en"}


@bp.get("/healthz")
def healthz():
    response = make_response("ok\n")
    response.mimetype = "text/plain"
    return response


@bp.get("/")
def home():
    return render("home.html", form=EmptyForm())


@bp.get("/lang/<code>")
def switch_language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            accounts.set_locale(current_user._get_current_object(), code)
    target = safe_next(request.args.get("next") or _referrer_path(), url_for("main.home"))
    response = redirect(target, 303)
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _referrer_path() -> str | None:
    referrer = request.referrer
    if not referrer or not referrer.startswith(request.host_url):
        return None
    return "/" + referrer[len(request.host_url):]


@bp.post("/elder-mode")
def toggle_elder_mode():
    form = EmptyForm()
    if not form.validate_on_submit():
        return see_other("main.home")
    on = request.form.get("on") == "1"
    session["elder"] = on
    if current_user.is_authenticated:
        accounts.set_elder_mode(current_user._get_current_object(), on)
    target = safe_next(request.form.get("next"), url_for("main.home"))
    response = redirect(target, 303)
    response.set_cookie("elder", "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@bp.get("/account")
@login_required
def account():
    return render("account.html", form=EmptyForm(), recovery_codes_left=two_factor.recovery_codes_left(current_user))


@bp.get("/notifications/bell")
@login_required
def bell():
    return render("_bell.html", unread=notifications.unread_count(current_user))


@bp.get("/notifications")
@login_required
def notification_list():
    """Opening the list reads the notifications: they are shown as new once, then marked read."""
    items = notifications.recent(current_user)
    unread_ids = {item.id for item in items if item.read_at is None}
    response = render("notifications.html", items=items, unread_ids=unread_ids,
                      render_note=notifications.render, form=EmptyForm())
    if unread_ids:
        notifications.mark_all_read(current_user)
    return response


@bp.post("/notifications/read")
@login_required
def mark_read():
    form = EmptyForm()
    if form.validate_on_submit():
        notifications.mark_all_read(current_user)
    if is_fragment_request():
        return render("_bell.html", unread=0)
    return see_other("main.notification_list")
