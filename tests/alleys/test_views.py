"""The HTTP contract of /alleys: 303 without htmx, the fragment with it, 409/422 with a message, 403/404."""
import re
from datetime import timedelta
from io import BytesIO

import icalendar
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors.alleys import services
from neighbors.alleys.policy import slot_kind
from neighbors.alleys.models import Finding, PatrolRule, PatrolShift, PatrolSignup
from neighbors.clock import utcnow
from neighbors.extensions import db
from tests.alleys.conftest import jpeg_bytes, photo, weekday_rule
from tests.factories import make_community, make_user


@pytest.fixture
def shift(place) -> PatrolShift:
    """A shift starting in about three hours, needing 2 volunteers and 1 城管 officer."""
    now = utcnow()
    shift = PatrolShift(community_id=place.community.id, alley_id=place.alley.id, day=now.date(),
                        starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4),
                        needs={"volunteer": 2, "城管": 1})
    db.session.add(shift)
    db.session.commit()
    return shift


@pytest.fixture
def starting_shift(place) -> PatrolShift:
    now = utcnow()
    shift = PatrolShift(community_id=place.community.id, alley_id=place.alley.id, day=now.date(),
                        starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(minutes=70),
                        needs={"volunteer": 1})
    db.session.add(shift)
    db.session.commit()
    return shift


def test_visitors_are_sent_to_log_in(client):
    for url in ("/alleys/", "/alleys/shifts", "/alleys/findings/new", "/alleys/me"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_index_lists_the_alleys_and_branches_of_my_community_only(web, auth, place):
    other = make_community("镇海社区")
    services.save_alley(make_user(other, "staff"), other.id, "养真宫巷", now=utcnow())
    auth.login(place.resident)
    page = web.get("/alleys/").get_data(as_text=True)
    assert "打铁巷" in page and "打铁巷小巷党支部" in page and "苏明辉" in page
    assert "养真宫巷" not in page


def test_sign_up_redirects_and_then_refuses_twice(web, auth, place, shift):
    auth.login(place.patroller)
    response = web.post(f"/alleys/shifts/{shift.id}/signup")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/alleys/shifts#shift-{shift.id}")
    again = web.post(f"/alleys/shifts/{shift.id}/signup")
    assert again.status_code == 409
    assert "已经报名" in again.get_data(as_text=True)


def test_a_full_shift_answers_409_with_the_message(web, auth, place, shift):
    services.sign_up(place.patroller, shift.id, utcnow())
    services.sign_up(place.secretary, shift.id, utcnow())
    auth.login(place.patroller2)
    response = web.post(f"/alleys/shifts/{shift.id}/signup")
    assert response.status_code == 409
    assert "已满" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PatrolSignup.id))) == 2


def test_htmx_gets_the_shift_card_back(htmx_client, auth, place, shift):
    auth.login(place.officer)
    response = htmx_client.post(f"/alleys/shifts/{shift.id}/signup")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" not in page
    assert f'id="shift-{shift.id}"' in page
    assert "1/1" in page  # the 城管 slot is now filled
    assert "HX-Request" in response.headers.get("Vary", "")


def test_htmx_refusal_is_the_card_with_the_message(htmx_client, auth, place, starting_shift):
    auth.login(place.patroller)
    services.sign_up(place.patroller, starting_shift.id, utcnow())
    response = htmx_client.post(f"/alleys/shifts/{starting_shift.id}/withdraw")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "<html" not in page and "2 小时" in page


def test_a_resident_cannot_sign_up(web, auth, place, shift):
    auth.login(place.resident)
    response = web.post(f"/alleys/shifts/{shift.id}/signup")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(PatrolSignup.id))) == 0


def test_shifts_of_another_community_are_not_found(web, auth, place, shift):
    other = make_community("镇海社区")
    stranger = make_user(other, "patroller")
    auth.login(stranger)
    assert web.post(f"/alleys/shifts/{shift.id}/signup").status_code == 404


def test_check_in_and_out_in_the_window(web, auth, place, starting_shift, shift):
    services.sign_up(place.patroller, starting_shift.id, utcnow())
    services.sign_up(place.patroller, shift.id, utcnow())
    auth.login(place.patroller)
    too_early = web.post(f"/alleys/shifts/{shift.id}/checkin")
    assert too_early.status_code == 409 and "30 分钟" in too_early.get_data(as_text=True)
    assert web.post(f"/alleys/shifts/{starting_shift.id}/checkin").status_code == 303
    assert web.post(f"/alleys/shifts/{starting_shift.id}/checkout").status_code == 303
    signup = db.session.scalar(sa.select(PatrolSignup).where(PatrolSignup.shift_id == starting_shift.id))
    assert signup.checked_in_at and signup.checked_out_at


