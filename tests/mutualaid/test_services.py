"""The rules: every transition allowed and refused, the ledger at its limits, the trust record."""
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from neighbors.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, Notification
from neighbors.mutualaid import services
from neighbors.mutualaid.models import (
    REQUEST_STATES, CreditAccount, CreditTransaction, HelpRequest, LedgerEntry, LedgerIsAppendOnly, Status,
)
from tests.factories import make_user
from tests.mutualaid.conftest import details


def balance(user):
    return services.balance_minutes(user.community_id, user.id)


def pool_balance(community):
    return services.ledger_totals(community.id)["pool_balance"]


def notes_for(user):
    return [n.message for n in db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id))]


def audit_actions():
    return [a.action for a in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


# --- the state machine ------------------------------------------------------------------

def reach(status, make_request, resident, volunteer, staff, now):
    request = make_request()
    if status == Status.OPEN:
        return request
    if status == Status.CANCELLED:
        return services.cancel_request(resident, request.id, now)
    services.accept(volunteer, request.id, now)
    if status == Status.ACCEPTED:
        return db.session.get(HelpRequest, request.id)
    services.report_done(volunteer, request.id, 60, now)
    if status == Status.DONE:
        return db.session.get(HelpRequest, request.id)
    if status == Status.CONFIRMED:
        return services.confirm(resident, request.id, 5, "", now)
    services.dispute(resident, request.id, "只修了一半", now)
    if status == Status.DISPUTED:
        return db.session.get(HelpRequest, request.id)
    return services.resolve_dispute(staff, request.id, "void", now, note="没有修好")


def attempt(action, request_id, resident, volunteer, staff, now):
    calls = {
        "accept": lambda: services.accept(volunteer, request_id, now),
        "decline": lambda: services.decline(volunteer, request_id, now),
        "no_show": lambda: services.report_no_show(resident, request_id, now),
        "done": lambda: services.report_done(volunteer, request_id, 90, now),
        "confirm": lambda: services.confirm(resident, request_id, 4, "谢谢", now),
        "auto_confirm": lambda: services.auto_confirm(request_id, now + timedelta(days=4)),
        "dispute": lambda: services.dispute(resident, request_id, "时间不对", now),
        "resolve_confirm": lambda: services.resolve_dispute(staff, request_id, "confirm", now, note="核实"),
        "resolve_change": lambda: services.resolve_dispute(staff, request_id, "change", now, minutes=30, note="核实"),
        "resolve_void": lambda: services.resolve_dispute(staff, request_id, "void", now, note="核实"),
        "cancel": lambda: services.cancel_request(resident, request_id, now),
    }
    return calls[action]()


@pytest.mark.parametrize("action", sorted(REQUEST_STATES.transitions))
@pytest.mark.parametrize("status", list(Status))
def test_every_transition_is_allowed_exactly_from_its_states(action, status, make_request, resident, volunteer,
                                                             staff, now):
    request = reach(status, make_request, resident, volunteer, staff, now)
    assert request.status == status
    sources, target = REQUEST_STATES[action].sources, REQUEST_STATES[action].target
    events_before = len(request.history)
    if status in sources:
        moved = attempt(action, request.id, resident, volunteer, staff, now)
        db.session.expire_all()
        moved = db.session.get(HelpRequest, request.id)
        assert moved.status == target
        last = moved.history[-1]
        assert (last.action, last.from_status, last.to_status) == (action, status, target)
        assert len(moved.history) == events_before + 1
    else:
        with pytest.raises(Conflict):
            attempt(action, request.id, resident, volunteer, staff, now)
        db.session.expire_all()
        unchanged = db.session.get(HelpRequest, request.id)
        assert unchanged.status == status
        assert len(unchanged.history) == events_before
    assert services.check_ledger() == []


@pytest.mark.parametrize("who", ["unverified", "resident"])
def test_only_verified_volunteers_accept(community, make_request, resident, now, who):
    person = make_user(community, "volunteer", name="林阿水") if who == "unverified" else resident
    request = make_request()
    with pytest.raises(NotAllowed) as refused:
        services.accept(person, request.id, now)
    assert "verified" in refused.value.msgid
    assert db.session.get(HelpRequest, request.id).status == Status.OPEN


def test_a_volunteer_never_accepts_their_own_request(community, now, skills):
    own_volunteer = make_user(community, "volunteer", verified=True)
    own = services.create_request(own_volunteer, None, details(), now)
    with pytest.raises(NotAllowed) as refused:
        services.accept(own_volunteer, own.id, now)
    assert "your own request" in refused.value.msgid
    assert db.session.get(HelpRequest, own.id).status == Status.OPEN


def test_a_request_of_another_community_is_not_found(other_community, make_request, now):
    outsider = make_user(other_community, "volunteer", verified=True)
    request = make_request()
    with pytest.raises(NotFound):
        services.accept(outsider, request.id, now)


def test_second_volunteer_is_told_it_is_taken(make_request, volunteer, volunteer2, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    with pytest.raises(Conflict) as refused:
        services.accept(volunteer2, request.id, now)
    assert "already accepted" in refused.value.msgid
    assert db.session.get(HelpRequest, request.id).volunteer_id == volunteer.id


def test_only_the_assigned_volunteer_reports_done(make_request, volunteer, volunteer2, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    with pytest.raises(NotAllowed):
        services.report_done(volunteer2, request.id, 60, now)
    assert db.session.get(HelpRequest, request.id).status == Status.ACCEPTED


@pytest.mark.parametrize("who", ["volunteer", "volunteer2"])
def test_only_the_requester_side_confirms(make_request, volunteer, volunteer2, now, who):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 60, now)
    with pytest.raises(NotAllowed):
        services.confirm({"volunteer": volunteer, "volunteer2": volunteer2}[who], request.id, 5, "", now)
    assert db.session.get(HelpRequest, request.id).status == Status.DONE


@pytest.mark.parametrize("minutes", ["", "abc", 0, 4, 721, -30])
def test_done_minutes_must_be_sensible(make_request, volunteer, now, minutes):
    request = make_request()
    services.accept(volunteer, request.id, now)
    with pytest.raises(InvalidInput) as refused:
        services.report_done(volunteer, request.id, minutes, now)
    assert refused.value.field == "minutes"
    assert db.session.get(HelpRequest, request.id).status == Status.ACCEPTED


@pytest.mark.parametrize("rating", [None, "", 0, 6, "五"])
def test_rating_is_one_to_five(make_request, resident, volunteer, now, rating):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 60, now)
    with pytest.raises(InvalidInput):
        services.confirm(resident, request.id, rating, "", now)
    assert db.session.get(HelpRequest, request.id).status == Status.DONE
    assert db.session.scalar(sa.select(sa.func.count(CreditTransaction.id))
                             .where(CreditTransaction.request_id == request.id)) == 0


# --- making and changing requests --------------------------------------------------------

def test_a_carer_asks_for_her_mother_and_the_home_address_is_the_default(daughter, elder, now, skills):
    request = services.create_request(daughter, elder.id, details(address=""), now)
    assert request.requester_id == elder.id and request.created_by_id == daughter.id
    assert request.address == elder.address
    assert request.history[0].action == "create"


def test_nobody_acts_for_a_stranger(resident, elder, now, skills):
    with pytest.raises(NotAllowed):
        services.create_request(resident, elder.id, details(), now)


@pytest.mark.parametrize("change, field", [
    ({"skill": ""}, "skill"), ({"skill": "开锁"}, "skill"), ({"title": "漏"}, "title"), ({"title": "水" * 81}, "title"),
    ({"description": "字" * 1001}, "description"),
    ({"asap": False}, "day"), ({"asap": False, "day": date(2026, 5, 12)}, "starts"),
    ({"asap": False, "day": date(2026, 5, 12), "starts": time(10), "ends": time(9)}, "ends"),
    ({"asap": False, "day": date(2026, 5, 1), "starts": time(9), "ends": time(10)}, "day"),
])
def test_bad_request_details_are_refused_on_their_field(resident, now, skills, change, field):
    with pytest.raises(InvalidInput) as refused:
        services.create_request(resident, None, details(**change), now)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_a_time_window_is_stored_in_utc(resident, now, skills):
    request = services.create_request(resident, None, details(asap=False, day=date(2026, 5, 12), starts=time(9),
                                                              ends=time(11)), now)
    assert request.window_start.hour == 1 and request.window_end.hour == 3 and not request.asap


def test_the_same_submission_makes_one_request(resident, now, skills):
    first = services.create_request(resident, None, details(), now, submission_key="a" * 32)
    again = services.create_request(resident, None, details(), now, submission_key="a" * 32)
    assert first.id == again.id
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 1


def test_edit_only_while_open(make_request, resident, volunteer, now):
    request = make_request()
    services.edit_request(resident, request.id, details(title="卫生间水管漏水"), now)
    assert db.session.get(HelpRequest, request.id).title == "卫生间水管漏水"
    services.accept(volunteer, request.id, now)
    with pytest.raises(Conflict):
        services.edit_request(resident, request.id, details(title="改一下"), now)
    assert db.session.get(HelpRequest, request.id).title == "卫生间水管漏水"


def test_cancel_tells_the_volunteer(make_request, resident, volunteer, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.cancel_request(resident, request.id, now)
    assert any("cancelled" in m for m in notes_for(volunteer))


def test_retired_skill_cannot_be_asked_for(staff, community, resident, now, skills):
    services.retire_skill(staff, skills["理发"].id, now)
    assert "理发" not in [s.name for s in services.skill_list(community.id, now)]
    with pytest.raises(InvalidInput):
        services.create_request(resident, None, details(skill="理发", title="想理个发"), now)
    assert db.session.scalar(sa.select(sa.func.count(HelpRequest.id))) == 0


def test_a_retired_skill_is_added_again(staff, community, now, skills):
    services.retire_skill(staff, skills["理发"].id, now)
    services.add_skill(staff, community.id, "理发", now)
    assert "理发" in [s.name for s in services.skill_list(community.id, now)]
    assert "mutualaid.skill_retired" in audit_actions() and "mutualaid.skill_added" in audit_actions()


# --- matching ---------------------------------------------------------------------------

def test_board_puts_my_skills_first_then_urgency_then_age(community, resident, volunteer2, now, skills):
    haircut = services.create_request(resident, None, details(skill="理发", title="理发"), now)
    later = services.create_request(resident, None, details(title="水管", asap=False, day=date(2026, 5, 14),
                                                            starts=time(9), ends=time(10)), now)
    soon = services.create_request(resident, None, details(title="漏水", asap=False, day=date(2026, 5, 12),
                                                           starts=time(9), ends=time(10)), now)
    old_asap = services.create_request(resident, None, details(title="没电"), now - timedelta(hours=5))
    new_asap = services.create_request(resident, None, details(title="插座"), now)
    order = [r.id for r in services.board(volunteer2, now)]
    assert order == [old_asap.id, new_asap.id, soon.id, later.id, haircut.id]


def test_suggestions_rank_skill_then_availability_and_show_plain_records(
        community, resident, volunteer, volunteer2, now, skills):
    barber = make_user(community, "volunteer", name="许玉兰", verified=True)
    services.save_profile(barber, skill_ids=[skills["理发"].id], intro="", windows=[(0, time(8), time(12))], now=now)
    make_user(community, "volunteer", name="未核实")  # not verified: never suggested
    monday_morning = services.create_request(resident, None, details(asap=False, day=date(2026, 5, 18),
                                                                     starts=time(9), ends=time(10)), now)
    ranked = services.suggestions(monday_morning, now)
    assert [s["user"].name for s in ranked] == ["黄建国", "杨志强", "许玉兰"]
    assert ranked[0]["has_skill"] and ranked[0]["available"]
    assert ranked[1]["has_skill"] and not ranked[1]["available"]
    assert not ranked[2]["has_skill"]
    wednesday = services.create_request(resident, None, details(asap=False, day=date(2026, 5, 13),
                                                                starts=time(14), ends=time(15)), now)
    assert [s["user"].name for s in services.suggestions(wednesday, now)][:2] == ["杨志强", "黄建国"]


def test_invite_notifies_and_the_volunteer_may_decline_the_invitation(make_request, resident, volunteer, now):
    request = make_request()
    services.invite(resident, request.id, volunteer.id, now)
    assert any("asks for your help" in m for m in notes_for(volunteer))
    services.decline_invitation(volunteer, request.id, now)
    request = db.session.get(HelpRequest, request.id)
    assert request.invited_id is None and request.status == Status.OPEN
    assert services.trust_record(request.community_id, volunteer.id)["declines_after_accept"] == 0


def test_an_unverified_person_cannot_be_invited(community, make_request, resident, now):
    request = make_request()
    stranger = make_user(community, "volunteer")
    with pytest.raises(InvalidInput):
        services.invite(resident, request.id, stranger.id, now)


def test_ask_for_an_offer_makes_an_invited_request(community, resident, volunteer, now, skills):
    offer = services.create_offer(volunteer, skills["水电维修"].id, "周末义务检查水电", "", now)
    request = services.create_request(resident, None, details(), now, invited_id=offer.volunteer_id,
                                      offer_id=offer.id)
    assert request.invited_id == volunteer.id and request.offer_id == offer.id
    assert volunteer.id == services.board(volunteer, now)[0].invited_id


def test_only_verified_volunteers_post_offers(community, resident, now, skills):
    with pytest.raises(NotAllowed):
        services.create_offer(resident, skills["理发"].id, "周六上午义务理发", "", now)


# --- the ledger -------------------------------------------------------------------------

def confirmed_help(resident, volunteer, make_request, now, minutes=90, **extra):
    request = make_request(**extra)
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, minutes, now)
    return services.confirm(resident, request.id, 5, "很好", now)


def test_new_members_get_five_hours_from_the_pool(community, resident, now):
    services.open_account(resident, now)
    services.open_account(resident, now)
    assert balance(resident) == 300
    assert pool_balance(community) == -300
    assert services.check_ledger() == []


def test_help_moves_minutes_from_requester_to_volunteer_once(community, resident, volunteer, make_request, now):
    request = confirmed_help(resident, volunteer, make_request, now)
    assert balance(resident) == 300 - 90
    assert balance(volunteer) == 300 + 90
    with pytest.raises(Conflict):
        services.confirm(resident, request.id, 5, "", now)
    assert balance(volunteer) == 390
    assert db.session.scalar(sa.select(sa.func.count(CreditTransaction.id))
                             .where(CreditTransaction.request_id == request.id)) == 1
    totals = services.ledger_totals(community.id)
    assert totals["balanced"] and totals["entries_sum"] == 0


@pytest.mark.parametrize("birth_date, needs_care, pool_pays", [
    (date(1956, 5, 11), False, True),   # 70 today
    (date(1956, 5, 12), False, False),  # 70 tomorrow
    (date(1980, 1, 1), True, True),     # needs care
])
def test_elders_of_seventy_and_residents_needing_care_are_paid_for_by_the_pool(
        community, volunteer, now, skills, birth_date, needs_care, pool_pays):
    person = make_user(community, name="蔡阿水", birth_date=birth_date, needs_care=needs_care)
    request = services.create_request(person, None, details(), now)
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 120, now)
    services.confirm(person, request.id, 5, "", now)
    assert balance(volunteer) == 420
    assert balance(person) == (0 if pool_pays else 180)
    assert services.check_ledger() == []


