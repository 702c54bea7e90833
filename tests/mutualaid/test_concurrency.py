"""Real concurrent HTTP requests against gunicorn (4 workers × 4 threads), on SQLite or PostgreSQL."""
import pytest
import sqlalchemy as sa

from neighbors.clock import utcnow
from neighbors.extensions import db
from neighbors.mutualaid import services
from neighbors.mutualaid.models import CreditAccount, CreditTransaction, HelpRequest, RequestEvent, Status
from tests.factories import make_user
from tests.live import all_at_once, csrf_token, logged_in, post_form
from tests.mutualaid.conftest import details

pytestmark = pytest.mark.live


def fresh():
    db.session.expire_all()
    db.session.commit()


def test_many_volunteers_accepting_at_once_exactly_one_gets_it(live_server, community, resident, skills):
    volunteers = [make_user(community, "volunteer", verified=True) for _ in range(6)]
    request = services.create_request(resident, None, details(), utcnow())
    sessions = [logged_in(live_server.url, v.phone) for v in volunteers]
    tokens = [csrf_token(s, live_server.url) for s in sessions]
    path = f"/aid/requests/{request.id}/accept"
    results = all_at_once(lambda s=s, t=t: post_form(s, live_server.url, path, {}, t) for s, t in zip(sessions, tokens))
    codes = sorted(r.status_code for r in results)
    assert codes == [303] + [409] * 5, codes
    refused = next(r for r in results if r.status_code == 409)
    assert "已经有别的志愿者接了" in refused.text or "already accepted" in refused.text
    fresh()
    taken = db.session.get(HelpRequest, request.id)
    assert taken.status == Status.ACCEPTED and taken.volunteer_id in {v.id for v in volunteers}
    accepts = db.session.scalar(sa.select(sa.func.count(RequestEvent.id)).where(
        RequestEvent.request_id == request.id, RequestEvent.action == "accept"))
    assert accepts == 1


def test_a_confirmation_sent_twice_at_once_moves_credits_once(live_server, community, resident, volunteer, skills):
    now = utcnow()
    request = services.create_request(resident, None, details(), now)
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 90, now)
    sessions = [logged_in(live_server.url, resident.phone) for _ in range(4)]
    tokens = [csrf_token(s, live_server.url) for s in sessions]
    path = f"/aid/requests/{request.id}/confirm"
    results = all_at_once(lambda s=s, t=t: post_form(s, live_server.url, path, {"rating": "5", "comment": "谢谢"}, t)
                          for s, t in zip(sessions, tokens))
    codes = sorted(r.status_code for r in results)
    assert codes == [303, 409, 409, 409], codes
    fresh()
    assert services.balance_minutes(community.id, volunteer.id) == 300 + 90
    assert services.balance_minutes(community.id, resident.id) == 300 - 90
    payments = db.session.scalar(sa.select(sa.func.count(CreditTransaction.id)).where(
        CreditTransaction.request_id == request.id))
    assert payments == 1
    assert services.check_ledger() == []


def test_confirmations_near_the_floor_at_once_never_go_below_it(live_server, community, staff, volunteer, skills):
    now = utcnow()
    services.update_settings(staff, community.id, starting_grant_hours=0, floor_hours=-1, ceiling_hours=1500,
                             pool_paid_age=70, now=now)
    requester = make_user(community, name="郭建国")
    requests = []
    for _ in range(3):
        request = services.create_request(requester, None, details(), now)
        services.accept(volunteer, request.id, now)
        services.report_done(volunteer, request.id, 45, now)
        requests.append(request.id)
    sessions = [logged_in(live_server.url, requester.phone) for _ in requests]
    tokens = [csrf_token(s, live_server.url) for s in sessions]
    results = all_at_once(
        lambda s=s, t=t, r=r: post_form(s, live_server.url, f"/aid/requests/{r}/confirm", {"rating": "4"}, t)
        for s, t, r in zip(sessions, tokens, requests))
    assert [r.status_code for r in results] == [303, 303, 303]
    fresh()
    assert services.balance_minutes(community.id, requester.id) == -60
    assert services.balance_minutes(community.id, volunteer.id) == 135
    assert services.ledger_totals(community.id)["pool_balance"] == -75
    assert services.check_ledger() == []


def test_many_gifts_at_once_keep_the_ledger_balanced_and_no_one_below_zero(live_server, community, skills):
    now = utcnow()
    people = [make_user(community) for _ in range(5)]
    for person in people:
        services.open_account(person, now)
    sessions = [logged_in(live_server.url, person.phone) for person in people]
    calls = []
    for index, (person, session) in enumerate(zip(people, sessions)):
        for round_ in range(4):
            target = people[(index + 1 + round_) % len(people)]
            if target.id == person.id:
                target = people[(index + 2) % len(people)]
            token = csrf_token(session, live_server.url, "/aid/credits")
            data = {"to": "", "phone": target.phone, "minutes": "100", "for_user": str(person.id)}
            calls.append(lambda s=session, t=token, d=data: post_form(s, live_server.url, "/aid/credits/gift", d, t))
        pool_token = csrf_token(session, live_server.url, "/aid/credits")
        calls.append(lambda s=session, t=pool_token: post_form(s, live_server.url, "/aid/credits/gift",
                                                               {"to": "pool", "minutes": "50"}, t))
    results = all_at_once(calls)
    codes = [r.status_code for r in results]
    assert set(codes) <= {303, 409}, codes
    assert 303 in codes
    fresh()
    assert services.check_ledger() == []
    totals = services.ledger_totals(community.id)
    assert totals["balanced"] and totals["balances_sum"] == 0
    balances = db.session.scalars(sa.select(CreditAccount.balance_minutes).where(
        CreditAccount.community_id == community.id, CreditAccount.is_pool.is_(False))).all()
    assert min(balances) >= 0
    assert sum(balances) + totals["pool_balance"] == 0
    gifts = db.session.scalar(sa.select(sa.func.count(CreditTransaction.id)).where(
        CreditTransaction.kind == "gift"))
    assert gifts == codes.count(303)
