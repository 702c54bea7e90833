"""Synthetic but realistic data for benchmarks: one community (small) or the whole of 思明区 (district).

Rows are generated in Python with the modules' own invariants (meal `sold` equals its live orders,
one subsidised order per resident a day, every ledger transaction sums to zero and every cached
balance equals its entries, slots never over-filled) and written in bulk: PostgreSQL `COPY`,
SQLite executemany. Ids are assigned here, and PostgreSQL sequences are moved past them at the end.
"""
from __future__ import annotations

import json
import os
import random
import time as wallclock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from .clock import age_on, local_to_utc, local_today, utcnow
from .extensions import db

BENCH_PASSWORD = "bench-pass-2024"
BENCH_PHONES = {  # logins in the first community, used by bench/ and tests/bench/
    "staff": "13800000001",
    "resident": "13800000002",
    "volunteer": "13800000003",
    "patroller": "13800000004",
    "officer": "13800000005",
    "operator": "13800000006",
    "orderer": "13800000007",  # places orders in the throughput run (under 65: no subsidy limit)
    "admin": "13800000009",
}


@dataclass(frozen=True)
class Scale:
    communities: int
    residents: int  # in all communities together
    orders: int
    requests: int
    shifts: int
    findings: int
    history_days: int = 365

    def per_community(self, total: int) -> int:
        return max(1, round(total / self.communities))


SCALES = {
    # one community as dense as an average community of the district
    "small": Scale(communities=1, residents=3_060, orders=10_200, requests=1_020, shifts=2_040, findings=510),
    "district": Scale(communities=98, residents=300_000, orders=1_000_000, requests=100_000, shifts=200_000,
                      findings=50_000),
}

STREETS = ["中华街道", "鹭江街道", "厦港街道", "滨海街道", "梧村街道", "开元街道", "筼筜街道", "嘉莲街道",
           "莲前街道", "鼓浪屿街道"]
PLACE_NAMES = ["镇海", "中华", "鹭江道", "大同", "深田", "东港", "槟榔", "大元", "养真宫", "升平", "水仙", "开元",
               "横竹", "文园", "公园南", "湖滨北", "莲岳", "厦港", "沙坡尾", "演武", "曾厝垵", "黄厝", "前埔",
               "莲前", "瑞景", "嘉莲", "莲花", "梧村", "金榜", "筼筜", "松柏", "江头", "滨海", "龙头", "内厝澳",
               "泉州路", "福州路", "中山", "思明南", "思明北", "民族路", "鸿山", "鹭潮", "巡司顶", "营平", "局口",
               "定安", "海后", "溪岸", "石泉", "镇邦", "仁安", "碧山", "蓼花", "公园东", "新华", "百家村", "育秀",
               "东坪山", "洪文", "何厝", "岭兜", "西林", "观音山", "南华", "厦禾", "凤凰山", "湖明"]
ROADS = ["镇海路", "打铁巷", "大元路", "养真宫巷", "中山路", "大同路", "思明南路", "升平路", "水仙路", "开元路"]
ALLEY_NAMES = ["打铁巷", "养真宫巷", "磁街", "局口街", "桂花巷", "港仔口巷", "寮仔后", "小走马路", "霞溪仔", "竹仔巷"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = ["秀英", "桂英", "建国", "国华", "丽华", "志强", "美玲", "海燕", "文彬", "淑芬", "金水", "阿水", "宝珠",
         "明辉", "雅婷", "春生", "玉兰", "清泉", "火旺", "素梅", "振华", "慧敏", "家豪", "月娥", "阿娇", "乌番"]
MEATS = ["红烧肉", "姜母鸭", "土笋冻", "卤肉", "清蒸鱼", "炸五香", "沙茶焖鸭", "香菇鸡", "海蛎煎", "糖醋排骨"]
VEGETABLES = ["清炒地瓜叶", "蒜蓉空心菜", "炒包菜", "番茄炒蛋", "芹菜豆干", "清炒芥蓝", "炒豆芽", "冬瓜"]
SOUPS = ["紫菜蛋花汤", "冬瓜排骨汤", "花生汤", "海带汤", "萝卜汤", "鱼丸汤", "莲子汤"]
NOTES = ["", "", "", "", "少盐", "软烂", "不要辣", "少油", "米饭多一点"]
SKILLS = ["水电维修", "家电维修", "理发", "陪诊", "代购", "手机电脑", "陪伴聊天", "搬运重物"]
REQUEST_TITLES = {"水电维修": "水龙头漏水", "家电维修": "电饭煲坏了", "理发": "想理个头发", "陪诊": "陪我去第一医院复诊",
                  "代购": "帮忙买药", "手机电脑": "教我用微信视频", "陪伴聊天": "想找人说说话", "搬运重物": "搬一袋米上楼"}
CATEGORIES = ["obstruction", "sanitation", "street_vending", "hazard", "facility", "other"]
CATEGORY_WEIGHTS = [30, 30, 15, 10, 10, 5]
CATEGORY_DEPARTMENT = {"obstruction": "城管", "sanitation": "环卫", "street_vending": "市场监管", "hazard": "城管",
                       "facility": "城管", "other": "城管"}
DEPARTMENTS = ("城管", "市场监管", "环卫")
FINDING_TEXTS = {"obstruction": "电动车堵住巷口", "sanitation": "路面油腻，有垃圾", "street_vending": "巷内流动摊贩",
                 "hazard": "电线垂落", "facility": "路灯不亮", "other": "井盖松动有响声"}
# (weekdays, starts, ends, needs) for each alley
PATROL_RULES = [("01234", time(7, 0), time(8, 0), {"volunteer": 2, "城管": 1}),
                ("0123456", time(19, 0), time(20, 0), {"volunteer": 2}),
                ("5", time(9, 0), time(10, 30), {"volunteer": 3, "环卫": 1})]


class BenchDataRefused(RuntimeError):
    pass


# --- bulk writing -----------------------------------------------------------------------

class Writer:
    """Buffers rows per table and writes them in bulk, filling NOT NULL columns from their defaults."""

    def __init__(self, batch_rows: int = 20_000):
        self.batch_rows = batch_rows
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.postgres = db.engine.dialect.name == "postgresql"
        self.written: dict[str, int] = defaultdict(int)
        self._fillers: dict[tuple[str, frozenset], list] = {}

    def add(self, table: str, **row) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        """Write everything buffered, parents before children (the metadata's foreign-key order)."""
        for table in db.metadata.sorted_tables:
            rows = self.rows.pop(table.name, [])
            for start in range(0, len(rows), self.batch_rows):
                self._write(table, rows[start:start + self.batch_rows])
            if rows:
                self.written[table.name] += len(rows)
        if self.rows:
            raise RuntimeError(f"bench data for unknown tables: {sorted(self.rows)}")
        db.session.commit()

    def _fill(self, table: sa.Table, given: frozenset) -> list[tuple[str, object]]:
        key = (table.name, given)
        if key not in self._fillers:
            fillers = []
            for column in table.columns:
                if column.name in given:
                    continue
                default = column.default
                if default is not None and default.is_scalar:
                    fillers.append((column.name, default.arg))
                elif default is not None and default.is_callable:
                    fillers.append((column.name, default.arg(None)))
                elif not column.nullable and not column.primary_key:
                    raise RuntimeError(f"bench data gives no value for {table.name}.{column.name}")
            self._fillers[key] = fillers
        return self._fillers[key]

    def _write(self, table: sa.Table, rows: list[dict]) -> None:
        if not rows:
            return
        fillers = self._fill(table, frozenset(rows[0]))
        if fillers:
            for row in rows:
                for name, value in fillers:
                    row.setdefault(name, value)
        if not self.postgres:
            db.session.execute(table.insert(), rows)
            return
        columns = list(rows[0])
        json_columns = {c.name for c in table.columns if isinstance(c.type, sa.JSON)}
        raw = db.session.connection().connection.dbapi_connection
        quoted = ", ".join(f'"{name}"' for name in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c]
                                for c in columns])