def test_a_carer_confirms_for_her_mother_who_is_paid_for_by_the_pool(community, daughter, elder, volunteer, now,
                                                                     skills):
    request = services.create_request(daughter, elder.id, details(), now)
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 90, now)
    services.confirm(daughter, request.id, 5, "谢谢黄师傅", now)
    assert balance(volunteer) == 390
    assert balance(elder) == 0 and balance(daughter) == 0
    summary = services.monthly_summary(community.id, date(2026, 5, 1), date(2026, 6, 1), now)
    assert summary["pool_minutes_paid"] == 90


def test_the_floor_is_minus_ten_hours_and_the_pool_covers_the_rest(community, resident, volunteer, make_request,
                                                                  now):
    confirmed_help(resident, volunteer, make_request, now, minutes=720)   # 300 -> -420
    assert balance(resident) == -420
    confirmed_help(resident, volunteer, make_request, now, minutes=300)   # pays 180 down to -600, pool 120
    assert balance(resident) == -600
    assert balance(volunteer) == 300 + 1020
    with pytest.raises(Conflict) as refused:
        make_request()
    assert "lowest allowed" in refused.value.msgid
    assert services.check_ledger() == []


def test_the_ceiling_sends_the_excess_to_the_pool(community, staff, resident, volunteer, make_request, now):
    services.update_settings(staff, community.id, starting_grant_hours=5, floor_hours=-10, ceiling_hours=6,
                             pool_paid_age=70, now=now)
    pool_before = pool_balance(community)
    confirmed_help(resident, volunteer, make_request, now, minutes=90)   # 300 + 90 > 360
    assert balance(volunteer) == 360
    assert balance(resident) == 210
    # the volunteer's grant (-300) is new; the 30 minutes over the ceiling came back to the pool
    assert pool_balance(community) == pool_before - 300 - 300 + 30
    assert services.check_ledger() == []


