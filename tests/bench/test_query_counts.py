"""SQL statements per page: within the budget, and the same with 10 or 1,000 rows behind the page (no N+1)."""
import pytest

from bench.pages import PAGES, STATEMENT_BUDGET

from .conftest import get_pages

ROWS = (10, 1000)

# Pages that break a rule today, measured on SQLite with this file's data (10 / 1,000 rows). Strict: a
# test fails as soon as the page is fixed, so its entry is removed and the page is held to the rule.
KNOWN_GROWING = {
    "aid board": "26 -> 117: each request card lazy-loads its requester and their role grants "
                 "(board() needs selectinload(HelpRequest.requester), and the other users the card shows)",
    "shift list": "6 -> 94: PatrolShift.signups is lazy, one SELECT per shift (upcoming_shifts() needs "
                  "selectinload(PatrolShift.signups).joinedload(PatrolSignup.user))",
    "finding page": "9 -> 11: each timeline event lazy-loads its actor (selectinload(Finding.events)"
                    ".joinedload(FindingEvent.actor))",
    "work queue": "36 -> 51: the alleys queue items load PatrolShift.signups per short shift",
    "monthly report": "57 -> 246: the alleys monthly figures load PatrolShift.signups per shift",
}
KNOWN_OVER_BUDGET = {
    "kitchen menu": "13 statements", "my orders": "13 statements", "request page": "12 statements",
    **KNOWN_GROWING,
}


@pytest.fixture(scope="module")
def counts(bench_site):
    """{rows: {page name: (status, statements)}} for every GET page of bench/pages.py."""
    measured = {}
    for rows in ROWS:
        bench_site.build(rows)
        measured[rows] = {page.name: bench_site.count(page.role, page.url(bench_site.targets))
                          for page in get_pages()}
    return measured


def _marks(name, known):
    if name in known:
        return [pytest.mark.xfail(strict=True, reason=known[name])]
    return []


@pytest.mark.parametrize("name", [pytest.param(p.name, marks=_marks(p.name, KNOWN_GROWING)) for p in get_pages()])
def test_statements_do_not_grow_with_rows(counts, name):
    (few_status, few), (many_status, many) = counts[ROWS[0]][name], counts[ROWS[1]][name]
    assert few_status == many_status == 200
    assert len(many) == len(few), (
        f"{name}: {len(few)} statements with {ROWS[0]} rows, {len(many)} with {ROWS[1]}; extra:\n"
        + "\n".join(sorted(set(many) - set(few)) or many[len(few):][:5]))


@pytest.mark.parametrize("name", [pytest.param(p.name, marks=_marks(p.name, KNOWN_OVER_BUDGET))
                                  for p in get_pages()])
def test_statements_within_budget(counts, name):
    status, statements = counts[ROWS[1]][name]
    assert status == 200
    assert len(statements) <= STATEMENT_BUDGET, (
        f"{name}: {len(statements)} statements, budget {STATEMENT_BUDGET}:\n" + "\n".join(s[:160] for s in statements))


def test_every_listed_page_is_counted():
    """The order POST is measured by bench/ (throughput); every GET page of the list is counted here."""
    assert {p.name for p in get_pages()} | {"place order"} == {p.name for p in PAGES}
