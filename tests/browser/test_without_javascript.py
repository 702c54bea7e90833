"""The ordering, help-request and finding journeys with JavaScript switched off.

Many cheap phones block or break scripts; every form must still post and redirect (303) as
plain HTML. `submit()` fails a step whose POST answers anything but 303.
"""
import re

import pytest

from tests.browser.conftest import shot
from tests.browser.journeys import PlainBrowser, aid_place, alley_place, jpeg, kitchen_place, log_in, submit
from tests.browser.survey import NARROW


@pytest.fixture
def plain(browser, browser_context_args):
    pages = PlainBrowser(browser, browser_context_args)
    yield pages
    pages.close()


def remaining(page) -> int:
    return int(page.locator("[data-testid=remaining]").inner_text())


def test_a_resident_orders_and_cancels_a_meal_without_javascript(plain, browser_server, app, now):
    place = kitchen_place(now, capacity=20)
    url = browser_server.url
    page = plain.new_page()
    log_in(page, url, place.resident)
    page.goto(url + "/kitchen/")
    page.click(f"a[href='/kitchen/meals/{place.meal_id}']")
    assert remaining(page) == 20
    shot(page, "nojs-kitchen-1-meal")
    page.check("input[name=quantity][value='2']")
    page.check("input[name=fulfilment][value=delivery]")
    page.fill("textarea[name=note], input[name=note]", "少盐")
    submit(page, f"form[action='/kitchen/meals/{place.meal_id}/order'] button[type=submit]")
    assert re.search(r"/kitchen/orders/\d+$", page.url), page.url
    order_url = page.url
    shot(page, "nojs-kitchen-2-ordered")
    page.goto(url + f"/kitchen/meals/{place.meal_id}")
    assert remaining(page) == 18
    page.goto(order_url)
    submit(page, "form[action$='/cancel'] button[type=submit]")
    shot(page, "nojs-kitchen-3-cancelled")
    page.goto(url + f"/kitchen/meals/{place.meal_id}")
    assert remaining(page) == 20
    page.check("input[name=quantity][value='1']")
    page.check("input[name=fulfilment][value=pickup]")
    submit(page, f"form[action='/kitchen/meals/{place.meal_id}/order'] button[type=submit]")
    page.goto(url + f"/kitchen/meals/{place.meal_id}")
    assert remaining(page) == 19
    shot(page, "nojs-kitchen-4-ordered-again")


def test_a_daughter_asks_for_a_plumber_and_credits_move_without_javascript(plain, browser_server, app, now):
    place = aid_place(now)
    url = browser_server.url
    daughter = plain.new_page()
    log_in(daughter, url, place.daughter)
    daughter.goto(url + "/aid/requests/new")
    daughter.select_option("select[name=for_user]", str(place.mother.id))
    daughter.select_option("select[name=skill]", label="水电维修")
    daughter.fill("input[name=title]", "厨房水龙头漏水")
    daughter.click("[data-testid=details-and-photo] summary")
    daughter.fill("textarea[name=description]", "水龙头一直滴水，关不紧。")
    shot(daughter, "nojs-aid-1-request-form")
    submit(daughter, "form[action='/aid/requests/new'] button[type=submit]")
    match = re.search(r"/aid/requests/(\d+)$", daughter.url)
    assert match, daughter.url
    request_path = f"/aid/requests/{match.group(1)}"
    shot(daughter, "nojs-aid-2-request")

    volunteer = plain.new_page()
    log_in(volunteer, url, place.volunteer)
    volunteer.goto(url + "/aid/credits")
    before = int(volunteer.locator("[data-testid=balance]").get_attribute("data-minutes"))
    volunteer.goto(url + "/aid/")
    volunteer.click(f"a[href='{request_path}']")
    submit(volunteer, f"form[action='{request_path}/accept'] button[type=submit]")
    assert volunteer.url.endswith(request_path)
    volunteer.fill("input[name=minutes]", "90")
    submit(volunteer, f"form[action='{request_path}/done'] button[type=submit]")
    shot(volunteer, "nojs-aid-3-done")

    daughter.goto(url + request_path)
    daughter.check("input[name=rating][value='5']")
    daughter.fill("textarea[name=comment], input[name=comment]", "黄师傅很细心，谢谢！")
    submit(daughter, f"form[action='{request_path}/confirm'] button[type=submit]")
    shot(daughter, "nojs-aid-4-confirmed")

    volunteer.goto(url + "/aid/credits")
    after = int(volunteer.locator("[data-testid=balance]").get_attribute("data-minutes"))
    assert after - before == 90
    shot(volunteer, "nojs-aid-5-volunteer-credits")
    daughter.goto(url + "/aid/credits")
    assert daughter.locator("[data-testid=balance]").get_attribute("data-minutes") is not None


