"""The monthly statistics and the quarterly bulletin against a year of generated entries whose totals are known,
the comparison periods, the costliest bodies, the exports, the demo street, and statement counts that stay flat."""
from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors.extensions import db
from neighbors.models import Role, User
from neighbors.registers import services
from neighbors.registers.models import Entry
from neighbors.spreadsheets import xlsx_bytes

BODIES = ("区委办", "区民政局", "区卫健局", "区城管局")
FIRST = date(2025, 1, 1)


def generated(community_id: int, recorder_id: int, days: int, start: date = FIRST) -> list[dict]:
    """One entry a day from `start`, kind, body and figures from the day's number: totals known in advance."""
    rows = []
    for n in range(days):
        kind = ("meeting", "document", "inspection")[n % 3]
        rows.append({"community_id": community_id, "recorded_by_id": recorder_id, "day": start + timedelta(days=n),
                     "kind": kind, "body": BODIES[n % 4],
                     "minutes": 30 + 15 * (n % 5) if kind == "meeting" else 0,
                     "staff_count": n % 3 if kind == "meeting" else 0,  # 0 staff counts as one person
                     "has_form": kind == "document" and n % 2 == 0, "pages": 3 if kind == "document" else 0,
                     "items": 4 if kind == "inspection" else 0,
                     "prep_minutes": 60 * (n % 4) if kind == "inspection" else 0})
    return rows


def insert(rows: list[dict], now) -> None:
    db.session.execute(sa.insert(Entry), [{**row, "recorded_at": now} for row in rows])
    db.session.commit()


def expected(rows: list[dict], start: date, end: date, body: str | None = None) -> dict:
    chosen = [r for r in rows if start <= r["day"] < end and (body is None or r["body"] == body)]
    meetings = [r for r in chosen if r["kind"] == "meeting"]
    return {"meetings": len(meetings),
            "meeting_minutes": sum(r["minutes"] * max(r["staff_count"], 1) for r in meetings),
            "documents": sum(r["kind"] == "document" for r in chosen),
            "forms": sum(r["kind"] == "document" and r["has_form"] for r in chosen),
            "inspections": sum(r["kind"] == "inspection" for r in chosen),
            "prep_minutes": sum(r["prep_minutes"] for r in chosen)}


def test_a_year_of_entries_counts_as_known_per_community_and_body(community, neighbour, staff, neighbour_staff, now):
    ours, theirs = generated(community.id, staff.id, 500), generated(neighbour.id, neighbour_staff.id, 200)
    insert(ours + theirs, now)
    doubled = dict(ours[-1], body="区委办")  # then refused by the street: it must not count
    db.session.add(Entry(**doubled, refused_at=now, recorded_at=now))
    db.session.commit()
    stats = services.statistics([community, neighbour], services.parse_period("2026-03", date(2026, 5, 11)))
    assert stats.communities[0].now == expected(ours, date(2026, 3, 1), date(2026, 4, 1))
    assert stats.communities[0].year_earlier == expected(ours, date(2025, 3, 1), date(2025, 4, 1))
    assert stats.communities[0].quarter_earlier == expected(ours, date(2025, 12, 1), date(2026, 1, 1))
    assert stats.communities[1].now == expected(theirs, date(2026, 3, 1), date(2026, 4, 1))  # none: it stopped
    for row in stats.bodies:
        assert row.now == expected(ours + theirs, date(2026, 3, 1), date(2026, 4, 1), row.name)
    assert stats.total.now == expected(ours + theirs, date(2026, 3, 1), date(2026, 4, 1))


def test_the_bulletin_is_a_quarter_and_names_the_costliest_bodies(community, staff, now):
    rows = generated(community.id, staff.id, 500)
    insert(rows, now)
    stats = services.statistics([community], services.parse_period("2025-Q3", date(2026, 5, 11), quarter=True))
    assert (stats.period.start, stats.period.end) == (date(2025, 7, 1), date(2025, 10, 1))
    assert stats.communities[0].now == expected(rows, date(2025, 7, 1), date(2025, 10, 1))
    assert stats.communities[0].quarter_earlier == expected(rows, date(2025, 4, 1), date(2025, 7, 1))
    costs = {body: (lambda f: f["meeting_minutes"] + f["prep_minutes"])(expected(rows, date(2025, 7, 1),
                                                                                 date(2025, 10, 1), body))
             for body in BODIES}
    ranked = sorted(costs, key=lambda body: -costs[body])
    assert [row.name for row in stats.costliest] == ranked[:3]


def test_without_a_period_the_month_is_this_one_and_the_quarter_the_last_full_one():
    today = date(2026, 5, 11)
    assert services.parse_period("", today).code == "2026-05"
    assert services.parse_period(None, today, quarter=True).code == "2026-Q1"
    assert services.parse_period("2026-01", today).year_earlier.code == "2025-01"
    assert services.parse_period("2026-01", today).quarter_earlier.code == "2025-10"
    for wrong in ("2026-13", "26-01", "2026-Q5", "<script>"):
        with pytest.raises(Exception):
            services.parse_period(wrong, today, quarter="Q" in wrong)


def count_statements(app, call) -> list[str]:
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return statements


def test_statement_counts_stay_flat_from_ten_to_a_thousand_entries(app, community, neighbour, staff, now):
    period = services.parse_period("2025-Q2", date(2026, 5, 11), quarter=True)
    insert(generated(community.id, staff.id, 10, date(2025, 4, 1)), now)
    few = count_statements(app, lambda: services.statistics([community, neighbour], period))
    insert(generated(community.id, staff.id, 990, date(2025, 4, 11)), now)
    many = count_statements(app, lambda: services.statistics([community, neighbour], period))
    assert len(few) == len(many)
    counting = [sql for sql in many if "register_entries" in sql]
    assert len(counting) == 6 and all("GROUP BY" in sql for sql in counting)  # 2 groupings x 3 periods


def test_the_spreadsheet_has_both_tables_with_chinese_headers(app, community, staff, now):
    rows = generated(community.id, staff.id, 120, date(2026, 1, 1))
    insert(rows, now)
    stats = services.statistics([community], services.parse_period("2026-02", date(2026, 5, 11)))
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        book = load_workbook(BytesIO(xlsx_bytes(services.statistics_sheets(stats))))
    by_community, by_body = book.worksheets
    assert by_community["A1"].value == "社区" and by_community["B1"].value == "会议数"
    assert by_community["A2"].value == community.name
    assert by_community["B2"].value == expected(rows, date(2026, 2, 1), date(2026, 3, 1))["meetings"]
    assert by_body["A1"].value == "发起单位" and by_body.max_row == 1 + 4
    assert by_community.freeze_panes == "A2" and by_community["A1"].font.bold  # the header stays in view
    assert by_community["E2"].number_format == "0.0" and by_community["B2"].number_format == "0"  # hours: 0.0


def test_the_demo_street_officer_sees_her_street_with_a_year_of_registers(app):
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    officer = db.session.scalar(sa.select(User).where(User.phone == "13900000015"))
    assert officer.has_role(Role.STREET_STAFF) and officer.check_password("demo1234")
    scope = services.scope_for(officer)
    assert scope.street.name == "鹭江街道" and [c.name for c in scope.communities] == ["鹭江道社区", "大同社区"]
    last = services.parse_period(None, date.today(), quarter=True)
    stats = services.statistics(scope.communities, last)
    assert all(row.now["meetings"] and row.year_earlier["meetings"] for row in stats.communities)
    assert stats.costliest
