"""Kitchen test helpers: a community with a kitchen, its operator, staff and residents."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from neighbors.clock import local_to_utc, local_today
from neighbors.extensions import db
from neighbors.kitchen import services
from neighbors.kitchen.models import Kitchen, Meal, MealOrder
from neighbors.models import Community, User
from tests.factories import make_building, make_community, make_user

# 08:00 in Xiamen on Monday 2 March 2026: before every default lunch deadline that day.
NOW = local_to_utc(date(2026, 3, 2), time(8, 0))
TODAY = date(2026, 3, 2)


def born(age: int, on: date = TODAY) -> date:
    """A birth date that makes someone exactly `age` on `on`."""
    return on.replace(year=on.year - age)


@dataclass
class Place:
    community: Community
    staff: User
    operator: User
    kitchen: Kitchen


def make_place(name: str = "镇海社区", delivers: bool = True) -> Place:
    community = make_community(name)
    staff = make_user(community, "staff", name="陈丽华")
    operator = make_user(community, "kitchen", name="林阿水")
    building = make_building(community, "镇海路12号")
    make_building(community, "镇海路8号")
    kitchen = services.register_kitchen(staff, community.id, "镇海邻里厨房", "镇海路36号", "10:30-13:00",
                                        delivers, [building.id] if delivers else [], [operator.id], NOW)
    return Place(community, staff, operator, kitchen)


def publish(place: Place, day: date = TODAY, slot: str = "lunch", capacity: int = 30, price_fen=None,
            deadline: datetime | None = None, now: datetime = NOW) -> Meal:
    return services.publish_meal(place.operator, place.kitchen.id, day, slot, "卤肉", "清炒地瓜叶", "紫菜蛋花汤",
                                 capacity, now, order_deadline=deadline, price_fen=price_fen)


_keys = iter(range(10**6))


def key() -> str:
    return f"{next(_keys):032x}"


def order(actor: User, meal: Meal, for_user: User | None = None, quantity: int = 1, fulfilment: str = "dine_in",
          note: str = "", address: str = "", now: datetime = NOW, submission_key: str | None = None):
    return services.place_order(actor, meal.id, for_user or actor, quantity, fulfilment, address, note,
                                submission_key or key(), now)


def later(minutes: int = 0, days: int = 0) -> datetime:
    return NOW + timedelta(minutes=minutes, days=days)


UTC = timezone.utc


def served_yesterday(meal: Meal) -> date:
    """Time passes for tests on the real clock (views, browser): the meal and its orders were yesterday's, so they
    can be handed over or marked missed now. Returns that day."""
    day = local_today() - timedelta(days=1)
    db.session.execute(sa.update(Meal).where(Meal.id == meal.id)
                       .values(served_on=day, order_deadline=local_to_utc(day, time(10, 0))))
    db.session.execute(sa.update(MealOrder).where(MealOrder.meal_id == meal.id).values(served_on=day))
    db.session.commit()
    return day
