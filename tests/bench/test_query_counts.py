"""SQL statements per page: within the budget, and the same with 10 or 1,000 rows behind the page (no N+1)."""
import pytest

from bench.pages import PAGES, STATEMENT_BUDGET

from .conftest import get_pages

ROWS = (10, 1000)

# Pages that legitimately need more than STATEMENT_BUDGET, each with a fixed count and the reason.
BUDGETS = {
    # 3 for the page (user, community, unread) + kitchen 4 + mutual aid 3 + alleys 2 + visits 1 + registers 1
    # + the foundation's 1 + the appeals against hidden content, of every module, 1
    "work queue": 16,
    # 3 + population 1 + kitchen 3 + mutual aid 3 + alleys 2 + visits 3 + registers 7 (the community, and its
    # six groupings: this month, a year and a quarter earlier) + the staff menu's count (one per module and the
    # foundation's: kitchen, mutual aid, alleys, visits, registers, foundation) 6 + the sub-district 1
    "monthly report": 29,
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


@pytest.mark.parametrize("name", [p.name for p in get_pages()])
def test_statements_do_not_grow_with_rows(counts, name):
    (few_status, few), (many_status, many) = counts[ROWS[0]][name], counts[ROWS[1]][name]
    assert few_status == many_status == 200
    assert len(many) == len(few), (
        f"{name}: {len(few)} statements with {ROWS[0]} rows, {len(many)} with {ROWS[1]}; extra:\n"
        + "\n".join(sorted(set(many) - set(few)) or many[len(few):][:5]))


@pytest.mark.parametrize("name", [p.name for p in get_pages()])
def test_statements_within_budget(counts, name):
    status, statements = counts[ROWS[1]][name]
    budget = BUDGETS.get(name, STATEMENT_BUDGET)
    assert status == 200
    assert len(statements) <= budget, (
        f"{name}: {len(statements)} statements, budget {budget}:\n" + "\n".join(s[:160] for s in statements))


def test_every_listed_page_is_counted():
    """The order POST is measured by bench/ (throughput); every GET page of the list is counted here."""
    assert {p.name for p in get_pages()} | {"place order"} == {p.name for p in PAGES}