def test_the_default_ceiling_is_fifteen_hundred_hours(community, staff, volunteer, now):
    for _round in range(14):
        services.grant_from_pool(staff, volunteer.id, 6000, "表彰", now)
    assert balance(volunteer) == 300 + 14 * 6000
    pool_before = pool_balance(community)
    services.grant_from_pool(staff, volunteer.id, 6000, "表彰", now)
    assert balance(volunteer) == 1500 * 60
    assert pool_balance(community) == pool_before - 6000 + 300
    with pytest.raises(Conflict):
        services.grant_from_pool(staff, volunteer.id, 60, "表彰", now)
    assert balance(volunteer) == 1500 * 60
    assert services.check_ledger() == []


def test_gifts_to_a_person_and_to_the_pool(community, resident, daughter, elder, now):
    services.give_hours(daughter, None, elder.id, 120, now, note="给妈妈")
    assert balance(daughter) == 180 and balance(elder) == 420
    services.give_hours(daughter, None, "pool", 60, now)
    assert balance(daughter) == 120
    services.give_hours(resident, None, "", 30, now, phone=daughter.phone)
    assert balance(daughter) == 150
    assert any("gave you" in m for m in notes_for(daughter))
    assert services.check_ledger() == []


def test_a_gift_cannot_exceed_what_one_has(community, resident, daughter, now):
    services.open_account(resident, now)
    with pytest.raises(Conflict) as refused:
        services.give_hours(resident, None, "", 301, now, phone=daughter.phone)
    assert refused.value.params["minutes"] == 300
    assert balance(resident) == 300