def test_without_csrf_nothing_happens(web, auth, place, shift):
    auth.login(place.patroller)
    assert web.post(f"/alleys/shifts/{shift.id}/signup", csrf=False).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(PatrolSignup.id))) == 0


def test_shifts_page_and_my_shifts_and_calendar(web, auth, place, shift):
    services.sign_up(place.patroller, shift.id, utcnow())
    auth.login(place.patroller)
    assert f'id="shift-{shift.id}"' in web.get("/alleys/shifts").get_data(as_text=True)
    me = web.get("/alleys/me").get_data(as_text=True)
    token = re.search(r"/alleys/calendar/([A-Za-z0-9_\-]+)\.ics", me).group(1)
    auth.logout()
    feed = web.get(f"/alleys/calendar/{token}.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = list(icalendar.Calendar.from_ical(feed.data).walk("VEVENT"))
    assert len(events) == 1 and "打铁巷" in str(events[0]["summary"])
    assert web.get("/alleys/calendar/not-a-token.ics").status_code == 404
    auth.login(place.patroller)
    assert web.post("/alleys/me/calendar/reset").status_code == 303
    assert web.get(f"/alleys/calendar/{token}.ics").status_code == 404


def test_coverage_shows_short_shifts_in_words(web, auth, place, shift):
    auth.login(place.secretary)
    page = web.get(f"/alleys/coverage?alley={place.alley.id}").get_data(as_text=True)
    assert "0/2" in page and "缺 2 人" in page and "icon-alert" in page
    assert web.get(f"/alleys/coverage?branch={place.branch.id}").status_code == 200
    auth.logout()
    auth.login(place.resident)
    assert web.get("/alleys/coverage").status_code == 403


def test_the_secretary_assigns_from_the_coverage_page(web, auth, place, shift):
    auth.login(place.secretary)
    assert web.get(f"/alleys/shifts/{shift.id}/assign").status_code == 200
    response = web.post(f"/alleys/shifts/{shift.id}/assign", {"user": str(place.patroller.id)})
    assert response.status_code == 303
    assert shift.id in [s.id for s in services.my_shifts(place.patroller, utcnow())]
    auth.logout()
    auth.login(place.patroller2)
    assert web.post(f"/alleys/shifts/{shift.id}/assign", {"user": str(place.patroller2.id)}).status_code == 403


def test_the_secretary_saves_a_rule_and_shifts_appear(web, auth, place):
    auth.login(place.secretary)
    assert web.get(f"/alleys/{place.alley.id}/rules/new").status_code == 200
    response = web.post(f"/alleys/{place.alley.id}/rules/new", {
        "weekdays": ["0", "1", "2", "3", "4"], "starts": "07:00", "ends": "08:00", "volunteers": "2",
        "need_city": "1", "need_market": "0", "need_sanitation": "0", "skip_holidays": "y", "active": "y"})
    assert response.status_code == 303
    rule = db.session.scalar(sa.select(PatrolRule))
    assert rule.needs == {"volunteer": 2, "城管": 1}
    assert db.session.scalar(sa.select(sa.func.count(PatrolShift.id))) >= 19
    bad = web.post(f"/alleys/{place.alley.id}/rules/new", {"weekdays": [], "starts": "08:00", "ends": "07:00",
                                                            "volunteers": "2"})
    assert bad.status_code == 422


@pytest.mark.parametrize("people", ["0", ""])
def test_a_rule_without_people_is_422_with_the_message_when_new_and_when_changed(web, auth, place, people):
    rule = weekday_rule(place)
    auth.login(place.staff)
    form = {"weekdays": ["0", "2"], "starts": "07:00", "ends": "08:00", "skip_holidays": "y", "active": "y",
            "volunteers": people, "need_city": people, "need_market": people, "need_sanitation": people}
    for url in (f"/alleys/{place.alley.id}/rules/new", f"/alleys/{place.alley.id}/rules/{rule.id}"):
        response = web.post(url, form)
        assert response.status_code == 422, url
        assert "每班巡查至少需要 1 人。" in response.get_data(as_text=True), url
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PatrolRule.id))) == 1
    assert db.session.get(PatrolRule, rule.id).needs == {"volunteer": 2, "城管": 1}


def test_the_secretary_cannot_assign_someone_outside_the_branch(web, auth, place, shift):
    outsider = make_user(place.community, "patroller", name="郑金水")  # patrols, but not in this branch
    auth.login(place.secretary)
    page = web.get(f"/alleys/shifts/{shift.id}/assign").get_data(as_text=True)
    assert "何春生" in page and "郑金水" not in page
    response = web.post(f"/alleys/shifts/{shift.id}/assign", {"user": str(outsider.id)})
    assert response.status_code == 422
    assert "请选择本巷党支部中参加巡查的成员。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(PatrolSignup.id))) == 0


