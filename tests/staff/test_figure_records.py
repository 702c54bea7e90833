"""The year's work links each kitchen, mutual aid and alley figure to the records it is counted from: over two
generated years of two communities, each figure equals the count (or sum, or median) of the records its list
shows, and that list holds none of the other community's or of another year."""
from __future__ import annotations

import re
import statistics
from datetime import date, time

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from sqlalchemy.orm import selectinload

from neighbors import bench_data
from neighbors.alleys import services as alleys
from neighbors.alleys.models import Finding, PatrolShift
from neighbors.clock import local_to_utc, local_today, to_local
from neighbors.extensions import db
from neighbors.kitchen import services as kitchen
from neighbors.kitchen.models import SERVED, MealOrder
from neighbors.links import Link
from neighbors.models import Community, User
from neighbors.mutualaid import services as mutualaid
from neighbors.mutualaid.models import HelpRequest, Status
from neighbors.periods import month_period, year_period
from neighbors.staff import reports
from tests.conftest import empty_all_tables
from tests.factories import make_community, make_user
from tests.registers.test_statistics import count_statements
from tests.security.conftest import sign_in
from tests.security.test_hostile_input import HOSTILE, field

# Generated as if it were 10 January: last year is whole and over. Shifts are planned back from four weeks ahead,
# 39 a week in each community (three alleys): 1,700 reach back about 22 weeks, 2,400 about 31, into last year.
BIG = bench_data.Scale(communities=2, residents=240, orders=600, requests=300, shifts=2400, findings=300,
                       history_days=760)
SMALL = bench_data.Scale(communities=2, residents=240, orders=60, requests=30, shifts=1700, findings=30,
                         history_days=760)


def build(scale: bench_data.Scale):
    """Two communities' records up to 10 January this year; the first is the bench logins'."""
    moment = local_to_utc(date(local_today().year, 1, 10), time(9, 0))
    bench_data.Generator(scale, moment, upload_dir=None).build()
    db.session.commit()
    targets = bench_data.targets()
    return db.session.get(Community, targets["community_id"]), targets, moment


@pytest.fixture
def generated(app):
    return build(BIG)


def last_year(moment) -> int:
    return local_today(moment).year - 1


def every_page(read):
    """All the rows of a paged list, page after page."""
    rows, page = [], 1
    while True:
        listed = read(page)
        rows += getattr(listed, "orders", None) or getattr(listed, "requests", None) or \
            getattr(listed, "findings", None) or getattr(listed, "shifts", None) or []
        if not listed.more:
            return listed, rows
        page += 1


def figures(app, community, year: int, moment) -> dict:
    with app.test_request_context():
        report = reports.annual_report("work", community, year_period(year), moment)
        return {f"{f.line.source}.{f.line.code}": (f.value, f.link.url if f.link else None)
                for _title, shown in report.sections for f in shown}


def test_kitchen_figures_are_the_served_orders_listed(app, generated):
    community, _targets, moment = generated
    year = last_year(moment)
    shown = figures(app, community, year, moment)
    served, rows = every_page(lambda page: kitchen.served_orders(community.id, year_period(year), page, per_page=40))
    assert len(rows) > 40 and served.page > 1  # more than one page
    assert {order.community_id for order in rows} == {community.id}
    assert all(order.status in SERVED and order.served_on.year == year for order in rows)
    assert shown["kitchen.meals_served"][0] == served.meals_served == len(rows)
    assert shown["kitchen.portions_served"][0] == served.portions_served == sum(o.quantity for o in rows)
    assert shown["kitchen.residents_served"][0] == served.residents_served == len({o.resident_id for o in rows})
    assert shown["kitchen.subsidy_fen"][0] == served.subsidy_fen == sum(o.subsidy_fen for o in rows) > 0
    everything = db.session.scalar(sa.select(sa.func.count(MealOrder.id)).where(MealOrder.status.in_(SERVED)))
    assert everything > len(rows)  # the other community's and other years' are left out
    assert {shown[f"kitchen.{code}"][1] for code in ("meals_served", "portions_served", "residents_served",
                                                      "subsidy_fen")} == {
        f"/kitchen/manage/orders?community={community.id}&year={year}"}


def test_help_figures_are_the_completed_requests_listed(app, generated):
    community, _targets, moment = generated
    year = last_year(moment)
    shown = figures(app, community, year, moment)
    done, rows = every_page(lambda page: mutualaid.completed_help(community.id, year_period(year), page, per_page=20))
    assert len(rows) > 20
    assert {r.community_id for r in rows} == {community.id}
    assert all(r.status == Status.CONFIRMED and to_local(r.confirmed_at).year == year for r in rows)
    assert shown["mutualaid.requests_completed"][0] == done.requests_completed == len(rows)
    assert shown["mutualaid.minutes_given"][0] == done.minutes_given == sum(r.confirmed_minutes for r in rows) > 0
    assert shown["mutualaid.volunteers_active"][0] == done.volunteers_active == len({r.volunteer_id for r in rows})
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))
                             .where(HelpRequest.status == Status.CONFIRMED)) > len(rows)
    assert shown["mutualaid.minutes_given"][1] == f"/aid/manage?community={community.id}&year={year}"


