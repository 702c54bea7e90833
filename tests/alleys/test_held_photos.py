"""Without JavaScript, a "possible duplicate" answer keeps the checked photos; "report anyway" needs no files."""
import re
from datetime import timedelta
from io import BytesIO

import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.models import Finding
from neighbors.clock import utcnow
from neighbors.errors import InvalidInput
from neighbors.extensions import db
from tests.alleys.conftest import jpeg_bytes, photo, uploaded_files

HELD = re.compile(r'name="held_photos" value="([^"]+)"')


def form(place, key, **more):
    return {"alley": str(place.alley.id), "category": "sanitation", "description": "路面油腻",
            "place": "打铁巷12号门口", "submission_key": key, **more}


def two_photos():
    return [(BytesIO(jpeg_bytes(colour=(10, 200, 10))), "a.jpg", "image/jpeg"),
            (BytesIO(jpeg_bytes(colour=(10, 10, 200))), "b.png", "image/jpeg")]


def earlier_report(place):
    return services.report_finding(place.secretary, place.alley.id, "sanitation", "有垃圾", "公厕旁", [photo()],
                                   "f" * 32, utcnow())


def duplicate_answer(web, place, key="b" * 32):
    response = web.post("/alleys/findings/new", form(place, key, photos=two_photos()),
                        content_type="multipart/form-data")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    return HELD.search(page).group(1), page


def test_report_anyway_without_choosing_the_photos_again(web, auth, place, upload_dir):
    earlier_report(place)
    auth.login(place.patroller)
    before = uploaded_files(upload_dir)
    token, page = duplicate_answer(web, place)
    assert 'data-testid="held-photos"' in page and "2" in page
    kept = uploaded_files(upload_dir) - before
    assert len(kept) == 2 and all(name.startswith(services.HELD_FOLDER + "/") for name in kept)
    # the plain browser sends the form again: the box ticked, no files
    response = web.post("/alleys/findings/new", form(place, "b" * 32, new_anyway="y", held_photos=token),
                        content_type="multipart/form-data")
    assert response.status_code == 303
    finding = db.session.scalar(sa.select(Finding).where(Finding.reporter_id == place.patroller.id))
    assert len(finding.before_photos) == 2
    now_stored = uploaded_files(upload_dir) - before
    assert now_stored == {photo.key for photo in finding.photos}  # moved, nothing left waiting
    assert not any(name.startswith(services.HELD_FOLDER + "/") for name in now_stored)
    assert web.get(f"/alleys/findings/{finding.id}/photos/{finding.photos[0].id}").status_code == 200


def test_without_ticking_the_box_the_photos_stay_kept(web, auth, place, upload_dir):
    earlier_report(place)
    auth.login(place.patroller)
    token, _page = duplicate_answer(web, place)
    again = web.post("/alleys/findings/new", form(place, "b" * 32, held_photos=token),
                     content_type="multipart/form-data")
    assert again.status_code == 409 and 'data-testid="held-photos"' in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1


def test_a_reference_is_bound_to_its_reporter_and_cannot_be_forged(web, auth, place, upload_dir):
    earlier_report(place)
    auth.login(place.patroller)
    token, _page = duplicate_answer(web, place)
    auth.logout()
    auth.login(place.patroller2)
    for reference in (token, token[:-3] + "abc", "../../1/secret"):
        response = web.post("/alleys/findings/new", form(place, "c" * 32, new_anyway="y", held_photos=reference),
                            content_type="multipart/form-data")
        assert response.status_code == 422
        assert "请重新选择" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1


def test_new_photos_replace_the_kept_ones(web, auth, place, upload_dir):
    earlier_report(place)
    auth.login(place.patroller)
    before = uploaded_files(upload_dir)
    token, _page = duplicate_answer(web, place)
    response = web.post("/alleys/findings/new", form(place, "b" * 32, new_anyway="y", held_photos=token,
                                                     photos=[(BytesIO(jpeg_bytes()), "c.jpg", "image/jpeg")]),
                        content_type="multipart/form-data")
    assert response.status_code == 303
    finding = db.session.scalar(sa.select(Finding).where(Finding.reporter_id == place.patroller.id))
    assert len(finding.photos) == 1
    assert uploaded_files(upload_dir) - before == {finding.photos[0].key}


def test_kept_photos_nobody_came_back_for_are_removed_by_the_tick(web, auth, place, upload_dir):
    earlier_report(place)
    auth.login(place.patroller)
    before = uploaded_files(upload_dir)
    token, _page = duplicate_answer(web, place)
    kept = uploaded_files(upload_dir) - before
    assert services.discard_expired_held_photos(utcnow()) == 0  # still within their time
    assert services.discard_expired_held_photos(utcnow() + timedelta(hours=1)) >= 2  # (other tests' too)
    assert not kept & uploaded_files(upload_dir)
    assert services.discard_expired_held_photos(utcnow() + timedelta(hours=1)) == 0  # a second run: nothing
    response = web.post("/alleys/findings/new", form(place, "b" * 32, new_anyway="y", held_photos=token),
                        content_type="multipart/form-data")
    assert response.status_code == 422 and "请重新选择" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1


def test_kept_photos_taken_meanwhile_are_a_clear_refusal_not_an_error(app, place, upload_dir):
    earlier_report(place)
    try:
        services.report_finding(place.patroller, place.alley.id, "sanitation", "路面油腻", "打铁巷12号门口",
                                [photo(), photo()], "d" * 32, utcnow())
    except services.DuplicateSuspected as answer:
        token = answer.held
    photos = services.held_photos(place.patroller, token)
    services.held_path(place.community.id, photos[1][0]).unlink()  # as if a second tap had taken it
    before = uploaded_files(upload_dir)
    try:
        services.report_finding(place.patroller, place.alley.id, "sanitation", "路面油腻", "打铁巷12号门口", [],
                                "d" * 32, utcnow(), new_anyway=True, held=token)
    except InvalidInput as refusal:
        assert refusal.field == "photos"
    else:
        raise AssertionError("a reference to missing photos must be refused")
    assert not any(name.startswith(f"{place.community.id}/") for name in uploaded_files(upload_dir) - before)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1
