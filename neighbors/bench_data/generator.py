"""The generator: places and people, then each module's records, written community by community."""
from __future__ import annotations

import os
import random
import time as wallclock
from datetime import date, datetime, time, timedelta
from pathlib import Path

from werkzeug.security import generate_password_hash

from ..clock import local_to_utc, local_today
from ..extensions import db
from ..models import Role
from .alleys import AlleyRows
from .kitchen import KitchenRows
from .mutualaid import AidRows
from .people import CommunityPeople, Person
from .scale import BENCH_PASSWORD, BENCH_PHONES, DEPARTMENTS, GIVEN, PLACE_NAMES, ROADS, STREETS, SURNAMES, Scale
from .writing import Ids, Writer


class Generator(KitchenRows, AidRows, AlleyRows):
    """One seeded run: places and people here, each module's records in its own file (the mixins), all drawn
    from one random stream in a fixed order, so the same seed gives the same data."""

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

    def person(self, community_id: int, buildings, roles: list[Role], *, phone: str | None = None,
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
        for role in [Role.RESIDENT, *roles]:
            verified = verified_by is not None and role == Role.VOLUNTEER
            self.out.add("role_grants", id=self.ids("role_grants"), community_id=community_id, user_id=user_id,
                         role=role.value, department=department if role == Role.OFFICER else "", granted_by_id=None,
                         granted_at=created, verified_at=created + timedelta(days=1) if verified else None,
                         verified_by_id=verified_by if verified else None)
        return Person(user_id, name or "", born, needs_care, building_name + unit, phone)

    def people(self, community_id: int, buildings, first: bool) -> CommunityPeople:
        total = self.scale.per_community(self.scale.residents)
        phones = BENCH_PHONES if first else {}
        admin = self.person(community_id, buildings, [Role.ADMIN], phone=phones.get("admin"), login=True,
                            birth_year=(1970, 1990)) if first else None
        staff = self.person(community_id, buildings, [Role.STAFF], phone=phones.get("staff"), login=True,
                            birth_year=(1975, 1998))
        operators = [self.person(community_id, buildings, [Role.KITCHEN], phone=phones.get("operator") if n == 0 else None,
                                 login=True, birth_year=(1960, 1990)) for n in range(2)]
        volunteer_count = max(3, total * 2 // 100)
        volunteers = [self.person(community_id, buildings, [Role.VOLUNTEER], login=True, birth_year=(1950, 2000),
                                  phone=phones.get("volunteer") if n == 0 else None,
                                  party_member=self.random.random() < 0.6, verified_by=staff.id)
                      for n in range(volunteer_count)]
        patrollers = [self.person(community_id, buildings, [Role.PATROLLER], login=True, birth_year=(1950, 1995),
                                  phone=phones.get("patroller") if n == 0 else None, party_member=True)
                      for n in range(max(4, min(20, total // 150)))]
        officers = {dept: self.person(community_id, buildings, [Role.OFFICER], login=True, birth_year=(1975, 1998),
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


def _write_template_photo(path: Path) -> Path:
    from PIL import Image, ImageDraw

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (320, 240), (210, 200, 180))
        draw = ImageDraw.Draw(image)
        draw.rectangle((40, 120, 280, 230), fill=(120, 110, 100))
        image.save(path, format="JPEG", quality=70)
    return path
