"""Importing a roster: every row is checked first and shown (add, change, unchanged, refused with the reason),
and nothing is written until staff confirm; then all of it is written in one transaction. The same file twice
changes nothing: a household is its address, a person their mobile number (or their name in that household).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext

from ... import audit
from ...clock import local_today
from ...database import begin_write
from ...errors import N_, InvalidInput
from ...extensions import db
from ...models import Building, Role, RoleGrant, User
from ...phones import normalise_phone
from ...transactions import service
from ..models import STAFF_TAGS, Grid, Household, HouseholdMember, HouseholdTag, Tag, address_sort_key
from ..policy import policy
from .roster_files import COLUMNS, Roster, cell_text

TAG_WORDS = {"独居": Tag.ALONE, "空巢": Tag.EMPTY_NEST, "低保": Tag.LOW_INCOME, "特困": Tag.EXTREME_POVERTY,
             "残疾": Tag.DISABLED, "重点关注": Tag.ATTENTION, "高龄": Tag.AGED}
TAG_WORD_OF = {tag: word for word, tag in TAG_WORDS.items()}
YES, NO = {"是", "y", "yes", "1", "√", "✓"}, {"", "否", "n", "no", "0"}
LIMITS = {"building": 100, "unit": 30, "room": 30, "name": 50, "relation": 20}


@dataclass(frozen=True)
class Problem:
    column: str  # a key of COLUMNS
    msgid: str
    params: dict = field(default_factory=dict)

    @property
    def column_label(self) -> str:
        return COLUMNS[self.column]

    @property
    def text(self) -> str:
        return gettext(self.msgid, **self.params)


@dataclass
class RowPlan:
    number: int
    action: str  # "add", "change", "same" or "refuse"
    address: str = ""
    name: str = ""
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # msgids: what would change
    values: dict = field(default_factory=dict)
    key: tuple[str, str, str] = ("", "", "")
    grid: Grid | None = None
    household: Household | None = None
    person: User | None = None

    @property
    def change_texts(self) -> list[str]:
        return [gettext(change) for change in self.changes]


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def writes(self) -> bool:
        return any(row.action in ("add", "change") for row in self.rows)


def _birth_date(text: str, today: date) -> date | None:
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?", text.split(" ")[0])
    if not match:
        raise ValueError
    born = date(*(int(part) for part in match.groups()))
    if born > today or born.year < 1900:
        raise ValueError
    return born


class _Planner:
    """Checks each row against the community as it is and against the rows above it."""

    def __init__(self, community_id: int, now: datetime):
        self.community_id, self.today = community_id, local_today(now)
        self.grids = {grid.name: grid for grid in db.session.scalars(
            sa.select(Grid).where(Grid.community_id == community_id))}
        self.households = {(h.building, h.unit, h.room): h for h in db.session.scalars(
            sa.select(Household).where(Household.community_id == community_id))}
        self.member_of = {member.user_id: key for key, household in self.households.items()
                          for member in household.members}
        self.people_seen: dict[tuple, int] = {}
        self.phones_seen: dict[str, int] = {}
        self.grid_of: dict[tuple, tuple[str, int]] = {}
        self.tags_of: dict[tuple, set[Tag]] = {}
        self.contact_of: dict[tuple, int] = {}
        self.by_phone: dict[str, User] = {}

    def load_phones(self, phones: set[str]) -> None:
        wanted = sorted(phones)
        for start in range(0, len(wanted), 500):
            for person in db.session.scalars(sa.select(User).where(User.phone.in_(wanted[start:start + 500]))):
                self.by_phone[person.phone] = person

    def clean(self, row) -> tuple[dict, list[Problem]]:
        values = {key: cell_text(row.values.get(key)) for key in COLUMNS}
        problems = []
        for key in ("grid", "building", "room", "name"):
            if not values[key]:
                problems.append(Problem(key, N_("This column is empty.")))
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                problems.append(Problem(key, N_("At most %(limit)s characters."), {"limit": limit}))
        if values["grid"] and values["grid"] not in self.grids:
            problems.append(Problem("grid", N_("No grid is called %(name)s. Add it on the grids page first."),
                                    {"name": values["grid"][:50]}))
        if values["phone"]:
            try:
                values["phone"] = normalise_phone(values["phone"])
            except InvalidInput:
                problems.append(Problem("phone", N_("%(value)s is not a mainland mobile number."),
                                        {"value": values["phone"][:30]}))
        try:
            values["birth_date"] = _birth_date(values["birth_date"], self.today)
        except ValueError:
            problems.append(Problem("birth_date", N_("%(value)s is not a date of birth such as 1945-03-08."),
                                    {"value": values["birth_date"][:30]}))
        contact = values["contact"].lower()
        if contact not in YES | NO:
            problems.append(Problem("contact", N_("Write 是 or leave it empty.")))
        values["contact"] = contact in YES
        words = [word for word in re.split(r"[、,，;；/\s]+", values["tags"]) if word]
        unknown = [word for word in words if word not in TAG_WORDS]
        if unknown:
            problems.append(Problem("tags", N_("Unknown tag %(tag)s. Use 独居、空巢、低保、特困、残疾 or 重点关注."),
                                    {"tag": unknown[0][:20]}))
        values["tags"] = {TAG_WORDS[word] for word in words if word in TAG_WORDS} - {Tag.AGED}
        return values, problems

    def plan(self, row) -> RowPlan:
        values, problems = self.clean(row)
        key = (values["building"], values["unit"], values["room"])
        plan = RowPlan(row.number, "refuse", "".join(key), values["name"], problems, values=values, key=key)
        if problems:
            return plan
        self._duplicates(plan)
        household = self.households.get(key)
        person = self._person(plan, household)
        if plan.problems:
            return plan
        plan.grid, plan.household, plan.person = self.grids[values["grid"]], household, person
        self.people_seen[(key, values["name"])] = row.number
        if values["phone"]:
            self.phones_seen[values["phone"]] = row.number
        self.grid_of.setdefault(key, (values["grid"], row.number))
        if values["contact"]:
            self.contact_of[key] = row.number
        self._compare(plan)
        return plan

    def _duplicates(self, plan: RowPlan) -> None:
        values, key = plan.values, plan.key
        if (key, values["name"]) in self.people_seen:
            plan.problems.append(Problem("name", N_("The same person as row %(row)s."),
                                         {"row": self.people_seen[(key, values["name"])]}))
        if values["phone"] and values["phone"] in self.phones_seen:
            plan.problems.append(Problem("phone", N_("The same mobile number as row %(row)s."),
                                         {"row": self.phones_seen[values["phone"]]}))
        if values["contact"] and self.contact_of.get(key, plan.number) != plan.number:
            plan.problems.append(Problem("contact", N_("Row %(row)s is already the contact of this household."),
                                         {"row": self.contact_of[key]}))
        grid, first = self.grid_of.get(key, (values["grid"], 0))
        if grid != values["grid"]:
            plan.problems.append(Problem("grid", N_("Row %(row)s puts this household in %(grid)s."),
                                         {"row": first, "grid": grid}))

    def _person(self, plan: RowPlan, household: Household | None) -> User | None:
        values = plan.values
        person = self.by_phone.get(values["phone"]) if values["phone"] else None
        if person is not None:
            if person.community_id != self.community_id:
                plan.problems.append(Problem("phone", N_("This mobile number belongs to someone of another "
                                                         "community.")))
            elif person.name != values["name"]:
                plan.problems.append(Problem("phone", N_("This mobile number belongs to %(name)s."),
                                             {"name": person.name}))
            elif self.member_of.get(person.id, plan.key) != plan.key:
                plan.problems.append(Problem("name", N_("Already a member of the household at %(address)s."),
                                             {"address": "".join(self.member_of[person.id])}))
            return person
        if household is not None:
            return next((p for p in household.people if p.name == values["name"]), None)
        return None

    def _compare(self, plan: RowPlan) -> None:
        values, household, person = plan.values, plan.household, plan.person
        changes = []
        is_member = person is not None and self.member_of.get(person.id) == plan.key
        if household is not None and household.grid.name != values["grid"] and \
                self.grid_of[plan.key][1] == plan.number:
            changes.append(N_("the grid"))
        held = self.tags_of.setdefault(plan.key, household.staff_tags() if household else set())
        if values["tags"] - held:
            held |= values["tags"]
            if household is not None:
                changes.append(N_("tags"))
        if values["contact"] and household is not None and (person is None or household.contact_id != person.id):
            changes.append(N_("the contact"))
        if person is not None:
            if values["birth_date"] and person.birth_date != values["birth_date"]:
                changes.append(N_("the date of birth"))
            if values["phone"] and person.phone != values["phone"]:
                changes.append(N_("the mobile number"))
            relation = next((m.relation for m in household.members if m.user_id == person.id), None) \
                if household is not None else None
            if is_member and values["relation"] and relation != values["relation"]:
                changes.append(N_("the relation"))
        plan.changes = changes
        plan.action = "add" if not is_member else ("change" if changes else "same")


def plan_import(actor: User | None, community_id: int, roster: Roster, now: datetime) -> ImportPlan:
    """What importing would do, row by row; reads only."""
    if actor is not None:
        policy.require(actor, "manage", community_id)
    planner = _Planner(community_id, now)
    phones = set()
    for row in roster.rows:
        try:
            phones.add(normalise_phone(cell_text(row.values.get("phone"))))
        except InvalidInput:
            pass
    planner.load_phones(phones)
    return ImportPlan([planner.plan(row) for row in roster.rows])


@service
def import_roster(actor: User | None, community_id: int, roster: Roster, now: datetime,
                  dry_run: bool = False) -> ImportPlan:
    """Check every row again and write the rows that add or change something, all in this one transaction."""
    begin_write()
    plan = plan_import(actor, community_id, roster, now)
    if dry_run or not plan.writes:
        return plan
    writer = _Writer(actor, community_id, now)
    for row in plan.rows:
        if row.action in ("add", "change"):
            writer.write(row)
    db.session.flush()
    audit.record(actor, "visits.roster_imported", "Household", community_id=community_id, now=now,
                 after={"file": roster.filename[:100], "added": plan.count("add"), "changed": plan.count("change"),
                        "refused": plan.count("refuse")})
    return plan


class _Writer:
    def __init__(self, actor: User | None, community_id: int, now: datetime):
        self.actor, self.community_id, self.now = actor, community_id, now
        self.made: dict[tuple, Household] = {}
        self.buildings: dict[str, Building] = {}

    def household(self, row: RowPlan) -> Household:
        household = row.household or self.made.get(row.key)
        if household is None:
            building, unit, room = row.key
            household = Household(community_id=self.community_id, grid_id=row.grid.id, building=building, unit=unit,
                                  room=room, sort_key=address_sort_key(building, unit, room), created_at=self.now)
            db.session.add(household)
            self.made[row.key] = household
        elif "the grid" in row.changes:
            household.grid_id = row.grid.id
        self.made[row.key] = household
        return household

    def building(self, name: str) -> Building:
        if name not in self.buildings:
            found = db.session.scalar(sa.select(Building).where(Building.community_id == self.community_id,
                                                                Building.name == name))
            if found is None:
                found = Building(community_id=self.community_id, name=name)
                db.session.add(found)
            self.buildings[name] = found
        return self.buildings[name]

    def write(self, row: RowPlan) -> None:
        values = row.values
        household = self.household(row)
        person = row.person
        if person is None:
            person = User(community_id=self.community_id, name=values["name"], phone=values["phone"] or None,
                          created_at=self.now, building=self.building(row.key[0]), unit=row.key[1] + row.key[2])
            person.role_grants.append(RoleGrant(role=Role.RESIDENT, community_id=self.community_id))
            db.session.add(person)
        if values["birth_date"]:
            person.birth_date = values["birth_date"]
        if values["phone"]:
            person.phone = values["phone"]
        db.session.flush()
        member = next((m for m in household.members if m.user_id == person.id), None)
        if member is None:
            member = HouseholdMember(community_id=self.community_id, user_id=person.id, user=person)
            household.members.append(member)
        if values["relation"]:
            member.relation = values["relation"]
        if values["contact"] or household.contact_id is None:
            household.contact_id = person.id
        held = {row_tag.tag for row_tag in household.tag_rows}
        for tag in sorted(values["tags"]):
            if tag.value not in held and tag in STAFF_TAGS:
                household.tag_rows.append(HouseholdTag(community_id=self.community_id, tag=tag.value,
                                                       set_by_id=self.actor.id if self.actor else None,
                                                       set_at=self.now))
        db.session.flush()
