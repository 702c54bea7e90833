"""Photos of findings: location data removed, anything that is not a whole photo refused, nothing left behind."""
from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image

from neighbors.alleys.models import Finding, FindingPhoto
from neighbors.extensions import db
from tests.alleys.conftest import jpeg_bytes, uploaded_files

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (24.0, 27.0, 1.5), 3: "E", 4: (118.0, 4.0, 50.0)})
    data = jpeg_bytes(size=(320, 240), exif=exif.tobytes())
    assert Image.open(BytesIO(data)).getexif().get_ifd(GPS_IFD), "the test photo must carry GPS to begin with"
    return data


def bomb_png() -> bytes:
    buffer = BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 million pixels in a small file
    return buffer.getvalue()


def post_report(web, place, files, key="a" * 32):
    return web.post("/alleys/findings/new", {
        "alley": str(place.alley.id), "category": "sanitation", "description": "路面油腻", "place": "打铁巷12号门口",
        "submission_key": key, "photos": files,
    }, content_type="multipart/form-data")


def test_gps_exif_is_gone_from_the_stored_photo(web, auth, place):
    auth.login(place.patroller)
    response = post_report(web, place, [(BytesIO(jpeg_with_gps()), "IMG_0001.jpg", "image/jpeg")])
    assert response.status_code == 303
    finding = db.session.scalar(sa.select(Finding))
    picture = finding.photos[0]
    served = web.get(f"/alleys/findings/{finding.id}/photos/{picture.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    image = Image.open(BytesIO(served.data))
    assert image.format == "JPEG"
    assert "exif" not in image.info
    assert not image.getexif().get_ifd(GPS_IFD)
    assert (image.width, image.height) == (320, 240)


@pytest.mark.parametrize("name, data, message", [
    ("notes.jpg", "这不是照片，只是文字。".encode(), "不是可用的照片"),
    ("cut.jpg", jpeg_bytes(size=(400, 300))[:400], "不是可用的照片"),
    ("bomb.png", None, "尺寸太大"),
])
def test_bad_files_are_refused_with_a_clear_message_and_leave_nothing(web, auth, place, upload_dir, name, data,
                                                                       message):
    auth.login(place.patroller)
    before = uploaded_files(upload_dir)
    files = [(BytesIO(jpeg_bytes()), "good.jpg", "image/jpeg"),
             (BytesIO(data if data is not None else bomb_png()), name, "image/jpeg")]
    response = post_report(web, place, files)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert uploaded_files(upload_dir) == before  # the good photo stored first was removed again
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(FindingPhoto.id))) == 0


def test_a_photo_over_10_mb_is_refused(web, auth, place, upload_dir):
    auth.login(place.patroller)
    before = uploaded_files(upload_dir)
    response = post_report(web, place, [(BytesIO(b"\xff\xd8" + b"0" * (11 * 1024 * 1024)), "big.jpg", "image/jpeg")])
    assert response.status_code == 422
    assert "10 MB" in response.get_data(as_text=True)
    assert uploaded_files(upload_dir) == before


def test_a_request_over_the_limit_is_refused_with_413(web, auth, place, upload_dir):
    auth.login(place.patroller)
    before = uploaded_files(upload_dir)
    response = post_report(web, place, [(BytesIO(b"0" * (17 * 1024 * 1024)), "huge.jpg", "image/jpeg")])
    assert response.status_code == 413
    assert uploaded_files(upload_dir) == before
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
