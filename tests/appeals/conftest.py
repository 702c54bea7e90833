"""镇海社区 with a staff member, a resident whose request staff hid, and a volunteer whose offer staff hid."""
from datetime import date, datetime, time, timezone

import pytest

from neighbors.mutualaid import services as aid
from tests.factories import make_community, make_user


@pytest.fixture
def clock_start() -> datetime:
    """Monday 11 May 2026, 10:00 in Xiamen."""
    return datetime(2026, 5, 11, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def community(app):
    return make_community("镇海社区")


@pytest.fixture
def staff(community):
    return make_user(community, "staff", name="陈丽华")


@pytest.fixture
def other_staff(app):
    return make_user(make_community("鹭江道社区", street="鹭江街道"), "staff", name="林志明")


@pytest.fixture
def resident(community):
    return make_user(community, name="王淑芬", birth_date=date(1975, 3, 3))


@pytest.fixture
def volunteer(community, now):
    person = make_user(community, "volunteer", name="黄建国", verified=True, birth_date=date(1965, 4, 1))
    aid.seed_skills(community.id, now)
    aid.save_profile(person, skill_ids=[s.id for s in aid.skill_list(community.id, now) if s.name == "水电维修"],
                     intro="退休电工", windows=[(day, time(8), time(20)) for day in range(7)], now=now)
    return person


def ask(resident, now, title="厨房水龙头漏水"):
    return aid.create_request(resident, None, aid.RequestDetails(skill="水电维修", title=title, description="一直滴水",
                                                                 address="镇海路12号2单元301室"), now)


@pytest.fixture
def hidden_request(community, staff, resident, volunteer, now):
    request = ask(resident, now)
    return aid.hide_request(staff, request.id, "含有电话号码广告", now)


@pytest.fixture
def hidden_offer(community, staff, volunteer, now):
    offer = aid.create_offer(volunteer, "水电维修", "周六上午义务修水管", "", now)
    return aid.hide_offer(staff, offer.id, "与互助无关", now)
