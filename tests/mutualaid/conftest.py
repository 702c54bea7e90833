"""People of 镇海社区 for the mutual-aid tests: staff, two verified volunteers, residents, an elder and her daughter."""
from datetime import date, datetime, time, timezone

import pytest

from neighbors.mutualaid import services
from tests.factories import link_carer, make_community, make_user


@pytest.fixture
def clock_start() -> datetime:
    """Monday 11 May 2026, 10:00 in Xiamen: the week the windows of these tests fall in."""
    return datetime(2026, 5, 11, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def community(app):
    return make_community("镇海社区")


@pytest.fixture
def other_community(app):
    return make_community("鹭江道社区", street="鹭江街道")


@pytest.fixture
def staff(community):
    return make_user(community, "staff", name="陈丽华")


@pytest.fixture
def skills(community, now):
    services.seed_skills(community.id, now)  # reading the list no longer stores it
    return {skill.name: skill for skill in services.skill_list(community.id, now)}


@pytest.fixture
def volunteer(community, skills, now):
    person = make_user(community, "volunteer", name="黄建国", party_member=True, verified=True,
                       birth_date=date(1965, 4, 1))
    services.save_profile(person, skill_ids=[skills["水电维修"].id], intro="退休电工",
                          windows=[(0, time(8), time(12)), (5, time(8), time(12))], now=now)
    return person


@pytest.fixture
def volunteer2(community, skills, now):
    person = make_user(community, "volunteer", name="杨志强", party_member=True, verified=True,
                       birth_date=date(1970, 6, 1))
    services.save_profile(person, skill_ids=[skills["水电维修"].id, skills["家电维修"].id], intro="",
                          windows=[(2, time(13), time(17))], now=now)
    return person


@pytest.fixture
def resident(community):
    return make_user(community, name="王淑芬", birth_date=date(1975, 3, 3))


@pytest.fixture
def elder(community):
    return make_user(community, name="郑长华", birth_date=date(1941, 3, 2), phone=None, password=None)


@pytest.fixture
def daughter(community, elder):
    person = make_user(community, name="王美玲", birth_date=date(1968, 11, 20))
    link_carer(person, elder)
    return person


def details(skill="水电维修", title="厨房水龙头漏水", **extra):
    return services.RequestDetails(skill=skill, title=title, description=extra.pop("description", "一直滴水"),
                                   address=extra.pop("address", "镇海路12号2单元301室"), **extra)


@pytest.fixture
def make_request(resident, now, skills):
    def make(actor=None, for_user=None, **extra):
        actor = actor or resident
        return services.create_request(actor, for_user.id if for_user else None, details(**extra), now)

    return make
