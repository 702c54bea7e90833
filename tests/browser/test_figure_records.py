"""Staff tap a kitchen, mutual aid or alley figure of the year's work and read the records behind it, adding up
to the figure, on a 360 px phone in standard mode and 长辈版."""
from tests.browser.conftest import login, shot
from tests.browser.test_staff import build_world
from tests.factories import PASSWORD

NARROW = {"width": 360, "height": 780}
# figure of the report -> what its list calls it (data-figure) and the screenshot's name
FIGURES = (("kitchen.portions_served", "portions_served", "kitchen-served"),
           ("mutualaid.minutes_given", "minutes_given", "aid-completed"),
           ("alleys.findings_fixed", "findings_fixed", "alleys-fixed"),
           ("alleys.shifts_held", "shifts_held", "alleys-held"))


def test_each_figure_of_the_years_work_opens_its_records_at_360_px(browser, server, app):
    world = build_world()  # March 2026 of a community: meals, help and patrols with known totals
    for mode in ("standard", "elder"):
        context = browser.new_context(viewport=NARROW, has_touch=True, is_mobile=True, locale="zh-CN")
        context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": server.url}])
        page = context.new_page()
        login(page, server.url, world.staff.phone, PASSWORD)
        for figure, code, name in FIGURES:
            page.goto(server.url + "/staff/reports/annual/work?year=2026")
            link = page.locator(f"[data-figure='{figure}'] a")
            shown = link.inner_text().strip()
            link.click()
            page.wait_for_url(lambda url: "/staff/" not in url)
            assert page.locator("[data-testid=counted]").count() == 1
            assert shown and shown in page.locator(f"[data-figure='{code}']").inner_text(), figure
            assert page.locator("table tbody tr").count() >= 1, figure
            assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], figure
            shot(page, f"figure-records-{name}-{mode}")
        context.close()
