"""A small 鹭江道社区 with an alley, its branch, members of every kind, and photos to upload."""
from dataclasses import dataclass
from datetime import datetime, time, timezone
from io import BytesIO

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from neighbors.alleys import services
from neighbors.alleys.models import Alley, AlleyBranch, MemberKind
from neighbors.models import Community, User
from tests.factories import make_community, make_user

# Monday 7 December 2026, 06:00 in Xiamen.
MONDAY_6AM = datetime(2026, 12, 6, 22, 0, tzinfo=timezone.utc)

ROUTES = {"obstruction": "城管", "street_vending": "城管", "sanitation": "环卫", "hazard": "城管", "facility": "城管"}


@dataclass
class Place:
    community: Community
    staff: User
    secretary: User
    patroller: User
    patroller2: User
    officer: User
    sanitation_officer: User
    resident: User
    branch: AlleyBranch
    alley: Alley
    other_alley: Alley


def jpeg_bytes(size=(64, 48), colour=(200, 60, 40), exif=None) -> bytes:
    buffer = BytesIO()
    image = Image.new("RGB", size, colour)
    if exif is not None:
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def photo(data: bytes | None = None, name: str = "photo.jpg", content_type: str = "image/jpeg") -> FileStorage:
    return FileStorage(stream=BytesIO(data if data is not None else jpeg_bytes()), filename=name,
                       content_type=content_type)


def uploaded_files(upload_dir) -> set[str]:
    return {str(p.relative_to(upload_dir)) for p in upload_dir.rglob("*") if p.is_file()}


@pytest.fixture
def clock_start() -> datetime:
    """The alleys' story starts on a Monday at 06:00, before the first 07:00 patrol."""
    return MONDAY_6AM


@pytest.fixture
def place(app) -> Place:
    community = make_community("鹭江道社区", street="鹭江街道")
    staff = make_user(community, "staff", name="蔡慧敏")
    secretary = make_user(community, "patroller", name="苏明辉", party_member=True)
    patroller = make_user(community, "patroller", name="何春生", party_member=True)
    patroller2 = make_user(community, "volunteer", name="黄丽华", party_member=True, verified=True)
    officer = make_user(community, "officer", name="许振华", department="城管")
    sanitation_officer = make_user(community, "officer", name="林清泉", department="环卫")
    resident = make_user(community, name="吴玉兰")
    branch = services.save_branch(staff, community.id, "打铁巷小巷党支部", secretary.id, now=MONDAY_6AM)
    services.add_member(staff, branch.id, patroller.id, MemberKind.PATROLLER, now=MONDAY_6AM)
    services.add_member(staff, branch.id, officer.id, MemberKind.OFFICER, "城管", now=MONDAY_6AM)
    alley = services.save_alley(staff, community.id, "打铁巷", "百年小巷", "打铁巷口\n打铁巷12号", branch.id, now=MONDAY_6AM)
    other = services.save_alley(staff, community.id, "升平路小巷", "", "", branch.id, now=MONDAY_6AM)
    for category, department in ROUTES.items():
        services.set_route(staff, alley.id, category, department, 30, 120, now=MONDAY_6AM)
    return Place(community, staff, secretary, patroller, patroller2, officer, sanitation_officer, resident, branch,
                 alley, other)


def weekday_rule(place: Place, now=MONDAY_6AM, needs=None, weekdays="01234", starts=time(7, 0), ends=time(8, 0)):
    return services.save_rule(place.secretary, place.alley.id, weekdays, starts, ends,
                              needs or {"volunteer": 2, "城管": 1}, now=now)