@pytest.mark.parametrize("minutes, to", [(0, "daughter"), (10, "stranger"), (10, "self")])
def test_a_gift_needs_minutes_and_someone_else_here(community, resident, daughter, now, minutes, to):
    services.open_account(resident, now)
    phone = {"daughter": daughter.phone, "stranger": "13800000000", "self": resident.phone}[to]
    with pytest.raises(InvalidInput):
        services.give_hours(resident, None, "", minutes, now, phone=phone)
    assert balance(resident) == 300


def test_a_carer_gives_from_her_mothers_hours_but_not_a_strangers(daughter, elder, resident, now):
    services.give_hours(daughter, elder.id, "pool", 60, now)
    assert balance(elder) == 240
    with pytest.raises(NotAllowed):
        services.give_hours(resident, elder.id, "pool", 60, now)


def test_the_same_gift_sent_twice_moves_once(resident, daughter, now):
    key = "b" * 32
    services.give_hours(resident, None, "", 60, now, phone=daughter.phone, submission_key=key)
    services.give_hours(resident, None, "", 60, now, phone=daughter.phone, submission_key=key)
    assert balance(resident) == 240


def test_a_correction_is_a_compensating_transaction_with_a_reason(community, staff, resident, now):
    grant = services.grant_from_pool(staff, resident.id, 600, "社区活动奖励", now)
    assert balance(resident) == 900
    correction = services.correct(staff, grant.id, "重复发放", now)
    assert balance(resident) == 300
    assert correction.corrects_id == grant.id and correction.reason == "重复发放"
    assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))
                             .where(LedgerEntry.transaction_id == grant.id)) == 2
    assert "mutualaid.transaction_corrected" in audit_actions()
    assert "mutualaid.pool_grant" in audit_actions()
    assert services.check_ledger() == []