def test_alley_figures_are_the_findings_and_shifts_listed(app, generated):
    community, _targets, moment = generated
    year, period = last_year(moment), year_period(last_year(moment))
    shown = figures(app, community, year, moment)
    reported, everyone = every_page(lambda page: alleys.reported_findings(community.id, period, False, page, 30))
    fixed, mended = every_page(lambda page: alleys.reported_findings(community.id, period, True, page, 30))
    assert len(everyone) >= len(mended) > 30
    assert {f.community_id for f in everyone} == {community.id}
    assert all(to_local(f.created_at).year == year for f in everyone)
    assert all(f.resolved_at is not None for f in mended)
    assert shown["alleys.findings_total"][0] == reported.findings_total == len(everyone)
    assert shown["alleys.findings_fixed"][0] == fixed.findings_fixed == len(mended)
    assert shown["alleys.median_minutes_to_fix"][0] == fixed.median_minutes_to_fix == \
        statistics.median(f.minutes_to_fix for f in mended)
    held, shifts = every_page(lambda page: alleys.held_shifts(community.id, period, moment, page, 25))
    assert len(shifts) > 25
    assert all(s.community_id == community.id and s.day.year == year and s.cancelled_at is None
               and s.ends_at <= moment and any(x.checked_in_at for x in s.signups) for s in shifts)
    assert shown["alleys.shifts_held"][0] == held.shifts_held == len(shifts)
    assert db.session.scalar(sa.select(sa.func.count(PatrolShift.id))) > len(shifts)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) > len(everyone)
    assert shown["alleys.findings_total"][1] == f"/alleys/findings?show=all&community={community.id}&year={year}"
    assert shown["alleys.findings_fixed"][1] == shown["alleys.median_minutes_to_fix"][1] == \
        f"/alleys/findings?show=fixed&community={community.id}&year={year}"
    assert shown["alleys.shifts_held"][1] == f"/alleys/shifts?community={community.id}&year={year}"


def test_a_month_links_to_the_month(app):
    march = month_period(year_period(2026).start.replace(month=3))
    with app.test_request_context():
        assert kitchen.figure_records(7, march.start, march.end)["portions_served"] == \
            Link("kitchen.all_orders", community=7, month="2026-03")
        assert mutualaid.figure_records(7, march.start, march.end)["minutes_given"].url == \
            "/aid/manage?community=7&month=2026-03"
        assert alleys.figure_records(7, march.start, march.end)["shifts_held"].url == \
            "/alleys/shifts?community=7&month=2026-03"


FIGURES = {  # figure -> (the attribute naming each listed record's id on its page, which records it counts)
    **{f"kitchen.{code}": ("data-order", "orders")
       for code in ("meals_served", "portions_served", "residents_served", "subsidy_fen")},
    **{f"mutualaid.{code}": ("data-request", "requests")
       for code in ("requests_completed", "minutes_given", "volunteers_active")},
    "alleys.findings_total": ("data-finding", "reported"), "alleys.findings_fixed": ("data-finding", "fixed"),
    "alleys.median_minutes_to_fix": ("data-finding", "fixed"), "alleys.shifts_held": ("data-shift", "shifts"),
}


def behind(community_id: int, year: int, moment) -> dict[str, set[int]]:
    """The ids of the records each figure counts, read straight from the tables (not through the services)."""
    orders = db.session.scalars(sa.select(MealOrder.id).where(
        MealOrder.community_id == community_id, MealOrder.status.in_(SERVED),
        MealOrder.served_on >= year_period(year).start, MealOrder.served_on < year_period(year).end))
    helped = db.session.execute(sa.select(HelpRequest.id, HelpRequest.confirmed_at).where(
        HelpRequest.community_id == community_id, HelpRequest.status == Status.CONFIRMED))
    found = db.session.execute(sa.select(Finding.id, Finding.created_at, Finding.resolved_at)
                               .where(Finding.community_id == community_id)).all()
    shifts = db.session.scalars(sa.select(PatrolShift).where(PatrolShift.community_id == community_id,
                                                             PatrolShift.cancelled_at.is_(None))
                                .options(selectinload(PatrolShift.signups)))
    reported = {id_: resolved for id_, created, resolved in found if to_local(created).year == year}
    return {"orders": set(orders), "requests": {id_ for id_, confirmed in helped if to_local(confirmed).year == year},
            "reported": set(reported), "fixed": {id_ for id_, resolved in reported.items() if resolved},
            "shifts": {s.id for s in shifts if s.day.year == year and s.ends_at <= moment
                           and any(x.checked_in_at for x in s.signups)}}


