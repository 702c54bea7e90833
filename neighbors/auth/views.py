import logging
import time
from datetime import timedelta

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import accounts, two_factor
from ..clock import utcnow
from ..errors import DomainError
from ..extensions import htmx, limiter
from ..phones import masked_phone, phone_key
from ..security import login_required
from ..urls import safe_next
from ..web import put_on_form, refuse, render, see_other, submit
from .forms import ChangePasswordForm, EnrolSecondFactorForm, LoginForm, RegisterForm, SecondFactorForm

bp = Blueprint("auth", __name__, url_prefix="/auth")
# Security events (failed logins, rate-limit refusals) for the operator's log; phone numbers masked.
security_log = logging.getLogger("neighbors.security")


def _log_refusal(request_limit) -> None:
    security_log.warning(
        "rate limit refused: endpoint=%s limit=%s phone=%s address=%s",
        request.endpoint, request_limit.limit, masked_phone(request.form.get("phone")), request.remote_addr,
    )


# Who may be anywhere while their password is a one-time password from staff.
OPEN_DURING_FORCED_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "static", "main.switch_language",
                             "main.toggle_elder_mode"}
# A password checked, the second factor not yet: how long the code step waits before asking for the password again.
SECOND_FACTOR_WAITS = timedelta(minutes=5)


# Staff and administrators see every resident's address and phone: they log in again after this long, however
# busy (ASVS 3.3.2), and get no remember-me cookie. Residents stay logged in on their own phone.
PRIVILEGED_SESSION = timedelta(hours=12)


@bp.before_app_request
def check_session():
    """After staff set a one-time password, nothing but choosing one's own password (or logging out);
    a staff or admin session older than PRIVILEGED_SESSION ends and asks for the password again."""
    if not current_user.is_authenticated:
        return None
    if two_factor.applies_to(current_user) and not session.get("second_factor_at"):
        # staff from before the rule, or given the staff role while logged in: log in again, with the code
        session.clear()
        logout_user()
        flash(_("Staff accounts now log in with a code from an authenticator app. Please log in."), "info")
        if htmx:
            return "", 204, {"HX-Redirect": url_for("auth.login")}
        return see_other("auth.login")
    if current_user.is_privileged and _privileged_session_expired():
        session.clear()
        logout_user()
        flash(_("For safety, staff accounts log in again every 12 hours. Please log in."), "info")
        if htmx:  # boosted or not, htmx leaves the page for the login form
            return "", 204, {"HX-Redirect": url_for("auth.login")}
        return see_other("auth.login", next=request.full_path if request.method == "GET" else None)
    if current_user.must_change_password and request.endpoint not in OPEN_DURING_FORCED_CHANGE:
        return see_other("auth.change_password")
    return None


def _privileged_session_expired() -> bool:
    signed_in_at = session.get("signed_in_at")
    if not isinstance(signed_in_at, int | float):  # restored from a remember-me cookie issued before the rule
        return True
    return time.time() - signed_in_at > PRIVILEGED_SESSION.total_seconds()


def _phone_key() -> str:
    return "phone:" + phone_key(request.form.get("phone"))


def _failed(response) -> bool:
    return response.status_code != 303


def _fresh_session() -> None:
    """A new session, so an identifier planted before it is worthless afterwards; the language and 长辈版 stay."""
    keep = {key: session[key] for key in ("lang", "elder") if key in session}
    session.clear()
    session.update(keep)


def _start_session(user, remember: bool = True, second_factor: bool = False) -> None:
    """A new session at login, so an identifier planted before it is worthless afterwards."""
    _fresh_session()
    session["signed_in_at"] = int(time.time())
    if second_factor:
        session["second_factor_at"] = int(time.time())
    login_user(user, remember=remember and not user.is_privileged)
    if user.elder_mode:
        session["elder"] = True


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", key_func=_phone_key, methods=["POST"], deduct_when=_failed,
               scope="login-phone", on_breach=_log_refusal)
@limiter.limit("30 per 15 minutes", methods=["POST"], deduct_when=_failed, scope="login-address",
               on_breach=_log_refusal)
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render("auth/login.html", form=form, status=422 if request.method == "POST" else 200)
    try:
        user = accounts.log_in(form.phone.data, form.password.data, utcnow())
    except DomainError as error:
        security_log.warning("login failed: phone=%s address=%s", masked_phone(form.phone.data), request.remote_addr)
        put_on_form(form, error)
        return render("auth/login.html", form=form, status=422)
    if two_factor.applies_to(user):
        return _ask_second_factor(user)
    return _logged_in(user, request.args.get("next"))


def _logged_in(user, next_url: str | None, second_factor: bool = False):
    _start_session(user, second_factor=second_factor)
    security_log.info("login: user=%s address=%s second_factor=%s", user.id, request.remote_addr, second_factor)
    if user.must_change_password:
        return see_other("auth.change_password")
    return redirect(safe_next(next_url, url_for("main.home")), 303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], scope="register-address", on_breach=_log_refusal)
def register():
    form = RegisterForm()
    form.community.choices = accounts.community_choices()
    if request.method == "GET":
        return render("auth/register.html", form=form)
    return submit(form, lambda: accounts.register(form.phone.data, form.name.data, form.password.data,
                                                  form.community.data, utcnow()),
                  done=_welcome, template="auth/register.html")