def test_a_correction_needs_a_reason(community, staff, resident, now):
    grant = services.grant_from_pool(staff, resident.id, 600, "社区活动奖励", now)
    with pytest.raises(InvalidInput):
        services.correct(staff, grant.id, "", now)
    assert balance(resident) == 900


@pytest.mark.parametrize("again", ["the original", "the correction"])
def test_a_transaction_is_corrected_once_and_a_correction_never(community, staff, resident, now, again):
    grant = services.grant_from_pool(staff, resident.id, 600, "社区活动奖励", now)
    correction = services.correct(staff, grant.id, "重复发放", now)
    with pytest.raises(Conflict):
        services.correct(staff, grant.id if again == "the original" else correction.id, "again", now)
    assert balance(resident) == 300
    assert services.check_ledger() == []


def test_only_staff_grant(community, resident, daughter, now):
    with pytest.raises(InvalidInput):
        services.grant_from_pool(resident, daughter.id, 60, "想要", now)
    assert balance(daughter) == 0


def test_only_staff_correct(community, resident, daughter, now):
    services.open_account(daughter, now)
    grant = db.session.scalar(sa.select(CreditTransaction))
    with pytest.raises(NotFound):
        services.correct(resident, grant.id, "想改", now)
    assert balance(daughter) == 300


