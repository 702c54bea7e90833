"""Mutual aid in real Chromium at 390 × 844, in Chinese: a daughter asks a plumber to help her mother."""
from datetime import date, time, timedelta

from PIL import Image

from neighbors.clock import to_local, utcnow
from neighbors.mutualaid import services
from tests.browser.conftest import login, shot
from tests.factories import PASSWORD, link_carer, make_community, make_user


def logout(page, base_url):
    page.goto(base_url + "/account")
    page.click("form[action='/auth/logout'] button")
    page.wait_for_url(base_url + "/")


def balance_of(page, testid="balance") -> int:
    return int(page.locator(f"[data-testid={testid}]").get_attribute("data-minutes"))


def test_a_daughter_asks_a_plumber_for_her_mother_and_both_see_the_credits_move(page, server, app):
    community = make_community("镇海社区")
    make_user(community, "staff", name="陈丽华")
    mother = make_user(community, name="郑长华", phone=None, password=None, birth_date=date(1958, 3, 2),
                       building="打铁巷8号", unit="102室")
    daughter = make_user(community, name="王美玲", birth_date=date(1984, 11, 20), building="大元路21号", unit="301室")
    link_carer(daughter, mother)
    plumber = make_user(community, "volunteer", name="黄建国", party_member=True, verified=True)
    plumbing = {s.name: s for s in services.skill_list(community.id, utcnow())}["水电维修"]
    services.save_profile(plumber, skill_ids=[plumbing.id], intro="退休电工，党员，住镇海路。",
                          windows=[(day, time(8), time(21)) for day in range(7)], now=utcnow())

    # the daughter asks for her mother
    page.goto(server.url + "/lang/zh")
    login(page, server.url, daughter.phone, PASSWORD)
    page.goto(server.url + "/aid/")
    shot(page, "mutualaid-01-board-daughter")
    page.click("text=替郑长华求助")
    page.wait_for_url("**/aid/requests/new?for_user=*")
    assert page.input_value("input[name=address]") == "打铁巷8号102室"
    page.select_option("select[name=skill]", label="水电维修")
    page.fill("input[name=title]", "厨房水龙头漏水")
    page.click("[data-testid=details-and-photo] summary")
    page.fill("textarea[name=description]", "水龙头关不紧，一直滴水。妈妈一个人在家，请先打我电话。")
    # two times that suit her mother (the third row stays empty)
    first_day, second_day = (to_local(utcnow()).date() + timedelta(days=days) for days in (2, 4))
    page.check("input[name=when][value=window]")
    page.fill("input[name=day]", first_day.isoformat())
    page.fill("input[name=starts]", "14:00")
    page.fill("input[name=ends]", "17:00")
    page.click("[data-testid=more-times] summary")  # a second time is folded away until wanted
    page.fill("input[name=day_2]", second_day.isoformat())
    page.fill("input[name=starts_2]", "08:30")
    page.fill("input[name=ends_2]", "11:00")
    shot(page, "mutualaid-02-ask-form")
    page.click("main button[type=submit]")
    page.wait_for_url("**/aid/requests/*")
    assert "等待志愿者" in page.locator("[data-testid=status]").inner_text()
    windows = page.locator("[data-testid=windows] li")
    assert windows.count() == 2
    assert "14:00–17:00" in windows.nth(0).inner_text() and "08:30–11:00" in windows.nth(1).inner_text()
    page.locator("[data-testid=windows]").scroll_into_view_if_needed()
    shot(page, "mutualaid-03a-request-windows")
    assert "黄建国" in page.locator("[data-testid=suggestion]").first.inner_text()
    shot(page, "mutualaid-03-request-open")
    request_url = page.url
    page.goto(server.url + "/aid/credits")
    assert balance_of(page, f"balance-{mother.id}") == 300
    logout(page, server.url)

    # the verified plumber accepts and reports 90 minutes
    login(page, server.url, plumber.phone, PASSWORD)
    page.goto(server.url + "/aid/")
    page.click("[data-testid=open-requests] >> text=厨房水龙头漏水")
    page.wait_for_url(request_url)
    shot(page, "mutualaid-04-volunteer-sees-request")
    page.click("text=我来帮忙")
    page.wait_for_selector("#request-panel[data-status=accepted]")
    assert "谢谢！您已接单" in page.locator("#request-panel").inner_text()
    shot(page, "mutualaid-05-accepted")
    page.fill("input[name=minutes]", "90")
    page.click("text=报告完成")
    page.wait_for_selector("#request-panel[data-status=done]")
    assert "请确认" in page.locator("[data-testid=status]").inner_text()
    assert "1 小时 30 分钟" in page.locator("[data-testid=reported]").inner_text()
    shot(page, "mutualaid-06-done")
    logout(page, server.url)

    # the daughter confirms and rates; her mother's credits go down by 90 minutes
    login(page, server.url, daughter.phone, PASSWORD)
    page.goto(request_url)
    page.check("input[name=rating][value='5']")
    page.fill("textarea[name=comment]", "谢谢黄师傅，修得很好！")
    shot(page, "mutualaid-07-confirm-form")
    page.click("text=确认并致谢")
    page.wait_for_selector("#request-panel[data-status=confirmed]")
    assert "已确认" in page.locator("[data-testid=status]").inner_text()
    assert "1 小时 30 分钟" in page.locator("[data-testid=confirmed-minutes]").inner_text()
    assert "确认" in page.locator("[data-testid=timeline]").inner_text()
    shot(page, "mutualaid-08-confirmed")
    page.goto(server.url + "/aid/credits")
    assert balance_of(page, f"balance-{mother.id}") == 300 - 90
    assert "3 小时 30 分钟" in page.locator(f"[data-testid=balance-{mother.id}]").inner_text()
    shot(page, "mutualaid-09-daughter-credits")
    logout(page, server.url)

    # the plumber sees his credits go up
    login(page, server.url, plumber.phone, PASSWORD)
    page.goto(server.url + "/aid/credits")
    assert balance_of(page) == 300 + 90
    assert "6 小时 30 分钟" in page.locator("[data-testid=balance]").inner_text()
    shot(page, "mutualaid-10-volunteer-credits")
    page.goto(server.url + f"/aid/volunteers/{plumber.id}")
    assert "1 小时 30 分钟" in page.locator("[data-testid=trust]").inner_text()
    shot(page, "mutualaid-11-volunteer-record")
    assert services.check_ledger() == []


