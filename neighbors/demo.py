"""Demo data for 思明区. Modules add their own steps; each step is idempotent."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from . import accounts, two_factor
from .clock import utcnow
from .extensions import db
from .models import Building, CarerLink, Community, CommunityType, District, Role, SubDistrict, User
from .open311.demo import build_open311
from .registry import installed
from .transactions import service

DEMO_PASSWORD = "demo1234"


@dataclass
class DemoContext:
    now: datetime
    communities: dict[str, Community] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by phone
    residents: dict[str, list[User]] = field(default_factory=dict)  # by community name


DemoStep = Callable[[DemoContext], None]


PLACES = {
    "中华街道": [("镇海社区", CommunityType.OLD_TOWN), ("中华社区", CommunityType.OLD_TOWN)],
    "鹭江街道": [("鹭江道社区", CommunityType.OLD_TOWN), ("大同社区", CommunityType.OLD_TOWN)],
    "开元街道": [("深田社区", CommunityType.NEW_TOWN), ("东港社区", CommunityType.NEW_TOWN)],
    "筼筜街道": [("槟榔社区", CommunityType.VILLAGE)],
}

STREETS = {
    "镇海社区": ["镇海路", "打铁巷", "大元路", "养真宫巷"],
    "中华社区": ["中山路", "大同路", "思明南路"],
    "鹭江道社区": ["鹭江道", "打铁巷", "升平路", "水仙路"],
    "大同社区": ["大同路", "开元路", "横竹路"],
    "深田社区": ["深田路", "文园路", "公园南路"],
    "东港社区": ["湖滨北路", "东港路"],
    "槟榔社区": ["槟榔路", "莲岳路"],
}

# The community offices' numbers (made up: a Xiamen number never starts with 0 after the area code).
OFFICE_PHONES = {"镇海社区": "0592-0200001", "鹭江道社区": "0592-0200002"}
# Each old-town community's area (WGS-84 centre, radius in metres), around Siming's old town: a reported position
# outside it is questioned.
AREAS = {"镇海社区": (24.4468, 118.0781, 700), "中华社区": (24.4552, 118.0806, 700),
         "鹭江道社区": (24.4546, 118.0752, 800), "大同社区": (24.4590, 118.0840, 700)}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["秀英", "桂英", "建国", "国华", "丽华", "志强", "美玲", "海燕", "文彬", "淑芬", "金水", "阿水", "宝珠",
         "明辉", "雅婷", "春生", "玉兰", "清泉", "火旺", "素梅", "振华", "慧敏", "家豪", "月娥"]

# (phone, name, community, roles, extra)
LOGINS = [
    ("13900000001", "陈丽华", "镇海社区", [Role.STAFF], {}),
    ("13900000002", "林阿水", "镇海社区", [Role.KITCHEN], {}),
    ("13900000003", "黄建国", "镇海社区", [Role.VOLUNTEER], {"party_member": True, "verified": True}),
    ("13900000004", "郑长华", "镇海社区", [Role.RESIDENT], {"birth_date": date(1941, 3, 2)}),
    ("13900000005", "苏明辉", "鹭江道社区", [Role.PATROLLER], {"party_member": True}),
    ("13900000006", "许振华", "鹭江道社区", [Role.OFFICER], {"department": "城管"}),
    ("13900000007", "吴玉兰", "鹭江道社区", [Role.RESIDENT], {"birth_date": date(1952, 8, 15)}),
    ("13900000008", "蔡慧敏", "鹭江道社区", [Role.STAFF], {}),
    ("13900000009", "叶振国", "镇海社区", [Role.ADMIN], {}),
    ("13900000010", "杨志强", "镇海社区", [Role.VOLUNTEER], {"party_member": True, "verified": True}),
    ("13900000011", "王美玲", "镇海社区", [Role.RESIDENT], {"birth_date": date(1968, 11, 20)}),
    ("13900000012", "何春生", "鹭江道社区", [Role.PATROLLER], {"party_member": True}),
    ("13900000013", "陈芳芳", "镇海社区", [Role.GRID_WORKER], {}),
    ("13900000014", "曾清泉", "鹭江道社区", [Role.OFFICER], {"department": "环卫"}),
    ("13900000015", "吴振宇", "鹭江道社区", [Role.STREET_STAFF], {}),  # 鹭江街道: its street is its community's
    ("13900000016", "郭建明", "鹭江道社区", [Role.OFFICER], {"department": "城管"}),
]


# Who each demo login is, as the README's table says it (tests/test_demo.py keeps the two the same).
WHO = {
    "13900000001": "staff, 镇海社区",
    "13900000002": "kitchen operator, 镇海社区",
    "13900000003": "volunteer, 镇海社区 (party member, verified: plumbing and electrical)",
    "13900000004": "resident 郑长华, 镇海社区 (born 1941)",
    "13900000005": "patroller, 鹭江道社区",
    "13900000006": "officer (城管), 鹭江道社区",
    "13900000007": "resident, 鹭江道社区",
    "13900000008": "staff, 鹭江道社区",
    "13900000009": "admin (the whole district)",
    "13900000010": "volunteer, 镇海社区 (verified: plumbing and appliances)",
    "13900000011": "resident, 镇海社区 — 郑长华's daughter, linked as her carer",
    "13900000012": "patroller, 鹭江道社区",
    "13900000013": "grid worker, 镇海社区 (第一网格 and 第二网格: households due, visits made)",
    "13900000014": "officer (环卫), 鹭江道社区",
    "13900000015": "street staff, 鹭江街道 (鹭江道社区 and 大同社区: registers, statistics, bulletin, reports)",
    "13900000016": "officer (城管), 鹭江道社区 — responsible for 打铁巷南段",
}


def demo_logins() -> list[tuple[str, str, str]]:
    """(phone, name, who) of every demo login, as `flask demo-logins` prints them."""
    return [(phone, name, WHO[phone]) for phone, name, _community, _roles, _extra in LOGINS]


def _get_or_create(model, defaults=None, **keys):
    row = db.session.scalar(sa.select(model).filter_by(**keys))
    if row is None:
        row = model(**keys, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def build_places(ctx: DemoContext) -> None:
    district = _get_or_create(District, name="思明区")
    for street_name, communities in PLACES.items():
        street = _get_or_create(SubDistrict, district_id=district.id, name=street_name)
        for name, kind in communities:
            community = _get_or_create(Community, name=name, defaults={"sub_district_id": street.id, "kind": kind,
                                                                       "phone": OFFICE_PHONES.get(name, "")})
            ctx.communities[name] = community
            if name in AREAS and community.centre_latitude is None:
                community.centre_latitude, community.centre_longitude, community.area_radius_m = AREAS[name]
            for road in STREETS[name]:
                for number in (3, 8, 12, 21, 36):
                    _get_or_create(Building, community_id=community.id, name=f"{road}{number}号")


def _building(community: Community, index: int) -> Building:
    buildings = db.session.scalars(
        sa.select(Building).where(Building.community_id == community.id).order_by(Building.id)
    ).all()
    return buildings[index % len(buildings)]


def build_people(ctx: DemoContext) -> None:
    for index, (phone, name, community_name, roles, extra) in enumerate(LOGINS):
        community = ctx.communities[community_name]
        user = db.session.scalar(sa.select(User).where(User.phone == phone))
        if user is None:
            user = User(phone=phone, name=name, community_id=community.id,
                        birth_date=extra.get("birth_date"), party_member=extra.get("party_member", False),
                        building_id=_building(community, index).id, unit=f"{1 + index % 3}0{1 + index % 4}室",
                        created_at=ctx.now)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            db.session.flush()
            if Role.RESIDENT not in roles:
                accounts.grant_role(None, user, Role.RESIDENT)
            for role in roles:
                accounts.grant_role(None, user, role, department=extra.get("department", ""))
            if extra.get("verified"):
                grant = next(g for g in user.role_grants if g.role == Role.VOLUNTEER)
                grant.verified_at = ctx.now
        if user.is_privileged and user.totp_enrolled_at is None:
            two_factor.enrol_demo(user, ctx.now)  # the README's published key; `flask demo-code` prints its code
        ctx.users[phone] = user

    mother, daughter, staff = ctx.users["13900000004"], ctx.users["13900000011"], ctx.users["13900000001"]
    if not db.session.scalar(sa.select(CarerLink.id).where(CarerLink.carer_id == daughter.id,
                                                            CarerLink.resident_id == mother.id)):
        accounts.link_carer(staff, daughter, mother, relation="女儿")

    for community_name, community in ctx.communities.items():
        existing = db.session.scalars(
            sa.select(User).where(User.community_id == community.id, User.phone.is_(None))
        ).all()
        people = list(existing)
        wanted = 30 if community_name in ("镇海社区", "鹭江道社区", "深田社区") else 12
        seed = sum(map(ord, community_name))
        for n in range(len(people), wanted):
            surname = SURNAMES[(seed + n * 7) % len(SURNAMES)]
            given = GIVEN[(seed + n * 5) % len(GIVEN)]
            born = date(1936 + (seed + n * 3) % 50, 1 + n % 12, 1 + (n * 3) % 28)
            person = User(name=surname + given, community_id=community.id, birth_date=born,
                          needs_care=(n % 9 == 0), building_id=_building(community, n).id,
                          unit=f"{1 + n % 4}0{1 + n % 6}室", created_at=ctx.now)
            db.session.add(person)
            db.session.flush()
            accounts.grant_role(None, person, Role.RESIDENT)
            people.append(person)
        ctx.residents[community_name] = people


@service
def build(now: datetime | None = None) -> DemoContext:
    """The whole demo in one transaction: the modules' steps join it, and it commits once at the end."""
    ctx = DemoContext(now=now or utcnow())
    build_places(ctx)
    build_people(ctx)
    for _order, fn in installed().demo_steps():  # each module's step, in the order its hooks give
        fn(ctx)
    build_open311(ctx)  # the foundation's interface for partner systems, after the modules' steps
    return ctx


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0
