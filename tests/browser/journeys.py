"""People and places for the cross-cutting journeys (English, and without JavaScript).

Each builds what one journey needs through the modules' own services at the browser suite's `now`
(the real time: the live server reads the real clock), with the factories' people.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PIL import Image

from neighbors.clock import local_today
from neighbors.extensions import db
from neighbors.models import Community, User
from tests.browser.conftest import PageProblems
from tests.factories import PASSWORD, link_carer, make_building, make_community, make_user

def log_in(page, base_url: str, user: User) -> None:
    page.goto(base_url + "/auth/login")
    page.fill("input[name=phone]", user.phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def jpeg(folder: Path, name: str, colour=(150, 120, 90)) -> Path:
    path = folder / name
    Image.new("RGB", (320, 240), colour).save(path, format="JPEG")
    return path


class PlainBrowser:
    """Pages with JavaScript switched off, each watched for failed requests like the `server` fixture does."""

    def __init__(self, browser, context_args: dict):
        self.browser = browser
        self.context_args = context_args
        self.contexts = []
        self.watchers: list[PageProblems] = []

    def new_page(self):
        context = self.browser.new_context(**self.context_args, java_script_enabled=False)
        self.contexts.append(context)
        page = context.new_page()
        watcher = PageProblems()
        watcher.watch(page)
        self.watchers.append(watcher)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        errors = [e for w in self.watchers for e in w.console_errors]
        failures = [f for w in self.watchers for f in w.failed_requests]
        assert errors == [], errors
        assert failures == [], failures


def submit(page, selector: str) -> None:
    """Press a submit button of a plain form: the POST must answer 303 and the next page load."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click(selector)
    response = answer.value
    assert response.status == 303, f"{response.url} answered {response.status}"
    page.wait_for_load_state()


# --- the kitchen ---------------------------------------------------------------------------

@dataclass
class KitchenPlace:
    community: Community
    operator: User
    resident: User  # 84, lives in a building the kitchen delivers to
    mother: User  # 86, no phone; her daughter orders for her
    daughter: User
    kitchen_id: int
    meal_id: int  # tomorrow's lunch


def kitchen_place(now: datetime, capacity: int = 20) -> KitchenPlace:
    from neighbors.kitchen import services

    community = make_community("镇海社区")
    staff = make_user(community, "staff", name="陈丽华")
    operator = make_user(community, "kitchen", name="林阿水")
    building = make_building(community, "镇海路12号")
    kitchen = services.register_kitchen(staff, community.id, "镇海邻里厨房", "镇海路36号", "10:30-13:00", True,
                                        [building.id], [operator.id], now)
    today = local_today(now)
    resident = make_user(community, name="郑长华", birth_date=today.replace(year=today.year - 84))
    mother = make_user(community, name="林秀英", phone=None, password=None, birth_date=date(today.year - 86, 5, 1))
    daughter = make_user(community, name="王美玲", birth_date=date(1968, 11, 20), unit="3单元502室")
    link_carer(daughter, mother)
    meal = services.publish_meal(operator, kitchen.id, today + timedelta(days=1), "lunch", "卤肉", "清炒地瓜叶",
                                 "紫菜蛋花汤", capacity, now)
    db.session.commit()
    return KitchenPlace(community, operator, resident, mother, daughter, kitchen.id, meal.id)


# --- mutual aid ----------------------------------------------------------------------------

@dataclass
class AidPlace:
    community: Community
    volunteer: User  # verified plumber
    mother: User  # 85, no phone
    daughter: User


def aid_place(now: datetime) -> AidPlace:
    from neighbors.mutualaid import services

    community = make_community("镇海社区")
    volunteer = make_user(community, "volunteer", name="黄建国", party_member=True, verified=True,
                       birth_date=date(1965, 4, 1), building="镇海路8号", unit="1单元101室")
    services.save_profile(volunteer, skill_ids=["水电维修"], intro="退休电工",  # a skill by name or id
                          windows=[(day, time(8), time(18)) for day in range(7)], now=now)
    mother = make_user(community, name="郑长华", phone=None, password=None, birth_date=date(1941, 3, 2))
    daughter = make_user(community, name="王美玲", birth_date=date(1968, 11, 20))
    link_carer(daughter, mother)
    db.session.commit()
    return AidPlace(community, volunteer, mother, daughter)


# --- alleys --------------------------------------------------------------------------------

@dataclass
class AlleyPlace:
    community: Community
    patroller: User
    officer: User  # 城管, on duty for 打铁巷
    alley_id: int


def alley_place(now: datetime) -> AlleyPlace:
    from neighbors.alleys import services

    community = make_community("鹭江道社区", street="鹭江街道")
    staff = make_user(community, "staff", name="蔡慧敏")
    secretary = make_user(community, "patroller", name="苏明辉", party_member=True)
    patroller = make_user(community, "patroller", name="何春生", party_member=True)
    officer = make_user(community, "officer", name="许振华", department="城管")
    branch = services.save_branch(staff, community.id, "打铁巷小巷党支部", secretary.id, now=now)
    services.add_member(staff, branch.id, patroller.id, "patroller", now=now)
    services.add_member(staff, branch.id, officer.id, "officer", "城管", now=now)
    alley = services.save_alley(staff, community.id, "打铁巷", "百年小巷", "打铁巷口\n打铁巷12号", branch.id, now=now)
    for category in ("obstruction", "street_vending", "hazard", "facility", "sanitation", "other"):
        services.set_route(staff, alley.id, category, "城管", 30, 120, now=now)
    db.session.commit()
    return AlleyPlace(community, patroller, officer, alley.id)
