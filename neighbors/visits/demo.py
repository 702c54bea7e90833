"""Demo data for 千户访: 镇海社区 gets two grids of about 40 households each, imported through the roster rules
(郑长华 among them, living alone), grid worker 陈芳芳 (13900000013) on both, and visits already made. Idempotent."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from .. import demo
from ..extensions import db
from . import services
from .models import Household, Visit
from .services.roster_files import RosterRow

GRIDS = {"第一网格": ["镇海路", "大元路"], "第二网格": ["打铁巷", "养真宫巷"]}
SURNAMES = "陈林黄郑王李吴蔡许苏杨何叶曾周张"
GIVEN = ["玉钗", "光贤", "秀兰", "阿水", "金花", "建华", "美珍", "志明", "丽娟", "国强", "宝珠", "火旺"]
TAG_CYCLE = ["独居", "", "空巢", "", "低保", "", "", "独居、重点关注", "", "残疾", "", "特困", "", ""]


def _rows(mother) -> list[RosterRow]:
    """About 40 doors per grid, one to three people each; 郑长华 alone at her own address in the first."""
    rows, number = [], 2
    building = mother.building.name if mother.building else "镇海路12号"
    rows.append(RosterRow(number, {"grid": "第一网格", "building": building, "unit": "", "room": mother.unit,
                                   "name": mother.name, "phone": mother.phone, "birth_date": mother.birth_date,
                                   "relation": "户主", "contact": "是", "tags": "独居"}))
    for grid_index, (grid, roads) in enumerate(GRIDS.items()):
        for door in range(40):
            road = roads[door % 2]
            place = (f"{road}{3 + door // 8 * 5}号", f"{1 + door % 2}单元", f"{1 + door % 4}0{1 + door % 3}室")
            tags = TAG_CYCLE[(door + grid_index) % len(TAG_CYCLE)]
            size = 1 if "独居" in tags else 1 + (door + grid_index) % 3
            for member in range(size):
                number += 1
                seed = door * 3 + member + grid_index * 7
                born = date(1934 + (seed * 7) % 60, 1 + seed % 12, 1 + seed % 27)
                rows.append(RosterRow(number, {
                    "grid": grid, "building": place[0], "unit": place[1], "room": place[2],
                    "name": SURNAMES[seed % len(SURNAMES)] + GIVEN[(seed * 5) % len(GIVEN)],
                    "phone": "", "birth_date": born, "relation": "户主" if member == 0 else "家人",
                    "contact": "是" if member == 0 else "", "tags": tags}))
    return rows


def visits(ctx: demo.DemoContext) -> None:
    community = ctx.communities["镇海社区"]
    staff, worker, mother = ctx.users["13900000001"], ctx.users["13900000013"], ctx.users["13900000004"]
    known = {grid.name: grid for grid in services.grids(community.id)}
    for name in GRIDS:
        grid = known.get(name) or services.create_grid(staff, name, ctx.now)
        if worker.id not in grid.worker_ids:
            services.add_worker(staff, grid.id, worker.phone, ctx.now)
    services.import_roster(None, community.id, services.Roster("demo", _rows(mother)), ctx.now)
    if db.session.scalar(sa.select(Visit.id).where(Visit.community_id == community.id).limit(1)):
        return
    homes = db.session.scalars(sa.select(Household).where(Household.community_id == community.id)
                               .order_by(Household.sort_key)).all()
    for index, home in enumerate(homes):
        if home.contact_id == mother.id or index % 3 == 0:
            continue  # due: never visited yet
        days = 20 + (index * 37) % 300
        outcome = "nobody_home" if index % 11 == 5 else "met_member"
        needs = ["meals"] if index % 7 == 1 else (["repair"] if index % 13 == 2 else [])
        details = services.VisitDetails(outcome, met_id=home.contact_id if outcome == "met_member" else None,
                                        needs=needs if outcome == "met_member" else [],
                                        note="身体不错，家里整洁。" if outcome == "met_member" else "",
                                        talent="退休电工，愿意帮邻居修电器" if index % 17 == 4 and outcome == "met_member"
                                        else "")
        services.record_visit(worker, home.id, details, ctx.now - timedelta(days=days))