def report(web, place, **overrides):
    data = {"alley": str(place.alley.id), "category": "sanitation", "description": "路面油腻",
            "place": "打铁巷12号门口", "photos": [(BytesIO(jpeg_bytes()), "a.jpg", "image/jpeg")]}
    data.update(overrides)
    return web.post("/alleys/findings/new", data, content_type="multipart/form-data")


def test_report_accept_resolve_verify_through_http(web, auth, place):
    auth.login(place.patroller)
    assert web.get("/alleys/findings/new").status_code == 200
    response = report(web, place)
    assert response.status_code == 303
    match = re.search(r"/alleys/findings/(\d+)$", response.headers["Location"])
    finding_id = int(match.group(1))
    page = web.get(f"/alleys/findings/{finding_id}").get_data(as_text=True)
    assert 'data-testid="state" data-state="dispatched"' in page
    auth.logout()

    auth.login(place.sanitation_officer)
    assert web.post(f"/alleys/findings/{finding_id}/accept").status_code == 303
    no_photo = web.post(f"/alleys/findings/{finding_id}/resolve", {"note": "已清理"}, content_type="multipart/form-data")
    assert no_photo.status_code == 422 and "修好后" in no_photo.get_data(as_text=True)
    done = web.post(f"/alleys/findings/{finding_id}/resolve",
                    {"note": "已冲洗", "photo": (BytesIO(jpeg_bytes()), "after.jpg", "image/jpeg")},
                    content_type="multipart/form-data")
    assert done.status_code == 303
    auth.logout()

    auth.login(place.patroller)
    page = web.get(f"/alleys/findings/{finding_id}").get_data(as_text=True)
    assert re.search(r"data-state=\"(\w+)\"", page).group(1) == "resolved"
    assert "修好前" in page and "修好后" in page
    assert web.post(f"/alleys/findings/{finding_id}/verify").status_code == 303
    page = web.get(f"/alleys/findings/{finding_id}").get_data(as_text=True)
    assert 'data-state="verified"' in page
    again = web.post(f"/alleys/findings/{finding_id}/verify")
    assert again.status_code == 409


def test_refusals_on_the_case_page(web, auth, place):
    auth.login(place.patroller)
    finding_id = int(report(web, place).headers["Location"].rsplit("/", 1)[1])
    assert web.post(f"/alleys/findings/{finding_id}/accept").status_code == 403
    reopen = web.post(f"/alleys/findings/{finding_id}/reopen", {"reopen-note": "还是很脏"})
    assert reopen.status_code == 409
    assert db.session.get(Finding, finding_id).state == "dispatched"


def test_reopen_needs_a_reason(web, auth, place):
    finding = services.report_finding(place.patroller, place.alley.id, "obstruction", "电动车挡路", "小学后门",
                                      [photo()], "a" * 32, utcnow())
    services.accept(place.officer, finding.id, utcnow())
    services.resolve(place.officer, finding.id, "已挪走", photo(), utcnow())
    auth.login(place.patroller)
    assert web.post(f"/alleys/findings/{finding.id}/reopen", {"reopen-note": ""}).status_code == 422
    assert web.post(f"/alleys/findings/{finding.id}/reopen", {"reopen-note": "又停回来了"}).status_code == 303
    assert db.session.get(Finding, finding.id).state == "accepted"


def test_invalid_report_is_422_and_stores_nothing(web, auth, place, upload_dir):
    auth.login(place.patroller)
    response = report(web, place, description="", photos=[])
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
    no_photo = report(web, place, photos=[])
    assert no_photo.status_code == 422 and "1 到 3 张" in no_photo.get_data(as_text=True)


def test_a_similar_open_report_is_shown_before_saving(web, auth, place):
    first = services.report_finding(place.secretary, place.alley.id, "sanitation", "有垃圾", "公厕旁", [photo()],
                                    "a" * 32, utcnow())
    auth.login(place.patroller)
    hint = web.get(f"/alleys/findings/similar?alley={place.alley.id}&category=sanitation")
    assert f"/alleys/findings/{first.id}#add" in hint.get_data(as_text=True)
    refused = report(web, place)
    assert refused.status_code == 409
    assert f"/alleys/findings/{first.id}#add" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1
    anyway = report(web, place, new_anyway="y")
    assert anyway.status_code == 303
    added = web.post(f"/alleys/findings/{first.id}/add", {"note": "我也看到了"}, content_type="multipart/form-data")
    assert added.status_code == 303


