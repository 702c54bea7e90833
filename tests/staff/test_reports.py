"""Every figure of the monthly, annual and district reports, against data built here through the modules.

March 2026 in 镇海社区: two kitchens, three help requests, a patrol rule and two findings, with
noise in February and in another community that must not be counted.
"""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage

from neighbors.alleys import services as alleys
from neighbors.clock import local_to_utc
from neighbors.extensions import db
from neighbors.kitchen import services as kitchen
from neighbors.models import CommunityType, User
from neighbors.mutualaid import services as aid
from neighbors.staff import reports
from tests.factories import make_building, make_community, make_user
from tests.staff.conftest import NOW, TODAY

MARCH = reports.month_period(date(2026, 3, 1))


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return local_to_utc(date(2026, month, day), time(hour, minute))


# The reports are read once March is over: its shifts are past, held or missed.
REPORTED_AT = at(1, 9, month=4)


def photo() -> FileStorage:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(data, "PNG")
    data.seek(0)
    return FileStorage(stream=data, filename="photo.png", content_type="image/png")


_keys = iter(range(10**6))


def key() -> str:
    return f"{next(_keys):032x}"


def backdate() -> None:
    """Everyone built for a test registered at New Year, before the months the reports look at."""
    db.session.execute(db.update(User).values(created_at=at(1, 0, month=1)))
    db.session.commit()


@dataclass
class March:
    world: object
    kitchens: list
    volunteers: list


def build_kitchen(world):
    operator = make_user(world.home, "kitchen", name="林阿水")
    building = make_building(world.home, "镇海路12号")
    first = kitchen.register_kitchen(world.staff, world.home.id, "镇海邻里厨房", "镇海路36号", "10:30-13:00", True,
                                     [building.id], [operator.id], NOW)
    second = kitchen.register_kitchen(world.staff, world.home.id, "打铁巷食堂", "打铁巷3号", "16:30-18:30", False,
                                      [], [operator.id], NOW)
    elder = make_user(world.home, name="黄阿婆", birth_date=date(1946, 1, 5))  # 80
    young = make_user(world.home, name="李志强", birth_date=date(1976, 6, 1))  # 49
    sixty_five = make_user(world.home, name="许玉兰", birth_date=date(1961, 3, 1))  # 65 since 1 March

    def meal(where, day, slot="lunch", price=None, now=NOW):
        return kitchen.publish_meal(operator, where.id, day, slot, "卤肉", "清炒地瓜叶", "紫菜蛋花汤", 30, now,
                                    price_fen=price)

    def order(person, where_meal, quantity=1, now=NOW):
        return kitchen.place_order(person, where_meal.id, person, quantity, "dine_in", "", "", key(), now)

    lunch_2 = meal(first, date(2026, 3, 2))
    lunch_3 = meal(first, date(2026, 3, 3))
    dinner_2 = meal(second, date(2026, 3, 2), "dinner", price=900)
    served = [(order(elder, lunch_2), "cash"), (order(young, lunch_2, 2), "wechat"), (order(elder, dinner_2), "cash")]
    for placed, method in served:  # handed over once both meals of 2 March have started
        kitchen.advance_order(operator, placed.id, "picked_up", at(2, 19), payment_method=method)
    kitchen.advance_order(operator, order(sixty_five, lunch_3).id, "no_show", at(3, 13))
    kitchen.cancel_order(young, order(young, lunch_3).id, NOW)
    kitchen.create_standing_order(elder, elder, first.id, [5], "lunch", "dine_in", 1, "", "", NOW)
    kitchen.create_standing_order(young, young, first.id, [5], "lunch", "dine_in", 1, "", "", NOW)
    # February: served, but outside the month
    february = at(27, 8, month=2)
    old = meal(first, date(2026, 2, 27), now=february)
    kitchen.advance_order(operator, order(elder, old, now=february).id, "picked_up", at(27, 12, month=2),
                          payment_method="cash")
    return [first, second]


