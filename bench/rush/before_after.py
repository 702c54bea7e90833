"""Before and after an index, side by side: "my orders" on the district data with and without
`ix_kitchen_orders_meal_resident` (migration 0117), in turns, in one run.

On the rush's copy of the district data (`make rush` makes it; this drops and re-creates the index there, never in
`neighbors_bench`), each turn times the page in-process (the bench resident, one request at a time) and its
"order again" statement, first without the index and then with it; the medians of the turns go to
bench/results/before-after.md.

    .venv/bin/python -m bench.rush.before_after
"""
from __future__ import annotations

import statistics
import sys
import time

from bench.rush.run import DATABASE, RESULTS, SCHEMA, connect, rush_app, rush_targets

INDEX = "ix_kitchen_orders_meal_resident"
TURNS, REQUESTS = 4, 15
ORDER_AGAIN = """EXPLAIN (ANALYZE, FORMAT JSON)
SELECT m.id FROM kitchen_meals m JOIN kitchen_kitchens k ON k.id = m.kitchen_id
WHERE m.community_id = %(community)s AND m.served_on >= CURRENT_DATE AND m.order_deadline > now()
  AND m.cancelled_at IS NULL AND m.closed_at IS NULL AND m.sold < m.capacity AND k.suspended_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM kitchen_orders o WHERE o.community_id = %(community)s AND o.meal_id = m.id
                  AND o.resident_id = %(resident)s AND o.cancelled_at IS NULL)
ORDER BY m.served_on, m.slot DESC, k.name LIMIT 1"""


def set_index(present: bool) -> None:
    with connect(autocommit=True) as conn:
        conn.execute(f"SET search_path TO {SCHEMA}")
        if present:
            conn.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON kitchen_orders (meal_id, resident_id)")
        else:
            conn.execute(f"DROP INDEX IF EXISTS {INDEX}")
        conn.execute("ANALYZE kitchen_orders")


def statement_ms(community: int, resident: int) -> float:
    with connect() as conn:
        conn.execute(f"SET search_path TO {SCHEMA}")
        plan = conn.execute(ORDER_AGAIN, {"community": community, "resident": resident}).fetchone()[0]
    return plan[0]["Execution Time"]


def main() -> int:
    targets = rush_targets()
    app = rush_app()
    client = app.test_client()
    client.post("/auth/login", data={"phone": targets["phones"]["resident"], "password": targets["password"]})
    with connect() as conn:
        conn.execute(f"SET search_path TO {SCHEMA}")
        resident = conn.execute("SELECT id FROM users WHERE phone = %s", (targets["phones"]["resident"],)).fetchone()[0]
    times: dict[str, dict[str, list[float]]] = {"without": {"page": [], "sql": []}, "with": {"page": [], "sql": []}}
    for turn in range(TURNS):
        for label, present in (("without", False), ("with", True)):
            set_index(present)
            client.get("/kitchen/orders/")
            for _request in range(REQUESTS):
                started = time.perf_counter()
                assert client.get("/kitchen/orders/").status_code == 200
                times[label]["page"].append((time.perf_counter() - started) * 1000)
                times[label]["sql"].append(statement_ms(targets["community_id"], resident))
        print(f"  turn {turn + 1} of {TURNS}", flush=True)
    set_index(True)
    lines = [f"my orders, before and after {INDEX}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, database "
             f"{DATABASE} ({SCHEMA}); {TURNS} turns of {REQUESTS} requests each way, medians", "",
             "| | page ms (in-process) | order-again statement ms |", "|---|---|---|"]
    for label in ("without", "with"):
        lines.append(f"| {label} the index | {statistics.median(times[label]['page']):.1f} | "
                     f"{statistics.median(times[label]['sql']):.2f} |")
    (RESULTS / "before-after.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