def test_a_second_volunteer_is_told_clearly_and_bad_minutes_are_explained(page, server, app):
    community = make_community("镇海社区")
    resident = make_user(community, name="王淑芬")
    first = make_user(community, "volunteer", name="黄建国", verified=True)
    second = make_user(community, "volunteer", name="杨志强", verified=True)
    request = services.create_request(resident, None, services.RequestDetails(
        skill="家电维修", title="洗衣机不脱水", description="", address="镇海路12号"), utcnow())
    login(page, server.url, second.phone, PASSWORD)
    page.goto(server.url + f"/aid/requests/{request.id}")
    services.accept(first, request.id, utcnow())
    page.click("text=我来帮忙")
    page.wait_for_selector(".notice-error")
    assert "已经有别的志愿者接了" in page.locator(".notice-error").inner_text()
    shot(page, "mutualaid-12-already-taken")
    logout(page, server.url)
    login(page, server.url, first.phone, PASSWORD)
    page.goto(server.url + f"/aid/requests/{request.id}")
    page.fill("input[name=minutes]", "0")
    page.click("text=报告完成")
    page.wait_for_selector(".error-text")
    assert "5 到 720 分钟" in page.locator(".error-text").inner_text()
    shot(page, "mutualaid-13-bad-minutes")


# --- the help form on a 360 px phone (issue 14 items 7 and 10) -----------------------------------------------

NARROW = {"width": 360, "height": 780}
TIME_FIELDS = "input[type=date], input[type=time]"


def visible_count(page, selector: str) -> int:
    """Fields a person can see (a closed <details> keeps its content laid out but hidden)."""
    return page.locator(selector).evaluate_all(
        "(els) => els.filter((el) => el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})).length")


def form_height(page) -> float:
    return page.evaluate("document.querySelector('main form.form').getBoundingClientRect().height")


def in_mode(page, base_url: str, elder: bool) -> None:
    page.set_viewport_size(NARROW)
    page.context.add_cookies([{"name": "elder", "value": "1" if elder else "0", "url": base_url}])


