"""Road segments and their responsible officers: a case goes to the officer first, then the deputy, then the whole
department and staff (the tick), each step a line of the case's history; and a finding's position."""
import re

import pytest
import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.models import Finding
from neighbors.errors import InvalidInput, NotAllowed
from neighbors.extensions import db
from neighbors.geo import Position
from neighbors.models import Notification
from tests.alleys.conftest import photo
from tests.factories import make_user


def notes_for(user) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


@pytest.fixture
def north(place, now):
    """打铁巷北段: 许振华 responsible for 城管, 郑金水 his deputy."""
    deputy = make_user(place.community, "officer", name="郑金水", department="城管")
    segment = services.save_segment(place.staff, place.alley.id, "打铁巷北段", "打铁巷口\n打铁巷12号", now)
    services.set_owner(place.staff, segment.id, "城管", place.officer.id, deputy.id, now)
    return segment, deputy


def report(place, now, segment=None, position=None, category="obstruction", key="b" * 32, **where):
    return services.report_finding(
        place.patroller, place.alley.id, category, "三轮车堵住巷子", "打铁巷12号门口", [photo()], key, now,
        where=services.Whereabouts(segment_id=segment.id if segment else None, position=position, **where))


def test_a_case_on_a_segment_goes_to_its_responsible_officer_alone(place, north, now):
    segment, deputy = north
    finding = report(place, now, segment)
    assert finding.assigned_to_id == place.officer.id and finding.segment_id == segment.id
    assert finding.events[-1].action == "dispatch" and finding.events[-1].assignee_id == place.officer.id
    assert "You are responsible" in notes_for(place.officer)[-1]
    assert notes_for(deputy) == []


def test_not_accepted_in_time_it_goes_to_the_deputy_then_the_department_and_staff(place, north, clock):
    segment, deputy = north
    finding = report(place, clock.now, segment)
    assert services.pass_on_unaccepted(clock.advance(minutes=9)) == 0
    assert services.pass_on_unaccepted(clock.advance(minutes=2)) == 1
    finding = db.session.get(Finding, finding.id)
    assert finding.assigned_to_id == deputy.id and finding.state == "dispatched"
    assert "You are responsible" in notes_for(deputy)[-1]
    assert services.pass_on_unaccepted(clock.now) == 0  # twice at once: nothing left to do
    assert services.pass_on_unaccepted(clock.advance(minutes=11)) == 1
    finding = db.session.get(Finding, finding.id)
    assert finding.assigned_to_id is None and finding.assigned_until is None
    assert [(e.action, e.assignee_id) for e in finding.events][-3:] == [
        ("dispatch", place.officer.id), ("pass_on", deputy.id), ("pass_on", None)]
    assert "Nobody responsible accepted" in notes_for(place.officer)[-1]  # the branch's duty officers
    assert "did not accept" in notes_for(place.staff)[-1]
    assert services.pass_on_unaccepted(clock.advance(hours=1)) == 0


def test_an_accepted_case_stays_with_whoever_accepted_it(place, north, clock):
    segment, deputy = north
    finding = report(place, clock.now, segment)
    services.accept(place.officer, finding.id, clock.advance(minutes=3))
    assert services.pass_on_unaccepted(clock.advance(hours=1)) == 0
    assert db.session.get(Finding, finding.id).accepted_by_id == place.officer.id


def test_without_a_segment_the_whole_department_is_told_as_before(place, north, now):
    _segment, deputy = north
    finding = report(place, now)
    assert finding.assigned_to_id is None
    assert "Please accept it" in notes_for(place.officer)[-1] and "You are responsible" not in notes_for(place.officer)[-1]
    assert notes_for(deputy) == []  # not of the branch: the branch's officers are its duty officers


def test_owners_are_officers_of_the_department_and_only_staff_name_them(place, north, now):
    segment, deputy = north
    with pytest.raises(InvalidInput):
        services.set_owner(place.staff, segment.id, "环卫", place.officer.id, None, now)
    with pytest.raises(InvalidInput):
        services.set_owner(place.staff, segment.id, "城管", deputy.id, deputy.id, now)
    with pytest.raises(NotAllowed):
        services.set_owner(place.patroller, segment.id, "城管", deputy.id, None, now)
    with pytest.raises(InvalidInput):
        services.save_segment(place.staff, place.alley.id, "打铁巷北段", "", now)


