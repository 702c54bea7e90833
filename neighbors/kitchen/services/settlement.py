"""A kitchen's month in figures (served, paid by residents, subsidy owed), the staff report's share of it, and the
served orders behind the report's figures; all counted from the orders themselves."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ...clock import age_on
from ...errors import N_
from ...database import one_page
from ...extensions import db
from ...links import Link
from ...models import User
from ...periods import Period, period_between
from ...spreadsheets import Yuan
from ..models import ELDER_AGE, SERVED, Kitchen, MealOrder, OrderStatus, StandingOrder
from .common import KITCHEN_NAME, ORDER_ROW, find

FIGURES = ("meals_served", "portions_served", "gross_fen", "paid_fen", "subsidy_fen", "no_shows", "no_answers",
           "cancellations")
SUMMARY_FIGURES = ("meals_served", "portions_served", "paid_fen", "subsidy_fen", "no_shows", "cancellations")
CSV_COLUMNS = ("day", *FIGURES)


def _tally(orders) -> dict:
    figures = dict.fromkeys(FIGURES, 0)
    for order in orders:
        if order.status in SERVED:
            figures["meals_served"] += 1
            figures["portions_served"] += order.quantity
            figures["gross_fen"] += order.price_fen * order.quantity
            figures["paid_fen"] += order.due_fen
            figures["subsidy_fen"] += order.subsidy_fen
        elif order.status == OrderStatus.NO_SHOW:
            figures["no_shows"] += 1
        elif order.status == OrderStatus.NO_ANSWER:
            figures["no_answers"] += 1
        elif order.status == OrderStatus.CANCELLED:
            figures["cancellations"] += 1
    return figures


def month_bounds(month_start: date) -> tuple[date, date]:
    start = month_start.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def _orders_between(community_id: int, start: date, end: date, kitchen_id: int | None = None) -> list[MealOrder]:
    query = sa.select(MealOrder).where(MealOrder.community_id == community_id, MealOrder.served_on >= start,
                                       MealOrder.served_on < end)
    if kitchen_id is not None:
        query = query.where(MealOrder.kitchen_id == kitchen_id)
    return list(db.session.scalars(query.order_by(MealOrder.served_on, MealOrder.id)))


def settlement(community_id: int, kitchen_id: int, month_start: date) -> dict:
    """A kitchen's month: served, paid by residents, subsidy owed by the community; all from the orders."""
    kitchen = find(Kitchen, kitchen_id, community_id)
    start, end = month_bounds(month_start)
    orders = _orders_between(community_id, start, end, kitchen.id)
    by_day: dict[date, list[MealOrder]] = defaultdict(list)
    payments: dict[str, int] = defaultdict(int)
    for order in orders:
        by_day[order.served_on].append(order)
        if order.status in SERVED:
            payments[order.payment_method or "other"] += order.due_fen
    days = [{"day": day, **_tally(items)} for day, items in sorted(by_day.items())]
    return {"kitchen_id": kitchen.id, "name": kitchen.name, "month_start": start, "month_end": end,
            "orders": len(orders), **_tally(orders), "days": days, "by_payment": dict(payments),
            "no_shows_total": sum(1 for o in orders if o.status in (OrderStatus.NO_SHOW, OrderStatus.NO_ANSWER))}


SETTLEMENT_HEADERS = {"day": N_("Day"), "meals_served": N_("Meals served"), "portions_served": N_("Portions"),
                      "gross_fen": N_("Total value (yuan)"), "paid_fen": N_("Paid by residents (yuan)"),
                      "subsidy_fen": N_("Subsidy owed by the community (yuan)"), "no_shows": N_("Did not come"),
                      "no_answers": N_("Nobody answered"), "cancellations": N_("Cancelled")}


def _cell(figure: str, value: int) -> int | Yuan:
    return Yuan(value) if figure.endswith("_fen") else value


def settlement_sheets(report: dict, payment_labels: dict) -> list[tuple[str, list[list]]]:
    """The month day by day with its total, and what was paid by each method: the tables of the .xlsx and the CSV,
    headed in the reader's language."""
    days = [[_(SETTLEMENT_HEADERS[column]) for column in CSV_COLUMNS]]
    days += [[row["day"], *(_cell(key, row[key]) for key in FIGURES)] for row in report["days"]]
    days.append([_("Total"), *(_cell(key, report[key]) for key in FIGURES)])
    payments = [[_("Paid by"), _("Paid by residents (yuan)")]]
    payments += [[str(payment_labels.get(method, method)), Yuan(fen)]
                 for method, fen in sorted(report["by_payment"].items())]
    month = report["month_start"].strftime("%Y-%m")
    return [(f"{report['name']} {month}", days), (_("By way of paying"), payments)]


