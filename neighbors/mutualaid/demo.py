"""Demo data for mutual aid: skills everywhere, verified volunteers and a few requests in 镇海社区. Idempotent."""
import hashlib
from datetime import time, timedelta

import sqlalchemy as sa

from .. import demo
from ..clock import local_today
from ..extensions import db
from ..models import Role
from . import services
from .models import HelpRequest, Offer

# phone -> skills (黄建国: plumbing and electrical; 杨志强: plumbing and appliances)
VOLUNTEERS = {
    "13900000003": (["水电维修"], "退休电工，党员，住镇海路。水管、电路的小毛病都能看看。",
                    [(0, time(8), time(12)), (2, time(8), time(12)), (5, time(8), time(12)), (5, time(13), time(17))]),
    "13900000010": (["水电维修", "家电维修"], "修过二十年家电，洗衣机、冰箱、热水器都熟。",
                    [(1, time(13), time(17)), (3, time(13), time(17)), (6, time(8), time(12))]),
}

# (title, skill, description, resident index, stage, minutes, rating)
REQUESTS = [
    ("厨房水龙头漏水", "水电维修", "水龙头关不紧，一直滴水，晚上听得很清楚。", 1, "open", None, None),
    ("洗衣机不脱水", "家电维修", "老式波轮洗衣机，洗完衣服还是湿的。", 4, "open", None, None),
    ("手机字太小，想调大一点", "手机电脑", "孙子不在家，不会调手机设置。", 7, "open", None, None),
    ("客厅插座没电", "水电维修", "客厅两个插座都没电，电视用不了。", 2, "accepted", None, None),
    ("卫生间灯不亮", "水电维修", "换了灯泡还是不亮。", 3, "confirmed", 60, 5),
    ("热水器打不着火", "家电维修", "燃气热水器一直打不着火。", 5, "confirmed", 90, 4),
]


def _key(text: str) -> str:
    return hashlib.md5(f"demo:{text}".encode(), usedforsecurity=False).hexdigest()


def mutual_aid(ctx: demo.DemoContext) -> None:
    db.session.commit()
    for community in ctx.communities.values():
        services.seed_skills(community.id, ctx.now)
    for phone, (skills, intro, windows) in VOLUNTEERS.items():
        volunteer = ctx.users[phone]
        if services.profile_of(volunteer.community_id, volunteer.id) is None:
            services.save_profile(volunteer, skill_ids=skills, windows=windows, intro=intro, now=ctx.now)
    for user in ctx.users.values():
        services.open_account(user, ctx.now)

    community = ctx.communities["镇海社区"]
    staff = ctx.users["13900000001"]
    residents = ctx.residents["镇海社区"]
    barber = residents[6]
    if not barber.has_role(Role.VOLUNTEER):
        services.save_profile(barber, skill_ids=["理发"], windows=[(5, time(8), time(12))],
                              intro="以前开过理发店，退休了给老邻居剪剪头。", now=ctx.now)
        services.set_verified(staff, barber.id, True, ctx.now)
    if not db.session.scalar(sa.select(Offer.id).where(Offer.community_id == community.id,
                                                       Offer.title == "周六上午义务理发")):
        services.create_offer(barber, "理发", "周六上午义务理发", "在社区活动室，带上毛巾就行。行动不便的可以上门。",
                              ctx.now)

    helpers = [ctx.users["13900000003"], ctx.users["13900000010"]]
    tomorrow = local_today(ctx.now) + timedelta(days=1)
    for index, (title, skill, description, resident_index, stage, minutes, rating) in enumerate(REQUESTS):
        resident = residents[resident_index]
        existing = db.session.scalar(sa.select(HelpRequest).where(HelpRequest.submission_key == _key(title)))
        if existing is not None:
            continue
        details = services.RequestDetails(skill=skill, title=title, description=description, address=resident.address,
                                          asap=index % 2 == 0, day=tomorrow, starts=time(9), ends=time(11))
        asked_at = ctx.now - timedelta(hours=5 * (len(REQUESTS) - index))
        request = services.create_request(staff, resident.id, details, asked_at, submission_key=_key(title))
        if stage == "open":
            continue
        helper = helpers[0] if skill == "水电维修" else helpers[1]
        services.accept(helper, request.id, asked_at + timedelta(hours=1))
        if stage == "confirmed":
            services.report_done(helper, request.id, minutes, asked_at + timedelta(hours=3))
            services.confirm(staff, request.id, rating, "谢谢师傅，修得很好！", asked_at + timedelta(hours=4))
