"""Alley patrols on a phone, in Chinese: sign up and check in, report 路面油腻 with a photo, 城管 fixes it, verified."""
import re
from datetime import time, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from neighbors.alleys import services
from neighbors.alleys.models import PatrolShift
from neighbors.clock import utcnow
from neighbors.extensions import db
from tests.alleys.conftest import photo, place  # noqa: F401  (the fixture)
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD


def real_jpeg(path: Path, colour, text: str) -> Path:
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, 800, 50):
        draw.line([(x, 600), (x + 200, 0)], fill=(90, 90, 90), width=8)
    draw.text((40, 40), text, fill=(255, 255, 255))
    image.save(path, format="JPEG", quality=85)
    return path


def state_of(page) -> str:
    return page.locator("[data-testid=state]").get_attribute("data-state")


def test_patrol_report_fix_and_verify_on_a_phone(page, server, place, tmp_path):  # noqa: F811
    services.set_route(place.staff, place.alley.id, "sanitation", "城管", 30, 120, now=utcnow())
    now = utcnow()
    shift = PatrolShift(community_id=place.community.id, alley_id=place.alley.id, day=now.date(),
                        starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(minutes=70),
                        needs={"volunteer": 2, "城管": 1})
    db.session.add(shift)
    db.session.commit()
    shift_id = shift.id
    before = real_jpeg(tmp_path / "before.jpg", (120, 100, 60), "oily road")
    after = real_jpeg(tmp_path / "after.jpg", (90, 150, 110), "clean road")

    # The patroller signs up for the shift about to start, and checks in.
    login(page, server.url, place.patroller.phone, PASSWORD)
    page.goto(server.url + "/alleys/")
    assert page.locator("h1").inner_text() == "小巷党建"
    shot(page, "alleys-index-zh")
    page.goto(server.url + "/alleys/shifts")
    card = page.locator(f"#shift-{shift_id}")
    assert "缺 2 人" in card.inner_text()
    shot(page, "alleys-shifts-zh")
    card.locator("button[data-action=signup]").click()
    page.locator(f"#shift-{shift_id} button[data-action=checkin]").wait_for()
    assert "您已报名这次巡查" in page.locator(f"#shift-{shift_id}").inner_text()
    page.locator(f"#shift-{shift_id} button[data-action=checkin]").click()
    page.locator(f"#shift-{shift_id} button[data-action=checkout]").wait_for()
    assert "已签到" in page.locator(f"#shift-{shift_id}").inner_text()
    shot(page, "alleys-checked-in-zh")

    # ... and reports 路面油腻 in 打铁巷 with a photo.
    page.goto(server.url + "/alleys/findings/new")
    page.select_option("select[name=alley]", label="打铁巷")
    page.select_option("select[name=category]", value="sanitation")
    page.fill("textarea[name=description]", "路面油腻，老人容易滑倒")
    page.fill("input[name=place]", "打铁巷12号门口")
    page.set_input_files("[data-testid=choose-photo] input[name=photos]", str(before))
    shot(page, "alleys-report-form-zh")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/alleys/findings/\d+$"))
    finding_url = page.url
    assert state_of(page) == "dispatched"
    assert "城管" in page.locator(".facts").inner_text()
    shot(page, "alleys-finding-dispatched-zh")

    # The 城管 officer accepts it and resolves it with an after-photo.
    page.context.clear_cookies()
    login(page, server.url, place.officer.phone, PASSWORD)
    page.goto(finding_url)
    page.click("button[data-action=accept]")
    page.wait_for_selector("[data-testid=state][data-state=accepted]")
    page.fill("textarea[name=note]", "已冲洗路面，撒了防滑砂")
    page.set_input_files("[data-testid=choose-photo] input[name=photo]", str(after))
    page.click("button[data-action=resolve]")
    page.wait_for_selector("[data-testid=state][data-state=resolved]")
    assert page.locator("[data-testid=time-to-fix]").is_visible()
    shot(page, "alleys-finding-resolved-zh")

    # The patroller sees before and after side by side, and confirms the fix.
    page.context.clear_cookies()
    login(page, server.url, place.patroller.phone, PASSWORD)
    page.goto(finding_url)
    images = page.locator(".photo-pair img")
    assert images.count() == 2
    for index in range(2):
        assert images.nth(index).evaluate("img => img.complete && img.naturalWidth > 0")
    page.click("button[data-action=verify]")
    page.wait_for_selector("[data-testid=state][data-state=verified]")
    assert "已确认修好" in page.locator("[data-testid=state]").inner_text()
    assert "修好前" in page.content() and "修好后" in page.content()
    shot(page, "alleys-finding-verified-zh")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"


