"""The monthly report's 千户访 and registers sections, and the year's burden, against entries and visits built
here with known totals (and noise in another community and outside the years)."""
import io
from datetime import date, time

import openpyxl
import pytest

from neighbors.clock import local_to_utc
from neighbors.registers import services as registers
from neighbors.staff import reports
from neighbors.visits import services as visits
from tests.visits.conftest import make_household

SEEN_DAY = date(2026, 3, 20)
SEEN_AT = local_to_utc(SEEN_DAY, time(9, 0))


def meeting(day: date, minutes: int, staff_count: int = 1, body: str = "区民政局"):
    return registers.Details(kind="meeting", day=day, body=body, minutes=minutes, staff_count=staff_count)


def document(day: date, has_form: bool = False):
    return registers.Details(kind="document", day=day, body="区委办", pages=3, has_form=has_form)


def inspection(day: date, prep_minutes: int):
    return registers.Details(kind="inspection", day=day, body="区卫健局", items=4, prep_minutes=prep_minutes)


@pytest.fixture
def burden(world):
    """2026: 3 meetings (2 h x 2 staff, 1 h, 30 min), 2 documents (1 form), 1 inspection (3 h to prepare);
    2025: 1 meeting of an hour and 2 documents. The other community's entries are noise."""
    entries = [
        (world.staff, meeting(date(2026, 1, 5), 120, 2), date(2026, 1, 6)),
        (world.staff, meeting(date(2026, 3, 2), 60), SEEN_DAY),
        (world.staff, meeting(date(2026, 3, 9), 30), SEEN_DAY),
        (world.staff, document(date(2026, 3, 3), has_form=True), SEEN_DAY),
        (world.staff, document(date(2026, 3, 4)), SEEN_DAY),
        (world.staff, inspection(date(2026, 3, 10), 180), SEEN_DAY),
        (world.staff, meeting(date(2025, 6, 1), 60), date(2025, 6, 2)),
        (world.staff, document(date(2025, 6, 3)), date(2025, 6, 4)),
        (world.staff, document(date(2025, 12, 31)), date(2026, 1, 2)),
        (world.other_staff, meeting(date(2026, 3, 2), 600, 5), SEEN_DAY),
    ]
    for actor, details, when in entries:
        registers.record_entry(actor, details, local_to_utc(when, time(9, 0)))
    return world


@pytest.fixture
def visited(world):
    """Two households of one grid; in March one is visited twice (nobody home, then a meal need), the other never."""
    grid = visits.create_grid(world.staff, "第一网格", SEEN_AT)
    home = make_household(grid, people=[("陈玉钗", date(1940, 2, 1))])
    make_household(grid, room="104", people=[("林阿水", date(1960, 5, 1))])
    visits.record_visit(world.staff, home.id, visits.VisitDetails("nobody_home"), SEEN_AT)
    visits.record_visit(world.staff, home.id, visits.VisitDetails("met_member", met_id=home.contact_id,
                                                                  needs=["meals"]), SEEN_AT)
    return world


def annual(app, which: str, world, year: int = 2026):
    with app.test_request_context():
        return reports.annual_report(which, world.home, reports.year_period(year), SEEN_AT)


def test_the_years_burden_counts_the_registers_against_last_year(app, burden):
    report = annual(app, "burden", burden)
    figures = {f.line.code: f for _title, shown in report.sections for f in shown}
    assert {code: (f.value, f.before) for code, f in figures.items()} == {
        "meetings": (3, 1), "meeting_minutes": (120 * 2 + 60 + 30, 60), "documents": (2, 2), "forms": (1, 0),
        "inspections": (1, 0), "prep_minutes": (180, 0)}
    assert figures["meetings"].change == 200.0 and figures["forms"].change is None
    by_month = {month.code: values for month, values in report.months}
    assert by_month["2026-01"] == [1, 0, 0] and by_month["2026-03"] == [2, 2, 1] and by_month["2026-12"] == [0, 0, 0]
    with app.test_request_context():
        assert figures["forms"].link.url == f"/staff/registers/?community={burden.home.id}&kind=document&year=2026"


def test_the_monthly_report_takes_in_visits_and_registers(app, burden, visited):
    with app.test_request_context():
        march = reports.community_report(burden.home, reports.month_period(date(2026, 3, 1)), SEEN_AT)
    assert (march.visits["visits"], march.visits["households_visited"], march.visits["households"],
            march.visits["nobody_home"], march.visits["needs"]["meals"]) == (2, 1, 2, 1, 1)
    assert (march.registers["meetings"], march.registers["meeting_minutes"], march.registers["inspections"]) == \
        (2, 90, 1)
    assert march.missing == []
    rows = {(section, code): value for section, _item, code, _label, value in reports.report_rows(march)}
    assert rows[("千户访", "visits")] == "2" and rows[("千户访", "needs.meals")] == "1"
    assert rows[("日登记", "meeting_minutes")] == "1.50"


def test_the_annual_pages_link_every_figure_print_and_download(client, auth, burden, visited):
    auth.login(burden.staff)
    base = f"/staff/reports/annual/burden?community={burden.home.id}&year=2026"
    page = client.get(base).get_data(as_text=True)
    assert f'href="/staff/registers/?community={burden.home.id}&amp;kind=meeting&amp;year=2026">3</a>' in page
    assert '<title id="chart-registers-meetings-title">' in page
    printed = client.get(base + "&view=print").get_data(as_text=True)
    assert "print-toolbar" in printed and "年度负担" in printed
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "&format=xlsx").data))
    rows = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    assert rows[0][3:] == ["2026", "2025"] and ["上级会议", "参加会议", "registers.meetings", 3, 1] in rows
    assert book.worksheets[1]["A4"].value == "2026-03" and book.worksheets[1]["B4"].value == 2
    work = client.get(f"/staff/reports/annual/work?community={burden.home.id}&year=2026").get_data(as_text=True)
    assert f'href="/visits/coverage?community={burden.home.id}&amp;year=2026">2</a>' in work
    assert client.get(f"/staff/reports/annual/work?community={burden.home.id}&year=20x6").status_code == 422
    assert client.get("/staff/reports/annual/other").status_code == 404
    auth.login(burden.other_staff)
    assert client.get(base).status_code == 403


def test_the_years_burden_reads_as_many_statements_for_ten_entries_as_for_a_thousand(app, world):
    from tests.registers.test_statistics import count_statements, generated, insert
    insert(generated(world.home.id, world.staff.id, 10, date(2025, 1, 1)), SEEN_AT)
    few = count_statements(app, lambda: annual(app, "burden", world))
    insert(generated(world.home.id, world.staff.id, 990, date(2025, 1, 11)), SEEN_AT)
    many = count_statements(app, lambda: annual(app, "burden", world))
    assert len(few) == len(many)
