"""Demo data: 打铁巷 and 升平路小巷 in 鹭江道社区 with their branch, rules, shifts and cases."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from io import BytesIO

import sqlalchemy as sa
from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from .. import demo
from ..clock import local_to_utc, local_today
from ..extensions import db
from ..uploads import store_image
from . import services
from .models import (
    FINDING_STATES, VOLUNTEER, Alley, AlleyBranch, AlleySegment, CategoryRoute, Finding, FindingPhoto, FindingState,
    MemberKind, PatrolRule, PatrolShift, finding_event,
)
from .policy import slot_kind

ROUTES = {"obstruction": "城管", "street_vending": "城管", "sanitation": "环卫", "hazard": "城管",
          "facility": "城管", "other": ""}


def _photo(colour: tuple[int, int, int], label: str) -> FileStorage:
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, 640, 40):
        draw.line([(x, 480), (x + 120, 0)], fill=tuple(max(0, c - 40) for c in colour), width=6)
    draw.rectangle([20, 20, 260, 70], fill=(255, 255, 255))
    draw.text((30, 35), label, fill=(0, 0, 0))
    data = BytesIO()
    image.save(data, format="JPEG", quality=80)
    data.seek(0)
    return FileStorage(stream=data, filename=f"{label}.jpg", content_type="image/jpeg")


def _key(n: int) -> str:
    return f"{n:032x}"


def build_alleys(ctx: demo.DemoContext) -> None:
    community = ctx.communities["鹭江道社区"]
    staff, secretary = ctx.users["13900000008"], ctx.users["13900000005"]
    patroller, officer = ctx.users["13900000012"], ctx.users["13900000006"]
    officers = {"城管": officer, "环卫": ctx.users["13900000014"]}  # someone acts on every route below
    south_officer = ctx.users["13900000016"]
    now = ctx.now

    branch = db.session.scalar(sa.select(AlleyBranch).where(
        AlleyBranch.community_id == community.id, AlleyBranch.name == "打铁巷小巷党支部"))
    if branch is None:
        branch = services.save_branch(staff, community.id, "打铁巷小巷党支部", secretary.id, now=now)
        services.add_member(staff, branch.id, patroller.id, MemberKind.PATROLLER, now=now)
    for department, person in [*officers.items(), ("城管", south_officer)]:
        if not any(member.user_id == person.id for member in branch.members):
            services.add_member(staff, branch.id, person.id, MemberKind.OFFICER, department, now=now)

    alleys = {}
    for name, description, landmarks in (
        ("打铁巷", "老城区的百年小巷，早晚上学时段人多。", "打铁巷口（鹭江道）\n打铁巷12号\n公厕旁\n小学后门"),
        ("升平路小巷", "连接升平路与水仙路的窄巷，有早市摊位。", "升平路口\n水仙路口\n老榕树下"),
    ):
        alley = db.session.scalar(sa.select(Alley).where(Alley.community_id == community.id, Alley.name == name))
        if alley is None:
            alley = services.save_alley(staff, community.id, name, description, landmarks, branch.id, now=now)
        alleys[name] = alley
        for category, department in ROUTES.items():
            exists = db.session.scalar(sa.select(CategoryRoute.id).where(
                CategoryRoute.alley_id == alley.id, CategoryRoute.category == category))
            if not exists:
                services.set_route(staff, alley.id, category, department, 30, 120, now=now)

    datie = alleys["打铁巷"]
    if not db.session.scalar(sa.select(PatrolRule.id).where(PatrolRule.alley_id == datie.id)):
        services.save_rule(secretary, datie.id, "01234", time(7, 0), time(8, 0), {VOLUNTEER: 2, "城管": 1},
                           now=now)
        services.save_rule(secretary, datie.id, "5", time(9, 0), time(10, 30), {VOLUNTEER: 2}, now=now)
    shengping = alleys["升平路小巷"]
    if not db.session.scalar(sa.select(PatrolRule.id).where(PatrolRule.alley_id == shengping.id)):
        services.save_rule(secretary, shengping.id, "6", time(8, 0), time(9, 0), {VOLUNTEER: 1, "市场监管": 1},
                           now=now)
    segments = _segments(staff, datie, officer, south_officer, now)
    _sign_up_some(datie, [secretary, patroller, officer], now)
    _cases(community.id, datie, shengping, patroller, officers, secretary, now, segments)

    zhenhai = ctx.communities["镇海社区"]
    if not db.session.scalar(sa.select(Alley.id).where(Alley.community_id == zhenhai.id, Alley.name == "养真宫巷")):
        services.save_alley(ctx.users["13900000001"], zhenhai.id, "养真宫巷", "镇海路旁的小巷。", "养真宫\n镇海路口",
                            now=now)


def _segments(staff, datie: Alley, north_officer, south_officer, now: datetime) -> dict[str, AlleySegment]:
    """打铁巷's two stretches, each with its responsible 城管 officer and the other as deputy."""
    made = {}
    for name, landmarks, responsible, deputy in (
            ("打铁巷北段", "打铁巷口（鹭江道）\n小学后门", north_officer, south_officer),
            ("打铁巷南段", "打铁巷12号\n公厕旁", south_officer, north_officer)):
        segment = db.session.scalar(sa.select(AlleySegment).where(AlleySegment.alley_id == datie.id,
                                                                  AlleySegment.name == name))
        if segment is None:
            segment = services.save_segment(staff, datie.id, name, landmarks, now)
            services.set_owner(staff, segment.id, "城管", responsible.id, deputy.id, now)
        made[name] = segment
    return made


