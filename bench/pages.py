"""The pages the benchmarks and the budget tests measure, in one table.

Paths are templates filled from `neighbors.bench_data.targets()` (ids of records with data behind them);
`role` names the bench login (see `BENCH_PHONES`) who asks for the page.
"""
from __future__ import annotations

from dataclasses import dataclass

STATEMENT_BUDGET = 10  # SQL statements per request, whatever the number of rows behind the page
PAGE_WEIGHT_BUDGET = 60 * 1024  # gzip bytes for a first load: the HTML, its CSS and its JS (htmx included)
PARTIAL_SHARE_BUDGET = 0.20  # an htmx partial weighs at most this share of its full page


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None
    path: str
    method: str = "GET"
    target: float = 0.33  # share of the bare route's throughput the page must reach

    def url(self, targets: dict) -> str:
        return self.path.format(**targets)


@dataclass(frozen=True)
class Partial:
    """An htmx fragment (GET with HX-Request, not boosted) and the full page that includes it."""

    name: str
    role: str
    page_path: str
    partial_path: str


CEILING = Page("healthz", None, "/healthz", target=1.0)

PAGES = [
    Page("kitchen menu", "resident", "/kitchen/"),
    Page("meal page", "resident", "/kitchen/meals/{meal_id}"),
    Page("my orders", "resident", "/kitchen/orders/"),
    Page("place order", "orderer", "/kitchen/meals/{meal_id}/order", method="POST", target=0.2),
    Page("aid board", "volunteer", "/aid/"),
    Page("request page", "resident", "/aid/requests/{request_id}"),
    Page("shift list", "patroller", "/alleys/shifts"),
    Page("finding page", "officer", "/alleys/findings/{finding_id}"),
    Page("work queue", "staff", "/staff/"),
    Page("monthly report", "staff", "/staff/reports/monthly?community={community_id}&month={month}"),
]

PARTIALS = [
    Partial("work queue", "staff", "/staff/", "/staff/?part=status"),
    Partial("order status", "resident", "/kitchen/orders/{order_id}", "/kitchen/orders/{order_id}/status"),
    Partial("credit balance", "resident", "/aid/credits", "/aid/credits?part=balance"),
]


def order_form(targets: dict, csrf_token: str, submission_key: str) -> dict:
    """The fields of the contract's order form: one portion, eaten in, for oneself."""
    return {"csrf_token": csrf_token, "submission_key": submission_key, "quantity": "1", "fulfilment": "dine_in",
            "address": "", "note": "", "for_user": str(targets["orderer_id"])}