def test_ledger_entries_are_never_changed(resident, now):
    services.open_account(resident, now)
    entry = db.session.scalar(sa.select(LedgerEntry))
    entry.minutes = 1
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_ledger_transactions_are_never_deleted(resident, now):
    services.open_account(resident, now)
    db.session.delete(db.session.scalar(sa.select(CreditTransaction)))
    with pytest.raises(LedgerIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_check_ledger_finds_a_corrupted_balance_and_an_unbalanced_transaction(app, community, resident, now):
    services.open_account(resident, now)
    assert services.check_ledger() == []
    db.session.execute(sa.update(CreditAccount).where(CreditAccount.user_id == resident.id)
                       .values(balance_minutes=999))
    db.session.commit()
    problems = services.check_ledger()
    assert len(problems) == 1 and "caches 999" in problems[0]
    result = app.test_cli_runner().invoke(args=["mutualaid", "check-ledger"])
    assert result.exit_code == 1
    assert "caches 999" in result.output
    db.session.execute(sa.update(CreditAccount).where(CreditAccount.user_id == resident.id)
                       .values(balance_minutes=300))
    transaction = db.session.scalar(sa.select(CreditTransaction))
    account = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.user_id == resident.id))
    db.session.execute(sa.insert(LedgerEntry).values(community_id=community.id, transaction_id=transaction.id,
                                                     account_id=account.id, minutes=5, created_at=now))
    db.session.commit()
    problems = services.check_ledger()
    assert any("sums to 5" in p for p in problems)
    assert not services.ledger_totals(community.id)["balanced"]


def test_check_ledger_command_passes_on_a_good_ledger(app, resident, now):
    services.open_account(resident, now)
    result = app.test_cli_runner().invoke(args=["mutualaid", "check-ledger"])
    assert result.exit_code == 0, result.output
    assert "Ledger OK" in result.output


# --- confirmation, automatic and disputed ------------------------------------------------

def test_done_help_is_confirmed_automatically_after_72_hours(make_request, resident, volunteer, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 60, now)
    assert services.auto_confirm_due(now + timedelta(hours=71)) == 0
    assert services.auto_confirm_due(now + timedelta(hours=72)) == 1
    request = db.session.get(HelpRequest, request.id)
    assert request.status == Status.CONFIRMED and request.history[-1].actor_id is None
    assert services.auto_confirm_due(now + timedelta(hours=80)) == 0
    assert balance(volunteer) == 360


def test_a_disputed_request_is_not_confirmed_automatically(make_request, resident, volunteer, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 60, now)
    services.dispute(resident, request.id, "没有修好", now)
    assert services.auto_confirm_due(now + timedelta(days=10)) == 0
    assert balance(volunteer) == 0


def done_help(make_request, volunteer, now, minutes=240):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, minutes, now)
    return request


def test_a_question_needs_a_reason(make_request, resident, volunteer, now):
    request = done_help(make_request, volunteer, now)
    with pytest.raises(InvalidInput):
        services.dispute(resident, request.id, "", now)
    assert db.session.get(HelpRequest, request.id).status == Status.DONE


