"""Where a problem is, in a real Chromium at 360 px, standard and 长辈版: the "use my position" button with a granted
fake position (the browser's geolocation override), the case page's map links, and staff's segment page."""
import re

import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.models import Finding
from neighbors.clock import utcnow
from neighbors.extensions import db
from tests.alleys.conftest import place  # noqa: F401  (the fixture)
from tests.browser.conftest import login, shot
from tests.browser.test_alleys import real_jpeg
from tests.factories import PASSWORD, make_user

NARROW = {"width": 360, "height": 780}
SPOT = {"latitude": 24.45462, "longitude": 118.07536, "accuracy": 12}  # 打铁巷, Siming old town


def _phone(browser, server, mode: str, **more):
    context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN", **more)
    context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
    return context


def _fits(page, selector: str, least: int) -> None:
    """Every control at least `least` px high and within the 360 px screen, and nothing wider than it."""
    for box in (page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())):
        assert box["height"] >= least and box["x"] + box["width"] <= NARROW["width"] + 1, box
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_the_position_button_fills_the_report_and_the_case_opens_in_the_map_apps(browser, server, place, tmp_path):  # noqa: F811
    place.community.centre_latitude, place.community.centre_longitude = 24.4546, 118.0752
    place.community.area_radius_m = 800
    db.session.commit()
    before = real_jpeg(tmp_path / "before.jpg", (120, 100, 60), "bike in the way")
    for number, (mode, category) in enumerate((("standard", "obstruction"), ("elder", "hazard"))):
        context = _phone(browser, server, mode, geolocation=SPOT)
        context.grant_permissions(["geolocation"], origin=server.url)
        page = context.new_page()
        login(page, server.url, place.patroller.phone, PASSWORD)
        page.goto(server.url + f"/alleys/findings/new?alley={place.alley.id}&category={category}")
        button = page.locator("[data-use-position]")
        button.wait_for()
        _fits(page, "[data-use-position]", 60 if mode == "elder" else 40)
        button.click()
        page.locator("[data-position-status][data-state=found]").wait_for()
        assert "误差约 12 米" in page.locator("[data-testid=position-status]").inner_text()
        assert page.input_value("input[name=latitude]") == "24.4546200"
        page.fill("textarea[name=description]", "电动车停在巷子中间，轮椅过不去。")
        page.fill("input[name=place]", "打铁巷12号门口")
        page.set_input_files("[data-testid=finding-form] input[type=file]:not([capture])", str(before))
        shot(page, f"alleys-position-form-{mode}")
        page.locator("[data-testid=finding-form] button[type=submit]").last.click()
        page.wait_for_url(re.compile(r".*/alleys/findings/\d+$"))
        position = page.locator("[data-testid=position]")
        assert "24.45462, 118.07536" in position.inner_text() and "误差约 12 米" in position.inner_text()
        assert "uri.amap.com/marker" in page.get_attribute("[data-testid=amap]", "href")
        assert "coord_type=bd09ll" in page.get_attribute("[data-testid=baidu]", "href")
        _fits(page, "[data-testid=position] a", 24)
        shot(page, f"alleys-position-case-{mode}")
        context.close()
        db.session.rollback()  # read what the server wrote, not this session's earlier snapshot
        found = db.session.scalars(sa.select(Finding).order_by(Finding.id)).all()
        assert len(found) == number + 1 and found[-1].accuracy_m == 12.0


def test_staff_segment_page_at_360_px(browser, server, place):  # noqa: F811
    deputy = make_user(place.community, "officer", name="郑金水", department="城管")
    now = utcnow()
    segment = services.save_segment(place.staff, place.alley.id, "打铁巷北段", "打铁巷口\n小学后门", now)
    services.set_owner(place.staff, segment.id, "城管", place.officer.id, deputy.id, now)
    services.save_segment(place.staff, place.alley.id, "打铁巷南段", "打铁巷12号\n公厕旁", now)
    for mode in ("standard", "elder"):
        context = _phone(browser, server, mode)
        page = context.new_page()
        login(page, server.url, place.staff.phone, PASSWORD)
        page.goto(server.url + f"/alleys/{place.alley.id}/segments")
        assert page.locator("[data-testid=segment]").count() == 2
        assert "许振华" in page.locator("[data-testid=owners]").first.inner_text()
        _fits(page, "main button, main summary", 60 if mode == "elder" else 40)
        shot(page, f"alleys-segments-{mode}")
        south = page.locator("[data-testid=segment]").nth(1)
        south.locator("summary").click()
        south.locator("select[name$=officer]").select_option(str(deputy.id))
        south.locator("button[data-action=set-owner]").click()
        page.wait_for_selector("text=新案件会先派给这位负责人")
        assert "郑金水" in page.locator("[data-testid=segment]").nth(1).locator("[data-testid=owners]").inner_text()
        shot(page, f"alleys-segments-named-{mode}")
        context.close()