def test_a_segment_of_another_alley_is_refused(place, north, now):
    segment, _deputy = north
    with pytest.raises(InvalidInput):
        services.report_finding(place.patroller, place.other_alley.id, "obstruction", "堵住了", "升平路", [photo()],
                                "c" * 32, now, where=services.Whereabouts(segment_id=segment.id))


# --- positions ------------------------------------------------------------------------------

@pytest.fixture
def area(place):
    place.community.centre_latitude, place.community.centre_longitude = 24.4512, 118.0790
    place.community.area_radius_m = 800
    db.session.commit()


def test_a_position_inside_the_area_is_kept(place, area, now):
    finding = report(place, now, position=Position(24.4521, 118.0801, 12.0))
    assert (finding.latitude, finding.longitude, finding.accuracy_m) == (24.4521, 118.0801, 12.0)


def test_a_position_outside_the_area_is_questioned_then_kept_when_the_reporter_says_so(place, area, now):
    far = Position(24.4800, 118.0790, 20.0)  # about 3.2 km north
    with pytest.raises(services.PositionQuestioned) as questioned:
        report(place, now, position=far)
    assert questioned.value.params["km"] == "3.2" and questioned.value.held
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
    finding = services.report_finding(
        place.patroller, place.alley.id, "obstruction", "三轮车堵住巷子", "打铁巷12号门口", [], "b" * 32, now,
        held=questioned.value.held, where=services.Whereabouts(position=far, far_ok=True))
    assert finding.latitude == 24.48 and len(finding.before_photos) == 1


def gps_photo(latitude=(24, 27, 10.0), longitude=(118, 4, 48.0), accuracy=8.0):
    from PIL import Image

    from tests.alleys.conftest import jpeg_bytes

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: latitude, 3: "E", 4: longitude, 31: accuracy}
    return photo(jpeg_bytes(exif=exif))


def test_the_photos_gps_is_read_before_it_is_stripped_when_the_reporter_agrees(place, area, now, app):
    finding = services.report_finding(
        place.patroller, place.alley.id, "obstruction", "三轮车堵住巷子", "打铁巷12号门口", [gps_photo()], "d" * 32,
        now, where=services.Whereabouts(photo_position=True))
    assert finding.latitude == pytest.approx(24 + 27 / 60 + 10 / 3600, abs=1e-6)
    assert finding.longitude == pytest.approx(118 + 4 / 60 + 48 / 3600, abs=1e-6)
    assert finding.accuracy_m == 8.0
    from PIL import Image

    from neighbors.uploads import upload_root
    with Image.open(upload_root() / finding.before_photos[0].key) as stored:
        assert not stored.getexif().get_ifd(0x8825)


def test_without_consent_the_photos_gps_is_not_kept(place, area, now):
    finding = services.report_finding(
        place.patroller, place.alley.id, "obstruction", "三轮车堵住巷子", "打铁巷12号门口", [gps_photo()], "e" * 32,
        now)
    assert finding.latitude is None and finding.longitude is None


def test_the_months_figures_per_officer_and_per_segment(place, north, clock):
    segment, deputy = north
    first = report(place, clock.now, segment)
    services.accept(place.officer, first.id, clock.advance(minutes=6))
    services.resolve(place.officer, first.id, "三轮车挪走了", photo(), clock.advance(minutes=30))
    second = report(place, clock.advance(minutes=1), segment, key="f" * 32, category="hazard")
    services.pass_on_unaccepted(clock.advance(minutes=11))
    services.accept(deputy, second.id, clock.advance(minutes=3))
    start, end = services.month_bounds(clock.now.date().replace(day=1))
    figures = services.responsibility_stats(place.community.id, start, end)
    assert figures["by_officer"] == [
        services.ResponsibilityRow("许振华", 1, 6.0, 36.0), services.ResponsibilityRow("郑金水", 1, 14.0, None)]
    assert figures["by_segment"] == [services.ResponsibilityRow("打铁巷北段", 2, 10.0, 36.0)]


# --- the staff's segment page over HTTP --------------------------------------------------------

