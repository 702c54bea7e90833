"""Photos of findings: stored checked and stripped, and kept aside (signed, for a while) when a report is
answered with "possible duplicate", so "report anyway" needs no files again."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ...errors import N_, DomainError, InvalidInput
from ...extensions import db
from ...models import User
from ...uploads import StoredImage, discard, store_image, upload_root
from ..models import Finding, FindingPhoto
from .common import MAX_PHOTOS

# Photos of a report answered with "possible duplicate" wait here (outside every community's folder) for the
# reporter's "report anyway"; the signed reference to them expires after HOLD_PHOTOS_FOR.
HELD_FOLDER = "alleys-held"
HOLD_PHOTOS_FOR = timedelta(minutes=30)
HELD_NAME = re.compile(r"[0-9a-f]{32}")


def chosen_files(photos) -> list:
    return [f for f in (photos or []) if f is not None and getattr(f, "filename", "")]


def at_most_three(files: list) -> list:
    if len(files) > MAX_PHOTOS:
        raise InvalidInput(N_("Add at most 3 photos."), field="photos")
    return files


def store_photos(files, community_id: int, field: str) -> list[StoredImage]:
    stored = []
    try:
        for file in files:
            stored.append(store_image(file, community_id, field=field))
    except DomainError:
        discard_all(stored)
        raise
    return stored


def discard_all(stored: list[StoredImage]) -> None:
    for image in stored:
        discard(image.key)


def attach(finding: Finding, stored: list[StoredImage], kind: str, actor: User, now: datetime) -> None:
    for image in stored:
        db.session.add(FindingPhoto(community_id=finding.community_id, finding_id=finding.id, key=image.key,
                                    kind=kind, width=image.width, height=image.height, added_by_id=actor.id,
                                    created_at=now))


def _held_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="alleys.held-photos")


def held_path(community_id: int, name: str):
    return upload_root() / HELD_FOLDER / str(int(community_id)) / f"{name}.jpg"


def hold(actor: User, stored: list[StoredImage]) -> str:
    """Move checked photos aside and sign a reference to them, bound to the reporter."""
    kept = []
    for image in stored:
        name = image.key.rsplit("/", 1)[-1].removesuffix(".jpg")
        target = held_path(actor.community_id, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        (upload_root() / image.key).replace(target)
        kept.append([name, image.width, image.height])
    return _held_serializer().dumps({"user": actor.id, "community": actor.community_id, "photos": kept})


def held_photos(actor: User, token: str | None) -> list[list]:
    """The photos a signed reference names, if it is this reporter's, fresh, and the files are still there.

    Nothing from the client names a file: only names this server signed, checked again for their shape."""
    if not token:
        return []
    expired = _held_expired()
    try:
        data = _held_serializer().loads(token, max_age=int(HOLD_PHOTOS_FOR.total_seconds()))
    except BadSignature:
        raise expired from None
    photos = data.get("photos") if isinstance(data, dict) else None
    if (data.get("user") != actor.id or data.get("community") != actor.community_id or not photos
            or len(photos) > MAX_PHOTOS):
        raise expired
    for entry in photos:
        if (not isinstance(entry, list) or len(entry) != 3 or not HELD_NAME.fullmatch(str(entry[0]))
                or not held_path(actor.community_id, entry[0]).is_file()):
            raise expired
    return photos


def _held_expired() -> InvalidInput:
    return InvalidInput(N_("The photos you chose before have expired. Please choose them again."), field="photos")


def held_or_nothing(actor: User, token: str | None) -> list[list]:
    try:
        return held_photos(actor, token)
    except InvalidInput:
        return []


def held_count(actor: User, token: str | None) -> int:
    """How many kept photos a reference still stands for (0 when it no longer does): for the form's note."""
    return len(held_or_nothing(actor, token))


def unhold(actor: User, photos: list[list]) -> list[StoredImage]:
    """Back from the waiting folder to the community's, as if just stored."""
    stored = []
    try:
        for name, width, height in photos:
            key = f"{int(actor.community_id)}/{name}.jpg"
            (upload_root() / key).parent.mkdir(parents=True, exist_ok=True)
            held_path(actor.community_id, name).replace(upload_root() / key)
            stored.append(StoredImage(key=key, width=int(width), height=int(height)))
    except FileNotFoundError:  # taken by a simultaneous submission, or removed as expired just now
        discard_all(stored)
        raise _held_expired() from None
    return stored


def discard_held(actor: User, photos: list[list]) -> None:
    for name, _width, _height in photos:
        held_path(actor.community_id, name).unlink(missing_ok=True)


def discard_expired_held_photos(now: datetime) -> int:
    """Photos kept for a "report anyway" that never came: gone once their reference has expired."""
    folder = upload_root() / HELD_FOLDER
    if not folder.is_dir():
        return 0
    cutoff = (now - HOLD_PHOTOS_FOR - timedelta(minutes=5)).timestamp()
    removed = 0
    for path in folder.glob("*/*.jpg"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another server removed it first
    return removed
