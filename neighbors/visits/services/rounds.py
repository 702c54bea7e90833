"""Visit plans: how often each household is due a visit, and the list of households due, in address order.

A household is due every N months, N the shortest interval among its tags (staff set N per tag; a household
with no tag uses the "untagged" interval). Nobody home asks for a second try a few days later. The list is
built from five statements whatever the number of households, so the pages stay as fast at 1,000 as at 10.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from ... import audit
from ...clock import age_on, local_today, to_local
from ...database import begin_write, same_community
from ...errors import N_, InvalidInput
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import AGED_FROM, Grid, GridWorker, Household, HouseholdMember, HouseholdTag, Outcome, Tag, Visit, \
    VisitInterval
from ..policy import policy

UNTAGGED = "untagged"
DEFAULT_MONTHS = {Tag.ALONE.value: 1, Tag.AGED.value: 1, UNTAGGED: 12}
OTHER_TAGS_MONTHS = 12
SECOND_TRY_AFTER = timedelta(days=3)
DUE_AHEAD = timedelta(days=7)  # a household due within a week is on the list already


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def intervals(community_id: int) -> dict[str, int]:
    """Months between visits for every tag and for untagged households: the community's own, else the default."""
    months = {tag.value: DEFAULT_MONTHS.get(tag.value, OTHER_TAGS_MONTHS) for tag in Tag}
    months[UNTAGGED] = DEFAULT_MONTHS[UNTAGGED]
    for tag, value in db.session.execute(sa.select(VisitInterval.tag, VisitInterval.months)
                                         .where(VisitInterval.community_id == community_id)):
        months[tag] = value
    return months


@service
def set_intervals(actor: User, wanted: dict[str, int | None], now: datetime) -> dict[str, int]:
    policy.require(actor, "manage", actor.community_id)
    begin_write()
    before = intervals(actor.community_id)
    for key, months in wanted.items():
        if key not in before:
            raise InvalidInput(N_("Choose only from the tags shown."))
        if months is None or not 1 <= months <= 24:
            raise InvalidInput(N_("Give a number of months from 1 to 24."), field=key)
    rows = {row.tag: row for row in db.session.scalars(
        sa.select(VisitInterval).where(VisitInterval.community_id == actor.community_id))}
    for key, months in wanted.items():
        if key in rows:
            rows[key].months = months
        else:
            db.session.add(VisitInterval(community_id=actor.community_id, tag=key, months=months))
    db.session.flush()
    after = intervals(actor.community_id)
    if after != before:
        audit.record(actor, "visits.intervals_changed", "VisitInterval", community_id=actor.community_id,
                     before=before, after=after, now=now)
    return after


@dataclass
class HouseholdRow:
    """One line of a list of households: what a grid worker or staff member needs to decide where to knock."""

    id: int
    address: str
    grid_id: int
    grid: str
    contact: str = ""
    tags: list[Tag] = field(default_factory=list)
    last_met: datetime | None = None
    last_try: datetime | None = None
    next_due: date | None = None

    def overdue(self, today: date) -> bool:
        return self.next_due is not None and self.next_due < today


@dataclass(frozen=True)
class Scope:
    """Which households a list covers: the community's, narrowed to some grids, a tag or an address."""

    community_id: int
    grid_ids: tuple[int, ...] | None = None  # None: every grid
    tag: str = ""
    address: str = ""

    def households(self):
        where = [Household.community_id == self.community_id]
        if self.grid_ids is not None:
            where.append(Household.grid_id.in_(self.grid_ids or (-1,)))
        if self.address:
            pattern = "%" + self.address.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append((Household.building + Household.unit + Household.room).like(pattern, escape="\\"))
        return where


def scope_for(actor: User, grid_id: int | None = None, tag: str = "", address: str = "") -> Scope:
    """Staff see every grid of their community; a grid worker only their own grids."""
    if policy.may(actor, "manage"):
        grid_ids = None
    else:
        grid_ids = tuple(db.session.scalars(sa.select(GridWorker.grid_id).where(
            GridWorker.user_id == actor.id, GridWorker.community_id == actor.community_id)))
    if grid_id is not None:
        grid_ids = (grid_id,) if grid_ids is None or grid_id in grid_ids else ()
    return Scope(actor.community_id, grid_ids, tag if tag in {t.value for t in Tag} else "", (address or "")[:50])


def household_rows(scope: Scope, now: datetime) -> list[HouseholdRow]:
    """Every household in scope, address order, with its tags, last visits and when it is next due."""
    today = local_today(now)
    where = scope.households()
    rows = {hid: HouseholdRow(hid, f"{b}{u}{r}", gid, gname, contact or "") for hid, b, u, r, gid, gname, contact in
            db.session.execute(
                sa.select(Household.id, Household.building, Household.unit, Household.room, Grid.id, Grid.name,
                          User.name)
                .join(Grid, same_community(Grid.id == Household.grid_id))
                .outerjoin(User, User.id == Household.contact_id)
                .where(*where).order_by(Household.sort_key, Household.id))}
    tags: dict[int, set[str]] = defaultdict(set)
    for hid, tag in db.session.execute(sa.select(HouseholdTag.household_id, HouseholdTag.tag)
                                       .join(Household, same_community(Household.id == HouseholdTag.household_id))
                                       .where(*where)):
        tags[hid].add(tag)
    for hid, eldest in db.session.execute(
            sa.select(HouseholdMember.household_id, sa.func.min(User.birth_date))
            .join(Household, same_community(Household.id == HouseholdMember.household_id))
            .join(User, User.id == HouseholdMember.user_id).where(*where).group_by(HouseholdMember.household_id)):
        if eldest is not None and age_on(eldest, today) >= AGED_FROM:
            tags[hid].add(Tag.AGED.value)
    met = sa.func.max(sa.case((Visit.outcome != Outcome.NOBODY_HOME.value, Visit.visited_at)))
    visits = {hid: (last_met, last_try) for hid, last_met, last_try in db.session.execute(
        sa.select(Visit.household_id, met, sa.func.max(Visit.visited_at))
        .join(Household, same_community(Household.id == Visit.household_id))
        .where(*where).group_by(Visit.household_id))}
    months = intervals(scope.community_id)
    for hid, row in rows.items():
        row.tags = [tag for tag in Tag if tag.value in tags[hid]]
        row.last_met, row.last_try = visits.get(hid, (None, None))
        row.next_due = next_due(row, months, today)
    if scope.tag:
        return [row for row in rows.values() if scope.tag in {tag.value for tag in row.tags}]
    return list(rows.values())


def next_due(row: HouseholdRow, months: dict[str, int], today: date) -> date:
    """Never met: due today. Met: the last meeting plus the household's interval. Nobody home since: a second try."""
    every = min((months[tag.value] for tag in row.tags), default=months[UNTAGGED])
    if row.last_met is None:
        due = today
    else:
        due = add_months(to_local(row.last_met).date(), every)
    if row.last_try is not None and (row.last_met is None or row.last_try > row.last_met):
        second_try = to_local(row.last_try + SECOND_TRY_AFTER).date()
        due = second_try if row.last_met is None else max(due, second_try)
    return due


def round_for(actor: User, now: datetime, grid_id: int | None = None) -> list[HouseholdRow]:
    """The grid worker's home: households due (within a week) or overdue, nearest address first."""
    policy.require(actor, "see_round")
    horizon = local_today(now + DUE_AHEAD)
    return [row for row in household_rows(scope_for(actor, grid_id), now) if row.next_due <= horizon]