def test_the_help_form_shows_times_only_when_one_is_wanted_and_stays_short_in_elder_mode(page, server, app,
                                                                                           tmp_path):
    community = make_community("镇海社区")
    resident = make_user(community, name="郑长华", birth_date=date(1941, 3, 2), building="打铁巷8号", unit="102室")
    daughter = make_user(community, name="王美玲", building="大元路21号", unit="301室")
    link_carer(daughter, resident)
    login(page, server.url, resident.phone, PASSWORD)
    heights = {}
    for mode in ("standard", "elder"):
        in_mode(page, server.url, mode == "elder")
        page.goto(server.url + "/aid/requests/new")
        assert page.is_checked("input[name=when][value=asap]")
        assert visible_count(page, TIME_FIELDS) == 0, "越快越好 needs no date or time"
        heights[mode] = form_height(page)
        shot(page, f"mutualaid-form-{mode}-360-asap")
        page.check("input[name=when][value=window]")
        assert visible_count(page, TIME_FIELDS) == 3, "one day, from, until; the other times are folded away"
        shot(page, f"mutualaid-form-{mode}-360-window")
        page.click("[data-testid=more-times] summary")
        assert visible_count(page, TIME_FIELDS) == 9
        page.check("input[name=when][value=asap]")
        assert visible_count(page, TIME_FIELDS) == 0
    # the common case, asked as soon as possible, is at most one screen and a half in elder mode (it was 3,136 px)
    print(f"help form at 360 x 780: standard {heights['standard']:.0f} px, elder {heights['elder']:.0f} px")
    assert heights["elder"] <= 1.5 * NARROW["height"], heights
    assert heights["standard"] <= heights["elder"]
    # asking for her mother adds one choice, and still fits
    page.context.clear_cookies()
    login(page, server.url, daughter.phone, PASSWORD)
    in_mode(page, server.url, True)
    page.goto(server.url + f"/aid/requests/new?for_user={resident.id}")
    print(f"help form for someone cared for, elder: {form_height(page):.0f} px")
    assert form_height(page) <= 1.5 * NARROW["height"]


def test_a_photo_is_taken_or_chosen_with_big_buttons_and_seen_before_sending(page, server, app, tmp_path):
    community = make_community("镇海社区")
    resident = make_user(community, name="王淑芬")
    picture = tmp_path / "tap.jpg"
    Image.new("RGB", (400, 300), (40, 90, 160)).save(picture, format="JPEG")
    login(page, server.url, resident.phone, PASSWORD)
    in_mode(page, server.url, True)
    page.goto(server.url + "/aid/requests/new")
    page.click("[data-testid=details-and-photo] summary")
    camera, library = page.locator("[data-testid=take-photo]"), page.locator("[data-testid=choose-photo]")
    assert "拍照" in camera.inner_text() and "选照片" in library.inner_text()
    for button in (camera, library):
        box = button.bounding_box()
        assert box["width"] >= 120 and box["height"] >= 60, box
    assert camera.locator("input").get_attribute("capture") == "environment"
    assert camera.locator("input").get_attribute("accept") == "image/*"
    assert library.locator("input").get_attribute("capture") is None
    assert not page.locator("[data-testid=photo-preview]").is_visible()
    shot(page, "mutualaid-photo-elder-360-buttons")
    page.select_option("select[name=skill]", index=1)
    page.fill("input[name=title]", "卫生间灯不亮")
    library.locator("input").set_input_files(str(picture))
    thumb = page.locator("[data-testid=photo-thumb]")
    thumb.wait_for()
    assert thumb.evaluate("img => img.complete && img.naturalWidth === 400")
    assert "这张照片会和表单一起发送" in page.locator("[data-testid=photo-preview]").inner_text()
    thumb.scroll_into_view_if_needed()
    shot(page, "mutualaid-photo-elder-360-preview")
    page.click("main form.form > button[type=submit]")
    page.wait_for_url("**/aid/requests/*")
    photo = page.locator("img.aid-photo")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")


def test_without_javascript_the_times_still_show_only_for_a_set_time(browser, browser_context_args, server, app):
    community = make_community("镇海社区")
    resident = make_user(community, name="王淑芬")
    context = browser.new_context(**{**browser_context_args, "viewport": NARROW}, java_script_enabled=False)
    try:
        page = context.new_page()
        context.add_cookies([{"name": "elder", "value": "1", "url": server.url}])
        login(page, server.url, resident.phone, PASSWORD)
        page.goto(server.url + "/aid/requests/new")
        assert not page.locator("input[name=day]").is_visible()
        page.check("input[name=when][value=window]")  # the page's CSS shows the times; no script runs
        assert page.locator("input[name=day]").is_visible() and page.locator("input[name=ends]").is_visible()
        assert not page.locator("input[name=day_2]").is_visible()
        page.click("[data-testid=details-and-photo] summary")
        assert page.locator("[data-testid=choose-photo] input[type=file]").is_visible(), "a plain file input"
        shot(page, "mutualaid-form-elder-360-nojs-window")
    finally:
        context.close()
