"""Who may see what: one decorator for roles, one check for a community's records, and headers."""
from functools import wraps

from flask import Flask, abort, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import login_manager
from .models import Role


def role_required(*roles: Role):
    """A visitor is sent to log in; a user without any of `roles` gets 403. Admins pass."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not (current_user.is_admin or current_user.has_role(*roles)):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


login_required = role_required()


def require_community(record_community_id: int) -> None:
    """Everything outside the user's own community is 404 to them (admins see the district)."""
    if current_user.is_admin:
        return
    if record_community_id != current_user.community_id:
        abort(404)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)


def refuse_nul_characters():
    """Nobody types a NUL, and PostgreSQL cannot store one in text: refuse it before any view (422)."""
    sent = [*request.args.items(multi=True), *(request.form.items(multi=True) if request.method == "POST" else [])]
    if any("\x00" in value for _name, value in sent):
        abort(422)


HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _for_a_logged_in_user() and "Cache-Control" not in response.headers:
        # an address, a phone number, a balance: not kept by the browser's or any shared cache, so the back
        # button on a shared phone after logging out shows nothing (photos set their own private caching)
        response.headers["Cache-Control"] = "no-store"
    if request.headers.get("HX-Request") is not None or response.mimetype == "text/html":
        response.vary.add("HX-Request")
    return response


def _for_a_logged_in_user() -> bool:
    """Whether this response was made for a logged-in user; never loads the user just to ask
    (a request that did not look at the user, as `/healthz` or a static file, made nothing private)."""
    user = g.get("_login_user")
    return user is not None and not user.is_anonymous  # not is_authenticated: it reads a column, which after a
    # commit would reload the user


def trust_proxies(app: Flask) -> None:
    """Behind NEIGHBORS_PROXY_HOPS reverse proxies, take the client address and scheme from the
    X-Forwarded-For/-Proto entries those proxies appended (rate limits key on that address).

    With 0 hops (the default) those headers are ignored: anyone can send them, so trusting them
    without a proxy that overwrites them would let a guesser pick a fresh address per request."""
    hops = app.config.get("NEIGHBORS_PROXY_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