def build_aid(world):
    skill = aid.skill_list(world.home.id, NOW)[0]
    helpers = [make_user(world.home, "volunteer", name=name, verified=True) for name in ("黄建国", "杨志强")]
    young = db.session.scalar(db.select(User).where(User.name == "李志强"))
    elder = db.session.scalar(db.select(User).where(User.name == "黄阿婆"))

    def request(person, title, when):
        details = aid.RequestDetails(skill=skill.id, title=title, description="请帮忙看看", address="镇海路12号")
        return aid.create_request(person, person.id, details, when)

    for person, helper, title, minutes, rating, day in ((young, helpers[0], "厨房水龙头漏水", 90, 5, 4),
                                                         (elder, helpers[1], "客厅插座没电", 60, 4, 5)):
        made = request(person, title, at(day, 9))
        aid.accept(helper, made.id, at(day, 10))
        aid.report_done(helper, made.id, minutes, at(day, 12))
        aid.confirm(person, made.id, rating, "谢谢", at(day, 13))
    request(young, "洗衣机不脱水", at(6, 9))
    return helpers


def build_alleys(world):
    patrollers = [make_user(world.home, "patroller", name=name) for name in ("苏明辉", "何春生")]
    officer = make_user(world.home, "officer", name="许振华", department="城管")
    alley = alleys.save_alley(world.staff, world.home.id, "打铁巷", now=NOW)
    alleys.save_rule(world.staff, alley.id, [0], time(7, 0), time(8, 0), {"volunteer": 2}, now=NOW)
    shifts = alleys.upcoming_shifts(world.home.id, NOW, days=28)
    march = sorted((s for s in shifts if s.day.month == 3), key=lambda s: s.day)
    # shifts are made four weeks ahead; 2 March's had already started at NOW
    assert [s.day for s in march] == [date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]
    first, second = march[0], march[1]
    alleys.sign_up(patrollers[0], first.id, NOW)
    alleys.sign_up(patrollers[1], first.id, NOW)
    alleys.sign_up(patrollers[0], second.id, NOW)
    alleys.check_in(patrollers[0], first.id, at(9, 6, 45))
    fixed = alleys.report_finding(patrollers[0], alley.id, "obstruction", "电动车堵住巷口", "打铁巷12号", [photo()],
                                  key(), at(10, 7, 21))
    alleys.dispatch(world.staff, fixed.id, "城管", at(10, 7, 25))
    alleys.accept(officer, fixed.id, at(10, 7, 30))
    alleys.resolve(officer, fixed.id, "已移走", photo(), at(10, 7, 57))
    alleys.report_finding(patrollers[1], alley.id, "sanitation", "垃圾没清", "打铁巷3号", [photo()], key(),
                          at(12, 10))


@pytest.fixture
def march(world) -> March:
    kitchens = build_kitchen(world)
    helpers = build_aid(world)
    build_alleys(world)
    # the other community: a resident and a kitchen meal that must never show up in 镇海社区
    make_user(world.other, name="林清泉", birth_date=date(1940, 1, 1), building="深田路8号")
    backdate()
    return March(world, kitchens, helpers)


def report_for(app, world, period=MARCH):
    with app.test_request_context():
        return reports.community_report(world.home, period, REPORTED_AT)


def test_population_counts_residents_elders_and_people_needing_care(app, world):
    make_user(world.home, name="许玉兰", birth_date=date(1961, 3, 31))  # 65 on the last day of March
    make_user(world.home, name="蔡阿水", birth_date=date(1961, 4, 1))  # 65 only in April
    gone = make_user(world.home, name="离开的人", birth_date=date(1930, 1, 1))
    gone.active = False
    backdate()
    people = reports.population(world.home.id, MARCH)
    # staff, admin, 王美玲, 郑长华 (85, needs care, no phone), 许玉兰, 蔡阿水
    assert people == {"residents": 6, "elders": 2, "needs_care": 1, "without_phone": 1}
    assert reports.population(world.other.id, MARCH)["residents"] == 2
    assert reports.population(world.home.id, reports.month_period(date(2026, 4, 1)))["elders"] == 3


def test_population_is_one_statement_and_zero_for_an_empty_community(app, world):
    empty_id, home_id = make_community("新建社区", "中华街道", CommunityType.NEW_TOWN).id, world.home.id
    backdate()
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        people = reports.population(home_id, MARCH)
        nobody = reports.population(empty_id, MARCH)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements
    assert people["residents"] == 4 and people["elders"] == 1
    assert nobody == {"residents": 0, "elders": 0, "needs_care": 0, "without_phone": 0}


