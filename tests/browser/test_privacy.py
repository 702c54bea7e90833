"""A resident finds everything the app holds about her from her account page, on a phone (issue 19 item 8)."""
from neighbors.mutualaid import services as aid
from neighbors.clock import utcnow
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, make_community, make_user

NARROW = {"width": 360, "height": 780}


def test_a_resident_reads_her_information_in_both_modes(page, server):
    resident = make_user(make_community("镇海社区"), name="林秀英")
    aid.give_hours(resident, str(resident.id), "pool", 30, utcnow(), note="谢谢邻居")
    page.set_viewport_size(NARROW)
    login(page, server.url, resident.phone, PASSWORD)
    page.goto(server.url + "/account")
    page.click("[data-testid=personal-data-link]")
    page.wait_for_url(f"{server.url}/privacy/{resident.id}")
    assert page.locator("[data-testid=personal-data-section]").count() >= 10
    assert resident.phone in page.content() and "谢谢邻居" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    shot(page, "privacy-person-360")
    page.goto(server.url + "/")
    page.click("[data-testid=elder-switch] button")
    page.wait_for_selector("html.elder")
    page.goto(f"{server.url}/privacy/{resident.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    shot(page, "privacy-person-elder-360")
