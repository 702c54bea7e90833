"""Days and times as people say them, in the reader's language: the one formatter pages, notifications and
messages share (12月7日 周一 午餐 / Mon 7 Dec, lunch). Stored values stay ISO dates and UTC times."""
import re
from datetime import date, datetime, timezone

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from .clock import to_local

WEEKDAYS = {"zh": "一二三四五六日", "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# The parts of a day a person names with a date.
DAY_PARTS = {"lunch": _l("lunch"), "dinner": _l("dinner")}


def _chinese() -> bool:
    locale = get_locale()  # its language, not str(locale): pages show hundreds of days and str() is slow
    return locale is None or locale.language == "zh"


def day_label(day: date | None, part: str | None = None) -> str:
    """12月7日 周一 (午餐) / Mon 7 Dec(, lunch)."""
    if day is None:
        return ""
    when = str(DAY_PARTS.get(part, "")) if part else ""
    if _chinese():
        return f"{day.month}月{day.day}日 周{WEEKDAYS['zh'][day.weekday()]}" + (f" {when}" if when else "")
    return f"{WEEKDAYS['en'][day.weekday()]} {day.day} {MONTHS_EN[day.month - 1]}" + (f", {when}" if when else "")


def long_date(day: date | None) -> str:
    """A date with its year (a birth date, a report's first day): 2026年3月1日 / 1 Mar 2026."""
    if day is None:
        return ""
    if _chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def month_label(day: date | None) -> str:
    """The month a day falls in: 2026年3月 / Mar 2026."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月" if _chinese() else f"{MONTHS_EN[day.month - 1]} {day.year}"


def local_datetime(moment: datetime | None, with_date: bool = True) -> str:
    """A stored UTC moment as Xiamen's clock shows it: 12月7日 周一 08:00 / Mon 7 Dec 08:00."""
    if moment is None:
        return ""
    local = to_local(moment)
    if not with_date:
        return local.strftime("%H:%M")
    return f"{day_label(local.date())} {local.strftime('%H:%M')}"


def local_day(moment: datetime | None) -> str:
    """The day of a moment in Xiamen, as `day_label` writes a date (12月2日 周三)."""
    return day_label(to_local(moment).date()) if moment is not None else ""


# A stored message (a notification, a work-queue item) keeps its days and times as data, not words: `a_day` and
# `a_moment` are what a service passes, `spoken` turns them into the reader's words when the message is shown.
def a_day(day: date, part: str | None = None) -> dict:
    """A day (with "lunch" or "dinner") a stored message names: 12月7日 周一 午餐 / Mon 7 Dec, lunch."""
    return {"day": day.isoformat(), **({"part": part} if part else {})}


def a_moment(moment: datetime) -> dict:
    """A moment a stored message names, kept in UTC: 12月7日 周一 08:00 / Mon 7 Dec 08:00."""
    return {"at": moment.astimezone(timezone.utc).isoformat()}


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _said(value):
    if isinstance(value, dict) and "day" in value:
        return day_label(date.fromisoformat(value["day"]), value.get("part"))
    if isinstance(value, dict) and "at" in value:
        return local_datetime(datetime.fromisoformat(value["at"]))
    if isinstance(value, str) and ISO_DAY.fullmatch(value):  # a day stored as text before `a_day`
        return day_label(date.fromisoformat(value))
    return value


def spoken(params: dict) -> dict:
    """A stored message's parameters with each day and moment in the reader's words."""
    return {name: _said(value) for name, value in params.items()}