def test_someone_registered_after_the_month_is_not_counted(app, world):
    late = make_user(world.home, name="新来的人")
    backdate()
    late.created_at = at(1, 0, month=4)
    db.session.commit()
    assert reports.population(world.home.id, MARCH)["residents"] == 4


def test_elder_cutoff_on_29_february():
    assert reports.elder_cutoff(date(2028, 2, 29)) == date(1963, 2, 28)
    assert reports.elder_cutoff(date(2026, 3, 31)) == date(1961, 3, 31)


def test_kitchen_figures_of_the_month(app, march):
    report = report_for(app, march.world)
    first, second = march.kitchens
    rows = {row["name"]: row for row in report.kitchen["kitchens"]}
    assert {k: rows["镇海邻里厨房"][k] for k in reports.KITCHEN_FIGURES} == {
        "meals_served": 2, "portions_served": 3, "paid_fen": 900 + 2400, "subsidy_fen": 300, "no_shows": 1,
        "cancellations": 1}
    assert {k: rows["打铁巷食堂"][k] for k in reports.KITCHEN_FIGURES} == {
        "meals_served": 1, "portions_served": 1, "paid_fen": 900, "subsidy_fen": 0, "no_shows": 0,
        "cancellations": 0}
    assert report.kitchen["totals"] == {"meals_served": 3, "portions_served": 4, "paid_fen": 4200,
                                        "subsidy_fen": 300, "no_shows": 1, "cancellations": 1}
    assert report.kitchen["residents_served"] == 2
    assert report.kitchen["elders_with_standing_orders"] == 1


def test_kitchen_totals_reconcile_with_each_kitchens_settlement(app, march):
    report = report_for(app, march.world)
    settlements = [kitchen.settlement(march.world.home.id, k.id, MARCH.start) for k in march.kitchens]
    for code in ("meals_served", "portions_served", "paid_fen", "subsidy_fen", "cancellations"):
        assert report.kitchen["totals"][code] == sum(s[code] for s in settlements), code
    assert report.kitchen["totals"]["no_shows"] == sum(s["no_shows_total"] for s in settlements)
    for settled in settlements:
        row = next(r for r in report.kitchen["kitchens"] if r["kitchen_id"] == settled["kitchen_id"])
        assert row["paid_fen"] == settled["paid_fen"] == sum(settled["by_payment"].values())
        assert row["paid_fen"] + row["subsidy_fen"] == settled["gross_fen"]


def test_mutual_aid_figures_of_the_month(app, march):
    report = report_for(app, march.world)
    assert report.mutualaid == {"requests_made": 3, "requests_completed": 2, "minutes_given": 150,
                                "volunteers_active": 2, "average_rating": 4.5, "ratings_count": 2,
                                "pool_minutes_paid": 60}


def test_hours_given_reconcile_with_the_ledger(app, march):
    report = report_for(app, march.world)
    community = march.world.home.id
    totals = aid.ledger_totals(community)
    assert totals["balanced"] and totals["problems"] == []

    def help_minutes(user_id):
        return sum(e["minutes"] for e in aid.statement(community, user_id, limit=1000) if str(e["kind"]) == "help")

    assert sum(help_minutes(v.id) for v in march.volunteers) == report.mutualaid["minutes_given"] == 150
    assert -help_minutes(None) == report.mutualaid["pool_minutes_paid"] == 60  # the 80-year-old's hour
    young = db.session.scalar(db.select(User).where(User.name == "李志强"))
    assert help_minutes(young.id) == -90  # he paid for his own help


def test_alley_figures_of_the_month(app, march):
    report = report_for(app, march.world)
    assert report.alleys["shifts_held"] == 1
    assert report.alleys["shifts_missed"] == 2  # 16 March: signed up, nobody checked in; 23 March: nobody
    assert report.alleys["slots_needed"] == 6
    assert report.alleys["slots_filled"] == 3
    assert report.alleys["findings_total"] == 2
    assert {k: v for k, v in report.alleys["findings_by_category"].items() if v} == {"obstruction": 1,
                                                                                     "sanitation": 1}
    assert report.alleys["median_minutes_to_fix"] == 36
    assert report.alleys["overdue_cases"] == 0


