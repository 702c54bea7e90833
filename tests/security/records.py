"""Records the authorization matrix opens by id, one builder per kind.

A builder takes the `World` and "here" or "other" and returns a committed record of that
community (owned by `world.user("resident", where)` when it has an owner). Module routes
with an id in their rule name the kind they need in `CALLS` of `test_authorization.py`:

    @builder("meal")
    def meal(world, where):
        return kitchen_services.publish_meal(..., community_id=world.community(where).id, ...)
"""
from collections.abc import Callable
from typing import Any

BUILDERS: dict[str, Callable[[Any, str], Any]] = {}


def builder(kind: str):
    def register(fn):
        if kind in BUILDERS:
            raise ValueError(f"two builders for {kind!r}")
        BUILDERS[kind] = fn
        return fn

    return register


# --- helpers --------------------------------------------------------------------------------

import itertools as _itertools
import uuid as _uuid
from datetime import datetime as _datetime, time as _time, timedelta as _timedelta
from io import BytesIO as _BytesIO

_counter = _itertools.count(1)


def jpeg_bytes(colour=(90, 140, 60)) -> bytes:
    from PIL import Image

    buffer = _BytesIO()
    Image.new("RGB", (48, 36), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_file(name: str = "photo.jpg"):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=_BytesIO(jpeg_bytes()), filename=name, content_type="image/jpeg")


def _now() -> _datetime:
    from neighbors.clock import utcnow

    return utcnow()


def _tomorrow():
    from neighbors.clock import local_today

    return local_today() + _timedelta(days=1)


# --- kitchen --------------------------------------------------------------------------------

@builder("kitchen")
def kitchen(world, where):
    """镇海邻里厨房 of the community, run by the `kitchen` column's person, delivering to its building."""
    from neighbors.kitchen import services

    resident = world.user("resident", where)
    return services.register_kitchen(world.user("staff", where), world.community(where).id,
                                     f"邻里厨房{where}", "镇海路36号", "10:30-13:00", True, [resident.building_id],
                                     [world.user("kitchen", where).id], _now())


@builder("spare_kitchen")
def spare_kitchen(world, where):
    """A second kitchen (to suspend and resume without stopping the first one's meals)."""
    from neighbors.kitchen import services

    return services.register_kitchen(world.user("staff", where), world.community(where).id,
                                     f"小食堂{where}", "镇海路40号", "11:00-13:00", False, [],
                                     [world.user("kitchen", where).id], _now())


def _publish(world, where, day, slot, capacity=30):
    from neighbors.kitchen import services

    return services.publish_meal(world.user("kitchen", where), world.record("kitchen", where).id, day, slot,
                                 "卤肉", "清炒地瓜叶", "紫菜蛋花汤", capacity, _now())


@builder("meal")
def meal(world, where):
    return _publish(world, where, _tomorrow(), "lunch")


@builder("meal2")
def meal2(world, where):
    return _publish(world, where, _tomorrow(), "dinner")


@builder("meal_close")
def meal_close(world, where):
    return _publish(world, where, _tomorrow() + _timedelta(days=1), "lunch")


@builder("meal_cancel")
def meal_cancel(world, where):
    meal = _publish(world, where, _tomorrow() + _timedelta(days=1), "dinner")
    _order(world, where, meal)
    return meal


def _order(world, where, meal, fulfilment="delivery"):
    """The carer orders a delivered meal for the elder she looks after."""
    from neighbors.kitchen import services

    elder = world.user("elder", where)
    return services.place_order(world.user("carer", where), meal.id, elder, 1, fulfilment, elder.address, "少盐",
                                _uuid.uuid4().hex, _now(), also=True)  # the matrix orders one meal several times


def _order_kind(name: str, status: str | None = None, meal_kind: str = "meal"):
    @builder(name)
    def build(world, where):
        from neighbors.kitchen import services

        meal = world.record(meal_kind, where)
        order = _order(world, where, meal)
        operator = world.user("kitchen", where)
        served = max(_now(), meal.serving_from)  # an order is handed over once its meal is served
        path = {"delivered": ["cooking", "out_for_delivery", "delivered"],
                "no_answer": ["cooking", "out_for_delivery", "no_answer"]}.get(status, [])
        for step in path:
            order = services.advance_order(operator, order.id, step, served,
                                           payment_method="cash" if step == "delivered" else None)
        return order

    return build


_order_kind("order")
_order_kind("order_cancel")
_order_kind("order_advance", meal_kind="meal2")
_order_kind("order_delivered", "delivered", meal_kind="meal2")
_order_kind("order_no_answer", "no_answer", meal_kind="meal2")
_order_kind("order_rated", "delivered", meal_kind="meal2")


