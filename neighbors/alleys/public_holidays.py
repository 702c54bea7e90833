"""The official PRC public holiday calendar: days off and the adjusted working days (调休) on weekends.

Only years whose State Council notice has been published are listed; a later year is simply absent
(staff can still enter extra days by hand) — no date here is guessed.
"""
from __future__ import annotations

from datetime import date, timedelta


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）: each festival's days off ("放假调休")
# and the weekend days that are working days instead ("上班").
DAYS_OFF: dict[date, str] = {
    **{day: "元旦" for day in _days(date(2026, 1, 1), date(2026, 1, 3))},
    **{day: "春节" for day in _days(date(2026, 2, 15), date(2026, 2, 23))},
    **{day: "清明节" for day in _days(date(2026, 4, 4), date(2026, 4, 6))},
    **{day: "劳动节" for day in _days(date(2026, 5, 1), date(2026, 5, 5))},
    **{day: "端午节" for day in _days(date(2026, 6, 19), date(2026, 6, 21))},
    **{day: "中秋节" for day in _days(date(2026, 9, 25), date(2026, 9, 27))},
    **{day: "国庆节" for day in _days(date(2026, 10, 1), date(2026, 10, 7))},
}
ADJUSTED_WORKDAYS: dict[date, str] = {
    date(2026, 1, 4): "元旦调休上班",
    date(2026, 2, 14): "春节调休上班",
    date(2026, 2, 28): "春节调休上班",
    date(2026, 5, 9): "劳动节调休上班",
    date(2026, 9, 20): "国庆节调休上班",
    date(2026, 10, 10): "国庆节调休上班",
}
KNOWN_YEARS = frozenset(day.year for day in DAYS_OFF)


def is_day_off(day: date) -> bool:
    return day in DAYS_OFF


def is_adjusted_workday(day: date) -> bool:
    return day in ADJUSTED_WORKDAYS


def name_of(day: date) -> str:
    return DAYS_OFF.get(day) or ADJUSTED_WORKDAYS.get(day, "")


def days_off_between(start: date, end: date) -> dict[date, str]:
    """The official days off in [start, end)."""
    return {day: name for day, name in DAYS_OFF.items() if start <= day < end}


def adjusted_workdays_between(start: date, end: date) -> dict[date, str]:
    """The weekend days in [start, end) that are official working days."""
    return {day: name for day, name in ADJUSTED_WORKDAYS.items() if start <= day < end}