def test_photos_are_served_only_to_those_allowed(web, auth, place):
    finding = services.report_finding(place.patroller, place.alley.id, "sanitation", "有垃圾", "公厕旁", [photo()],
                                      "a" * 32, utcnow())
    url = f"/alleys/findings/{finding.id}/photos/{finding.photos[0].id}"
    auth.login(place.resident)
    assert web.get(url).status_code == 403
    assert web.get(f"/alleys/findings/{finding.id}").status_code == 403
    auth.logout()
    stranger = make_user(make_community("镇海社区"), "patroller")
    auth.login(stranger)
    assert web.get(url).status_code == 404
    auth.logout()
    auth.login(place.officer)
    response = web.get(url)
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]


def test_a_resident_reports_and_sees_their_own_case(web, auth, place):
    auth.login(place.resident)
    response = report(web, place, category="obstruction")
    assert response.status_code == 303
    assert web.get(response.headers["Location"]).status_code == 200


def test_staff_settings_route_categories(web, auth, place):
    auth.login(place.staff)
    assert web.get(f"/alleys/manage/settings?alley={place.alley.id}").status_code == 200
    response = web.post(f"/alleys/manage/settings?alley={place.alley.id}", {
        "row": "other", "other-department": "市场监管", "other-accept_minutes": "20", "other-resolve_minutes": "90"})
    assert response.status_code == 303
    route = services.route_for(place.alley, "other")
    assert (route.department, route.accept_minutes, route.resolve_minutes) == ("市场监管", 20, 90)
    bad = web.post(f"/alleys/manage/settings?alley={place.alley.id}", {
        "row": "other", "other-department": "市场监管", "other-accept_minutes": "200", "other-resolve_minutes": "90"})
    assert bad.status_code == 422
    auth.logout()
    auth.login(place.officer)
    assert web.get("/alleys/manage/settings").status_code == 403


def test_staff_manage_alleys_branches_members_and_holidays(web, auth, place):
    auth.login(place.staff)
    assert web.get("/alleys/manage").status_code == 200
    created = web.post("/alleys/manage/alleys/new", {"name": "水仙巷", "description": "", "landmarks": "水仙路口",
                                                     "branch": str(place.branch.id)})
    assert created.status_code == 303
    duplicate = web.post("/alleys/manage/alleys/new", {"name": "水仙巷", "branch": "0"})
    assert duplicate.status_code == 422
    newcomer = make_user(place.community, name="曾月娥")
    added = web.post(f"/alleys/manage/branches/{place.branch.id}/members",
                     {"user": str(newcomer.id), "kind": "officer", "department": "环卫"})
    assert added.status_code == 303
    db.session.expire_all()
    assert slot_kind(db.session.get(type(newcomer), newcomer.id)) == "环卫"
    holiday = web.post("/alleys/manage/holidays", {"day": "2026-12-25", "name": "测试"})
    assert holiday.status_code == 303
    auth.logout()
    auth.login(place.secretary)
    assert web.get("/alleys/manage").status_code == 403


def test_stats_page_and_csv(web, auth, place):
    services.report_finding(place.patroller, place.alley.id, "sanitation", "有垃圾", "公厕旁", [photo()],
                            "a" * 32, utcnow())
    auth.login(place.secretary)
    page = web.get(f"/alleys/stats?branch={place.branch.id}")
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    csv_response = web.get(f"/alleys/stats.csv?alley={place.alley.id}")
    assert csv_response.mimetype == "text/csv"
    assert "问题：卫生,1" in csv_response.get_data(as_text=True)
    sheet = load_workbook(BytesIO(web.get(f"/alleys/stats.xlsx?alley={place.alley.id}").get_data())).worksheets[0]
    assert sheet.freeze_panes == "A2" and [c.value for c in sheet[1]] == ["范围", "月份", "指标", "数值"]
    assert web.get("/alleys/stats?month=garbage").status_code == 200


def test_findings_list_puts_overdue_first(web, auth, place):
    late = services.report_finding(place.patroller, place.alley.id, "obstruction", "挡路", "口", [photo()],
                                   "a" * 32, utcnow() - timedelta(hours=3))
    auth.login(place.staff)
    page = web.get("/alleys/findings").get_data(as_text=True)
    assert "已超时" in page and f"/alleys/findings/{late.id}" in page


def test_english_pages_render(web, auth, place, shift):
    auth.login(place.secretary)
    web.get("/lang/en")
    page = web.get("/alleys/shifts").get_data(as_text=True)
    assert "Sign up" in page and "missing" in page