@builder("welfare")
def welfare(world, where):
    from neighbors.kitchen.models import WelfareCheck
    from neighbors.extensions import db
    import sqlalchemy as sa

    order = world.record("order_no_answer", where)
    return db.session.scalar(sa.select(WelfareCheck).where(WelfareCheck.order_id == order.id))


@builder("feedback")
def feedback(world, where):
    from neighbors.kitchen import services

    order = world.record("order_rated", where)
    return services.leave_feedback(world.user("carer", where), order.id, 2, "饭有点凉", _now())


@builder("standing")
def standing(world, where):
    from neighbors.kitchen import services

    elder = world.user("elder", where)
    return services.create_standing_order(world.user("carer", where), elder, world.record("kitchen", where).id,
                                          ["0", "1", "2", "3", "4"], "lunch", "delivery", 1, elder.address, "软烂",
                                          _now())


@builder("tier")
def tier(world, where):
    from neighbors.kitchen import services

    return services.add_tier(world.user("staff", where), world.community(where).id, "八十岁以上", "", 80, None, 500,
                             _now())


# --- mutual aid -----------------------------------------------------------------------------

def _skill_id(world, where, name="水电维修") -> str:
    """The form value of a skill of the community."""
    from neighbors.mutualaid import services

    skills = services.skill_list(world.community(where).id, _now())
    return services.skill_key(next(s for s in skills if s.name == name))  # a name until the list is stored


def _help(world, where, with_photo=False):
    """The resident asks for a plumber (her own request, her home address)."""
    from neighbors.mutualaid import services

    resident = world.user("resident", where)
    details = services.RequestDetails(skill=_skill_id(world, where), title="厨房水龙头漏水", description="一直滴水",
                                      address=resident.address)
    return services.create_request(resident, str(resident.id), details, _now(),
                                   photo=photo_file() if with_photo else None)


def _help_kind(name: str, steps=(), with_photo=False):
    @builder(name)
    def build(world, where):
        from neighbors.mutualaid import services

        request = _help(world, where, with_photo)
        volunteer = world.user("volunteer+", where)
        resident = world.user("resident", where)
        for step in steps:
            if step == "accept":
                request = services.accept(volunteer, request.id, _now())
            elif step == "done":
                request = services.report_done(volunteer, request.id, 90, _now())
            elif step == "dispute":
                request = services.dispute(resident, request.id, "只修了一半", _now())
            elif step == "invite":
                request = services.invite(resident, request.id, str(volunteer.id), _now())
        return request

    return build


_help_kind("help", with_photo=True)
for _name in ("help_accept", "help_cancel", "help_invite", "help_hide"):
    _help_kind(_name)
_help_kind("help_invited", ["invite"])
for _name in ("help_accepted", "help_decline", "help_no_show"):
    _help_kind(_name, ["accept"])
_help_kind("help_done", ["accept", "done"])
_help_kind("help_dispute", ["accept", "done"])
_help_kind("help_disputed", ["accept", "done", "dispute"])


@builder("help_hidden")
def help_hidden(world, where):
    """The resident's request that staff hid; she may appeal."""
    from neighbors.mutualaid import services

    request = _help(world, where)
    return services.hide_request(world.user("staff", where), request.id, "广告", _now())


@builder("appeal")
def appeal(world, where):
    """The resident's open appeal against another of her requests that staff hid."""
    from neighbors import appeals
    from neighbors.mutualaid import services

    request = _help(world, where)
    services.hide_request(world.user("staff", where), request.id, "广告", _now())
    return appeals.file_appeal(world.user("resident", where), "mutualaid.request", request.id, "那是我家的电话", _now())


@builder("volunteer_profile")
def volunteer_profile(world, where):
    """The verified volunteer's profile (the page of `/aid/volunteers/<id>`)."""
    from neighbors.mutualaid import services

    person = world.user("volunteer+", where)
    services.save_profile(person, skill_ids=[str(_skill_id(world, where))], windows=[(5, _time(8), _time(12))],
                          intro="退休电工", now=_now())
    return person


@builder("offer")
def offer(world, where):
    from neighbors.mutualaid import services

    world.record("volunteer_profile", where)
    return services.create_offer(world.user("volunteer+", where), str(_skill_id(world, where)), "周六上午义务修水管",
                                 "自带工具", _now())


@builder("skill")
def skill(world, where):
    from neighbors.mutualaid import services

    return services.add_skill(world.user("staff", where), world.community(where).id, f"助浴{where}", _now())


@builder("transaction")
def transaction(world, where):
    """Hours the staff granted the resident from the community pool."""
    from neighbors.mutualaid import services

    return services.grant_from_pool(world.user("staff", where), world.user("resident", where).id, 60, "照顾邻居",
                                    _now())


