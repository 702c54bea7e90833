"""The new pages read the same number of statements for 10 households as for 1,000 (no statement per row)."""
import time

import pytest
import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.visits import services
from neighbors.visits.models import Household
from tests.bench.conftest import StatementCounter

PAGES = ["/visits/", "/visits/households", "/visits/households?tag=alone", "/visits/households.xlsx",
         "/visits/coverage?month=2026-05", "/visits/coverage?year=2026", "/visits/coverage.csv?year=2026",
         "/staff/reports/monthly?month=2026-05", "/staff/reports/annual/work?year=2026"]


def _fill(staff, grid, households: int, now) -> None:
    lines = ["网格,楼栋,单元,房号,姓名,出生日期,标签"]
    for n in range(households):
        lines.append(f"{grid.name},图强路{1 + n // 100}号,{1 + n % 4}梯,{n}室,居民{n},{1930 + n % 60}-01-02,"
                     f"{'独居' if n % 5 == 0 else ''}")
    services.import_roster(staff, staff.community_id, services.read_roster("a.csv", "\n".join(lines).encode()), now)
    homes = db.session.scalars(sa.select(Household).order_by(Household.id)).all()
    for home in homes[::3]:
        services.record_visit(staff, home.id, services.VisitDetails("met_member", met_id=home.contact_id,
                                                                   needs=["meals"]), now)


def _count(web, path: str) -> tuple[int, float]:
    counter = StatementCounter()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    started = time.perf_counter()
    try:
        response = web.get(path)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200, path
    return len(counter.statements), time.perf_counter() - started


@pytest.mark.parametrize("who", ["staff", "worker"])
def test_statement_counts_are_flat_from_10_to_1000_households(auth, web, staff, worker, grid_a, now, who):
    person = {"staff": staff, "worker": worker}[who]
    pages = PAGES if who == "staff" else PAGES[:3]
    auth.login(person)
    counts = {}
    for size in (10, 1000):
        _fill(staff, grid_a, size - (10 if size == 1000 else 0), now)  # 10, then 990 more
        first = db.session.scalar(sa.select(Household.id).order_by(Household.id))
        counts[size] = {path: _count(web, path) for path in [*pages, f"/visits/households/{first}"]}
    print({size: {path: f"{n} statements, {seconds * 1000:.0f} ms" for path, (n, seconds) in found.items()}
           for size, found in counts.items()})
    assert {path: n for path, (n, _s) in counts[10].items()} == {path: n for path, (n, _s) in counts[1000].items()}