def test_a_patroller_reports_a_problem_that_is_fixed_and_verified_without_javascript(plain, browser_server, app,
                                                                                      tmp_path, now):
    place = alley_place(now)
    url = browser_server.url
    patroller = plain.new_page()
    log_in(patroller, url, place.patroller)
    patroller.goto(url + "/alleys/findings/new")
    patroller.select_option("select[name=alley]", str(place.alley_id))
    patroller.select_option("select[name=category]", "obstruction")
    patroller.fill("textarea[name=description]", "路面油腻，杂物堆在墙边")
    patroller.fill("input[name=place]", "打铁巷12号门口")
    patroller.set_input_files("[data-testid=choose-photo] input[name=photos]", str(jpeg(tmp_path, "before.jpg")))
    shot(patroller, "nojs-alleys-1-report")
    submit(patroller, "form[action='/alleys/findings/new'] button[type=submit]")
    match = re.search(r"/alleys/findings/(\d+)$", patroller.url)
    assert match, patroller.url
    finding_path = f"/alleys/findings/{match.group(1)}"
    assert patroller.locator("[data-testid=state]").get_attribute("data-state") == "dispatched"
    shot(patroller, "nojs-alleys-2-dispatched")

    officer = plain.new_page()
    log_in(officer, url, place.officer)
    officer.goto(url + finding_path)
    submit(officer, f"form[action='{finding_path}/accept'] button[type=submit]")
    assert officer.locator("[data-testid=state]").get_attribute("data-state") == "accepted"
    officer.fill(f"form[action='{finding_path}/resolve'] textarea[name=note], "
                 f"form[action='{finding_path}/resolve'] input[name=note]", "已清理干净")
    officer.set_input_files(f"form[action='{finding_path}/resolve'] [data-testid=choose-photo] input[name=photo]",
                            str(jpeg(tmp_path, "after.jpg", colour=(90, 160, 90))))
    submit(officer, f"form[action='{finding_path}/resolve'] button[type=submit]")
    assert officer.locator("[data-testid=state]").get_attribute("data-state") == "resolved"
    shot(officer, "nojs-alleys-3-resolved")

    patroller.goto(url + finding_path)
    submit(patroller, f"form[action='{finding_path}/verify'] button[type=submit]")
    assert patroller.locator("[data-testid=state]").get_attribute("data-state") == "verified"
    shot(patroller, "nojs-alleys-4-verified")


# How each of the photo control's file inputs is drawn without JavaScript: its box, its title's, its label's.
PHOTO_LOOKS = """input => {
  const label = input.closest("label"), title = label.querySelector(".photo-button-text");
  const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height}; };
  const style = getComputedStyle(input);
  return {input: box(input), label: box(label), title: box(title), screen: document.documentElement.clientWidth,
          opacity: style.opacity, font: parseFloat(style.fontSize),
          ownButton: getComputedStyle(input, "::file-selector-button").display};
}"""


@pytest.mark.parametrize("mode", ("standard", "elder"))
def test_without_javascript_the_photo_buttons_show_the_chosen_file_and_send_the_photo(plain, browser_server, app,
                                                                                       tmp_path, now, mode):
    """拍照 / 选照片 stay big buttons (a tap on the label opens the picker); inside each, under its title, the input shows
    only the chosen file's name (or that none is chosen), at the mode's text size, without the browser's own
    "Choose File" button; the chosen photo is sent."""
    place = aid_place(now)
    url = browser_server.url
    page = plain.new_page()
    page.set_viewport_size(NARROW)
    page.context.add_cookies([{"name": "elder", "value": "1" if mode == "elder" else "0", "url": url}])
    log_in(page, url, place.daughter)
    page.goto(url + "/aid/requests/new")
    page.click("[data-testid=details-and-photo] summary")
    text, target = (24, 60) if mode == "elder" else (18, 44)
    for testid, title in (("take-photo", "拍照"), ("choose-photo", "选照片")):
        label = page.locator(f"[data-testid={testid}]")
        assert title in label.inner_text()
        looks = label.locator("input[type=file]").evaluate(PHOTO_LOOKS)
        field, box = looks["input"], looks["label"]
        assert looks["ownButton"] == "none", f"the browser's own button is not drawn: {looks}"
        assert looks["opacity"] == "1" and looks["font"] >= text and field["height"] >= text, looks
        assert box["height"] >= target - 0.5 and box["width"] >= 120, looks
        assert looks["title"]["bottom"] <= field["top"] + 0.5, f"the file's name is under the title: {looks}"
        assert box["left"] <= field["left"] and field["right"] <= box["right"] <= looks["screen"], looks
    shot(page, f"nojs-photo-{mode}-360")
    page.select_option("select[name=skill]", label="水电维修")
    page.fill("input[name=title]", "卫生间灯不亮")
    page.set_input_files("[data-testid=choose-photo] input[name=photo]", str(jpeg(tmp_path, "lamp.jpg")))
    shot(page, f"nojs-photo-{mode}-360-chosen")
    submit(page, "form[action='/aid/requests/new'] button[type=submit]")
    assert re.search(r"/aid/requests/\d+$", page.url), page.url
    assert page.locator("img.aid-photo").evaluate("img => img.complete && img.naturalWidth === 320")
