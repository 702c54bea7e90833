"""What a patroller and an officer read on a case (issue 14 items 8 and 9): someone in the demo for every
department a category goes to, a clear "you accepted it", 结案 explained, one big "different problem" button."""
import re

import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.models import Alley, CategoryRoute, Finding, FindingState
from neighbors.clock import utcnow
from neighbors.extensions import db
from neighbors.models import Role, User
from tests.alleys.conftest import jpeg_bytes, photo

CLOSED_MEANS = "结案就是这件事办完了"


def test_every_route_of_the_demo_has_an_officer_and_the_sanitation_officer_can_act(app):
    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    routes = db.session.scalars(sa.select(CategoryRoute).where(CategoryRoute.department != "")).all()
    assert {route.department for route in routes} == {"城管", "环卫"}
    for route in routes:
        alley = db.session.get(Alley, route.alley_id)
        assert services.duty_officers(alley, route.department), f"nobody of {route.department} in {alley.name}"
    officer = db.session.scalar(sa.select(User).where(User.phone == "13900000014"))
    assert officer.community.name == "鹭江道社区" and officer.check_password("demo1234")
    assert any(g.role == Role.OFFICER and g.department == "环卫" for g in officer.role_grants)
    waiting = db.session.scalars(sa.select(Finding).where(
        Finding.department == "环卫", Finding.state == FindingState.DISPATCHED)).all()
    assert waiting, "the demo has a 卫生 case for the 环卫 officer to accept"
    assert services.accept(officer, waiting[0].id, utcnow()).state == FindingState.ACCEPTED


def test_the_officer_who_accepts_is_told_so_on_the_page_and_the_reporter_sees_who_has_it(web, auth, place):
    finding = services.report_finding(place.patroller, place.alley.id, "sanitation", "垃圾袋堆在墙边", "公厕旁",
                                      [photo()], "a" * 32, utcnow())
    auth.login(place.sanitation_officer)
    before = web.get(f"/alleys/findings/{finding.id}").get_data(as_text=True)
    assert 'data-testid="accepted-note"' not in before
    page = web.post(f"/alleys/findings/{finding.id}/accept", follow_redirects=True).get_data(as_text=True)
    note = re.search(r'data-testid="accepted-note">(.*?)</p>', page, flags=re.S).group(1)
    assert "您已在" in note and "接单" in note and "修好后" in note
    auth.login(place.patroller)
    page = web.get(f"/alleys/findings/{finding.id}").get_data(as_text=True)
    note = re.search(r'data-testid="accepted-note">(.*?)</p>', page, flags=re.S).group(1)
    assert "林清泉" in note and "环卫" in note and "正在处理" in note


def test_closing_is_explained_by_the_button_and_on_a_closed_case(web, auth, place):
    now = utcnow()
    finding = services.report_finding(place.patroller, place.alley.id, "obstruction", "电动车挡路", "小学后门",
                                      [photo()], "b" * 32, now)
    services.accept(place.officer, finding.id, now)
    services.resolve(place.officer, finding.id, "已挪走", photo(jpeg_bytes(colour=(20, 160, 20))), now)
    services.verify(place.patroller, finding.id, now)
    auth.login(place.patroller)
    page = web.get(f"/alleys/findings/{finding.id}").get_data(as_text=True)
    assert 'aria-describedby="close-hint"' in page
    assert CLOSED_MEANS in re.search(r'id="close-hint"[^>]*>(.*?)</p>', page, flags=re.S).group(1)
    closed = web.post(f"/alleys/findings/{finding.id}/close", follow_redirects=True).get_data(as_text=True)
    assert "已结案" in closed and CLOSED_MEANS in closed and 'data-action="close"' not in closed
    listing = web.get("/alleys/findings?show=mine").get_data(as_text=True)
    assert CLOSED_MEANS in listing


def test_a_different_problem_is_one_full_width_button_not_a_box_to_tick(web, auth, place):
    services.report_finding(place.secretary, place.alley.id, "sanitation", "有垃圾", "公厕旁", [photo()], "c" * 32,
                            utcnow())
    auth.login(place.patroller)
    hint = web.get(f"/alleys/findings/similar?alley={place.alley.id}&category=sanitation").get_data(as_text=True)
    assert 'type="checkbox"' not in hint and "接着往下填" in hint
    form = {"alley": str(place.alley.id), "category": "sanitation", "description": "墙边又堆了垃圾",
            "place": "打铁巷口", "submission_key": "d" * 32, "photos": [photo()]}
    refused = web.post("/alleys/findings/new", form, content_type="multipart/form-data")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert not re.search(r'<input[^>]*name="new_anyway"[^>]*type="checkbox"', page)
    button = re.search(r'<button[^>]*data-testid="report-anyway"[^>]*>', page).group(0)
    assert 'name="new_anyway"' in button and 'value="y"' in button and "button-wide" in button
    assert "这是另一个问题" in page and "勾选" not in page
    held = re.search(r'name="held_photos" value="([^"]+)"', page).group(1)
    anyway = web.post("/alleys/findings/new", {**form, "photos": [], "held_photos": held, "new_anyway": "y"},
                      content_type="multipart/form-data")
    assert anyway.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 2


def test_photo_controls_offer_the_camera_and_the_library_under_one_name(web, auth, place):
    auth.login(place.patroller)
    page = web.get("/alleys/findings/new").get_data(as_text=True)
    inputs = re.findall(r'<input type="file"[^>]*>', page)
    assert len(inputs) == 2 and all('name="photos"' in tag for tag in inputs)
    camera, library = inputs
    assert 'capture="environment"' in camera and 'accept="image/*"' in camera
    assert "capture" not in library and "multiple" in library
    assert "拍照" in page and "选照片" in page
    finding = services.report_finding(place.patroller, place.alley.id, "obstruction", "杂物挡路", "打铁巷口",
                                      [photo()], "e" * 32, utcnow())
    services.accept(place.officer, finding.id, utcnow())
    auth.login(place.officer)
    case = web.get(f"/alleys/findings/{finding.id}").get_data(as_text=True)
    assert len(re.findall(r'<input type="file" name="photo"', case)) == 2
    # the fix sent with the library's input while the camera's is empty (a plain browser sends both)
    fixed = web.post(f"/alleys/findings/{finding.id}/resolve",
                     {"note": "已清走", "photo": [photo(b"", name=""), photo(jpeg_bytes(colour=(20, 160, 20)))]},
                     content_type="multipart/form-data")
    assert fixed.status_code == 303
    assert len(db.session.get(Finding, finding.id).after_photos) == 1
