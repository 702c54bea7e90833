"""The staff console in a real Chromium, in Chinese, on a phone (390 × 844) and a desktop (1280 × 800)."""
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, link_carer, make_community, make_user
from tests.staff import test_reports as march_data
from tests.staff.conftest import World
from neighbors.extensions import db
from neighbors.models import Community, CommunityType

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def build_world() -> World:
    home = make_community("镇海社区", "中华街道", CommunityType.OLD_TOWN)
    other = make_community("深田社区", "开元街道", CommunityType.NEW_TOWN)
    make_community("鹭江道社区", "鹭江街道", CommunityType.OLD_TOWN)
    make_community("槟榔社区", "筼筜街道", CommunityType.VILLAGE)
    world = World(
        home=home, other=other,
        staff=make_user(home, "staff", name="陈丽华"),
        other_staff=make_user(other, "staff", name="蔡慧敏", building="深田路8号"),
        admin=make_user(home, "admin", name="叶振国"),
        resident=make_user(home, name="王美玲", birth_date=date(1968, 11, 20)),
        elder=make_user(home, name="郑长华", phone=None, birth_date=date(1941, 3, 2), needs_care=True,
                        building="打铁巷3号", unit="101室"),
        outsider=make_user(other, name="吴玉兰", building="深田路8号"),
    )
    march_data.build_kitchen(world)
    march_data.build_aid(world)
    march_data.build_alleys(world)
    march_data.backdate()
    return world


def fits_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("size", SIZES)
def test_queue_person_report_print_and_district(page, server, app, size):
    world = build_world()
    page.set_viewport_size(SIZES[size])
    login(page, server.url, world.staff.phone, PASSWORD)

    page.goto(server.url + "/staff/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").first.inner_text().startswith("待办")
    queue = page.locator(".queue-item")
    assert queue.count() >= 2
    assert "郑长华 需要照顾，但还没有照顾人" in page.locator("#work-queue").inner_text()
    count = page.locator("#staff-queue-count").inner_text()
    assert int(count) == queue.count()
    assert fits_width(page)
    shot(page, f"staff-queue-{size}")

    page.goto(server.url + f"/staff/people/{world.elder.id}")
    assert "郑长华" in page.locator("h1").inner_text()
    assert page.locator("#roles").is_visible() and page.locator("#carers").is_visible()
    assert fits_width(page)
    shot(page, f"staff-person-{size}")

    page.goto(server.url + f"/staff/reports/monthly?community={world.home.id}&month=2026-03")
    assert "镇海社区 · 2026年3月 · 月报" in page.locator("h1").inner_text()
    assert page.locator("[data-figure='kitchen.paid_fen']").inner_text() == "¥42.00"
    assert page.locator("figure.staff-chart svg").count() == 4
    assert fits_width(page)
    shot(page, f"staff-report-{size}")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.locator(".staff-tabs").is_visible()
    shot(page, f"staff-report-print-{size}")
    page.emulate_media(media="screen")
    page.goto(server.url + f"/staff/reports/monthly?community={world.home.id}&month=2026-03&view=print")
    assert page.locator(".print-toolbar button[data-print]").is_visible()
    shot(page, f"staff-report-printview-{size}")

    page.goto(server.url + "/account")
    page.click("form[action='/auth/logout'] button")
    page.wait_for_url(server.url + "/")
    login(page, server.url, world.admin.phone, PASSWORD)
    page.goto(server.url + "/staff/district?month=2026-03")
    groups = page.locator(".district-group h2").all_inner_texts()
    assert [g.split(" ")[0] for g in groups] == ["新城区", "老城区", "村改居"]
    assert "第1名" in page.locator(".district-group[data-kind='old_town']").inner_text()
    assert fits_width(page)
    shot(page, f"staff-district-{size}")


