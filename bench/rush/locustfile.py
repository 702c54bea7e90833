"""The lunch rush through the whole stack (nginx, two app servers, PgBouncer), run by `make rush` (bench/rush/run.py).

Each virtual person logs in once (as on a phone that stays logged in; the login is not part of the figures),
then repeats one visit of their kind with a few seconds of thought between pages. Who they are and which meals
they see comes from RUSH_PEOPLE (a JSON file the runner writes from the district data); the orders the app
acknowledged (303) go to RUSH_ACKS when the run ends, for the runner to find in the database.
"""
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

PEOPLE = json.loads(open(os.environ["RUSH_PEOPLE"], encoding="utf-8").read()) if "RUSH_PEOPLE" in os.environ else {}
PASSWORD = PEOPLE.get("password", "")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ORDER_PAGE = re.compile(r"/kitchen/orders/(\d+)$")
# an order row's button that moves it on without handing it over: (order id, the status it leads to)
ADVANCE = re.compile(r'orders/(\d+)/status"[^<]*>\s*<input[^>]*>\s*<input type="hidden" name="to_status" '
                     r'value="(cooking|out_for_delivery)"')
ACKNOWLEDGED: list[dict] = []
# Answers that are the app doing its job, not failing: the kitchen's other operator moved the order first (409).
EXPECTED = {"advance order": {200, 303, 409}}


@events.test_stop.add_listener
def keep_acknowledged(**_kwargs):
    if "RUSH_ACKS" in os.environ:
        with open(os.environ["RUSH_ACKS"], "a", encoding="utf-8") as out:
            for ack in ACKNOWLEDGED:
                out.write(json.dumps(ack) + "\n")


class Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(float(os.environ.get("RUSH_THINK_MIN", "1")), float(os.environ.get("RUSH_THINK_MAX", "3")))

    def on_start(self):
        self.client.verify = os.environ.get("RUSH_CACERT", True)
        self.client.trust_env = False
        self.client.headers["Referer"] = self.host + "/"
        self.me = random.choice(PEOPLE[self.kind])
        token = self.token("/auth/login", "login page")
        with self.client.post("/auth/login", data={"phone": self.me["phone"], "password": PASSWORD,
                                                   "csrf_token": token},
                              name="login", allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 303:
                answer.failure(f"login {self.me['phone']}: {answer.status_code}")

    def page(self, path: str, name: str, **kwargs):
        expected = EXPECTED.get(name, {200})
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True, **kwargs) as answer:
            if answer.status_code in expected:
                answer.success()
            else:
                answer.failure(f"{answer.status_code}")
            return answer

    def token(self, path: str, name: str) -> str:
        found = TOKEN.search(self.page(path, name).text or "")
        return found.group(1) if found else ""

    def post(self, path: str, name: str, data: dict, expected=(303,), **kwargs):
        with self.client.post(path, name=name, data=data, allow_redirects=False, catch_response=True,
                              **kwargs) as answer:
            if answer.status_code in expected or answer.status_code in EXPECTED.get(name, ()):
                answer.success()
            else:
                answer.failure(f"{answer.status_code}")
            return answer

    def order(self, meal_id: int, for_user: int, query: str = ""):
        """The meal page, then its form posted: one portion; the order page the answer leads to."""
        token = self.token(f"/kitchen/meals/{meal_id}{query}", "meal page")
        key = uuid.uuid4().hex
        answer = self.post(f"/kitchen/meals/{meal_id}/order", "place order",
                           {"csrf_token": token, "submission_key": key, "quantity": "1",
                            "fulfilment": random.choice(["dine_in", "pickup", "delivery"]),
                            "address": "镇海路12号2单元301室", "note": "", "for_user": str(for_user), "also": "1"})
        placed = ORDER_PAGE.search(answer.headers.get("Location", "")) if answer.status_code == 303 else None
        if placed is None:
            return None
        ACKNOWLEDGED.append({"key": key, "order_id": int(placed.group(1)), "meal_id": meal_id,
                             "community_id": self.me["community_id"]})
        self.page(f"/kitchen/orders/{placed.group(1)}", "order page")
        return int(placed.group(1))


class Resident(Person):
    """An elder ordering lunch: the menu, a meal, the order; one in ten comes back to cancel it."""
    kind = "residents"
    weight = int(os.environ.get("RUSH_WEIGHT_RESIDENT", "60"))

    @task
    def lunch(self):
        self.page("/kitchen/", "kitchen menu")
        order_id = self.order(random.choice(self.me["meals"]), self.me["id"])
        self.page("/notifications/bell", "bell", headers={"HX-Request": "true"})
        self.page("/kitchen/orders/", "my orders")
        if order_id and random.random() < 0.1:
            token = self.token(f"/kitchen/orders/{order_id}", "order page")
            self.post(f"/kitchen/orders/{order_id}/cancel", "cancel order", {"csrf_token": token})


class Carer(Person):
    """A daughter ordering for her mother (a carer link of the district data)."""
    kind = "carers"
    weight = int(os.environ.get("RUSH_WEIGHT_CARER", "12"))

    @task
    def lunch_for_mother(self):
        mother = self.me["for_user"]
        self.page(f"/kitchen/?for_user={mother}", "kitchen menu")
        self.order(random.choice(self.me["meals"]), mother, query=f"?for_user={mother}")
        self.page("/kitchen/orders/", "my orders")


class KitchenOperator(Person):
    """An operator working through the day's list: the kitchen's page, a meal's orders, tap an order onwards."""
    kind = "operators"
    weight = int(os.environ.get("RUSH_WEIGHT_OPERATOR", "10"))

    @task
    def work_the_list(self):
        self.page("/kitchen/manage/", "kitchen manage")
        meal_id = random.choice(self.me["meals"])
        listing = self.page(f"/kitchen/manage/meals/{meal_id}", "meal orders").text or ""
        token = TOKEN.search(listing)
        movable = ADVANCE.findall(listing)
        if token and movable:
            order_id, step = random.choice(movable)
            self.post(f"/kitchen/manage/orders/{order_id}/status", "advance order",
                      {"csrf_token": token.group(1), "to_status": step}, expected=(200, 303),
                      headers={"HX-Request": "true"})


class Volunteer(Person):
    """A volunteer looking at the aid board and a request on it."""
    kind = "volunteers"
    weight = int(os.environ.get("RUSH_WEIGHT_VOLUNTEER", "10"))

    @task
    def board(self):
        self.page("/aid/", "aid board")
        if self.me.get("requests"):
            self.page(f"/aid/requests/{random.choice(self.me['requests'])}", "request page")


class Staff(Person):
    """Community staff on the work queue (it polls its status line) and, now and then, the monthly report."""
    kind = "staff"
    weight = int(os.environ.get("RUSH_WEIGHT_STAFF", "5"))

    @task(6)
    def queue(self):
        self.page("/staff/", "work queue")
        self.page("/staff/?part=status", "work queue status", headers={"HX-Request": "true"})

    @task(1)
    def report(self):
        self.page(f"/staff/reports/monthly?community={self.me['community_id']}&month={PEOPLE['month']}",
                  "monthly report")


class Patroller(Person):
    """A patroller checking the shift list before the evening round."""
    kind = "patrollers"
    weight = int(os.environ.get("RUSH_WEIGHT_PATROLLER", "3"))

    @task
    def shifts(self):
        self.page("/alleys/shifts", "shift list")