def test_secretary_sees_coverage_and_monthly_figures(page, server, place):  # noqa: F811
    now = utcnow()
    services.save_rule(place.secretary, place.alley.id, "0123456", time(7, 0), time(8, 0),
                       {"volunteer": 2, "城管": 1}, now=now)
    login(page, server.url, place.secretary.phone, PASSWORD)
    page.goto(server.url + f"/alleys/coverage?branch={place.branch.id}")
    assert page.locator("[data-testid=short-count]").is_visible()
    assert "缺人" in page.locator("main").inner_text()
    shot(page, "alleys-coverage-zh")
    page.goto(server.url + f"/alleys/stats?alley={place.alley.id}")
    assert page.locator("svg.chart").first.is_visible()
    shot(page, "alleys-stats-zh")
    page.goto(server.url + f"/alleys/{place.alley.id}/rules/new")
    shot(page, "alleys-rule-form-zh")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


NARROW = {"width": 360, "height": 780}


def test_a_second_report_nearby_goes_in_with_one_big_button_and_two_photos(page, server, place, tmp_path):  # noqa: F811
    services.report_finding(place.secretary, place.alley.id, "sanitation", "垃圾袋堆在墙边", "公厕旁",
                            [photo()], "a" * 32, utcnow())
    first, second = (real_jpeg(tmp_path / f"{n}.jpg", colour, n) for n, colour in
                     (("near", (120, 100, 60)), ("far", (60, 100, 140))))
    login(page, server.url, place.patroller.phone, PASSWORD)
    page.set_viewport_size(NARROW)
    for mode in ("standard", "elder"):
        page.context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
        page.goto(server.url + "/alleys/findings/new")
        page.select_option("select[name=alley]", label="打铁巷")
        page.select_option("select[name=category]", value="sanitation")
        hint = page.locator("[data-testid=similar]")
        hint.wait_for()
        assert "接着往下填" in hint.inner_text() and hint.locator("input[type=checkbox]").count() == 0
        page.fill("textarea[name=description]", "巷尾水沟堵了，有臭味")
        page.fill("input[name=place]", "打铁巷36号后面")
        # one photo from the camera, then one from the library: both are kept and shown before sending
        page.set_input_files("[data-testid=take-photo] input", str(first))
        page.set_input_files("[data-testid=choose-photo] input", str(second))
        thumbs = page.locator("[data-testid=photo-thumb]")
        assert thumbs.count() == 2
        for index in range(2):
            assert thumbs.nth(index).evaluate("img => img.decode().then(() => img.naturalWidth === 800)")
        shot(page, f"alleys-report-{mode}-360-two-photos")
        page.click("main form[data-testid=finding-form] > button[type=submit]")
        different = page.locator("[data-testid=report-anyway]")
        different.wait_for()
        box = different.bounding_box()
        room = different.evaluate("""(el) => { const box = getComputedStyle(el.parentElement);
            return el.parentElement.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight); }""")
        assert box["width"] >= room - 1 and box["height"] >= 56, (box, room)  # the notice's whole width
        assert "这是另一个问题" in different.inner_text()
        different.scroll_into_view_if_needed()
        shot(page, f"alleys-duplicate-{mode}-360")
        different.click()
        page.wait_for_url(re.compile(r"/alleys/findings/\d+$"))
        assert page.locator(".photo-pair figure").first.locator("img").count() == 2
        assert page.locator("[data-testid=state]").get_attribute("data-state") == "dispatched"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW["width"]


def test_the_sanitation_officer_accepts_and_the_page_says_so(page, server, place):  # noqa: F811
    finding = services.report_finding(place.patroller, place.alley.id, "sanitation", "垃圾桶满了", "打铁巷口",
                                      [photo()], "b" * 32, utcnow())
    login(page, server.url, place.sanitation_officer.phone, PASSWORD)
    page.set_viewport_size(NARROW)
    for mode in ("standard", "elder"):
        page.context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
        page.goto(server.url + f"/alleys/findings/{finding.id}")
        if mode == "standard":
            page.click("button[data-action=accept]")
            page.wait_for_selector("[data-testid=state][data-state=accepted]")
        note = page.locator("[data-testid=accepted-note]")
        assert note.is_visible() and "您已在" in note.inner_text() and "接单" in note.inner_text()
        assert page.locator("[data-testid=resolve-form] [data-testid=take-photo]").is_visible()
        shot(page, f"alleys-accepted-{mode}-360")
