"""Language choice: the user's switch (cookie or account), then Accept-Language, then Chinese."""
from types import SimpleNamespace

from babel.support import NullTranslations
import flask_babel
from flask import g, has_request_context, request, session
from flask_babel import Domain, lazy_gettext
from jinja2 import pass_context
from markupsafe import Markup
from flask_login import current_user

SUPPORTED = ("zh", "en")


def select_locale() -> str:
    if not has_request_context():  # a command or a test calling a service: the first language
        return "zh"
    chosen = session.get("lang") or request.cookies.get("lang")
    if chosen in SUPPORTED:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in SUPPORTED:
        return current_user.locale
    return request.accept_languages.best_match(SUPPORTED, default="zh") or "zh"


def html_lang(locale: str) -> str:
    return "zh-CN" if locale == "zh" else "en"


def elder_mode_on() -> bool:
    if "elder" in session:
        return bool(session["elder"])
    cookie = request.cookies.get("elder")
    if cookie is not None:
        return cookie == "1"
    return bool(getattr(current_user, "is_authenticated", False) and current_user.elder_mode)


def _babel_state():
    """flask_babel's per-request state (locale, catalogue), reached without going through the `g` proxy thrice."""
    try:
        app_globals = _current_app_globals()
    except RuntimeError:  # outside an app context: no translations, as flask_babel does
        return None
    state = app_globals.get("_flask_babel")
    if state is None:
        state = app_globals._flask_babel = SimpleNamespace()
    return state


_current_app_globals = g._get_current_object


class RequestDomain(Domain):
    """flask_babel's message domain, with the merged catalogue found once per request instead of once per message.

    It is kept where flask_babel keeps a request's locale, under the name its `refresh()` and `force_locale()`
    already clear, so switching language inside a request still works.
    """

    def get_translations(self):
        state = _babel_state()
        if state is None:
            return NullTranslations()
        translations = getattr(state, "babel_translations", None)
        if translations is None:
            translations = state.babel_translations = super().get_translations()
        return translations


def install_translations(app, babel) -> None:
    """Make a translated message cheap: pages render hundreds of them (labels of every row).

    - every app gets a fresh `RequestDomain` (its catalogues are read once per locale per process);
    - flask_babel reaches its per-request state through one context lookup instead of three `g` proxy calls
      (`_get_current_context` is what its `get_locale`, `get_domain` and lazy strings go through);
    - templates' `_()`, `gettext()`, `ngettext()`, `pgettext()`, `npgettext()` translate in one call instead of
      Jinja's alias → newstyle wrapper → flask_babel lambda chain, with the same newstyle rules (the result is
      Markup when autoescaping and %-formatted with its keyword arguments; a text without `%` formats to itself).
    """
    def _newstyle(context, text, variables):
        if context.eval_ctx.autoescape:
            # The text is a msgstr of the project's own catalogues, never user input; what users typed
            # arrives in `variables`, which Markup's % escapes (Jinja's own newstyle gettext does the same).
            text = Markup(text)  # nosec B704
        return text % variables if variables or "%" in text else text

    domain = RequestDomain(domain=app.config.get("BABEL_DEFAULT_DOMAIN", "messages"))
    babel.domain_instance = domain
    flask_babel._get_current_context = _babel_state

    @pass_context
    def gettext(context, message, **variables):
        text = domain.get_translations().ugettext(message)
        return _newstyle(context, text, variables)

    @pass_context
    def ngettext(context, singular, plural, n, **variables):
        variables.setdefault("num", n)
        text = domain.get_translations().ungettext(singular, plural, n)
        return _newstyle(context, text, variables)

    @pass_context
    def pgettext(context, message_context, message, **variables):
        text = domain.get_translations().upgettext(message_context, message)
        return _newstyle(context, text, variables)

    @pass_context
    def npgettext(context, message_context, singular, plural, n, **variables):
        variables.setdefault("num", n)
        text = domain.get_translations().unpgettext(message_context, singular, plural, n)
        return _newstyle(context, text, variables)

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext,
                                 npgettext=npgettext)


def term(msgid: str) -> dict:
    """A parameter of a stored message that is itself words (a category's name): kept as its English msgid and
    translated when the message is shown, so each reader sees it in their own language. Mark the msgid with N_."""
    return {"msgid": msgid}


def with_terms(params: dict) -> dict:
    """A stored message's parameters, each `term` in the reader's language."""
    return {name: flask_babel.gettext(value["msgid"]) if isinstance(value, dict) and "msgid" in value else value
            for name, value in params.items()}


# The department an officer belongs to (RoleGrant.department, kept as its Chinese name), as each reader says it.
DEPARTMENT_LABELS = {"城管": lazy_gettext("City management"), "市场监管": lazy_gettext("Market supervision"),
                     "环卫": lazy_gettext("Sanitation department")}


def department_label(department: str) -> str:
    return str(DEPARTMENT_LABELS.get(department, department))
