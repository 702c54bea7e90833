"""千户访 in real Chromium at 360 px: a grid worker's day (standard and 长辈版) and staff's roster preview."""
from datetime import date

from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_community, make_user
from tests.visits.conftest import make_household
from tests.visits.test_roster import GOOD, xlsx

NARROW = {"width": 360, "height": 780}


def _world():
    from neighbors.clock import utcnow
    from neighbors.visits import services

    community = make_community("镇海社区")
    staff = make_user(community, "staff", name="胡冬虹")
    worker = make_user(community, name="陈芳芳", phone="13900000013")
    first = services.create_grid(staff, "第一网格", utcnow())
    services.create_grid(staff, "第二网格", utcnow())
    services.add_worker(staff, first.id, worker.phone, utcnow())
    elder = make_household(first, people=[("陈玉钗", date(1941, 3, 2))], tags=["alone"])
    make_household(first, room="1103", people=[("黄光贤", date(1950, 1, 1)), ("李秀兰", date(1952, 7, 9))])
    make_household(first, unit="3梯", room="301", people=[("王建华", date(1975, 5, 5))], tags=["low_income"])
    return staff, worker, elder


def _big_enough(page, selector: str, least: int) -> None:
    for box in (page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())):
        assert box["height"] >= least and box["x"] + box["width"] <= NARROW["width"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def _visit_and_note_a_need(page, base_url: str, elder, mode: str) -> None:
    page.goto(base_url + "/visits/")
    assert page.locator("[data-testid=due-household]").count() == 3
    assert "陈玉钗" in page.locator("[data-testid=due-household]").first.inner_text()
    _big_enough(page, "[data-testid=due-household] a", 60 if mode == "elder" else 44)
    shot(page, f"visits-01-round-{mode}")
    page.locator("[data-testid=due-household] a").first.click()
    page.wait_for_url(f"**/visits/households/{elder.id}")
    assert "85 岁" in page.locator("[data-testid=members]").inner_text()
    shot(page, f"visits-02-household-{mode}")
    form = page.locator("[data-testid=visit-form]")
    form.locator("label", has_text="本户成员").click()
    form.locator("label", has_text="用餐").click()
    form.locator("label", has_text="孤独").click()
    page.fill("textarea[name=note]", "老伴住院，一个人吃饭不方便")
    shot(page, f"visits-03-visit-form-{mode}")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=走访记录已保存")
    assert page.url.endswith(f"/visits/households/{elder.id}")
    assert "独居老人：等待社区跟进" in page.locator("[data-testid=visits]").inner_text()
    shot(page, f"visits-04-visit-saved-{mode}")


def test_a_grid_workers_day_at_360_px(browser, server, app):
    staff, worker, elder = _world()
    for mode in ("standard", "elder"):
        context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN")
        context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
        page = context.new_page()
        login(page, server.url, worker.phone, PASSWORD)
        if mode == "standard":
            _visit_and_note_a_need(page, server.url, elder, mode)
        else:  # the elder was seen this morning: in 长辈版 the worker finds nobody home at the next door
            page.goto(server.url + "/visits/")
            assert page.locator("[data-testid=due-household]").count() == 2
            _big_enough(page, "[data-testid=due-household] a", 60)
            shot(page, "visits-01-round-elder")
            page.locator("[data-testid=due-household] a").first.click()
            page.wait_for_url("**/visits/households/*")
            form = page.locator("[data-testid=visit-form]")
            _big_enough(page, "[data-testid=visit-form] button[type=submit]", 60)
            shot(page, "visits-02-household-elder")
            form.locator("label", has_text="家中无人").click()
            form.locator("button[type=submit]").click()
            page.wait_for_selector("text=几天后会再提醒您上门")
            assert page.url.endswith("/visits/")
            assert page.locator("[data-testid=due-household]").count() == 2  # a second try is due in 3 days
            shot(page, "visits-03-nobody-home-elder")
        context.close()


def test_staff_preview_a_roster_before_importing_it(browser, server, app, tmp_path):
    staff, _worker, _elder = _world()
    roster = tmp_path / "花名册.xlsx"
    rows = [[cell.replace("图强路6号", "图强路10号") for cell in row] for row in GOOD]
    roster.write_bytes(xlsx(rows + [["第九网格", "图强路9号", "", "1", "错网格", "12345", "", "", "", ""]]))
    context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    login(page, server.url, staff.phone, PASSWORD)
    page.goto(server.url + "/visits/import")
    page.set_input_files("input[name=roster]", str(roster))
    page.locator("[data-testid=roster-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=import-preview]")
    counts = page.locator("[data-testid=import-counts]").inner_text()
    assert "将新增 4 行" in counts and "1 行被拒绝" in counts
    refused = page.locator("[data-testid=refused-rows]").inner_text()
    assert "没有名为“第九网格”的网格" in refused and "“12345”不是大陆手机号码" in refused
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    shot(page, "visits-05-import-preview")
    page.locator("[data-testid=confirm-import] button").click()
    page.wait_for_url("**/visits/households")
    assert page.locator("[data-testid=household-row]").count() == 3 + 3
    shot(page, "visits-06-imported")
    context.close()


def test_coverage_and_the_annual_report_at_360_px(browser, server, app):
    """Staff read the year's coverage (its chart and what the needs led to) and the year's work, standard and 长辈版;
    the admin follows the visits figure of that community's report to its coverage."""
    from neighbors.clock import local_today, utcnow
    from neighbors.registers import services as registers
    from neighbors.visits import services

    staff, worker, elder = _world()
    services.record_visit(worker, elder.id, services.VisitDetails(
        "met_member", met_id=elder.contact_id, needs=["meals", "repair"]), utcnow())
    registers.record_entry(staff, registers.Details(kind="meeting", day=local_today(), body="区民政局", minutes=90,
                                                    staff_count=2), utcnow())
    year = local_today().year
    for mode in ("standard", "elder"):
        context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN")
        context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
        page = context.new_page()
        login(page, server.url, staff.phone, PASSWORD)
        page.goto(server.url + f"/visits/coverage?year={year}")
        assert page.locator("#chart-visited").count() == 1 and "1 / 3" in page.locator("#chart-visited").inner_html()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"visits-07-coverage-{mode}")
        page.goto(server.url + f"/staff/reports/annual/work?year={year}")
        assert page.locator(f"a[href='/visits/coverage?community={staff.community_id}&year={year}']").first.inner_text() == "1"
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"visits-08-annual-work-{mode}")
        page.goto(server.url + f"/staff/reports/annual/burden?year={year}")
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"visits-09-annual-burden-{mode}")
        context.close()
    admin = make_user(make_community("鹭江道社区"), "admin", name="叶振国")
    for mode in ("standard", "elder"):
        context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN")
        context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
        page = context.new_page()
        login(page, server.url, admin.phone, PASSWORD)
        page.goto(server.url + f"/staff/reports/annual/work?community={staff.community_id}&year={year}")
        page.locator("[data-figure='visits.visits'] a").click()
        page.wait_for_url(f"**/visits/coverage?community={staff.community_id}&year={year}")
        assert "镇海社区" in page.locator("h1").inner_text() and "1 / 3" in page.locator("#chart-visited").inner_html()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        shot(page, f"visits-10-admin-reads-another-coverage-{mode}")
        context.close()