def _welcome(user):
    _start_session(user)
    flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
    return see_other("main.home")


@bp.post("/logout")
def logout():
    """Logging out ends this account's sessions everywhere, so a copied cookie is worthless."""
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
    keep = {key: session[key] for key in ("lang", "elder") if key in session}
    session.clear()
    session.update(keep)
    logout_user()  # after clearing: it leaves the flag that deletes the remember-me cookie
    return see_other("main.home")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if request.method == "GET":
        return render("auth/password.html", form=form, forced=current_user.must_change_password)
    user = current_user._get_current_object()
    return submit(form, lambda: accounts.change_password(user, form.current_password.data, form.new_password.data),
                  done=lambda _result: _password_changed(user), template="auth/password.html",
                  context=lambda: {"forced": user.must_change_password})


def _password_changed(user):
    _start_session(user)  # other devices are now logged out
    flash(_("Your password has been changed."), "success")
    return see_other("main.account")


# --- the second step of a staff login ------------------------------------------------------------------------

def _ask_second_factor(user):
    """The password was right; staff are logged in only after the code step (or enrolling, the first time)."""
    _fresh_session()
    session["pending_login"] = {"user": user.get_id(), "since": int(time.time()), "next": request.args.get("next")}
    security_log.info("login: password accepted, code asked: user=%s address=%s", user.id, request.remote_addr)
    return see_other("auth.second_factor" if user.totp_enrolled_at else "auth.enrol_second_factor")


def _pending_user():
    """Whose password was accepted a moment ago in this browser (None once SECOND_FACTOR_WAITS has passed)."""
    pending = session.get("pending_login")
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > SECOND_FACTOR_WAITS.total_seconds():
        return None
    return two_factor.awaiting_code(str(pending.get("user", "")))


def _pending_key() -> str:
    pending = session.get("pending_login")
    return "pending:" + str(pending.get("user", "") if isinstance(pending, dict) else "")


def _start_again():
    session.pop("pending_login", None)
    flash(_("Please log in again."), "info")
    return see_other("auth.login")


_CODE_LIMITS = (
    limiter.limit("5 per 15 minutes", key_func=_pending_key, methods=["POST"], deduct_when=_failed,
                  scope="second-factor-user", on_breach=_log_refusal),
    limiter.limit("30 per 15 minutes", methods=["POST"], deduct_when=_failed, scope="second-factor-address",
                  on_breach=_log_refusal),
)


def _rate_limited(view):
    for limit in reversed(_CODE_LIMITS):
        view = limit(view)
    return view


@bp.route("/second-factor", methods=["GET", "POST"])
@_rate_limited
def second_factor():
    user = _pending_user()
    if user is None:
        return _start_again()
    if not user.totp_enrolled_at:
        return see_other("auth.enrol_second_factor")
    form = SecondFactorForm()
    if request.method == "GET":
        return render("auth/second_factor.html", form=form)
    next_url = session["pending_login"].get("next")
    return submit(form, lambda: two_factor.verify(user, form.code.data, utcnow()),
                  done=lambda used: _second_factor_done(user, used, next_url), template="auth/second_factor.html")


def _second_factor_done(user, used: str, next_url: str | None):
    if used == "recovery code":
        flash(_("You used a recovery code; %(left)s are left. Make new ones on your account page when few remain.",
                left=two_factor.recovery_codes_left(user)), "info")
    return _logged_in(user, next_url, second_factor=True)


@bp.route("/second-factor/enrol", methods=["GET", "POST"])
@_rate_limited
def enrol_second_factor():
    user = _pending_user()
    if user is None:
        return _start_again()
    if user.totp_enrolled_at:
        return see_other("auth.second_factor")
    pending = session["pending_login"]
    if not pending.get("secret"):
        pending["secret"] = two_factor.new_secret()
        session.modified = True
    secret = pending["secret"]
    context = {"qr": two_factor.qr_svg(two_factor.provisioning_uri(user, secret)), "secret": two_factor.grouped(secret)}
    form = EnrolSecondFactorForm()
    if request.method == "GET":
        return render("auth/enrol_second_factor.html", form=form, **context)
    next_url = pending.get("next")
    return submit(form, lambda: two_factor.enrol(user, secret, form.code.data, utcnow()),
                  done=lambda codes: _enrolled(user, codes, next_url), template="auth/enrol_second_factor.html",
                  context=context)


def _enrolled(user, codes: list[str], next_url: str | None):
    """Logged in, and the recovery codes on this page only: they are never shown again."""
    _start_session(user, second_factor=True)
    security_log.info("login: second factor enrolled: user=%s address=%s", user.id, request.remote_addr)
    return render("auth/recovery_codes.html", codes=codes, next_url=safe_next(next_url, url_for("main.home")))


@bp.post("/second-factor/recovery-codes")
@login_required
def renew_recovery_codes():
    """Ten new recovery codes for a logged-in staff member (the old ones stop working), shown once."""
    try:
        codes = two_factor.new_recovery_codes(current_user._get_current_object(), utcnow())
    except DomainError as error:
        return refuse(error, redirect_to=url_for("main.account"))
    return render("auth/recovery_codes.html", codes=codes, next_url=url_for("main.account"))