def test_indicators_of_the_month(app, march):
    report = report_for(app, march.world)
    # residents: staff, admin, 王美玲, 郑长华, operator, 3 diners, 2 volunteers, 2 patrollers, officer = 13
    assert report.population == {"residents": 13, "elders": 3, "needs_care": 1, "without_phone": 1}
    assert report.indicators["meals_per_100_elders"] == pytest.approx(4 * 100 / 3)
    assert report.indicators["help_hours_per_100_residents"] == pytest.approx(2.5 * 100 / 13)
    assert report.indicators["slots_filled_share"] == pytest.approx(50)
    assert report.indicators["median_minutes_to_fix"] == 36


def test_nothing_from_february_or_the_other_community(app, march):
    february = report_for(app, march.world, reports.month_period(date(2026, 2, 1)))
    assert february.kitchen["totals"]["meals_served"] == 1
    assert february.mutualaid["requests_made"] == 0 and february.alleys["findings_total"] == 0
    with app.test_request_context():
        other = reports.community_report(march.world.other, MARCH, REPORTED_AT)
    assert other.kitchen["kitchens"] == [] and other.mutualaid["requests_made"] == 0
    assert other.population["residents"] == 3


def test_the_years_work_is_the_sum_of_its_months(app, march):
    with app.test_request_context():
        year = reports.annual_report("work", march.world.home, reports.year_period(2026), REPORTED_AT)
    figures = {f"{f.line.source}.{f.line.code}": f for _title, shown in year.sections for f in shown}
    assert [month.code for month, _values in year.months] == [f"2026-{n:02d}" for n in range(1, 13)]
    assert [line.code for line in reports.month_lines(year)] == ["portions_served", "minutes_given",
                                                                  "findings_fixed", "visits"]
    meals, help_minutes = ([values[i] for _month, values in year.months] for i in (0, 1))
    assert sum(meals) == figures["kitchen.portions_served"].value == 5 and meals[2] == 4 and meals[1] == 1
    assert sum(help_minutes) == figures["mutualaid.minutes_given"].value == 150
    subsidies = [report_for(app, march.world, reports.month_period(date(2026, month, 1))).kitchen["totals"]["subsidy_fen"]
                 for month in (2, 3)]
    assert figures["alleys.findings_total"].value == 2 and figures["kitchen.subsidy_fen"].value == sum(subsidies) > 300
    assert figures["kitchen.portions_served"].before == 0 and figures["kitchen.portions_served"].change is None
    assert figures["visits.visits"].value == 0
    with app.test_request_context():
        assert figures["visits.visits"].link.url == f"/visits/coverage?community={march.world.home.id}&year=2026"


def test_the_monthly_page_shows_every_figure(client, auth, march):
    auth.login(march.world.staff)
    page = client.get(f"/staff/reports/monthly?community={march.world.home.id}&month=2026-03").get_data(as_text=True)
    assert '镇海社区 · <span class="nowrap">2026年3月</span> · <span class="nowrap">月报</span>' in page
    assert "2026年3月1日 至 2026年3月31日" in page  # the period's days as people write them, not 2026-03-01
    assert 'data-figure="kitchen.paid_fen">¥42.00<' in page
    assert 'data-figure="kitchen.subsidy_fen">¥3.00<' in page
    assert 'data-figure="minutes_given">2.5 小时<' in page
    assert 'data-figure="average_rating">4.5<' in page
    assert 'data-figure="median_minutes_to_fix">36 分钟<' in page
    assert 'data-figure="slots_filled_share">50%<' in page
    assert 'data-figure="elders">3<' in page
    assert page.count("<figure class=\"staff-chart\"") == 4 and "<title id=\"chart-meals-title\">各厨房供餐份数</title>" in page
    assert "镇海邻里厨房: 3" in page  # the chart's text alternative


def test_the_monthly_csv(client, auth, march):
    auth.login(march.world.staff)
    response = client.get(f"/staff/reports/monthly?community={march.world.home.id}&month=2026-03&format=csv")
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    figures = {(row[2], row[3], row[4]): row[6] for row in rows[1:]}
    assert figures[("邻里厨房", "所有厨房合计", "paid_fen")] == "42.00"
    assert figures[("邻里厨房", "镇海邻里厨房", "portions_served")] == "3"
    assert figures[("互助", "", "minutes_given")] == "2.50"
    assert figures[("小巷党建", "", "slots_filled")] == "3"
    assert figures[("居民", "", "elders")] == "3"
    assert all(row[0] == "镇海社区" and row[1] == "2026-03" for row in rows[1:])