def test_linking_a_carer_takes_the_item_off_the_queue(page, server, app):
    home = make_community("镇海社区")
    staff = make_user(home, "staff", name="陈丽华")
    daughter = make_user(home, name="王美玲")
    elder = make_user(home, name="郑长华", phone=None, needs_care=True, birth_date=date(1941, 3, 2))
    login(page, server.url, staff.phone, PASSWORD)
    page.goto(server.url + "/staff/people")
    assert "王美玲" in page.locator("#people-list").inner_text()
    page.fill("input[name=q]", "郑")  # the list narrows while typing, without leaving the page
    expect(page.locator("#people-list")).not_to_contain_text("王美玲")
    assert "郑长华" in page.locator("#people-list").inner_text() and page.url.endswith("/staff/people")
    page.goto(server.url + "/staff/")
    assert page.locator("#staff-queue-count").inner_text() == "1"
    page.click("#work-queue .queue-item a")
    page.wait_for_url(f"**/staff/people/{elder.id}**")
    page.fill("input[name=carer]", "12345")
    page.click("#carers form.form button[type=submit]")
    page.wait_for_selector("#carers .error-text")
    assert "手机号" in page.locator("#carers .error-text").inner_text()
    page.fill("input[name=carer]", daughter.phone)
    page.fill("input[name=relation]", "女儿")
    page.click("#carers form.form button[type=submit]")
    page.wait_for_selector("#carers .carer-row")
    assert "王美玲" in page.locator("#carers .carer-row").inner_text()
    assert page.locator("#staff-queue-count").is_hidden()
    shot(page, "staff-carer-linked-phone")


POLL_NOW = """status => htmx.ajax('GET', status.getAttribute('hx-get'),
                               {source: status, target: status, swap: 'outerHTML'})"""


@pytest.mark.parametrize("size", SIZES)
def test_the_queue_reloads_its_list_only_when_it_changed(page, server, app, size):
    """The minute's poll, run now: unchanged, only the status line is swapped; changed, the list and the nav follow."""
    home = make_community("镇海社区")
    staff = make_user(home, "staff", name="陈丽华")
    daughter = make_user(home, name="王美玲")
    elder = make_user(home, name="郑长华", phone=None, needs_care=True, birth_date=date(1941, 3, 2))
    make_user(home, name="林阿婆", phone=None, needs_care=True, birth_date=date(1938, 5, 9))
    page.set_viewport_size(SIZES[size])
    login(page, server.url, staff.phone, PASSWORD)
    page.goto(server.url + "/staff/")
    assert page.locator("#staff-queue-count").inner_text() == "2"
    page.locator("#work-queue").evaluate("section => section.dataset.loaded = 'first'")
    page.locator("#queue-status").evaluate(POLL_NOW)
    expect(page.locator("#queue-status")).to_contain_text("2 件事等待处理")
    assert page.locator("#work-queue").get_attribute("data-loaded") == "first", "an unchanged queue is not reloaded"

    link_carer(daughter, elder)
    page.locator("#queue-status").evaluate(POLL_NOW)
    expect(page.locator("#work-queue .queue-item")).to_have_count(1)
    expect(page.locator("#staff-queue-count")).to_have_text("1")
    assert page.locator("#work-queue").get_attribute("data-loaded") is None
    assert "郑长华" not in page.locator("#work-queue").inner_text()
    assert "林阿婆 需要照顾，但还没有照顾人" in page.locator("#work-queue").inner_text()
    assert "等待" in page.locator("#work-queue .queue-item .meta").inner_text()
    assert fits_width(page)
    shot(page, f"staff-queue-refreshed-{size}")


NARROW = {"width": 360, "height": 780}

# Every text node inside a numeric cell must sit on one line, and nothing may reach past the screen's edge
# unless it is inside a box that scrolls sideways (a wide table scrolls in its own box).
MEASURE_TABLES = """() => {
  const width = document.documentElement.clientWidth;
  const broken = [];
  for (const cell of document.querySelectorAll("main :is(td, dd).num")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(node.textContent.trim());
    }
  }
  const scrolls = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow === "auto" || overflow === "scroll") return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 0.5 && !scrolls(el);
  }).map((el) => el.tagName + "." + el.className + " right=" + Math.round(el.getBoundingClientRect().right));
  const headers = [...document.querySelectorAll("main thead th")].filter(
      (th) => getComputedStyle(th.closest("thead")).position !== "absolute").map((th) => {  // stacked: for screen readers
    const range = document.createRange();
    range.selectNodeContents(th);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    return {text: th.innerText.trim(), lines: tops.size};
  });
  const firstColumns = [...document.querySelectorAll("main table tbody tr > :first-child")].map(
      (cell) => getComputedStyle(cell.parentElement).display === "block" ? "stacked" : getComputedStyle(cell).position);
  return {scrollWidth: document.documentElement.scrollWidth, width, broken, wide: wide.slice(0, 8), headers,
          firstColumns};
}"""


