"""Static files under content-hashed names, so a proxy and every browser may keep them for a year.

`url_for("static", filename="css/app.css")` — the one way templates link a static file — gives
`/static/css/app.3f2a9c1d0b7e.css`, the first 12 hex digits of the file's SHA-256. A changed file gets a new
name, so the old one may be cached as immutable. The app serves both names itself (pages work without a proxy);
`deploy/nginx.conf.in` serves the same names straight from `static/` with the same year-long lifetime.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import Flask, current_app
from werkzeug.security import safe_join

HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
A_YEAR = 365 * 24 * 3600


class ContentDigests:
    """Each file's digest, computed once per version of the file (its size and modification time), so a file
    changed while a development server runs gets its new name at once."""

    def __init__(self, folder: str):
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def digest(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        try:
            stat = os.stat(path) if path else None
        except OSError:
            return None
        if stat is None:
            return None
        version = (stat.st_mtime_ns, stat.st_size)
        known = self._known.get(filename)
        if known and known[0] == version:
            return known[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        self._known[filename] = (version, digest)
        return digest

    def hashed(self, filename: str) -> str:
        stem, dot, suffix = filename.rpartition(".")
        digest = self.digest(filename) if dot and stem and "/" not in suffix else None
        return f"{stem}.{digest}.{suffix}" if digest else filename  # a missing file keeps its name (404 when asked)


def install(app: Flask) -> None:
    digests = ContentDigests(app.static_folder)
    app.extensions["static_digests"] = digests

    @app.url_defaults
    def hashed_static_name(endpoint, values):
        if endpoint == "static" and "filename" in values:
            values["filename"] = digests.hashed(values["filename"])

    app.view_functions["static"] = serve_static


def serve_static(filename: str):
    """A hashed name whose digest matches the file is served for a year, immutable; a plain name (or a digest
    of an older version, asked by a page loaded before a deploy) gets the current file with the app's usual
    lifetime."""
    match = HASHED_NAME.match(filename)
    if match:
        plain = match["stem"] + match["suffix"]
        digest = current_app.extensions["static_digests"].digest(plain)
        if digest is not None:
            response = current_app.send_static_file(plain)
            if digest != match["digest"]:
                return response
            response.cache_control.max_age = A_YEAR
            response.cache_control.public = True
            response.cache_control.immutable = True
            return response
    return current_app.send_static_file(filename)
