"""Jinja filters for local times and money in fen."""
from babel.lists import format_list

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .dates import day_label, local_datetime, local_day, long_date, month_label
from .i18n import department_label
from .models import Role


def yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}¥{fen // 100}.{fen % 100:02d}"


def hours(minutes: int | None) -> str:
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    minutes = abs(int(minutes))
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.KITCHEN: _l("Kitchen operator"),
    Role.PATROLLER: _l("Patroller"),
    Role.GRID_WORKER: _l("Grid worker"),
    Role.OFFICER: _l("Officer"),
    Role.STREET_STAFF: _l("Street office staff"),
    Role.STAFF: _l("Community staff"),
    Role.ADMIN: _l("Administrator"),
}

COMMUNITY_KINDS = {"new_town": _l("New town"), "old_town": _l("Old town"), "village": _l("Village turned community")}


def role_label(role: Role | str) -> str:
    return str(ROLE_LABELS.get(str(role), role))


def as_list(items, labels=None) -> str:
    """Words joined as the reader's language joins a list: 周一、周三和周五 / Mon, Wed, and Fri.

    With `labels` (a mapping or list), each item is first looked up in it (weekday numbers → names)."""
    words = [str(labels[item] if labels is not None else item) for item in items]
    return format_list(words, locale=get_locale() or "zh") if words else ""


def drawn_icon(name: str, size: str = "1.4em"):
    """One of the app's drawn icons (templates/_icons.html), in any template without an import: no emoji font needed."""
    return current_app.jinja_env.get_template("_icons.html").module.icon(name, size)


def register_filters(app) -> None:
    app.jinja_env.filters.update(yuan=yuan, localtime=local_datetime, localday=local_day, day=day_label, hours=hours,
                                 as_list=as_list, long_date=long_date, month=month_label)
    app.jinja_env.globals.update(icon=drawn_icon, department_label=department_label, role_label=role_label, community_kind=lambda kind: str(COMMUNITY_KINDS.get(str(kind), kind)))

    @app.context_processor
    def unread_notifications():
        def unread() -> int:
            if not current_user.is_authenticated:
                return 0
            from . import notifications

            return notifications.unread_count(current_user)

        return {"unread_count": unread}
