"""Mutual aid's records: skills and volunteers, a year of help requests through every status, and the time
credit ledger, where every transaction sums to zero and every cached balance equals its entries."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from ..clock import age_on
from .people import CommunityPeople, Person
from .scale import REQUEST_TITLES, SKILLS


class AidRows:
    def mutual_aid(self, people: CommunityPeople) -> None:
        skills, by_skill = self.aid_skills(people)
        self.help_requests(people, skills, by_skill)

    def aid_skills(self, people: CommunityPeople) -> tuple[list[tuple[int, str]], dict[int, list[Person]]]:
        """The community's settings and skills, each volunteer's profile, skills and hours, a few offers."""
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
        return skills, by_skill

    def help_requests(self, people: CommunityPeople, skills: list[tuple[int, str]],
                      by_skill: dict[int, list[Person]]) -> None:
        """A year of help requests in order of time, each as far along as its age allows, paid in the ledger."""
        ledger = Ledger(self, people.community_id)
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


class Ledger:
    """Time credits in order of time: starting grants, help paid by the requester down to the floor and by the pool."""

    def __init__(self, generator: AidRows, community_id: int):
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