def look_at_tables(page, name: str) -> dict:
    measured = page.evaluate(MEASURE_TABLES)
    shot(page, name)
    assert measured["scrollWidth"] <= measured["width"], (name, measured["scrollWidth"], measured["wide"])
    assert measured["wide"] == [], (name, measured["wide"])
    assert measured["broken"] == [], f"{name}: numbers broken across lines: {measured['broken']}"
    # A header may wrap, but never to a character or two a line: each line holds three characters or more.
    assert all(header["lines"] == 1 or len(header["text"]) >= 3 * header["lines"]
               for header in measured["headers"]), (name, measured["headers"])
    # Under 600 px a table is one block per row, or scrolls in its own box with its first column held.
    assert measured["firstColumns"] and set(measured["firstColumns"]) <= {"stacked", "sticky"}, \
        (name, measured["firstColumns"])
    return measured


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_staff_tables_fit_a_360_px_phone(page, server, app, mode, lang):
    """The district comparison and the monthly report at 360 px: no number wraps, nothing widens the page,
    a wide table scrolls in its own box with its first column held, and a community with nothing is not first."""
    world = build_world()
    village = db.session.scalar(sa.select(Community).where(Community.kind == CommunityType.VILLAGE))
    make_user(village, name="洪阿公", birth_date=date(1944, 8, 8), building="槟榔路1号")  # an elder, no meals yet
    march_data.backdate()
    page.set_viewport_size(NARROW)
    login(page, server.url, world.admin.phone, PASSWORD)
    cookies = [{"name": "lang", "value": lang, "url": server.url}]
    if mode == "elder":
        cookies.append({"name": "elder", "value": "1", "url": server.url})
    page.context.add_cookies(cookies)
    page.goto(server.url + f"/lang/{lang}")

    page.goto(server.url + "/staff/district?month=2026-03")
    if mode == "elder":
        assert page.locator("html").get_attribute("class") == "elder"
    look_at_tables(page, f"staff-district-360-{mode}-{lang}")
    village = page.locator(".district-group[data-kind='village']")
    assert village.locator("td[data-figure='meals_per_100_elders']").inner_text().strip() in ("0.0", "0")
    assert village.locator(".rank").count() == 0, "a community with nothing is ranked nowhere"
    meals = page.locator(".district-group[data-kind='old_town'] tbody tr").first.locator(
        "td[data-figure='meals_per_100_elders']")
    box = meals.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], "the figures are on the screen, not off it"
    assert page.locator(".district-group[data-kind='old_town'] .rank-first").count() >= 1

    page.goto(server.url + f"/staff/reports/monthly?community={world.home.id}&month=2026-03")
    look_at_tables(page, f"staff-report-360-{mode}-{lang}")
    # Each figure of the kitchen table reads as its name, then every kitchen's value named, all on the screen.
    paid = page.locator("[data-testid=kitchen-table] tbody tr").nth(2)
    assert paid.locator("th").inner_text() == ("居民付款" if lang == "zh" else "Paid by residents")
    total = paid.locator("[data-figure='kitchen.paid_fen']")
    assert total.inner_text() == "¥42.00"
    box = total.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]

    # The audit log in sentences, in the reader's language, on the same phone.
    page.goto(server.url + f"/staff/audit?community={world.home.id}")
    entries = page.locator(".audit-entry").all_inner_texts()
    shot(page, f"staff-audit-360-{mode}-{lang}")
    assert fits_width(page)
    said = "陈丽华 登记了厨房 镇海邻里厨房。" if lang == "zh" else "陈丽华 registered the kitchen 镇海邻里厨房."
    assert any(said in text for text in entries), entries[:3]
    assert not any(code in text for text in entries for code in ("kitchen.registered", "operators:", "_fen"))