def test_the_monthly_workbook_holds_the_same_figures_as_numbers(client, auth, march):
    auth.login(march.world.staff)
    page = client.get(f"/staff/reports/monthly?community={march.world.home.id}&month=2026-03").get_data(as_text=True)
    assert "format=xlsx" in page and "下载 Excel" in page
    response = client.get(f"/staff/reports/monthly?community={march.world.home.id}&month=2026-03&format=xlsx")
    assert response.headers["Content-Disposition"].endswith(f'report-{march.world.home.id}-2026-03.xlsx"')
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "社区"
    figures = {(row[2], row[3], row[4]): row[6] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert figures[("邻里厨房", "所有厨房合计", "paid_fen")] == 42
    assert figures[("邻里厨房", "镇海邻里厨房", "portions_served")] == 3


def test_the_print_view_is_a_page_of_its_own(client, auth, march):
    auth.login(march.world.staff)
    page = client.get(f"/staff/reports/monthly?community={march.world.home.id}&month=2026-03&view=print")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'class="print-view"' in text and "main-nav" not in text
    assert 'data-figure="kitchen.paid_fen">¥42.00<' in text


def test_the_district_view_ranks_within_each_type(client, auth, march, app):
    world = march.world
    village = make_community("槟榔社区", "筼筜街道", CommunityType.VILLAGE)
    make_user(village, name="洪阿公", birth_date=date(1944, 8, 8), building="槟榔路1号")  # an elder, no meals
    twin = make_community("中华社区", "中华街道", CommunityType.OLD_TOWN)
    make_user(twin, name="陈清泉", birth_date=date(1950, 1, 1), building="中山路3号")
    backdate()
    with app.test_request_context():
        groups = reports.district(MARCH, REPORTED_AT)
    assert [g.kind.value for g in groups] == ["new_town", "old_town", "village"]
    old = next(g for g in groups if g.kind == CommunityType.OLD_TOWN)
    assert [row.community.name for row in old.rows] == ["镇海社区", "中华社区"]
    home = old.rows[0]
    assert home.ranks == {"meals_per_100_elders": 1, "help_hours_per_100_residents": 1,
                          "slots_filled_share": 1, "median_minutes_to_fix": 1}
    assert old.rows[1].indicators["meals_per_100_elders"] == 0
    assert old.rows[1].ranks["meals_per_100_elders"] is None, "no meals served is not a place in the ranking"
    village_row = next(g for g in groups if g.kind == CommunityType.VILLAGE).rows[0]
    assert village_row.indicators["meals_per_100_elders"] == 0 and village_row.ranks["meals_per_100_elders"] is None
    assert next(g for g in groups if g.kind == CommunityType.VILLAGE).rows[0].community == village
    auth.login(world.admin)
    page = client.get("/staff/district?month=2026-03").get_data(as_text=True)
    assert "老城区" in page and "新城区" in page and "村改居" in page and "第1名" in page
    sheet = load_workbook(io.BytesIO(client.get("/staff/district?month=2026-03&format=xlsx").get_data())).worksheets[0]
    assert sheet.freeze_panes == "A2" and [c.value for c in sheet[1]][:4] == ["社区类型", "社区", "居民", "65岁以上老人"]
    lines = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert lines["镇海社区"][0] == "老城区" and lines["镇海社区"][5] == 1 and lines["中华社区"][5] is None
    assert "镇海社区" in client.get("/staff/district?month=2026-03&format=csv").get_data(as_text=True)


@pytest.mark.parametrize("values, higher, expected", [
    ([3, 1, 2], True, [1, 3, 2]),
    ([3, 3, 1], True, [1, 1, 3]),
    ([10, None, 5], False, [2, None, 1]),
    ([None, None], True, [None, None]),
    ([0, 0.0], True, [None, None]),
    ([0, 4.5, 2], True, [None, 1, 2]),
    ([0, 30], False, [1, 2]),
])
def test_rank(values, higher, expected):
    assert reports.rank(values, higher) == expected
