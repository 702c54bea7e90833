"""深田-style grids of 镇海社区 for the 千户访 tests: staff, two grids each with its grid worker, households."""
from datetime import date, datetime, timezone

import pytest

from neighbors.extensions import db
from neighbors.models import User
from neighbors.visits import services
from neighbors.visits.models import Household, HouseholdMember, HouseholdTag, address_sort_key
from tests.factories import make_community, make_user


@pytest.fixture
def clock_start() -> datetime:
    """Monday 11 May 2026, 10:00 in Xiamen."""
    return datetime(2026, 5, 11, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def community(app):
    return make_community("镇海社区")


@pytest.fixture
def other_community(app):
    return make_community("鹭江道社区", street="鹭江街道")


@pytest.fixture
def staff(community):
    return make_user(community, "staff", name="胡冬虹")


@pytest.fixture
def grid_a(staff, now):
    return services.create_grid(staff, "第一网格", now)


@pytest.fixture
def grid_b(staff, now):
    return services.create_grid(staff, "第二网格", now)


@pytest.fixture
def worker(community, staff, grid_a, now):
    person = make_user(community, name="陈芳芳", phone="13900000013")
    services.add_worker(staff, grid_a.id, person.phone, now)
    return db.session.get(User, person.id)


@pytest.fixture
def worker_b(community, staff, grid_b, now):
    person = make_user(community, name="林秀英", phone="13900000031")
    services.add_worker(staff, grid_b.id, person.phone, now)
    return db.session.get(User, person.id)


@pytest.fixture
def resident(community):
    return make_user(community, name="王大伟")


def make_household(grid, building="图强路6号", unit="2梯", room="103", people=(), tags=()) -> Household:
    """A household with its members: `people` as (name, birth date) pairs; the first is the contact."""
    household = Household(community_id=grid.community_id, grid_id=grid.id, building=building, unit=unit, room=room,
                          sort_key=address_sort_key(building, unit, room))
    db.session.add(household)
    db.session.flush()
    for name, born in people:
        person = User(community_id=grid.community_id, name=name, birth_date=born)
        db.session.add(person)
        db.session.flush()
        household.members.append(HouseholdMember(community_id=grid.community_id, user_id=person.id, user=person))
        household.contact_id = household.contact_id or person.id
    for tag in tags:
        household.tag_rows.append(HouseholdTag(community_id=grid.community_id, tag=tag))
    db.session.commit()
    return household


@pytest.fixture
def elder_home(grid_a):
    """陈玉钗, 85, living alone at 图强路6号2梯103."""
    return make_household(grid_a, people=[("陈玉钗", date(1941, 3, 2))], tags=["alone"])


@pytest.fixture
def family_home(grid_a):
    return make_household(grid_a, room="1103", people=[("黄光贤", date(1980, 1, 1)), ("黄小明", date(2012, 6, 1))])


@pytest.fixture
def other_grid_home(grid_b):
    return make_household(grid_b, building="图强路8号", unit="1梯", room="201", people=[("李阿婆", date(1950, 2, 2))])