class Ids:
    """Primary keys handed out here, so children can point at parents before anything is written."""

    def __init__(self):
        self.next: dict[str, int] = defaultdict(lambda: 1)

    def __call__(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


# --- the generator ------------------------------------------------------------------------

@dataclass
class Person:
    id: int
    name: str
    birth_date: date | None
    needs_care: bool
    address: str
    phone: str | None = None


@dataclass
class CommunityPeople:
    community_id: int
    staff: Person
    operators: list[Person]
    volunteers: list[Person]
    patrollers: list[Person]
    officers: dict[str, Person]
    residents: list[Person]  # everyone, including the people above
    diners: list[Person] = field(default_factory=list)
    bench: dict[str, Person] = field(default_factory=dict)


class Generator:
    def __init__(self, scale: Scale, now: datetime, seed: int = 2024, upload_dir: Path | None = None):
        self.scale = scale
        self.now = now
        self.today = local_today(now)
        self.first_day = self.today - timedelta(days=scale.history_days)
        self.random = random.Random(seed)
        self.ids = Ids()
        self.out = Writer()
        self.password_hash = generate_password_hash(BENCH_PASSWORD, method="scrypt")
        self.upload_dir = upload_dir
        self.phone_counter = 0

    # helpers
    def name(self) -> str:
        return self.random.choice(SURNAMES) + self.random.choice(GIVEN)

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max((end - start).total_seconds(), 1)
        return start + timedelta(seconds=self.random.random() * span)

    def hex_key(self) -> str:
        return "%032x" % self.random.getrandbits(128)

    def local(self, day: date, hour: int, minute: int = 0) -> datetime:
        return local_to_utc(day, time(hour, minute))

    # places and people
    def build(self, progress=None) -> dict:
        started = wallclock.monotonic()
        district_id = self.ids("districts")
        self.out.add("districts", id=district_id, name="思明区")
        streets = []
        for name in STREETS[:max(1, min(len(STREETS), self.scale.communities))]:
            street_id = self.ids("sub_districts")
            self.out.add("sub_districts", id=street_id, district_id=district_id, name=name)
            streets.append(street_id)
        self.out.flush()
        for index in range(self.scale.communities):
            self.community(index, streets[index % len(streets)])
            self.out.flush()
            if progress:
                progress(index + 1, self.scale.communities)
        self.finish()
        return {"seconds": round(wallclock.monotonic() - started, 1), "rows": dict(self.out.written)}

    def community(self, index: int, street_id: int) -> None:
        base = PLACE_NAMES[index % len(PLACE_NAMES)]
        suffix = "" if index < len(PLACE_NAMES) else "东西南北中"[(index // len(PLACE_NAMES) - 1) % 5]
        kind = ("old_town", "new_town", "old_town", "village", "new_town")[index % 5]
        community_id = self.ids("communities")
        self.out.add("communities", id=community_id, sub_district_id=street_id, name=f"{base}{suffix}社区", kind=kind)
        buildings = []
        for road in ROADS[:6]:
            for number in (3, 8, 12, 21, 36, 58, 77, 102, 131, 150):
                building_id = self.ids("buildings")
                name = f"{road}{number}号"
                self.out.add("buildings", id=building_id, community_id=community_id, name=name)
                buildings.append((building_id, name))
        people = self.people(community_id, buildings, first=index == 0)
        self.kitchen(people)
        self.mutual_aid(people)
        self.alleys(people)

    def person(self, community_id: int, buildings, roles: list[str], *, phone: str | None = None,
               login: bool = False, birth_year: tuple[int, int] = (1930, 2004), department: str = "",
               party_member: bool = False, verified_by: int | None = None, name: str | None = None) -> Person:
        user_id = self.ids("users")
        building_id, building_name = self.random.choice(buildings)
        unit = f"{self.random.randint(1, 4)}单元{self.random.randint(1, 7)}0{self.random.randint(1, 4)}室"
        born = date(self.random.randint(*birth_year), self.random.randint(1, 12), self.random.randint(1, 28))
        if phone is None and (login or self.random.random() < 0.6):
            self.phone_counter += 1
            phone = f"15{self.phone_counter:09d}"
        needs_care = self.random.random() < 0.05 and born.year < 1950
        created = self.moment(datetime.combine(self.first_day, time(), tzinfo=self.now.tzinfo), self.now)
        self.out.add("users", id=user_id, community_id=community_id, phone=phone, name=name or self.name(),
                     password_hash=self.password_hash if login else None, birth_date=born, needs_care=needs_care,
                     party_member=party_member, building_id=building_id, unit=unit, elder_mode=born.year < 1950,
                     locale=None, active=True, created_at=created)
        for role in ["resident", *roles]:
            verified = verified_by is not None and role == "volunteer"
            self.out.add("role_grants", id=self.ids("role_grants"), community_id=community_id, user_id=user_id,
                         role=role, department=department if role == "officer" else "", granted_by_id=None,
                         granted_at=created, verified_at=created + timedelta(days=1) if verified else None,
                         verified_by_id=verified_by if verified else None)
        return Person(user_id, name or "", born, needs_care, building_name + unit, phone)

    def people(self, community_id: int, buildings, first: bool) -> CommunityPeople:
        total = self.scale.per_community(self.scale.residents)
        phones = BENCH_PHONES if first else {}
        admin = self.person(community_id, buildings, ["admin"], phone=phones.get("admin"), login=True,
                            birth_year=(1970, 1990)) if first else None
        staff = self.person(community_id, buildings, ["staff"], phone=phones.get("staff"), login=True,
                            birth_year=(1975, 1998))
        operators = [self.person(community_id, buildings, ["kitchen"], phone=phones.get("operator") if n == 0 else None,
                                 login=True, birth_year=(1960, 1990)) for n in range(2)]
        volunteer_count = max(3, total * 2 // 100)
        volunteers = [self.person(community_id, buildings, ["volunteer"], login=True, birth_year=(1950, 2000),
                                  phone=phones.get("volunteer") if n == 0 else None,
                                  party_member=self.random.random() < 0.6, verified_by=staff.id)
                      for n in range(volunteer_count)]
        patrollers = [self.person(community_id, buildings, ["patroller"], login=True, birth_year=(1950, 1995),
                                  phone=phones.get("patroller") if n == 0 else None, party_member=True)
                      for n in range(max(4, min(20, total // 150)))]
        officers = {dept: self.person(community_id, buildings, ["officer"], login=True, birth_year=(1975, 1998),
                                      department=dept, phone=phones.get("officer") if dept == "城管" else None)
                    for dept in DEPARTMENTS}
        everyone = [staff, *operators, *volunteers, *patrollers, *officers.values()]
        bench = {}
        if first:
            bench["admin"] = admin
            bench["resident"] = self.person(community_id, buildings, [], phone=phones["resident"], login=True,
                                            birth_year=(1944, 1950), name="郑长华")
            bench["orderer"] = self.person(community_id, buildings, [], phone=phones["orderer"], login=True,
                                           birth_year=(1975, 1985), name="王美玲")
            everyone += [admin, bench["resident"], bench["orderer"]]
        while len(everyone) < total:
            # old-town communities are old: half the residents are over 60
            years = (1928, 1965) if self.random.random() < 0.5 else (1966, 2012)
            everyone.append(self.person(community_id, buildings, [], birth_year=years))
        result = CommunityPeople(community_id, staff, operators, volunteers, patrollers, officers, everyone, bench=bench)
        result.bench.update({"staff": staff, "volunteer": volunteers[0], "patroller": patrollers[0],
                             "officer": officers["城管"], "operator": operators[0]})
        elders = [p for p in everyone if p.birth_date and p.birth_date.year <= 1965]
        result.diners = self.random.sample(elders, max(1, min(len(elders), len(elders) * 3 // 5)))
        if first:
            result.diners.append(bench["resident"])
        # carers: a younger neighbour or relative for one elder in ten
        young = [p for p in everyone if p.birth_date and p.birth_date.year > 1965]
        for elder in self.random.sample(elders, len(elders) // 10):
            carer = self.random.choice(young)
            if carer.id != elder.id:
                self.out.add("carer_links", id=self.ids("carer_links"), community_id=community_id,
                             carer_id=carer.id, resident_id=elder.id, relation=self.random.choice(["女儿", "儿子", "侄女"]),
                             created_by_id=staff.id, created_at=self.now - timedelta(days=30))
        return result

    # the kitchen
    def kitchen(self, people: CommunityPeople) -> None:
        community_id = people.community_id
        kitchen_id = self.ids("kitchen_kitchens")
        self.out.add("kitchen_kitchens", id=kitchen_id, community_id=community_id, name="邻里厨房",
                     address=people.staff.address, opening_hours="10:30–13:00, 16:30–18:30", delivers=True,
                     suspended_at=None, suspended_reason="", created_at=self.now - timedelta(days=400))
        for operator in people.operators:
            self.out.add("kitchen_operators", id=self.ids("kitchen_operators"), community_id=community_id,
                         kitchen_id=kitchen_id, user_id=operator.id)
        meals = []
        day = self.first_day
        while day < self.today + timedelta(days=7):
            for slot in ("lunch", "dinner"):
                if slot == "dinner" and day.weekday() == 6:
                    continue
                meals.append((day, slot))
            day += timedelta(days=1)
        target = self.scale.per_community(self.scale.orders)
        per_meal = target / len(meals)
        diners = people.diners
        bench_resident = people.bench.get("resident")
        subsidised: set[tuple[int, date]] = set()
        placed = 0
        for position, (day, slot) in enumerate(meals):
            remaining_meals = len(meals) - position
            count = min(len(diners), round((target - placed) / remaining_meals * self.random.uniform(0.7, 1.3)))
            if position == len(meals) - 1:
                count = min(len(diners), target - placed)
            count = max(0, count)
            upcoming = day >= self.today
            eaters = self.random.sample(diners, count)
            if bench_resident and upcoming and bench_resident not in eaters and self.random.random() < 0.5:
                eaters.append(bench_resident)
            elif bench_resident and not upcoming and bench_resident not in eaters and day.weekday() < 5:
                eaters.append(bench_resident)
            placed += len(eaters)
            meal_id = self.ids("kitchen_meals")
            deadline = self.local(day, 10 if slot == "lunch" else 16)
            price = 1200
            sold = 0
            orders = []
            for eater in eaters:
                quantity = self.random.choices((1, 2, 3), (90, 8, 2))[0]
                fulfilment = self.random.choices(("dine_in", "pickup", "delivery"), (35, 25, 40))[0]
                created = deadline - timedelta(minutes=self.random.randint(20, 60 * 48))
                age = age_on(eater.birth_date, day)
                key = (eater.id, day)
                if age is not None and age >= 65 and key not in subsidised:
                    subsidy, rule = 300, {"policy": "xiamen", "age": age, "price_fen": price, "min_meal_fen": 1000,
                                          "reason": "age_65", "subsidy_fen": 300}
                else:
                    reason = "under_age" if age is None or age < 65 else "already_today"
                    subsidy, rule = 0, {"policy": "xiamen", "age": age, "price_fen": price, "min_meal_fen": 1000,
                                        "reason": reason}
                cancelled = self.random.random() < 0.04 and created < self.now
                if not upcoming:
                    if cancelled:
                        path = ["placed", "cancelled"]
                    elif fulfilment == "delivery":
                        path = ["placed", "cooking", "out_for_delivery",
                                "no_answer" if self.random.random() < 0.004 else "delivered"]
                    else:
                        path = ["placed", "cooking", "no_show" if self.random.random() < 0.03 else "picked_up"]
                elif day == self.today and self.now > deadline:
                    path = ["placed", "cooking"]
                else:
                    path = ["placed"]
                    cancelled = False
                if path[-1] != "cancelled":
                    sold += quantity
                    if subsidy:
                        subsidised.add(key)
                order_id = self.ids("kitchen_orders")
                served_at = self.local(day, 11 if slot == "lunch" else 17, self.random.randint(0, 59))
                handed = path[-1] in ("delivered", "picked_up")
                placed_by = eater.id
                orders.append(dict(
                    id=order_id, community_id=community_id, meal_id=meal_id, kitchen_id=kitchen_id, served_on=day,
                    resident_id=eater.id, placed_by_id=placed_by, standing_order_id=None, quantity=quantity,
                    fulfilment=fulfilment, address=eater.address if fulfilment == "delivery" else "",
                    note=self.random.choice(NOTES), status=path[-1], price_fen=price, subsidy_fen=subsidy,
                    due_fen=price * quantity - subsidy, subsidy_rule=rule,
                    payment_method=self.random.choice(("cash", "wechat", "alipay")) if handed else None,
                    paid_at=served_at if handed else None, submission_key=self.hex_key(), created_at=created,
                    cancelled_at=created + timedelta(minutes=10) if path[-1] == "cancelled" else None,
                    cancelled_by_id=eater.id if path[-1] == "cancelled" else None))
                steps = [created] + [served_at - timedelta(minutes=40 - 10 * n) for n in range(len(path) - 1)]
                if path[-1] == "cancelled":
                    steps = [created, created + timedelta(minutes=10)]
                for n, status in enumerate(path):
                    self.out.add("kitchen_order_events", id=self.ids("kitchen_order_events"),
                                 community_id=community_id, order_id=order_id,
                                 from_status=path[n - 1] if n else None, to_status=status,
                                 actor_id=eater.id if n == 0 or status == "cancelled" else people.operators[0].id,
                                 at=steps[n])
                if path[-1] == "no_answer":
                    self.out.add("kitchen_welfare_checks", id=self.ids("kitchen_welfare_checks"),
                                 community_id=community_id, order_id=order_id, resident_id=eater.id,
                                 raised_by_id=people.operators[0].id, raised_at=served_at,
                                 resolved_at=served_at + timedelta(minutes=35), resolved_by_id=people.staff.id,
                                 how="phoned", note="女儿接了电话，老人去医院复查")
                if handed and self.random.random() < 0.08:
                    rating = self.random.choices((1, 2, 3, 4, 5), (2, 3, 10, 35, 50))[0]
                    self.out.add("kitchen_feedback", id=self.ids("kitchen_feedback"), community_id=community_id,
                                 kitchen_id=kitchen_id, order_id=order_id, resident_id=eater.id, rating=rating,
                                 comment=self.random.choice(["", "很好吃", "有点咸", "菜量刚好", "汤很鲜"]),
                                 created_at=served_at + timedelta(hours=3), hidden_at=None, hidden_by_id=None,
                                 acknowledged_at=served_at + timedelta(days=1) if rating <= 2 else None,
                                 acknowledged_by_id=people.staff.id if rating <= 2 else None)
            capacity = max(30, sold + self.random.randint(0, 12))
            if upcoming:
                capacity = max(capacity, sold + 40)
            self.out.add("kitchen_meals", id=meal_id, community_id=community_id, kitchen_id=kitchen_id, served_on=day,
                         slot=slot, meat=self.random.choice(MEATS), vegetable=self.random.choice(VEGETABLES),
                         soup=self.random.choice(SOUPS), capacity=capacity, sold=sold, price_fen=price,
                         order_deadline=deadline, closed_at=None, cancelled_at=None, cancel_reason="",
                         published_by_id=people.operators[0].id, created_at=deadline - timedelta(days=6))
            for order in orders:
                self.out.add("kitchen_orders", **order)
        for elder in self.random.sample(diners, max(1, len(diners) // 50)):
            self.out.add("kitchen_standing_orders", id=self.ids("kitchen_standing_orders"), community_id=community_id,
                         kitchen_id=kitchen_id, resident_id=elder.id, created_by_id=people.staff.id,
                         weekdays="01234", slot="lunch", fulfilment="delivery", quantity=1, address=elder.address,
                         note="软烂", created_at=self.now - timedelta(days=90), ended_at=None)

    # mutual aid
    def mutual_aid(self, people: CommunityPeople) -> None:
        community_id = people.community_id
        self.out.add("mutualaid_settings", id=self.ids("mutualaid_settings"), community_id=community_id,
                     starting_grant_minutes=300, floor_minutes=-600, ceiling_minutes=90_000, pool_paid_age=70,
                     skills_seeded=True, updated_at=self.now - timedelta(days=400))
        skills = []
        for position, name in enumerate(SKILLS):
            skill_id = self.ids("mutualaid_skills")
            self.out.add("mutualaid_skills", id=skill_id, community_id=community_id, name=name, active=True,
                         position=position)
            skills.append((skill_id, name))
        by_skill: dict[int, list[Person]] = defaultdict(list)
        for volunteer in people.volunteers:
            profile_id = self.ids("mutualaid_volunteer_profiles")
            self.out.add("mutualaid_volunteer_profiles", id=profile_id, community_id=community_id,
                         user_id=volunteer.id, intro="退休电工，住在附近，随叫随到。", created_at=self.now - timedelta(days=380),
                         updated_at=self.now - timedelta(days=380))
            for skill_id, _name in self.random.sample(skills, self.random.randint(1, 3)):
                self.out.add("mutualaid_volunteer_skills", community_id=community_id, profile_id=profile_id,
                             skill_id=skill_id)
                by_skill[skill_id].append(volunteer)
            for weekday in self.random.sample(range(7), self.random.randint(2, 4)):
                start = self.random.choice((8, 9, 14, 15))
                self.out.add("mutualaid_availability", id=self.ids("mutualaid_availability"),
                             community_id=community_id, profile_id=profile_id, weekday=weekday,
                             starts=time(start), ends=time(start + 3))
        for volunteer in people.volunteers[:5]:
            skill_id, name = self.random.choice(skills)
            self.out.add("mutualaid_offers", id=self.ids("mutualaid_offers"), community_id=community_id,
                         volunteer_id=volunteer.id, skill_id=skill_id, title=f"周六上午义务{name}",
                         description="在社区活动室，自带工具。", active=True, hidden_reason="", hidden_at=None,
                         hidden_by_id=None, created_at=self.now - timedelta(days=60))

        ledger = Ledger(self, community_id)
        start = datetime.combine(self.first_day, time(), tzinfo=self.now.tzinfo)
        requesters = people.diners + self.random.sample(people.residents, max(1, len(people.residents) // 20))
        bench_resident = people.bench.get("resident")
        if bench_resident:
            requesters += [bench_resident] * 20
        count = self.scale.per_community(self.scale.requests)
        moments = sorted(self.moment(start, self.now - timedelta(minutes=5)) for _ in range(count))
        bench_volunteer = people.bench.get("volunteer")
        for created in moments:
            skill_id, skill_name = self.random.choice(skills)
            requester = self.random.choice(requesters)
            candidates = [v for v in by_skill.get(skill_id, people.volunteers) if v.id != requester.id] or \
                [v for v in people.volunteers if v.id != requester.id]
            volunteer = self.random.choice(candidates)
            if bench_volunteer and self.random.random() < 0.05 and bench_volunteer.id != requester.id:
                volunteer = bench_volunteer
            age = self.now - created
            roll = self.random.random()
            if age > timedelta(days=4):
                status = "confirmed" if roll < 0.88 else "cancelled" if roll < 0.98 else "voided"
            elif age > timedelta(days=1):
                status = ("open", "accepted", "done", "confirmed", "disputed")[
                    sum(roll > x for x in (0.15, 0.45, 0.75, 0.95))]
            else:
                status = "open" if roll < 0.7 else "accepted"
            self.help_request(people, ledger, created, status, requester, volunteer, skill_id, skill_name)
        ledger.write()

    def help_request(self, people, ledger, created, status, requester, volunteer, skill_id, skill_name):
        community_id = people.community_id
        request_id = self.ids("mutualaid_requests")
        events = [("create", None, "open", created, requester.id, None, None)]
        accepted_at = done_at = confirmed_at = None
        minutes = rating = None
        has_volunteer = status not in ("open", "cancelled")
        if status == "cancelled":
            events.append(("cancel", "open", "cancelled", created + timedelta(hours=3), requester.id, None, None))
        if has_volunteer:
            accepted_at = created + timedelta(minutes=self.random.randint(10, 600))
            events.append(("accept", "open", "accepted", accepted_at, volunteer.id, volunteer.id, None))
        if status in ("done", "confirmed", "disputed", "voided"):
            done_at = accepted_at + timedelta(hours=self.random.randint(2, 30))
            minutes = self.random.choice((30, 45, 60, 60, 90, 90, 120, 150, 180))
            events.append(("done", "accepted", "done", done_at, volunteer.id, volunteer.id, minutes))
        if status == "disputed":
            events.append(("dispute", "done", "disputed", done_at + timedelta(hours=5), requester.id,
                           volunteer.id, None))
        if status == "voided":
            events.append(("dispute", "done", "disputed", done_at + timedelta(hours=5), requester.id,
                           volunteer.id, None))
            events.append(("resolve_void", "disputed", "voided", done_at + timedelta(days=1), people.staff.id,
                           volunteer.id, None))
        if status == "confirmed":
            automatic = self.random.random() < 0.2
            confirmed_at = done_at + (timedelta(hours=72, minutes=5) if automatic
                                      else timedelta(hours=self.random.randint(1, 48)))
            confirmed_at = min(confirmed_at, self.now - timedelta(minutes=1))
            rating = None if automatic else self.random.choices((3, 4, 5), (10, 30, 60))[0]
            events.append(("auto_confirm" if automatic else "confirm", "done", "confirmed", confirmed_at,
                           None if automatic else requester.id, volunteer.id, minutes))
            ledger.help(request_id, requester, volunteer, minutes, confirmed_at, skill_name)
        self.out.add("mutualaid_requests", id=request_id, community_id=community_id, requester_id=requester.id,
                     created_by_id=requester.id, skill_id=skill_id, title=REQUEST_TITLES[skill_name],
                     description="家里老人行动不便，麻烦邻居帮个忙，谢谢！", address=requester.address,
                     photo_key=None, asap=True, window_start=None, window_end=None, status=status,
                     volunteer_id=volunteer.id if has_volunteer else None, invited_id=None, offer_id=None,
                     reported_minutes=minutes, confirmed_minutes=minutes if status == "confirmed" else None,
                     rating=rating, comment="师傅很热心" if rating else "", dispute_reason=(
                         "时间报多了" if status in ("disputed", "voided") else ""),
                     hidden_reason="", hidden_at=None, hidden_by_id=None, submission_key=self.hex_key(),
                     created_at=created, accepted_at=accepted_at, done_at=done_at, confirmed_at=confirmed_at)
        for action, source, target, at, actor, volunteer_id, event_minutes in events:
            self.out.add("mutualaid_request_events", id=self.ids("mutualaid_request_events"),
                         community_id=community_id, request_id=request_id, actor_id=actor,
                         volunteer_id=volunteer_id, action=action, from_status=source, to_status=target,
                         minutes=event_minutes, note="", created_at=at)

    # alleys
    def alleys(self, people: CommunityPeople) -> None:
        community_id = people.community_id
        secretary = people.patrollers[0]
        branch_id = self.ids("alleys_branches")
        self.out.add("alleys_branches", id=branch_id, community_id=community_id, name="小巷党支部",
                     secretary_id=secretary.id, created_at=self.now - timedelta(days=400))
        for kind, members in (("patroller", people.patrollers), ("officer", list(people.officers.values()))):
            for member in members:
                self.out.add("alleys_branch_members", id=self.ids("alleys_branch_members"), community_id=community_id,
                             branch_id=branch_id, user_id=member.id, kind=kind,
                             joined_at=self.now - timedelta(days=400))
        alleys = []
        for name in self.random.sample(ALLEY_NAMES, 3):
            alley_id = self.ids("alleys_alleys")
            self.out.add("alleys_alleys", id=alley_id, community_id=community_id, branch_id=branch_id, name=name,
                         description="老城区窄巷，早晚上学时段人多。", landmarks="巷口\n土地公庙\n老水井")
            alleys.append((alley_id, name))
            for category in CATEGORIES:
                self.out.add("alleys_category_routes", id=self.ids("alleys_category_routes"),
                             community_id=community_id, alley_id=alley_id, category=category,
                             department=CATEGORY_DEPARTMENT[category], accept_minutes=30, resolve_minutes=120)
        rules = []
        for alley_id, _name in alleys:
            for weekdays, starts, ends, needs in PATROL_RULES:
                rule_id = self.ids("alleys_patrol_rules")
                self.out.add("alleys_patrol_rules", id=rule_id, community_id=community_id, alley_id=alley_id,
                             weekdays=weekdays, starts=starts, ends=ends, needs=needs, skip_holidays=True,
                             active=True, created_by_id=secretary.id, updated_at=self.now - timedelta(days=400))
                rules.append((rule_id, alley_id, weekdays, starts, ends, needs))
        self.shifts(people, rules)
        self.findings(people, alleys)

    def shifts(self, people: CommunityPeople, rules) -> None:
        community_id = people.community_id
        target = self.scale.per_community(self.scale.shifts)
        planned = []
        day = self.today + timedelta(days=27)
        while len(planned) < target:
            for rule in rules:
                if str(day.weekday()) in rule[2] and len(planned) < target:
                    planned.append((day, rule))
            day -= timedelta(days=1)
        bench_patroller = people.bench.get("patroller")
        for day, (rule_id, alley_id, _weekdays, starts, ends, needs) in reversed(planned):
            shift_id = self.ids("alleys_patrol_shifts")
            starts_at, ends_at = local_to_utc(day, starts), local_to_utc(day, ends)
            past = ends_at < self.now
            self.out.add("alleys_patrol_shifts", id=shift_id, community_id=community_id, alley_id=alley_id,
                         rule_id=rule_id, day=day, starts_at=starts_at, ends_at=ends_at, needs=needs,
                         cancelled_at=None, short_notified_at=None, created_at=starts_at - timedelta(days=28))
            fill = 0.9 if past else 0.5
            for kind, slots in needs.items():
                if kind == "volunteer":
                    pool = list(people.patrollers)
                    if bench_patroller and not past and self.random.random() < 0.5:
                        pool.remove(bench_patroller)
                        chosen = [bench_patroller] + self.random.sample(pool, min(slots, len(pool)) - 1)
                    else:
                        chosen = self.random.sample(pool, min(slots, len(pool)))
                else:
                    chosen = [people.officers[kind]]
                for slot_no, member in enumerate(chosen, start=1):
                    if self.random.random() > fill and member is not bench_patroller:
                        continue
                    attended = past and self.random.random() < 0.9
                    self.out.add("alleys_patrol_signups", id=self.ids("alleys_patrol_signups"),
                                 community_id=community_id, shift_id=shift_id, user_id=member.id, kind=kind,
                                 slot_no=slot_no, assigned_by_id=None, released_at=None,
                                 created_at=starts_at - timedelta(days=self.random.randint(1, 20)),
                                 checked_in_at=starts_at - timedelta(minutes=5) if attended else None,
                                 checked_out_at=ends_at + timedelta(minutes=2) if attended else None)

    def findings(self, people: CommunityPeople, alleys) -> None:
        community_id = people.community_id
        count = self.scale.per_community(self.scale.findings)
        start = datetime.combine(self.first_day, time(), tzinfo=self.now.tzinfo)
        reporters = people.patrollers * 4 + self.random.sample(people.residents, min(40, len(people.residents)))
        for created in sorted(self.moment(start, self.now - timedelta(minutes=2)) for _ in range(count)):
            finding_id = self.ids("alleys_findings")
            alley_id, alley_name = self.random.choice(alleys)
            category = self.random.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            department = CATEGORY_DEPARTMENT[category]
            officer = people.officers[department]
            reporter = self.random.choice(reporters)
            age = self.now - created
            if age > timedelta(days=2):
                state = self.random.choices(("closed", "verified", "resolved"), (85, 10, 5))[0]
            else:
                state = self.random.choice(("dispatched", "accepted", "resolved", "verified", "closed"))
            order = ("dispatched", "accepted", "resolved", "verified", "closed")
            reached = order.index(state)
            accepted_at = created + timedelta(minutes=self.random.randint(3, 45)) if reached >= 1 else None
            resolved_at = accepted_at + timedelta(minutes=self.random.randint(10, 150)) if reached >= 2 else None
            verified_at = resolved_at + timedelta(minutes=self.random.randint(10, 600)) if reached >= 3 else None
            closed_at = verified_at + timedelta(minutes=1) if reached >= 4 else None
            times = [created, accepted_at, resolved_at, verified_at, closed_at]
            if any(t is not None and t > self.now for t in times):  # a recent case has not got that far yet
                state = order[max(n for n, t in enumerate(times) if t is not None and t <= self.now)]
                reached = order.index(state)
                accepted_at, resolved_at, verified_at, closed_at = [
                    t if n <= reached else None for n, t in enumerate(times)][1:]
            accept_due, resolve_due = created + timedelta(minutes=30), created + timedelta(minutes=120)
            accept_late = state == "dispatched" and self.now > accept_due
            resolve_late = state in ("dispatched", "accepted") and self.now > resolve_due
            self.out.add("alleys_findings", id=finding_id, community_id=community_id, alley_id=alley_id,
                         category=category, description=FINDING_TEXTS[category],
                         place=f"{alley_name}{self.random.randint(1, 60)}号旁", reporter_id=reporter.id, state=state,
                         department=department, submission_key=self.hex_key(), created_at=created,
                         dispatched_at=created, accept_due_at=accept_due, resolve_due_at=resolve_due,
                         accepted_at=accepted_at, accepted_by_id=officer.id if accepted_at else None,
                         resolved_at=resolved_at, resolved_by_id=officer.id if resolved_at else None,
                         resolution_note="已清理，拍照留存" if resolved_at else "", verified_at=verified_at,
                         closed_at=closed_at, sent_back_at=None,
                         accept_escalated_at=accept_due + timedelta(minutes=1) if accept_late else None,
                         resolve_escalated_at=resolve_due + timedelta(minutes=1) if resolve_late else None)
            self.photo(community_id, finding_id, "before", reporter.id, created)
            if resolved_at:
                self.photo(community_id, finding_id, "after", officer.id, resolved_at)
            steps = [("report", "", "reported", created, reporter.id),
                     ("dispatch", "reported", "dispatched", created, None)]
            moves = [("accept", "accepted", accepted_at, officer.id), ("resolve", "resolved", resolved_at, officer.id),
                     ("verify", "verified", verified_at, reporter.id), ("close", "closed", closed_at, reporter.id)]
            previous = "dispatched"
            for action, target, at, actor in moves:
                if at is None:
                    break
                steps.append((action, previous, target, at, actor))
                previous = target
            for action, source, target, at, actor in steps:
                self.out.add("alleys_finding_events", id=self.ids("alleys_finding_events"),
                             community_id=community_id, finding_id=finding_id, action=action, from_state=source,
                             to_state=target, actor_id=actor, note="", department=department, created_at=at)

    def photo(self, community_id: int, finding_id: int, kind: str, added_by: int, at: datetime) -> None:
        key = f"{community_id}/{self.hex_key()}.jpg"
        if self.upload_dir is not None:
            target = self.upload_dir / key
            target.parent.mkdir(parents=True, exist_ok=True)
            # one file on disk per community, many names (a file system allows ~65,000 links to one file)
            template = _write_template_photo(self.upload_dir / str(community_id) / ".bench-photo.jpg")
            os.link(template, target)
        self.out.add("alleys_finding_photos", id=self.ids("alleys_finding_photos"), community_id=community_id,
                     finding_id=finding_id, key=key, kind=kind, width=320, height=240, added_by_id=added_by,
                     created_at=at)

    def finish(self) -> None:
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                for table in db.metadata.sorted_tables:
                    if "id" in table.columns and table.name in self.ids.next:
                        # table names come from the models' metadata, not from a user
                        connection.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # nosec B608
                            f"(SELECT COALESCE(MAX(id), 1) FROM \"{table.name}\"))")
                connection.exec_driver_sql("ANALYZE")
        else:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")


class Ledger:
    """Time credits in order of time: starting grants, help paid by the requester down to the floor and by the pool."""

    def __init__(self, generator: Generator, community_id: int):
        self.g = generator
        self.community_id = community_id
        self.pool = generator.ids("mutualaid_accounts")
        self.accounts: dict[int, int] = {}  # user id -> account id
        self.balances: dict[int, int] = {self.pool: 0}
        self.opened: dict[int, datetime] = {}
        self.pending: list[tuple] = []

    def account(self, user_id: int, at: datetime) -> int:
        if user_id in self.accounts:
            return self.accounts[user_id]
        account_id = self.g.ids("mutualaid_accounts")
        self.accounts[user_id] = account_id
        self.balances[account_id] = 0
        self.opened[account_id] = at
        self.post("grant", [(self.pool, -300), (account_id, 300)], at, reason="starting grant",
                  grant_account_id=account_id)
        return account_id

    def help(self, request_id: int, requester: Person, volunteer: Person, minutes: int, at: datetime, title: str):
        volunteer_account = self.account(volunteer.id, at)
        age = age_on(requester.birth_date, at.date())
        if requester.needs_care or (age is not None and age >= 70):
            legs = [(self.pool, -minutes)]
        else:
            payer = self.account(requester.id, at)
            own = max(0, min(minutes, self.balances[payer] + 600))
            legs = [(payer, -own), (self.pool, -(minutes - own))]
        legs.append((volunteer_account, minutes))
        excess = max(0, self.balances[volunteer_account] + minutes - 90_000)
        if excess:
            legs[-1] = (volunteer_account, minutes - excess)
            legs.append((self.pool, excess))
        self.post("help", legs, at, reason=title, request_id=request_id)

    def post(self, kind: str, legs, at: datetime, reason: str = "", **links) -> None:
        merged: dict[int, int] = defaultdict(int)
        for account_id, minutes in legs:
            merged[account_id] += minutes
        assert sum(merged.values()) == 0, "a transaction must sum to zero"
        transaction_id = self.g.ids("mutualaid_transactions")
        entries = []
        for account_id in sorted(merged):
            if merged[account_id]:
                self.balances[account_id] += merged[account_id]
                entries.append((self.g.ids("mutualaid_entries"), account_id, merged[account_id]))
        self.pending.append((transaction_id, kind, at, reason, links, entries))

    def write(self) -> None:
        out = self.g.out
        out.add("mutualaid_accounts", id=self.pool, community_id=self.community_id, user_id=None, is_pool=True,
                balance_minutes=self.balances[self.pool],
                created_at=datetime.combine(self.g.first_day, time(), tzinfo=self.g.now.tzinfo))
        for user_id, account_id in self.accounts.items():
            out.add("mutualaid_accounts", id=account_id, community_id=self.community_id, user_id=user_id,
                    is_pool=False, balance_minutes=self.balances[account_id], created_at=self.opened[account_id])
        for transaction_id, kind, at, reason, links, entries in self.pending:
            out.add("mutualaid_transactions", id=transaction_id, community_id=self.community_id, kind=kind,
                    request_id=links.get("request_id"), grant_account_id=links.get("grant_account_id"),
                    corrects_id=None, submission_key=None, actor_id=None, reason=reason[:300], created_at=at)
            for entry_id, account_id, minutes in entries:
                out.add("mutualaid_entries", id=entry_id, community_id=self.community_id,
                        transaction_id=transaction_id, account_id=account_id, minutes=minutes, created_at=at)


def _write_template_photo(path: Path) -> Path:
    from PIL import Image, ImageDraw

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (320, 240), (210, 200, 180))
        draw = ImageDraw.Draw(image)
        draw.rectangle((40, 120, 280, 230), fill=(120, 110, 100))
        image.save(path, format="JPEG", quality=70)
    return path


# --- entry points --------------------------------------------------------------------------

def is_empty() -> bool:
    from .models import User

    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def build(scale: Scale | str, now: datetime | None = None, seed: int = 2024, photos: bool = True,
          progress=None) -> dict:
    """Fill an empty database; returns the seconds taken and the rows written per table."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    if current_app.config.get("NEIGHBORS_ENV") == "production":
        raise BenchDataRefused("bench-data is refused when NEIGHBORS_ENV=production.")
    if not is_empty():
        raise BenchDataRefused("The database already has users; bench data goes into an empty database.")
    upload_dir = Path(current_app.config["NEIGHBORS_UPLOAD_DIR"]) if photos else None
    generator = Generator(scale, now or utcnow(), seed=seed, upload_dir=upload_dir)
    return generator.build(progress=progress)


def targets(community_id: int | None = None) -> dict:
    """Ids and logins the benchmarks and the query-count tests measure: pages with data behind them."""
    from .alleys.models import Finding
    from .kitchen.models import Meal, MealOrder
    from .models import User
    from .mutualaid.models import HelpRequest

    users = {role: db.session.scalar(sa.select(User).where(User.phone == phone))
             for role, phone in BENCH_PHONES.items()}
    community_id = community_id or users["staff"].community_id
    now = utcnow()
    open_meal = db.session.scalar(
        sa.select(Meal.id).where(Meal.community_id == community_id, Meal.order_deadline > now,
                                 Meal.cancelled_at.is_(None), Meal.closed_at.is_(None))
        .order_by(Meal.served_on.desc(), Meal.id.desc()).limit(1))
    open_meals = list(db.session.scalars(
        sa.select(Meal.id).where(Meal.community_id == community_id, Meal.order_deadline > now)
        .order_by(Meal.served_on, Meal.id)))
    served_meal = db.session.scalar(
        sa.select(MealOrder.meal_id).where(MealOrder.community_id == community_id, MealOrder.status == "delivered")
        .order_by(MealOrder.id.desc()).limit(1))
    request_id = db.session.scalar(
        sa.select(HelpRequest.id).where(HelpRequest.community_id == community_id,
                                        HelpRequest.requester_id == users["resident"].id,
                                        HelpRequest.status == "confirmed")
        .order_by(HelpRequest.id.desc()).limit(1)) or db.session.scalar(
        sa.select(HelpRequest.id).where(HelpRequest.community_id == community_id)
        .order_by(HelpRequest.id.desc()).limit(1))
    finding_id = db.session.scalar(
        sa.select(Finding.id).where(Finding.community_id == community_id, Finding.state == "closed")
        .order_by(Finding.id.desc()).limit(1)) or db.session.scalar(
        sa.select(Finding.id).where(Finding.community_id == community_id).order_by(Finding.id.desc()).limit(1))
    order_id = db.session.scalar(
        sa.select(MealOrder.id).where(MealOrder.community_id == community_id,
                                      MealOrder.resident_id == users["resident"].id)
        .order_by(MealOrder.served_on.desc(), MealOrder.id.desc()).limit(1))
    local = local_today(now)
    previous_month = (local.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return {"community_id": community_id, "phones": dict(BENCH_PHONES), "password": BENCH_PASSWORD,
            "meal_id": open_meal or served_meal, "open_meal_ids": open_meals, "request_id": request_id,
            "finding_id": finding_id, "order_id": order_id, "month": previous_month,
            "orderer_id": users["orderer"].id}