def _sign_up_some(alley: Alley, people, now: datetime) -> None:
    shifts = db.session.scalars(sa.select(PatrolShift).where(
        PatrolShift.alley_id == alley.id, PatrolShift.starts_at > now + timedelta(hours=3))
        .order_by(PatrolShift.starts_at).limit(4)).all()
    secretary, patroller, officer = people
    plan = {0: [patroller, officer, secretary], 1: [patroller, officer], 2: [patroller], 3: [secretary]}
    for index, shift in enumerate(shifts):
        for person in plan.get(index, []):
            if shift.signup_of(person.id) is None and shift.open_for(slot_kind(person)):
                services.sign_up(person, shift.id, now)


# where a case was reported: its segment, and the position its reporter gave
WHERE = {1: ("打铁巷南段", None), 2: ("打铁巷北段", None), 4: ("打铁巷南段", (24.45462, 118.07536, 15.0))}


def _cases(community_id, datie, shengping, patroller, officers, secretary, now, segments) -> None:
    today = local_today(now)
    cases = [
        # key, alley, category, description, place, reporter, local day offset, reported, steps (minutes after)
        (1, datie, "sanitation", "路面油腻，有人倒了剩菜汤水，老人走路容易滑倒。", "打铁巷12号门口", patroller, -3, time(7, 21),
         {"accept": 6, "resolve": 36, "verify": 50, "close": 55}),
        (2, datie, "obstruction", "电动车停在巷子中间，轮椅过不去。", "小学后门", secretary, -1, time(7, 40),
         {"accept": 10, "resolve": 25, "verify": 40}),
        (3, shengping, "street_vending", "早市摊位占了半条巷子。", "老榕树下", patroller, 0, None,
         {"accept": 5}),
        (4, datie, "facility", "路灯不亮，晚上很黑。", "公厕旁", patroller, 0, None, {}),
        (5, shengping, "sanitation", "垃圾桶满了，垃圾袋堆在墙边。", "水仙路口", secretary, 0, None, {}),
    ]
    for n, alley, category, description, place, reporter, offset, at, steps in cases:
        if db.session.scalar(sa.select(Finding.id).where(Finding.submission_key == _key(n))):
            continue
        if at is None:
            reported = now - timedelta(minutes=20 * n)
        else:
            reported = local_to_utc(today + timedelta(days=offset), at)
        route = services.route_for(alley, category)
        segment, position = WHERE.get(n, (None, None))
        latitude, longitude, accuracy = position or (None, None, None)
        finding = Finding(community_id=community_id, alley_id=alley.id, category=category, description=description,
                          place=place, reporter_id=reporter.id, state=FindingState.REPORTED, submission_key=_key(n),
                          created_at=reported, segment_id=segments[segment].id if segment else None,
                          latitude=latitude, longitude=longitude, accuracy_m=accuracy)
        db.session.add(finding)
        db.session.flush()
        stored = store_image(_photo((150, 120, 90), f"before {n}"), community_id)
        db.session.add(FindingPhoto(community_id=community_id, finding_id=finding.id, key=stored.key, kind="before",
                                    width=stored.width, height=stored.height, added_by_id=reporter.id,
                                    created_at=reported))
        db.session.add(finding_event(finding, "report", reporter, reported, "", FindingState.REPORTED))
        services.send_to_department(finding, route.department, None, reported)
        officer = officers[route.department]
        for action, minutes in steps.items():
            moment = reported + timedelta(minutes=minutes)
            actor = officer if action in ("accept", "resolve") else reporter
            FINDING_STATES.move(finding, action, actor, moment,
                                note="已冲洗路面，撒了防滑砂。" if action == "resolve" else "")
            if action == "accept":
                finding.accepted_at, finding.accepted_by_id = moment, officer.id
            elif action == "resolve":
                finding.resolved_at, finding.resolved_by_id = moment, officer.id
                finding.resolution_note = "已冲洗路面，撒了防滑砂。" if n == 1 else "已处理。"
                after = store_image(_photo((110, 160, 120), f"after {n}"), community_id)
                db.session.add(FindingPhoto(community_id=community_id, finding_id=finding.id, key=after.key,
                                            kind="after", width=after.width, height=after.height,
                                            added_by_id=officer.id, created_at=moment))
            elif action == "verify":
                finding.verified_at = moment
            elif action == "close":
                finding.closed_at = moment
        db.session.commit()
