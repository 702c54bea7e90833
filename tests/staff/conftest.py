"""Two communities with their staff, an admin, and residents; the instant the staff story starts."""
from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from neighbors.clock import local_to_utc
from neighbors.models import Community, CommunityType, User
from tests.factories import make_community, make_user

# 09:00 in Xiamen on Monday 2 March 2026.
TODAY = date(2026, 3, 2)
NOW = local_to_utc(TODAY, time(9, 0))


@dataclass
class World:
    home: Community
    other: Community
    staff: User
    other_staff: User
    admin: User
    resident: User
    elder: User
    outsider: User  # a resident of the other community


@pytest.fixture
def world(app) -> World:
    home = make_community("镇海社区", "中华街道", CommunityType.OLD_TOWN)
    other = make_community("深田社区", "开元街道", CommunityType.NEW_TOWN)
    return World(
        home=home,
        other=other,
        staff=make_user(home, "staff", name="陈丽华"),
        other_staff=make_user(other, "staff", name="蔡慧敏", building="深田路8号"),
        admin=make_user(home, "admin", name="叶振国"),
        resident=make_user(home, name="王美玲", birth_date=date(1968, 11, 20)),
        elder=make_user(home, name="郑长华", phone=None, birth_date=date(1941, 3, 2), needs_care=True,
                        building="打铁巷3号", unit="101室"),
        outsider=make_user(other, name="吴玉兰", building="深田路8号"),
    )



@pytest.fixture
def clock_start() -> datetime:
    """The staff story starts at 09:00 on Monday 2 March 2026."""
    return NOW
