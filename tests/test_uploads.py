"""A stored photo is its pixels only: no comment, no EXIF/GPS, no application segment of the file sent
(issue 19: HTML placed in a JPEG's comment survived into the served photo)."""
from io import BytesIO

from PIL import Image
from werkzeug.datastructures import FileStorage

from neighbors.uploads import store_image, upload_root

PAYLOAD = b"<script>alert(document.cookie)</script>"


def _segments(data: bytes) -> list[int]:
    """The JPEG markers before the image data (0xE0-0xEF application segments, 0xFE comment)."""
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        markers.append(marker)
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    return markers


def _hostile_jpeg() -> bytes:
    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x010E] = PAYLOAD.decode()  # ImageDescription
    Image.new("RGB", (64, 48), (200, 60, 40)).save(buffer, format="JPEG", comment=PAYLOAD, exif=exif,
                                                   icc_profile=b"\0" * 128 + PAYLOAD)
    return buffer.getvalue()


def test_a_photo_is_stored_without_comment_or_application_segments(app):
    sent = _hostile_jpeg()
    assert PAYLOAD in sent and 0xFE in _segments(sent)
    stored = store_image(FileStorage(stream=BytesIO(sent), filename="a.jpg", content_type="image/jpeg"), 1)
    kept = (upload_root() / stored.key).read_bytes()
    assert PAYLOAD not in kept
    assert [marker for marker in _segments(kept) if marker == 0xFE or 0xE1 <= marker <= 0xEF] == []
    assert Image.open(BytesIO(kept)).size == (64, 48)
