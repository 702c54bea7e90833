"""Photos from users (`neighbors.uploads`): decoded, never trusted, stored under random names."""
import re
import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from werkzeug.datastructures import FileStorage

from neighbors import uploads
from neighbors.errors import InvalidInput
from tests.security.conftest import assert_friendly_error

KEY = re.compile(r"^(\d+)/[0-9a-f]{32}\.jpg$")


@pytest.fixture
def upload_root(app, tmp_path):
    """A folder of its own for each test, so "nothing left behind" can be checked exactly."""
    root = tmp_path / "uploads"
    root.mkdir()
    app.config["NEIGHBORS_UPLOAD_DIR"] = str(root)
    return root


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def picture(fmt: str = "JPEG", size=(64, 48), mode: str = "RGB", **save) -> bytes:
    buffer = BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else 0).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg") -> FileStorage:
    return FileStorage(stream=BytesIO(data), filename=filename, content_type=content_type)


def refused(data: bytes, upload_root: Path, *messages: str, **kwargs) -> None:
    sent = upload(data, **kwargs)
    with pytest.raises(InvalidInput) as caught:
        uploads.store_image(sent, community_id=7)
    assert caught.value.msgid in messages
    assert caught.value.field == "photo"
    assert files_in(upload_root) == [], "a refused upload left a file behind"


NOT_A_PHOTO = "This file is not a photo we can use. Choose a JPEG or PNG picture."
TOO_BIG_TO_OPEN = "This picture is too big to open. Choose a smaller one."


def test_a_jpeg_and_a_png_are_stored_as_new_jpegs_under_random_names(upload_root):
    first = uploads.store_image(upload(picture("JPEG")), community_id=7)
    second = uploads.store_image(upload(picture("PNG", mode="RGBA"), "a.png", "image/png"), community_id=7)
    assert KEY.match(first.key) and KEY.match(second.key) and first.key != second.key
    assert first.key.startswith("7/")
    for stored in (first, second):
        path = upload_root / stored.key
        assert path.read_bytes()[:3] == b"\xff\xd8\xff"
        with Image.open(path) as image:
            assert image.format == "JPEG" and image.size == (64, 48)
    assert [p.suffix for p in files_in(upload_root)] == [".jpg", ".jpg"], "no .part file may stay"


@pytest.mark.parametrize("filename", ["../../etc/passwd", "..\\..\\boot.ini", "photo.jpg\x00.html", "evil.html",
                                      "/absolute/path.jpg", "照片 2024.jpg"])
def test_the_name_the_user_sent_never_decides_where_the_file_goes(upload_root, filename):
    stored = uploads.store_image(upload(picture(), filename=filename, content_type="text/html"), community_id=3)
    assert KEY.match(stored.key) and stored.key.startswith("3/")
    assert files_in(upload_root) == [upload_root / stored.key]


def test_the_community_folder_comes_from_the_record_not_the_request(upload_root):
    sent = upload(picture())
    with pytest.raises((ValueError, TypeError)):
        uploads.store_image(sent, community_id="../../x")
    assert files_in(upload_root) == []