def _when(condition, value=1):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)


def _sums_by_kitchen(community_id: int, start: date, end: date) -> tuple[dict[int, dict], int]:
    """The same figures as `_tally` counted in SQL, one row per kitchen, and how many residents were served."""
    in_month = (MealOrder.community_id == community_id, MealOrder.served_on >= start, MealOrder.served_on < end)
    served = MealOrder.status.in_(SERVED)
    served_residents = (sa.select(sa.func.count(sa.distinct(MealOrder.resident_id)))
                        .where(*in_month, served).scalar_subquery())
    sums = sa.select(MealOrder.kitchen_id, _when(served), _when(served, MealOrder.quantity),
                     _when(served, MealOrder.due_fen), _when(served, MealOrder.subsidy_fen),
                     _when(MealOrder.status.in_((OrderStatus.NO_SHOW, OrderStatus.NO_ANSWER))),
                     _when(MealOrder.status == OrderStatus.CANCELLED), served_residents
                     ).where(*in_month).group_by(MealOrder.kitchen_id)
    by_kitchen: dict[int, dict] = {}
    residents_served = 0
    for kitchen_id, *figures, residents in db.session.execute(sums):
        by_kitchen[kitchen_id] = {key: int(value) for key, value in zip(SUMMARY_FIGURES, figures)}
        residents_served = int(residents or 0)
    return by_kitchen, residents_served


def monthly_summary(community_id: int, start: date, end: date, now: datetime | None = None) -> dict:
    """The staff report's kitchen figures for [start, end), reconciling with `settlement` (`now` is not needed:
    every figure is of meals already served)."""
    by_kitchen, residents_served = _sums_by_kitchen(community_id, start, end)
    listed = db.session.scalars(sa.select(Kitchen).where(Kitchen.community_id == community_id)
                                .options(*KITCHEN_NAME).order_by(Kitchen.name))
    rows = [{"kitchen_id": kitchen.id, "name": kitchen.name,
             **(by_kitchen.get(kitchen.id) or dict.fromkeys(SUMMARY_FIGURES, 0))} for kitchen in listed]
    totals = {key: sum(row[key] for row in rows) for key in SUMMARY_FIGURES}
    elder_ids = {resident_id for resident_id, birth_date in db.session.execute(
        sa.select(StandingOrder.resident_id, User.birth_date).join(User, User.id == StandingOrder.resident_id)
        .where(StandingOrder.community_id == community_id, StandingOrder.ended_at.is_(None)))
        if (age_on(birth_date, start) or 0) >= ELDER_AGE}
    return {"kitchens": rows, "totals": totals, "residents_served": residents_served,
            "elders_with_standing_orders": len(elder_ids)}


SERVED_FIGURES = ("meals_served", "portions_served", "residents_served", "subsidy_fen")
SERVED_PAGE = 100
PLACED_BY = joinedload(MealOrder.placed_by).lazyload(User.role_grants)  # in the same statement, whoever placed it


@dataclass(frozen=True)
class ServedOrders:
    """The orders served in a period (the report's kitchen figures are their count and sums), a page of them."""

    period: Period
    meals_served: int
    portions_served: int
    residents_served: int
    subsidy_fen: int
    orders: list[MealOrder]
    page: int
    more: bool


def served_orders(community_id: int, period: Period, page: int = 1, per_page: int = SERVED_PAGE) -> ServedOrders:
    """Orders delivered or picked up on a day of the period, newest first, with the figures counted from all of
    them (two statements, whatever the number of orders)."""
    served = (MealOrder.community_id == community_id, MealOrder.status.in_(SERVED),
              MealOrder.served_on >= period.start, MealOrder.served_on < period.end)
    meals, portions, residents, subsidy = db.session.execute(
        sa.select(sa.func.count(MealOrder.id), sa.func.coalesce(sa.func.sum(MealOrder.quantity), 0),
                  sa.func.count(sa.distinct(MealOrder.resident_id)),
                  sa.func.coalesce(sa.func.sum(MealOrder.subsidy_fen), 0)).where(*served)).one()
    rows, page, more = one_page(sa.select(MealOrder).where(*served).options(*ORDER_ROW, PLACED_BY)
                                .order_by(MealOrder.served_on.desc(), MealOrder.id.desc()), page, per_page)
    return ServedOrders(period, int(meals), int(portions), int(residents), int(subsidy), rows, page, more)


def figure_records(community_id: int, start: date, end: date) -> dict[str, Link]:
    """Each kitchen figure of a report is counted from the orders served in its period: their list."""
    return dict.fromkeys(SERVED_FIGURES, Link("kitchen.all_orders", community=community_id,
                                              **period_between(start, end).args))