def test_staff_add_a_segment_and_name_its_officer(web, auth, place, north):
    segment, deputy = north
    auth.login(place.staff)
    page = web.get(f"/alleys/{place.alley.id}/segments").get_data(as_text=True)
    assert "打铁巷北段" in page and "许振华" in page and "郑金水" in page
    added = web.post(f"/alleys/{place.alley.id}/segments", {"name": "打铁巷南段", "landmarks": "公厕旁"})
    assert added.status_code == 303
    south = next(s for s in services.segments_of(place.community.id) if s.name == "打铁巷南段")
    prefix = f"segment{south.id}"
    same = web.post(f"/alleys/segments/{south.id}/owner", {f"{prefix}-department": "城管",
                                                           f"{prefix}-officer": str(deputy.id),
                                                           f"{prefix}-deputy": str(deputy.id)})
    assert same.status_code == 422 and "B角必须是另一个人" in same.get_data(as_text=True)
    named = web.post(f"/alleys/segments/{south.id}/owner", {f"{prefix}-department": "城管",
                                                            f"{prefix}-officer": str(deputy.id),
                                                            f"{prefix}-deputy": "0"})
    assert named.status_code == 303
    assert db.session.get(type(south), south.id).owner_for("城管").officer_id == deputy.id


def test_the_demo_has_two_segments_of_datiexiang_with_their_officers(app):
    from neighbors.alleys.models import AlleySegment
    from neighbors.models import Community, User

    assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
    phones = {u.phone: u for u in db.session.scalars(sa.select(User).where(User.phone.is_not(None)))}
    segments = {s.name: s for s in db.session.scalars(sa.select(AlleySegment))}
    assert set(segments) == {"打铁巷北段", "打铁巷南段"}
    assert segments["打铁巷北段"].owner_for("城管").officer_id == phones["13900000006"].id
    assert segments["打铁巷南段"].owner_for("城管").officer_id == phones["13900000016"].id
    lamp = db.session.scalar(sa.select(Finding).where(Finding.description.like("路灯%")))
    assert lamp.assigned_to_id == phones["13900000016"].id and lamp.position is not None
    community = db.session.scalar(sa.select(Community).where(Community.name == "鹭江道社区"))
    assert community.metres_beyond_area(lamp.latitude, lamp.longitude) is None


def test_a_far_position_is_asked_about_over_http_and_sent_without_it_on_request(web, auth, place, area):
    auth.login(place.patroller)
    form = {"alley": str(place.alley.id), "category": "obstruction", "description": "三轮车堵住巷子",
            "place": "打铁巷12号门口", "submission_key": "g" * 32, "photos": [photo()],
            "latitude": "24.4800", "longitude": "118.0790", "accuracy": "20"}
    asked = web.post("/alleys/findings/new", form, content_type="multipart/form-data")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "这个位置离社区 3.2 公里，仍然保留吗？" in page
    assert 'data-action="keep-position"' in page and 'data-action="drop-position"' in page
    held = re.search(r'name="held_photos" value="([^"]+)"', page).group(1)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
    sent = web.post("/alleys/findings/new", {**form, "photos": [], "held_photos": held, "drop_position": "y"},
                    content_type="multipart/form-data")
    assert sent.status_code == 303
    finding = db.session.scalars(sa.select(Finding)).one()
    assert finding.latitude is None and len(finding.before_photos) == 1


def test_a_position_that_is_not_one_is_refused_on_the_form(web, auth, place):
    auth.login(place.patroller)
    refused = web.post("/alleys/findings/new", {
        "alley": str(place.alley.id), "category": "obstruction", "description": "三轮车堵住巷子", "place": "打铁巷口",
        "submission_key": "h" * 32, "photos": [photo()], "latitude": "北纬24度", "longitude": "118"},
        content_type="multipart/form-data")
    assert refused.status_code == 422 and "这个位置无法使用" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0


def test_without_javascript_the_form_shows_no_position_button_and_empty_fields(web, auth, place):
    auth.login(place.patroller)
    page = web.get(f"/alleys/findings/new?alley={place.alley.id}").get_data(as_text=True)
    assert "<p data-position-control hidden>" in page and "js/position." in page
    assert re.search(r'<input id="latitude" name="latitude" type="hidden" value="">', page)
