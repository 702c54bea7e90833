"""Positions on the ground: WGS-84 as phones and photos give them, how far one is from a community, the photo's own
GPS (read before its metadata is stripped), and links that open a spot in 高德 (GCJ-02) and 百度 (BD-09) maps."""
from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urlencode

import coordTransform
from PIL import Image, UnidentifiedImageError

from .errors import N_, InvalidInput

EARTH_RADIUS_M = 6_371_008.8
GPS_IFD = 0x8825
MAX_ACCURACY_M = 100_000.0


@dataclass(frozen=True)
class Position:
    """A WGS-84 point and how sure the device was of it (metres; None when it did not say)."""

    latitude: float
    longitude: float
    accuracy_m: float | None = None


def position_from_form(latitude: str | None, longitude: str | None, accuracy: str | None = "") -> Position | None:
    """The hidden fields the "use my position" button fills; both empty means no position was given."""
    latitude, longitude, accuracy = (latitude or "").strip(), (longitude or "").strip(), (accuracy or "").strip()
    if not latitude and not longitude:
        return None
    wrong = InvalidInput(N_("The position is not one we can use. Try the button again, or send without it."),
                         field="position")
    try:
        lat, lng = float(latitude), float(longitude)
        acc = float(accuracy) if accuracy else None
    except ValueError:
        raise wrong from None
    if not all(math.isfinite(v) for v in (lat, lng)) or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise wrong
    if acc is not None and not (math.isfinite(acc) and 0 <= acc <= MAX_ACCURACY_M):
        acc = None
    return Position(round(lat, 7), round(lng, 7), round(acc, 1) if acc is not None else None)


def distance_m(a_lat: float, a_lng: float, b_lat: float, b_lng: float) -> float:
    """Great-circle distance (haversine): metres are all a community's area needs."""
    phi1, phi2 = math.radians(a_lat), math.radians(b_lat)
    dphi, dlmb = phi2 - phi1, math.radians(b_lng - a_lng)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _degrees(values, ref) -> float:
    degrees, minutes, seconds = (float(v) for v in values)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if str(ref).upper() in ("S", "W") else value


def position_in_photo(file_storage) -> Position | None:
    """The GPS a camera wrote into a photo, read before `uploads.store_image` drops it; the file is rewound."""
    if not file_storage:
        return None
    stream = file_storage.stream
    try:
        with Image.open(BytesIO(stream.read())) as image:
            gps = image.getexif().get_ifd(GPS_IFD)
        if not gps or 2 not in gps or 4 not in gps:
            return None
        lat, lng = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
        accuracy = float(gps[31]) if 31 in gps else None  # GPSHPositioningError, metres
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, ZeroDivisionError):
        return None
    finally:
        stream.seek(0)
    return position_from_form(str(lat), str(lng), str(accuracy) if accuracy is not None else "")


def to_gcj02(position: Position) -> tuple[float, float]:
    """(latitude, longitude) as 高德 and other Chinese maps draw them."""
    lng, lat = coordTransform.wgs84_to_gcj02(position.longitude, position.latitude)
    return lat, lng


def to_bd09(position: Position) -> tuple[float, float]:
    """(latitude, longitude) as 百度 draws them."""
    lng, lat = coordTransform.wgs84_to_bd09(position.longitude, position.latitude)
    return lat, lng


def map_links(position: Position, title: str) -> dict[str, str]:
    """Links that open the spot in the map apps people use in China, each in its own coordinates."""
    gcj_lat, gcj_lng = to_gcj02(position)
    bd_lat, bd_lng = to_bd09(position)
    amap = "https://uri.amap.com/marker?" + urlencode(
        {"position": f"{gcj_lng:.6f},{gcj_lat:.6f}", "name": title, "coordinate": "gaode", "callnative": "1"})
    baidu = "https://api.map.baidu.com/marker?" + urlencode(
        {"location": f"{bd_lat:.6f},{bd_lng:.6f}", "title": title, "content": title, "coord_type": "bd09ll",
         "output": "html", "src": "neighbors"})
    return {"amap": amap, "baidu": baidu}