@pytest.mark.parametrize("who, refusal, minutes", [("resident", NotAllowed, None), ("staff", InvalidInput, "")])
def test_only_staff_settle_a_dispute_and_another_time_needs_its_minutes(make_request, resident, volunteer, staff,
                                                                        now, who, refusal, minutes):
    request = done_help(make_request, volunteer, now)
    services.dispute(resident, request.id, "只来了一个小时", now)
    with pytest.raises(refusal):
        services.resolve_dispute({"resident": resident, "staff": staff}[who], request.id,
                                 "confirm" if minutes is None else "change", now, minutes=minutes, note="核实")
    assert db.session.get(HelpRequest, request.id).status == Status.DISPUTED


def test_staff_settle_a_dispute_by_changing_the_time(community, staff, make_request, resident, volunteer, now):
    request = done_help(make_request, volunteer, now)
    services.dispute(resident, request.id, "只来了一个小时", now)
    services.resolve_dispute(staff, request.id, "change", now, minutes=60, note="邻居证实一小时")
    assert balance(volunteer) == 360 and balance(resident) == 240
    record = services.trust_record(community.id, volunteer.id)
    assert record["disputes_lost"] == 1 and record["completed"] == 1 and record["minutes"] == 60
    assert "mutualaid.dispute_change" in audit_actions()