# --- alleys ---------------------------------------------------------------------------------

@builder("branch")
def branch(world, where):
    """The alley party branch: the patroller is its secretary, the 城管 officer a member."""
    from neighbors.alleys import services

    staff = world.user("staff", where)
    patroller, officer = world.user("patroller", where), world.user("officer", where)
    made = services.save_branch(staff, world.community(where).id, f"打铁巷党支部{where}", patroller.id, now=_now())
    services.add_member(staff, made.id, officer.id, "officer", "城管", now=_now())
    return made


@builder("alley")
def alley(world, where):
    from neighbors.alleys import services

    staff = world.user("staff", where)
    made = services.save_alley(staff, world.community(where).id, f"打铁巷{where}", "百年小巷", "打铁巷口\n打铁巷12号",
                               world.record("branch", where).id, now=_now())
    for category in ("obstruction", "sanitation", "street_vending", "hazard", "facility"):
        services.set_route(staff, made.id, category, "城管", 30, 120, now=_now())
    return made


@builder("segment")
def segment(world, where):
    """打铁巷北段 with the 城管 officer responsible for it."""
    from neighbors.alleys import services

    staff = world.user("staff", where)
    made = services.save_segment(staff, world.record("alley", where).id, "打铁巷北段", "打铁巷口", _now())
    services.set_owner(staff, made.id, "城管", world.user("officer", where).id, None, _now())
    return made


@builder("member")
def member(world, where):
    """A branch membership the staff can remove (the volunteer joined as a patroller)."""
    from neighbors.alleys import services

    return services.add_member(world.user("staff", where), world.record("branch", where).id,
                               world.user("volunteer", where).id, "patroller", now=_now())


@builder("rule")
def rule(world, where):
    from neighbors.alleys import services

    return services.save_rule(world.user("staff", where), world.record("alley", where).id, "5", _time(9, 0),
                              _time(10, 30), {"volunteer": 2, "城管": 1}, now=_now())


@builder("holiday")
def holiday(world, where):
    from neighbors.alleys import services

    return services.add_holiday(world.user("staff", where), world.community(where).id,
                                _tomorrow() + _timedelta(days=40), "国庆节", now=_now())


def _shift(world, where, starts_in: _timedelta, patroller_state: str | None = None):
    """A one-hour shift of the alley (made directly: rules only make shifts at set hours)."""
    from neighbors.alleys.models import PatrolShift, PatrolSignup
    from neighbors.clock import to_local
    from neighbors.extensions import db

    place = world.record("alley", where)
    starts = _now().replace(microsecond=0) + starts_in
    shift = PatrolShift(community_id=place.community_id, alley_id=place.id, rule_id=None,
                        day=to_local(starts).date(), starts_at=starts, ends_at=starts + _timedelta(hours=1),
                        needs={"volunteer": 2, "城管": 1})
    db.session.add(shift)
    db.session.flush()
    if patroller_state is not None:
        now = _now()
        db.session.add(PatrolSignup(
            community_id=place.community_id, shift_id=shift.id, user_id=world.user("patroller", where).id,
            kind="volunteer", slot_no=1, released_at=now if patroller_state == "released" else None,
            checked_in_at=now if patroller_state == "checked_in" else None))
    db.session.commit()
    return shift


@builder("shift")
def shift(world, where):
    return _shift(world, where, _timedelta(days=3))


for _name, _starts, _state in (("shift_withdraw", _timedelta(days=3), "signed"),
                               ("shift_release", _timedelta(days=3), "signed"),
                               ("shift_released", _timedelta(days=3), "released"),
                               ("shift_now", _timedelta(minutes=-10), "signed"),
                               ("shift_checked_in", _timedelta(minutes=-10), "checked_in")):
    builder(_name)(lambda world, where, _s=_starts, _st=_state: _shift(world, where, _s, _st))


@builder("calendar")
def calendar(world, where):
    from neighbors.alleys import services

    world.record("shift_withdraw", where)
    return services.calendar_feed(world.user("patroller", where), _now())


def _finding(world, where, category="obstruction", steps=()):
    """The resident reports a blocked passage (public report); it goes straight to 城管."""
    from neighbors.alleys import services

    resident = world.user("resident", where)
    officer = world.user("officer", where)
    found = services.report_finding(resident, world.record("alley", where).id, category,
                                    f"电动车堵住巷口 {next(_counter)}", "打铁巷12号", [photo_file()],
                                    _uuid.uuid4().hex, _now(), new_anyway=True)
    for step in steps:
        if step == "accept":
            found = services.accept(officer, found.id, _now())
        elif step == "resolve":
            found = services.resolve(officer, found.id, "已清理", photo_file("after.jpg"), _now())
        elif step == "verify":
            found = services.verify(resident, found.id, _now())
    return found


