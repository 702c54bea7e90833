"""Friendly error pages in the reader's language; never a stack trace."""
import logging

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .errors import DomainError
from .transactions import discard

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something in the request was not right"),
          _l("The page may have been open too long. Go back, reload the page and try again.")),
    403: (_l("You cannot open this page"),
          _l("Your account does not have permission for this. Ask your community worker if you need it.")),
    404: (_l("Page not found"), _l("The page does not exist or has been removed.")),
    405: (_l("That did not work"), _l("This page cannot be used that way. Go back and use the buttons on the page.")),
    409: (_l("That could not be done"), _l("Something changed in the meantime. Reload the page and try again.")),
    413: (_l("The file is too large"), _l("Choose a smaller photo (at most 16 MB in all) and try again.")),
    422: (_l("Please check what you entered"), _l("Some of what you entered could not be used.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes, then try again.")),
    500: (_l("Sorry, something went wrong on our side"),
          _l("Nothing you entered was lost. Please try again in a moment.")),
}


security_log = logging.getLogger("neighbors.security")

# refusals worth a line in the security log: someone tried what their account may not do (404s are left out:
# every mistyped address and crawler would drown the rest; the login's rate limits log their own refusals)
REFUSALS = {401: "unauthenticated", 403: "forbidden"}


def log_refusal(kind: str, detail: str = "") -> None:
    """One line per refused request: who (user id, never a password, token or cookie), what and from where."""
    who = current_user.id if current_user.is_authenticated else "-"
    security_log.warning("refused (%s): user=%s %s %s address=%s %s", kind, who, request.method, request.path,
                         request.remote_addr, detail)


def render_error(status: int, detail: str | None = None):
    title, text = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    return render_template("error.html", status=status, title=title, text=detail or text), status


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log_refusal("csrf", error.description)
        discard()
        return render_error(400)

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A refusal no view answered itself: its status and message on the error page (the service has already
        rolled its transaction back)."""
        if error.status == 403:
            log_refusal("forbidden", error.msgid)
        return render_error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code in REFUSALS:
            log_refusal(REFUSALS[error.code])
        discard()
        response = render_error(error.code)
        if error.code == 405 and error.valid_methods:
            return response[0], 405, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def value_the_database_cannot_hold(error: Exception):
        """A number sent in a form that no column can hold (an id of twenty digits): the reader's input,
        not our failure. The database refused it before anything was stored; say so as for any bad input."""
        log.warning("refused a value the database cannot hold on %s %s: %s", request.method, request.path,
                    str(error).splitlines()[0][:200])
        discard()
        return render_error(422)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        discard()
        try:
            return render_error(500)
        except Exception:  # the error page itself failed: answer plainly rather than crash
            log.exception("error page failed")
            return InternalServerError.description, 500