def listed_ids(page: str, attribute: str) -> list[int]:
    return [int(found) for found in re.findall(rf'<tr {attribute}="(\d+)"', page)]


def test_the_work_report_links_each_figure_to_its_records(app, client, auth, generated):
    community, targets, moment = generated
    year = last_year(moment)
    auth.login(targets["phones"]["staff"], targets["password"])
    report = client.get(f"/staff/reports/annual/work?year={year}").get_data(as_text=True)
    expected = behind(community.id, year, moment)
    for figure, (attribute, records) in FIGURES.items():
        link = re.search(rf'data-figure="{figure}"><a href="([^"]+)">', report)
        assert link, f"{figure} is not a link"
        page = client.get(link.group(1).replace("&amp;", "&"))
        assert page.status_code == 200, figure
        shown, wanted = listed_ids(page.get_data(as_text=True), attribute), expected[records]
        assert wanted and set(shown) <= wanted and len(shown) == min(100, len(wanted)), figure
    other = db.session.scalar(sa.select(Community.id).where(Community.id != community.id))
    elsewhere = behind(other, year, moment)
    assert elsewhere["orders"] and elsewhere["reported"]  # the other community has records of the year too
    served = client.get(f"/kitchen/manage/orders?year={year}").get_data(as_text=True)
    assert f'data-figure="meals_served">{len(expected["orders"])}<' in served


def test_the_lists_refuse_a_bad_period_and_keep_to_their_readers(app, client, auth, generated):
    community, targets, moment = generated
    auth.login(targets["phones"]["staff"], targets["password"])
    for path in ("/kitchen/manage/orders?year=20x6", "/aid/manage?month=2026-13", "/alleys/findings?year=1999",
                 "/alleys/shifts?month=soon"):
        answer = client.get(path)
        assert answer.status_code == 422, path
        assert "例如" in answer.get_data(as_text=True), path
    year = last_year(moment)
    other = db.session.scalar(sa.select(Community.id).where(Community.id != community.id))
    lists = (f"/kitchen/manage/orders?community={other}&year={year}", f"/aid/manage?community={other}&year={year}",
             f"/alleys/findings?show=all&community={other}&year={year}",
             f"/alleys/shifts?community={other}&year={year}")
    assert [client.get(path).status_code for path in lists] == [403] * 4  # staff of one community, not the other's
    auth.login(targets["phones"]["admin"], targets["password"])
    theirs, ours = behind(other, year, moment), behind(community.id, year, moment)
    for path, attribute, records in zip(lists, ("data-order", "data-request", "data-finding", "data-shift"),
                                        ("orders", "requests", "reported", "shifts"), strict=True):
        shown = set(listed_ids(client.get(path).get_data(as_text=True), attribute))
        assert shown and shown <= theirs[records] and not shown & ours[records], path
    auth.login(targets["phones"]["resident"], targets["password"])
    assert client.get(f"/alleys/findings?year={year}").status_code == 403
    assert client.get(f"/kitchen/manage/orders?year={year}").status_code == 403
    assert client.get(f"/aid/manage?year={year}").status_code == 403
    assert client.get("/alleys/findings").status_code == 200


def test_the_lists_read_as_many_statements_for_few_records_as_for_many(app, client, auth):
    counts = []
    for scale in (SMALL, BIG):
        db.session.remove()
        empty_all_tables()
        _community, targets, moment = build(scale)
        year = last_year(moment)
        auth.login(targets["phones"]["staff"], targets["password"])
        paths = (f"/kitchen/manage/orders?year={year}", f"/aid/manage?year={year}",
                 f"/alleys/findings?show=fixed&year={year}", f"/alleys/shifts?year={year}")
        measured = []
        for path in paths:
            assert client.get(path).status_code == 200
            db.session.commit()
            measured.append(len(count_statements(app, lambda path=path: client.get(path))))
        counts.append(measured)
    assert counts[0] == counts[1]


@settings(HOSTILE, max_examples=25)
@given(year=field, month=field, page=field, community=field)
def test_the_lists_survive_any_period_page_or_community(app, year, month, page, community):
    """Whatever the address says: the list (200), a refusal in the reader's words (422), or not theirs (403)."""
    staff = db.session.scalar(sa.select(User).where(User.name == "陈丽华")) or \
        make_user(make_community(), "staff", name="陈丽华")  # one for every example (the tables stay)
    client = app.test_client()
    sign_in(client, staff)
    asked = {name: content for name, content in (("year", year), ("month", month), ("page", page),
                                                  ("community", community)) if content is not None}
    for path in ("/kitchen/manage/orders", "/aid/manage", "/alleys/findings", "/alleys/shifts"):
        answer = client.get(path, query_string=asked)
        assert answer.status_code in (200, 403, 422), (path, asked, answer.status_code)
        if answer.status_code == 422:  # a bad period says how to write one; a NUL is refused before it is read
            assert re.search(r'<p class="lead">[^<]*[\u4e00-\u9fff]', answer.get_data(as_text=True))
