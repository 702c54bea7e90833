"""Two streets: 中华街道 (镇海社区, 中华社区) and 鹭江街道 (鹭江道社区), their staff and street officers."""
from datetime import date

import pytest

from neighbors.models import Role
from neighbors.registers import services
from tests.factories import make_community, make_user


@pytest.fixture
def community(app):
    return make_community("镇海社区", street="中华街道")


@pytest.fixture
def neighbour(app):
    """Another community of the same street."""
    return make_community("中华社区", street="中华街道")


@pytest.fixture
def far(app):
    """A community of another street."""
    return make_community("鹭江道社区", street="鹭江街道")


@pytest.fixture
def staff(community):
    return make_user(community, Role.STAFF, name="胡冬虹")


@pytest.fixture
def neighbour_staff(neighbour):
    return make_user(neighbour, Role.STAFF, name="林秀英")


@pytest.fixture
def far_staff(far):
    return make_user(far, Role.STAFF, name="蔡慧敏")


@pytest.fixture
def street_officer(neighbour, community):
    """中华街道's officer, whose account sits in one of the street's communities."""
    return make_user(neighbour, Role.STREET_STAFF, name="苏亨思")


@pytest.fixture
def far_officer(far):
    return make_user(far, Role.STREET_STAFF, name="占兆文")


@pytest.fixture
def admin(community):
    return make_user(community, Role.ADMIN, name="叶振国")


@pytest.fixture
def resident(community):
    return make_user(community, name="王大伟")


def meeting(day: date, body: str = "区民政局", minutes: int = 60, staff_count: int = 2, **more) -> services.Details:
    return services.Details(kind="meeting", day=day, body=body, minutes=minutes, staff_count=staff_count, **more)


def document(day: date, body: str = "区委办", pages: int = 4, has_form: bool = False, **more) -> services.Details:
    return services.Details(kind="document", day=day, body=body, pages=pages, has_form=has_form, **more)


def inspection(day: date, body: str = "区卫健局", items: int = 5, prep_minutes: int = 120, **more) -> services.Details:
    return services.Details(kind="inspection", day=day, body=body, items=items, prep_minutes=prep_minutes, **more)
