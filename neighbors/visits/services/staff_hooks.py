"""What staff's console reads of 千户访: the queue (elders living alone met with a need), a person's
household, and the month's visits."""
from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa

from ...clock import local_to_utc
from ...database import same_community
from ...errors import N_
from ...extensions import db
from ...links import Link
from ...periods import period_between
from ...workqueue import QueueItem
from ..models import Household, HouseholdMember, Need, Outcome, Visit


def _waiting(community_id: int):
    """Visits staff follow up: an elder living alone met with a need, and 发现能人 (someone who could help)."""
    return sa.and_(Visit.community_id == community_id, Visit.attended_at.is_(None),
                   sa.or_(Visit.needs_attention.is_(True), Visit.talent != ""))


def staff_queue(community_id: int, now: datetime) -> list[QueueItem]:
    rows = db.session.execute(
        sa.select(Visit.visited_at, Visit.needs_attention, Visit.talent, Household.id, Household.building,
                  Household.unit, Household.room)
        .join(Household, same_community(Household.id == Visit.household_id)).where(_waiting(community_id))
        .order_by(Visit.visited_at))
    items = []
    for visited_at, elder, talent, household_id, building, unit, room in rows:
        link, address = Link("visits.household_page", household_id=household_id), f"{building}{unit}{room}"
        if elder:
            items.append(QueueItem(kind="visits.elder_alone", title=N_("An elder living alone at %(address)s needs help"),
                                   since=visited_at, link=link, action=N_("Seen to"), params={"address": address},
                                   urgent=True))
        else:
            items.append(QueueItem(kind="visits.talent",
                                   title=N_("Someone at %(address)s could help others: %(talent)s. Invite them to volunteer?"),
                                   since=visited_at, link=link, action=N_("Seen to"),
                                   params={"address": address, "talent": talent}))
    return items


def staff_queue_count(community_id: int, now: datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count(Visit.id)).where(_waiting(community_id))) or 0


def person_summary(community_id: int, user_id: int) -> dict:
    household = db.session.execute(
        sa.select(Household.id, Household.building, Household.unit, Household.room)
        .join(HouseholdMember, same_community(HouseholdMember.household_id == Household.id))
        .where(HouseholdMember.user_id == user_id, Household.community_id == community_id)).first()
    if household is None:
        return {"household": None}
    return {"household": {"id": household[0], "address": "".join(household[1:]),
                          "link": Link("visits.household_page", household_id=household[0])}}


def figure_records(community_id: int, start: date, end: date) -> dict[str, Link]:
    """The coverage page of the year (or the month) shows, grid by grid and worker by worker, what was counted."""
    span = period_between(start, end).args
    return dict.fromkeys(("visits", "households_visited", "households", "nobody_home", "needs"),
                         Link("visits.coverage", community=community_id, **span))


def monthly_summary(community_id: int, start: date, end: date, now: datetime | None = None) -> dict:
    """Visits made in local dates [start, end): how many, how many households, nobody home, needs by kind."""
    since, until = local_to_utc(start, time(0)), local_to_utc(end, time(0))
    in_period = sa.and_(Visit.community_id == community_id, Visit.visited_at >= since, Visit.visited_at < until)
    visits, households, nobody_home = db.session.execute(
        sa.select(sa.func.count(Visit.id), sa.func.count(sa.distinct(Visit.household_id)),
                  sa.func.count(sa.case((Visit.outcome == Outcome.NOBODY_HOME.value, Visit.id))))
        .where(in_period)).one()
    all_households = db.session.scalar(sa.select(sa.func.count(Household.id))
                                       .where(Household.community_id == community_id)) or 0
    needs = {need.value: 0 for need in Need}
    for (found,) in db.session.execute(sa.select(Visit.needs).where(in_period, Visit.needs != "")):
        for value in found.split(","):
            needs[value] = needs.get(value, 0) + 1
    return {"visits": visits or 0, "households_visited": households or 0, "households": all_households,
            "nobody_home": nobody_home or 0, "needs": needs}