def _finding_kind(name: str, steps=(), category="obstruction"):
    builder(name)(lambda world, where: _finding(world, where, category, steps))


_finding_kind("finding")
_finding_kind("finding_accept")
_finding_kind("finding_reported", category="other")  # no department set for 其他: waits for staff
_finding_kind("finding_resolve", ["accept"])
_finding_kind("finding_send_back", ["accept"])
_finding_kind("finding_verify", ["accept", "resolve"])
_finding_kind("finding_reopen", ["accept", "resolve"])
_finding_kind("finding_close", ["accept", "resolve", "verify"])


# --- staff ----------------------------------------------------------------------------------

@builder("person_revoke")
def person_revoke(world, where):
    return person(world, where, "9单元910室")


@builder("person")
def person(world, where, unit="9单元909室"):
    """A resident staff manage: a new neighbour who also volunteers."""
    from tests.factories import make_user
    from tests.security.conftest import next_phone

    return make_user(world.community(where), "volunteer", name=f"新邻居{where}", phone=next_phone("1380"),
                     building=world.user("resident", where).building.name, unit=unit)


@builder("carer_link")
def carer_link(world, where):
    from neighbors.extensions import db
    from neighbors.models import CarerLink

    cared = world.record("person", where)
    link = CarerLink(carer_id=world.user("volunteer", where).id, resident_id=cared.id,
                     community_id=world.community(where).id, relation="邻居")
    db.session.add(link)
    db.session.commit()
    return link


# --- visits (千户访) ------------------------------------------------------------------------------

@builder("grid")
def grid(world, where):
    """A grid of the community with its grid worker (a person of no other column)."""
    from neighbors.visits import services
    from tests.factories import make_user
    from tests.security.conftest import next_phone

    staff = world.user("staff", where)
    made = services.create_grid(staff, f"第一网格{where}", _now())
    services.add_worker(staff, made.id, make_user(world.community(where), name=f"网格员{where}",
                                                  phone=next_phone("1391")).phone, _now())
    return made


@builder("household")
def household(world, where):
    """An elder of 85 living alone, on the grid; no phone, so no column's private data is on her page."""
    from datetime import date

    from neighbors.extensions import db
    from neighbors.models import User
    from neighbors.visits.models import Household, HouseholdMember, HouseholdTag, address_sort_key

    the_grid = world.record("grid", where)
    community_id = world.community(where).id
    elder = User(community_id=community_id, name=f"独居老人{where}", birth_date=date(1941, 3, 2))
    db.session.add(elder)
    db.session.flush()
    home = Household(community_id=community_id, grid_id=the_grid.id, building="图强路6号", unit="2梯", room="103",
                     sort_key=address_sort_key("图强路6号", "2梯", "103"), contact_id=elder.id)
    home.members.append(HouseholdMember(community_id=community_id, user_id=elder.id, user=elder))
    home.tag_rows.append(HouseholdTag(community_id=community_id, tag="alone"))
    db.session.add(home)
    db.session.commit()
    return home


@builder("visit")
def visit(world, where):
    """The grid worker met the elder, who needs help with her health: a photo, and staff's attention."""
    from neighbors.visits import services

    home = world.record("household", where)
    worker = home.grid.workers[0].user
    return services.record_visit(worker, home.id, services.VisitDetails("met_member", met_id=home.contact_id,
                                                                        needs=["health"]), _now(), photo=photo_file())


@builder("grid_worker")
def grid_worker(world, where):
    return world.record("grid", where).workers[0]


@builder("register_entry")
def register_entry(world, where):
    """A meeting the community's staff recorded today."""
    from neighbors.clock import local_today
    from neighbors.registers import services

    staff = world.user("staff", where)
    return services.record_entry(staff, services.Details(kind="meeting", day=local_today(_now()), body="区民政局",
                                                         minutes=60, staff_count=2), _now())


@builder("open311_jurisdiction")
def open311_jurisdiction(world, where):
    """The community's Open311 code, its cases not published: a session grants nothing, only a key would."""
    from neighbors.open311 import services

    return services.save_settings(world.user("staff", where), f"community-{world.community(where).id}", False, _now())


@builder("open311_key")
def open311_key(world, where):
    from neighbors.open311 import services

    return services.issue_key(world.user("staff", where), "12345热线", _now())[0]


@builder("open311_webhook")
def open311_webhook(world, where):
    from neighbors.open311 import webhooks

    return webhooks.add_webhook(world.user("staff", where), "https://hotline.example/neighbors",
                                ["finding.resolved"], _now())[0]
