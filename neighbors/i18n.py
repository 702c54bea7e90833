"""Language choice: the user's switch (cookie or account), then Accept-Language, then Chinese."""
from flask import request, session
from flask_login import current_user

SUPPORTED = ("zh", "en")


def select_locale() -> str:
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