def test_voiding_moves_no_credits(community, staff, make_request, resident, volunteer, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_done(volunteer, request.id, 60, now)
    services.dispute(resident, request.id, "人没来", now)
    services.resolve_dispute(staff, request.id, "void", now, note="核实没来")
    assert balance(volunteer) == 0
    assert services.trust_record(community.id, volunteer.id)["disputes_lost"] == 1


# --- the trust record, moderation and staff views ------------------------------------------

def test_trust_record_counts_declines_no_shows_and_ratings(community, make_request, resident, volunteer, now):
    for _ in range(2):
        request = make_request()
        services.accept(volunteer, request.id, now)
        services.decline(volunteer, request.id, now, reason="临时有事")
    request = make_request()
    services.accept(volunteer, request.id, now)
    services.report_no_show(resident, request.id, now)
    confirmed_help(resident, volunteer, make_request, now, minutes=60)
    record = services.trust_record(community.id, volunteer.id)
    assert record == {"completed": 1, "minutes": 60, "average_rating": 5.0, "ratings_count": 1,
                      "declines_after_accept": 2, "no_shows": 1, "disputes_lost": 0, "current_load": 0,
                      "needs_attention": True}
    kinds = [item.kind for item in services.staff_queue(community.id, now)]
    assert "mutualaid.record" in kinds


def test_verification_is_audited_and_unverified_volunteers_wait_in_the_queue(community, staff, resident, now,
                                                                            skills):
    services.save_profile(resident, skill_ids=[skills["理发"].id], windows=[], intro="会理发", now=now)
    assert resident.has_role("volunteer") and not resident.is_verified_volunteer
    queue = services.staff_queue(community.id, now)
    assert [item.kind for item in queue] == ["mutualaid.verify"]
    assert any("wants to volunteer" in m for m in notes_for(staff))
    services.set_verified(staff, resident.id, True, now)
    db.session.expire_all()
    assert db.session.get(type(resident), resident.id).is_verified_volunteer
    services.set_verified(staff, resident.id, False, now)
    assert audit_actions()[-2:] == ["volunteer.verified", "volunteer.unverified"]
    with pytest.raises(NotAllowed):
        services.set_verified(resident, resident.id, True, now)


@pytest.mark.parametrize("who, reason, refusal", [("volunteer", "广告", NotAllowed), ("staff", "", InvalidInput)])
def test_only_staff_hide_a_request_and_with_a_reason(make_request, volunteer, staff, now, who, reason, refusal):
    request = make_request()
    with pytest.raises(refusal):
        services.hide_request({"volunteer": volunteer, "staff": staff}[who], request.id, reason, now)
    assert not db.session.get(HelpRequest, request.id).hidden


def test_hiding_a_request_tells_the_author_and_takes_it_off_the_board(community, staff, make_request, resident,
                                                                     volunteer, now):
    request = make_request()
    services.hide_request(staff, request.id, "内容含广告", now)
    assert services.board(volunteer, now) == []
    assert any("hid your request" in m for m in notes_for(resident))
    assert "mutualaid.request_hidden" in audit_actions()


def test_a_hidden_request_cannot_be_accepted(staff, make_request, volunteer, now):
    request = make_request()
    services.hide_request(staff, request.id, "内容含广告", now)
    with pytest.raises(NotAllowed):
        services.accept(volunteer, request.id, now)
    assert db.session.get(HelpRequest, request.id).status == Status.OPEN


def test_hiding_an_offer_tells_the_volunteer(community, staff, volunteer, now, skills):
    offer = services.create_offer(volunteer, skills["水电维修"].id, "免费修水管", "", now)
    services.hide_offer(staff, offer.id, "重复发布", now)
    assert services.offers(community.id) == []
    assert any("hid your offer" in m for m in notes_for(volunteer))
    with pytest.raises(Conflict):
        services.hide_offer(staff, offer.id, "again", now)


@pytest.mark.parametrize("who, floor_hours, refusal", [("staff", 5, InvalidInput), ("resident", -10, NotAllowed)])
def test_settings_are_checked(community, staff, resident, now, who, floor_hours, refusal):
    with pytest.raises(refusal) as refused:
        services.update_settings({"staff": staff, "resident": resident}[who], community.id, starting_grant_hours=5,
                                 floor_hours=floor_hours, ceiling_hours=1500, pool_paid_age=70, now=now)
    assert refused.value.field == ("floor_hours" if who == "staff" else None)
    assert services.rules(community.id) == services.CreditRules()


def test_settings_are_audited(community, staff, resident, now):
    services.update_settings(staff, community.id, starting_grant_hours=2, floor_hours=-5, ceiling_hours=100,
                             pool_paid_age=75, now=now)
    assert services.rules(community.id) == services.CreditRules(120, -300, 6000, 75)
    services.open_account(resident, now)
    assert balance(resident) == 120
    assert "mutualaid.settings_changed" in audit_actions()


def test_stale_open_requests_and_disputes_are_in_the_staff_queue(app, community, make_request, resident, volunteer,
                                                                 now):
    stale = make_request()
    disputed = make_request(title="客厅插座没电")
    services.accept(volunteer, disputed.id, now)
    services.report_done(volunteer, disputed.id, 60, now)
    services.dispute(resident, disputed.id, "还是没电", now)
    later = now + timedelta(days=2)
    with app.test_request_context():
        items = {(item.kind, item.url) for item in services.staff_queue(community.id, later)}
        assert ("mutualaid.unmatched", f"/aid/requests/{stale.id}") in items
        assert ("mutualaid.dispute", f"/aid/requests/{disputed.id}") in items
        assert all(item.text and item.action_text for item in services.staff_queue(community.id, later))


def test_monthly_and_person_summaries(app, community, make_request, resident, volunteer, other_community, now):
    confirmed_help(resident, volunteer, make_request, now, minutes=90)
    make_request()
    summary = services.monthly_summary(community.id, date(2026, 5, 1), date(2026, 6, 1), now)
    assert summary == {"requests_made": 2, "requests_completed": 1, "minutes_given": 90, "volunteers_active": 1,
                       "average_rating": 5.0, "ratings_count": 1, "pool_minutes_paid": 0}
    assert services.monthly_summary(community.id, date(2026, 6, 1), date(2026, 7, 1), now)["requests_made"] == 0
    assert services.monthly_summary(other_community.id, date(2026, 5, 1), date(2026, 6, 1), now)["requests_made"] == 0
    person = services.person_summary(community.id, volunteer.id)
    assert person["balance_minutes"] == 390 and person["trust"]["completed"] == 1
    with app.test_request_context():
        assert str(person["recent_requests"][0]["url"]).startswith("/aid/requests/")
    assert services.person_summary(community.id, resident.id)["trust"] is None


def test_domain_errors_speak_the_users_language(app, make_request, volunteer, volunteer2, now):
    request = make_request()
    services.accept(volunteer, request.id, now)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        try:
            services.accept(volunteer2, request.id, now)
        except DomainError as error:
            assert error.status == 409
            assert "已经" in error.message