def test_type_is_decided_by_content_not_by_name(upload_root):
    stored = uploads.store_image(upload(picture("PNG"), filename="holiday.gif", content_type="image/gif"), 7)
    assert KEY.match(stored.key)
    uploads.discard(stored.key)
    for data in (b"<html><script>alert(1)</script></html>", picture("GIF", mode="P"), picture("BMP"),
                 picture("WEBP"), picture("TIFF"), b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", b"\x00" * 100):
        refused(data, upload_root, NOT_A_PHOTO, filename="photo.jpg")


def test_an_empty_upload_asks_for_a_photo(upload_root):
    refused(b"", upload_root, "Choose a photo to upload.")
    with pytest.raises(InvalidInput):
        uploads.store_image(None, community_id=7)


def test_a_file_over_the_size_limit_is_refused_before_decoding(upload_root):
    data = picture() + b"\x00" * uploads.MAX_BYTES
    refused(data, upload_root, "The photo is too large. Choose one under 10 MB.")


def png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims a huge size: a decompression bomb in 100 bytes."""
    data = bytearray(picture("PNG", size=(1, 1), mode="L"))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    start = data.index(b"IHDR")
    data[start + 4:start + 17] = ihdr
    data[start + 17:start + 21] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


@pytest.mark.parametrize("width, height", [(50_000, 50_000), (7_000, 7_000), (1, 2_000_000_000)])
def test_decompression_bombs_are_refused_without_being_opened(upload_root, width, height):
    refused(png_claiming(width, height), upload_root, TOO_BIG_TO_OPEN)


def test_a_real_highly_compressed_bomb_is_refused(upload_root):
    buffer = BytesIO()
    Image.new("1", (8_000, 6_000)).save(buffer, format="PNG", optimize=True)  # 48 million pixels, a few KB
    assert len(buffer.getvalue()) < 200_000
    refused(buffer.getvalue(), upload_root, TOO_BIG_TO_OPEN)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_files_are_refused(upload_root, fmt):
    data = picture(fmt, size=(400, 300))
    for cut in (len(data) // 2, len(data) - 20, 30):
        refused(data[:cut], upload_root, NOT_A_PHOTO)


def test_a_jpeg_html_polyglot_is_stored_as_a_clean_picture(upload_root):
    payload = b"<html><body><script>alert(document.cookie)</script></body></html>"
    stored = uploads.store_image(upload(picture() + payload + b"<?php system($_GET['c']); ?>"), community_id=7)
    saved = (upload_root / stored.key).read_bytes()
    assert b"<script" not in saved and b"<?php" not in saved and b"<html" not in saved


def test_html_first_polyglots_and_gif_javascript_are_refused(upload_root):
    gif_js = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=1;alert(document.domain);/*" + b"\x00" * 20 + b"*/"
    refused(gif_js, upload_root, NOT_A_PHOTO, TOO_BIG_TO_OPEN)  # its header claims 10799 x 1 frames
    refused(b"<!doctype html><script>alert(1)</script>" + picture(), upload_root, NOT_A_PHOTO)
    refused(picture("GIF", mode="P") + b"<script>alert(1)</script>", upload_root, NOT_A_PHOTO)


def jpeg_with_gps(orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (40, 20), (10, 120, 200))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "grandma-phone"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (24.0, 27.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (118.0, 4.0, 55.1)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_location_and_camera_metadata_are_stripped(upload_root):
    original = jpeg_with_gps()
    with Image.open(BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] == (24.0, 27.0, 12.5)
    stored = uploads.store_image(upload(original), community_id=7)
    saved = (upload_root / stored.key).read_bytes()
    with Image.open(BytesIO(saved)) as image:
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info and "xmp" not in image.info
    assert b"Exif" not in saved and b"grandma-phone" not in saved and b"HUAWEI" not in saved


def test_the_picture_is_turned_upright_before_its_orientation_tag_is_dropped(upload_root):
    stored = uploads.store_image(upload(jpeg_with_gps(orientation=6)), community_id=7)
    assert (stored.width, stored.height) == (20, 40)


def test_large_pictures_are_scaled_down(upload_root):
    stored = uploads.store_image(upload(picture(size=(4000, 3000))), community_id=7)
    assert max(stored.width, stored.height) == uploads.LONGEST_SIDE


def test_discard_never_leaves_the_upload_folder(upload_root, tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    for key in ("../precious.txt", str(outside), "7/../../precious.txt"):
        uploads.discard(key)
    assert outside.read_text() == "keep me"
    stored = uploads.store_image(upload(picture()), community_id=7)
    uploads.discard(stored.key)
    assert files_in(upload_root) == []


def test_photos_are_sent_privately_and_only_from_inside_the_folder(app, upload_root, tmp_path):
    from werkzeug.exceptions import NotFound

    stored = uploads.store_image(upload(picture()), community_id=7)
    (tmp_path / "secret.txt").write_text("secret")
    with app.test_request_context():
        response = uploads.send_image(stored.key)
        assert response.mimetype == "image/jpeg"
        assert "private" in response.headers["Cache-Control"]
        response.close()
        for key in ("../secret.txt", "/etc/passwd", "7/../../secret.txt"):
            with pytest.raises(NotFound):
                uploads.send_image(key)


def test_uploads_are_not_under_the_public_static_folder(app, client):
    root = Path(app.config["NEIGHBORS_UPLOAD_DIR"]).resolve()
    static = Path(app.static_folder).resolve()
    assert static not in root.parents and root != static
    for path in ("/static/../instance/uploads/x.jpg", "/static/%2e%2e/instance/neighbors.sqlite3",
                 "/static/..%2finstance/uploads"):
        assert client.get(path).status_code == 404


def test_a_request_over_the_size_limit_gets_the_friendly_413(app, client):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/auth/register", data={"photo": (BytesIO(body), "big.jpg")},
                           content_type="multipart/form-data")
    assert_friendly_error(response, 413)
    response = client.post("/auth/login", data=body, content_type="application/x-www-form-urlencoded")
    assert_friendly_error(response, 413)
