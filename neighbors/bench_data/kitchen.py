"""The kitchen's records: a year of meals and orders with `sold` equal to the live orders, one subsidised order
per resident a day, each order's history, welfare checks and feedback."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..clock import age_on
from .people import CommunityPeople, Person
from .scale import MEATS, NOTES, SOUPS, VEGETABLES

PRICE_FEN = 1200


@dataclass
class MealRun:
    """What the orders of one community's meals share while they are drawn."""

    people: CommunityPeople
    kitchen_id: int
    subsidised: set[tuple[int, date]] = field(default_factory=set)  # (resident, day) with a subsidy already


class KitchenRows:
    def kitchen(self, people: CommunityPeople) -> None:
        community_id = people.community_id
        kitchen_id = self.ids("kitchen_kitchens")
        self.out.add("kitchen_kitchens", id=kitchen_id, community_id=community_id, name="邻里厨房",
                     address=people.staff.address, opening_hours="10:30–13:00, 16:30–18:30", delivers=True,
                     suspended_at=None, suspended_reason="", created_at=self.now - timedelta(days=400))
        for operator in people.operators:
            self.out.add("kitchen_operators", id=self.ids("kitchen_operators"), community_id=community_id,
                         kitchen_id=kitchen_id, user_id=operator.id)
        meals = self.meal_slots()
        target = self.scale.per_community(self.scale.orders)
        run = MealRun(people, kitchen_id)
        placed = 0
        for position, (day, slot) in enumerate(meals):
            eaters = self.eaters(people, day, target - placed, len(meals) - position, last=position == len(meals) - 1)
            placed += len(eaters)
            self.meal(run, day, slot, eaters)
        for elder in self.random.sample(people.diners, max(1, len(people.diners) // 50)):
            self.out.add("kitchen_standing_orders", id=self.ids("kitchen_standing_orders"), community_id=community_id,
                         kitchen_id=kitchen_id, resident_id=elder.id, created_by_id=people.staff.id,
                         weekdays="01234", slot="lunch", fulfilment="delivery", quantity=1, address=elder.address,
                         note="软烂", created_at=self.now - timedelta(days=90), ended_at=None)

    def meal_slots(self) -> list[tuple[date, str]]:
        """Lunch every day and dinner except on Sundays, from a year ago to a week ahead."""
        meals = []
        day = self.first_day
        while day < self.today + timedelta(days=7):
            for slot in ("lunch", "dinner"):
                if slot == "dinner" and day.weekday() == 6:
                    continue
                meals.append((day, slot))
            day += timedelta(days=1)
        return meals

    def eaters(self, people: CommunityPeople, day: date, left_to_place: int, meals_left: int,
               last: bool) -> list[Person]:
        """Who orders this meal: the orders still to place spread over the meals left, the bench resident
        on most weekdays of the past and on half the coming meals."""
        diners = people.diners
        bench_resident = people.bench.get("resident")
        count = min(len(diners), round(left_to_place / meals_left * self.random.uniform(0.7, 1.3)))
        if last:
            count = min(len(diners), left_to_place)
        count = max(0, count)
        upcoming = day >= self.today
        eaters = self.random.sample(diners, count)
        if bench_resident and upcoming and bench_resident not in eaters and self.random.random() < 0.5:
            eaters.append(bench_resident)
        elif bench_resident and not upcoming and bench_resident not in eaters and day.weekday() < 5:
            eaters.append(bench_resident)
        return eaters

    def meal(self, run: MealRun, day: date, slot: str, eaters: list[Person]) -> None:
        people = run.people
        meal_id = self.ids("kitchen_meals")
        deadline = self.local(day, 10 if slot == "lunch" else 16)
        upcoming = day >= self.today
        sold = 0
        orders = []
        for eater in eaters:
            order = self.order(run, meal_id, day, slot, deadline, eater)
            if order["status"] != "cancelled":
                sold += order["quantity"]
            orders.append(order)
        capacity = max(30, sold + self.random.randint(0, 12))
        if upcoming:
            capacity = max(capacity, sold + 40)
        self.out.add("kitchen_meals", id=meal_id, community_id=people.community_id, kitchen_id=run.kitchen_id,
                     served_on=day, slot=slot, meat=self.random.choice(MEATS),
                     vegetable=self.random.choice(VEGETABLES), soup=self.random.choice(SOUPS), capacity=capacity,
                     sold=sold, price_fen=PRICE_FEN, order_deadline=deadline, closed_at=None, cancelled_at=None,
                     cancel_reason="", published_by_id=people.operators[0].id,
                     created_at=deadline - timedelta(days=6))
        for order in orders:
            self.out.add("kitchen_orders", **order)

    def order(self, run: MealRun, meal_id: int, day: date, slot: str, deadline, eater: Person) -> dict:
        """One order (returned, written after its meal) and its history, welfare check and feedback (written)."""
        quantity = self.random.choices((1, 2, 3), (90, 8, 2))[0]
        fulfilment = self.random.choices(("dine_in", "pickup", "delivery"), (35, 25, 40))[0]
        created = deadline - timedelta(minutes=self.random.randint(20, 60 * 48))
        subsidy, rule = self.subsidy(run, eater, day)
        path = self.order_path(day, deadline, created, fulfilment)
        if path[-1] != "cancelled" and subsidy:
            run.subsidised.add((eater.id, day))
        order_id = self.ids("kitchen_orders")
        served_at = self.local(day, 11 if slot == "lunch" else 17, self.random.randint(0, 59))
        handed = path[-1] in ("delivered", "picked_up")
        order = dict(
            id=order_id, community_id=run.people.community_id, meal_id=meal_id, kitchen_id=run.kitchen_id,
            served_on=day, resident_id=eater.id, placed_by_id=eater.id, standing_order_id=None, quantity=quantity,
            fulfilment=fulfilment, address=eater.address if fulfilment == "delivery" else "",
            note=self.random.choice(NOTES), status=path[-1], price_fen=PRICE_FEN, subsidy_fen=subsidy,
            due_fen=PRICE_FEN * quantity - subsidy, subsidy_rule=rule,
            payment_method=self.random.choice(("cash", "wechat", "alipay")) if handed else None,
            paid_at=served_at if handed else None, submission_key=self.hex_key(), created_at=created,
            cancelled_at=created + timedelta(minutes=10) if path[-1] == "cancelled" else None,
            cancelled_by_id=eater.id if path[-1] == "cancelled" else None)
        self.order_events(run, order_id, eater, path, created, served_at)
        self.order_aftermath(run, order_id, eater, path[-1], served_at, handed)
        return order

    def subsidy(self, run: MealRun, eater: Person, day: date) -> tuple[int, dict]:
        """Xiamen's rule: 3 yuan off one meal a day for a resident of 65 or more."""
        age = age_on(eater.birth_date, day)
        if age is not None and age >= 65 and (eater.id, day) not in run.subsidised:
            return 300, {"policy": "xiamen", "age": age, "price_fen": PRICE_FEN, "min_meal_fen": 1000,
                         "reason": "age_65", "subsidy_fen": 300}
        reason = "under_age" if age is None or age < 65 else "already_today"
        return 0, {"policy": "xiamen", "age": age, "price_fen": PRICE_FEN, "min_meal_fen": 1000, "reason": reason}

    def order_path(self, day: date, deadline, created, fulfilment: str) -> list[str]:
        """The statuses an order went through: the whole way for a past meal, only the start for a coming one."""
        cancelled = self.random.random() < 0.04 and created < self.now
        if day < self.today:
            if cancelled:
                return ["placed", "cancelled"]
            if fulfilment == "delivery":
                return ["placed", "cooking", "out_for_delivery",
                        "no_answer" if self.random.random() < 0.004 else "delivered"]
            return ["placed", "cooking", "no_show" if self.random.random() < 0.03 else "picked_up"]
        if day == self.today and self.now > deadline:
            return ["placed", "cooking"]
        return ["placed"]

    def order_events(self, run: MealRun, order_id: int, eater: Person, path: list[str], created, served_at) -> None:
        steps = [created] + [served_at - timedelta(minutes=40 - 10 * n) for n in range(len(path) - 1)]
        if path[-1] == "cancelled":
            steps = [created, created + timedelta(minutes=10)]
        for n, status in enumerate(path):
            self.out.add("kitchen_order_events", id=self.ids("kitchen_order_events"),
                         community_id=run.people.community_id, order_id=order_id,
                         from_status=path[n - 1] if n else None, to_status=status,
                         actor_id=eater.id if n == 0 or status == "cancelled" else run.people.operators[0].id,
                         at=steps[n])

    def order_aftermath(self, run: MealRun, order_id: int, eater: Person, status: str, served_at,
                        handed: bool) -> None:
        """A welfare check for a delivery nobody answered; feedback on one handed-over order in twelve."""
        people = run.people
        if status == "no_answer":
            self.out.add("kitchen_welfare_checks", id=self.ids("kitchen_welfare_checks"),
                         community_id=people.community_id, order_id=order_id, resident_id=eater.id,
                         raised_by_id=people.operators[0].id, raised_at=served_at,
                         resolved_at=served_at + timedelta(minutes=35), resolved_by_id=people.staff.id,
                         how="phoned", note="女儿接了电话，老人去医院复查")
        if handed and self.random.random() < 0.08:
            rating = self.random.choices((1, 2, 3, 4, 5), (2, 3, 10, 35, 50))[0]
            self.out.add("kitchen_feedback", id=self.ids("kitchen_feedback"), community_id=people.community_id,
                         kitchen_id=run.kitchen_id, order_id=order_id, resident_id=eater.id, rating=rating,
                         comment=self.random.choice(["", "很好吃", "有点咸", "菜量刚好", "汤很鲜"]),
                         created_at=served_at + timedelta(hours=3), hidden_at=None, hidden_by_id=None,
                         acknowledged_at=served_at + timedelta(days=1) if rating <= 2 else None,
                         acknowledged_by_id=people.staff.id if rating <= 2 else None)
