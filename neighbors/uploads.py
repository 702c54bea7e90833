"""Photos from users: checked by decoding, re-encoded without metadata, stored under random names.

Nothing the user sends decides a file name or a path, and files are never served from
`static/`: each module serves a photo through its own route after checking who may see it.
"""
from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app, send_from_directory
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from .errors import N_, InvalidInput

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
LONGEST_SIDE = 1600
ALLOWED_FORMATS = {"JPEG", "PNG"}


@dataclass(frozen=True)
class StoredImage:
    key: str  # "<community>/<random>.jpg", relative to the upload folder
    width: int
    height: int


def upload_root() -> Path:
    return Path(current_app.config["NEIGHBORS_UPLOAD_DIR"])


def store_image(file_storage, community_id: int, field: str = "photo") -> StoredImage:
    """Decode, reject anything that is not a whole JPEG or PNG, strip metadata, resize, save."""
    data = file_storage.read(MAX_BYTES + 1) if file_storage else b""
    if not data:
        raise InvalidInput(N_("Choose a photo to upload."), field=field)
    if len(data) > MAX_BYTES:
        raise InvalidInput(N_("The photo is too large. Choose one under 10 MB."), field=field)
    image = _decode(data, field)
    image = ImageOps.exif_transpose(image)
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    elif image.mode == "L":
        image = image.convert("RGB")
    image.info.clear()  # Pillow writes a source JPEG's comment (and more) back out unless its info is emptied
    key = f"{int(community_id)}/{secrets.token_hex(16)}.jpg"
    path = upload_root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True)  # no exif=, icc_profile= or comment=: pixels only
    temporary = path.with_suffix(".part")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(path)
    return StoredImage(key=key, width=image.width, height=image.height)


def _decode(data: bytes, field: str) -> Image.Image:
    not_image = InvalidInput(N_("This file is not a photo we can use. Choose a JPEG or PNG picture."), field=field)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise not_image
                if probe.width * probe.height > MAX_PIXELS:
                    raise InvalidInput(N_("This picture is too big to open. Choose a smaller one."), field=field)
                probe.verify()
            image = Image.open(BytesIO(data))
            image.load()
        except InvalidInput:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput(N_("This picture is too big to open. Choose a smaller one."), field=field) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise not_image from None
    return image


def discard(key: str) -> None:
    """Remove a stored file when the record it belonged to was not saved."""
    path = _safe_path(key)
    if path is not None:
        path.unlink(missing_ok=True)


def discard_after_commit(key: str) -> None:
    """Remove a stored file once the transaction that stopped referring to it has committed (kept if it rolls
    back, so no record ever points at a missing photo)."""
    from .extensions import db

    db.session().info.setdefault(_DISCARD, []).append(key)


_DISCARD = "neighbors.uploads.discard"


@event.listens_for(Session, "after_commit")
def _discard_pending(session) -> None:
    for key in session.info.pop(_DISCARD, []):
        discard(key)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session) -> None:
    session.info.pop(_DISCARD, None)


def _safe_path(key: str) -> Path | None:
    root = upload_root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        return None
    return path


def send_image(key: str):
    """Send a stored photo; callers check permission first."""
    response = send_from_directory(upload_root(), key, mimetype="image/jpeg", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
