"""The record rule is declared once and read two ways: per volunteer in Python (the record page) and for every
volunteer at once in SQL (the staff queue and its count). On many random histories they must agree."""
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from neighbors.extensions import db
from neighbors.mutualaid import services
from neighbors.mutualaid.models import HelpRequest, RequestEvent, Status
from tests.factories import make_user

ACTIONS = ["accept", "done", "confirm", "decline", "no_show", "resolve_change", "resolve_void", "invite"]
SETTLED = [Status.CONFIRMED, Status.CONFIRMED, Status.CONFIRMED, Status.ACCEPTED, Status.DONE, Status.VOIDED]


def history(rng, volunteer, requester, skill, now, ratings: list[int | None], events: int) -> None:
    """Requests the volunteer took (confirmed ones rated or not) and timeline rows, some of them problems."""
    requests = []
    for index, rating in enumerate(ratings):
        status = Status.CONFIRMED if rating is not None else rng.choice(SETTLED)
        request = HelpRequest(community_id=volunteer.community_id, requester_id=requester.id,
                              created_by_id=requester.id, skill_id=skill.id, title=f"帮忙 {index}",
                              address="镇海路12号", status=status, volunteer_id=volunteer.id,
                              rating=rating if status == Status.CONFIRMED else None,
                              confirmed_minutes=60 if status == Status.CONFIRMED else None,
                              created_at=now - timedelta(days=30))
        requests.append(request)
    if not requests:
        requests.append(HelpRequest(community_id=volunteer.community_id, requester_id=requester.id,
                                    created_by_id=requester.id, skill_id=skill.id, title="取消了",
                                    address="镇海路12号", status=Status.CANCELLED, created_at=now - timedelta(days=30)))
    db.session.add_all(requests)
    db.session.flush()
    for _ in range(events):
        action = rng.choice(ACTIONS)
        db.session.add(RequestEvent(community_id=volunteer.community_id, request_id=rng.choice(requests).id,
                                    volunteer_id=volunteer.id, action=action, from_status="accepted",
                                    to_status="open", created_at=now - timedelta(days=rng.randint(1, 29))))


def flagged_by_sql(app, community_id, now) -> set[int]:
    with app.test_request_context():
        return {item.link.args["user_id"] for item in services.staff_queue(community_id, now)
                if item.kind == "mutualaid.record"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_and_the_python_rule_flag_the_same_volunteers(app, community, resident, skills, now, seed):
    rng = random.Random(seed)
    skill = skills["水电维修"]
    volunteers = []
    for _ in range(40):
        volunteer = make_user(community, "volunteer", verified=True)
        count = rng.choice([0, 1, 2, 3, 3, 4, 5, 8, 20])
        ratings = [rng.choice([None, 1, 2, 3, 3, 4, 5]) for _ in range(count)]
        history(rng, volunteer, resident, skill, now, ratings, events=rng.choice([0, 1, 2, 3, 4, 6]))
        volunteers.append(volunteer)
    db.session.commit()
    records = services.trust_records(community.id, [v.id for v in volunteers])
    by_python = {user_id for user_id, record in records.items() if record["needs_attention"]}
    assert flagged_by_sql(app, community.id, now) == by_python
    assert services.staff_queue_count(community.id, now) == len(by_python)
    assert 0 < len(by_python) < len(volunteers), "the random histories reach both sides of the rule"


@pytest.mark.parametrize("ratings, flagged", [
    ([3] * 19 + [2], False),  # an average of 2.95 is shown as 3.0: not below 3
    ([3] * 18 + [2, 2], True),  # 2.9 is
    ([1, 1], False),  # too few ratings to judge
    ([2, 3, 3], True),
])
def test_the_average_is_judged_as_it_is_shown(app, community, resident, skills, now, ratings, flagged):
    volunteer = make_user(community, "volunteer", verified=True)
    history(random.Random(0), volunteer, resident, skills["水电维修"], now, ratings, events=0)
    db.session.commit()
    record = services.trust_record(community.id, volunteer.id)
    assert record["needs_attention"] is flagged
    assert (record["average_rating"] < 3) is flagged or len(ratings) < services.ATTENTION.ratings
    assert (volunteer.id in flagged_by_sql(app, community.id, now)) is flagged


def test_three_problems_need_attention(app, community, resident, skills, now):
    volunteer = make_user(community, "volunteer", verified=True)
    history(random.Random(0), volunteer, resident, skills["水电维修"], now, [5], events=0)
    request_id = db.session.scalar(sa.select(HelpRequest.id).where(HelpRequest.volunteer_id == volunteer.id))
    for action in ("decline", "no_show", "resolve_void"):
        db.session.add(RequestEvent(community_id=community.id, request_id=request_id, volunteer_id=volunteer.id,
                                    action=action, from_status="accepted", to_status="open", created_at=now))
    db.session.commit()
    assert services.trust_record(community.id, volunteer.id)["needs_attention"]
    assert flagged_by_sql(app, community.id, now) == {volunteer.id}
