"""The kitchen's story starts at 08:00 in Xiamen on Monday 2 March 2026 (before that day's lunch deadline)."""
from datetime import timedelta

import pytest

from neighbors.clock import local_today, utcnow
from neighbors.kitchen import services
from tests.factories import make_building, make_community, make_user
from tests.kitchen.helpers import NOW


@pytest.fixture
def clock_start():
    return NOW


@pytest.fixture
def place(app):
    """A kitchen with tomorrow's lunch, on the real clock (the views read it): for the HTTP tests."""
    community = make_community("镇海社区")
    staff = make_user(community, "staff", name="陈丽华")
    operator = make_user(community, "kitchen", name="林阿水")
    building = make_building(community, "镇海路12号")
    kitchen = services.register_kitchen(staff, community.id, "镇海邻里厨房", "镇海路36号", "10:30-13:00", True,
                                        [building.id], [operator.id], utcnow())
    tomorrow = local_today() + timedelta(days=1)
    meal = services.publish_meal(operator, kitchen.id, tomorrow, "lunch", "卤肉", "清炒地瓜叶", "紫菜蛋花汤", 10,
                                 utcnow())
    return {"community": community, "staff": staff, "operator": operator, "kitchen": kitchen, "meal": meal,
            "day": tomorrow}
