"""The alleys' records: branches, patrol rules and a year of shifts, findings with their routes, photos and
history."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from ..clock import local_to_utc
from .people import CommunityPeople
from .scale import ALLEY_NAMES, CATEGORIES, CATEGORY_DEPARTMENT, CATEGORY_WEIGHTS, FINDING_TEXTS, PATROL_RULES


class AlleyRows:
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
