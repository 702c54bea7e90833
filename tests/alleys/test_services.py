"""The rules of alley patrols: schedules, slots, check-in, routing, case states, deadlines and stats."""
from datetime import date, datetime, time, timedelta, timezone

import icalendar
import pytest
import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.policy import policy, slot_kind
from neighbors.clock import local_today
from neighbors.alleys.models import Finding, PatrolShift, PatrolSignup
from neighbors.errors import DomainError, InvalidInput, NotAllowed
from neighbors.extensions import db
from neighbors.models import Notification
from neighbors.notifications import render
from tests.alleys.conftest import MONDAY_6AM, photo, weekday_rule
from tests.factories import make_community, make_user


def shifts_of(rule, include_cancelled=False):
    query = sa.select(PatrolShift).where(PatrolShift.rule_id == rule.id).order_by(PatrolShift.starts_at)
    if not include_cancelled:
        query = query.where(PatrolShift.cancelled_at.is_(None))
    return list(db.session.scalars(query))


def notes_for(user):
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def first_shift(rule) -> PatrolShift:
    return shifts_of(rule)[0]


# --- schedules ---------------------------------------------------------------------------

def test_a_rule_makes_four_weeks_of_shifts_on_its_weekdays(place):
    rule = weekday_rule(place)
    shifts = shifts_of(rule)
    assert len(shifts) == 20  # Mon–Fri for 4 weeks, starting today (Monday 07:00 is still ahead)
    assert {s.day.weekday() for s in shifts} == {0, 1, 2, 3, 4}
    first = shifts[0]
    assert first.day == date(2026, 12, 7)
    assert first.starts_at == datetime(2026, 12, 6, 23, 0, tzinfo=timezone.utc)  # 07:00 in Xiamen
    assert first.ends_at - first.starts_at == timedelta(hours=1)
    assert first.needs == {"volunteer": 2, "城管": 1}


def test_generating_again_is_idempotent_and_extends_the_horizon(place):
    rule = weekday_rule(place)
    assert services.generate_shifts(MONDAY_6AM) == 0
    assert services.generate_shifts(MONDAY_6AM) == 0
    assert len(shifts_of(rule)) == 20
    a_week_later = MONDAY_6AM + timedelta(days=7)
    assert services.generate_shifts(a_week_later) == 5
    assert services.generate_shifts(a_week_later) == 0
    days = [s.day for s in shifts_of(rule)]
    assert len(days) == len(set(days))


def test_a_rule_change_moves_future_shifts_and_tells_who_signed_up(place):
    rule = weekday_rule(place)
    shift = first_shift(rule)
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(days=1))
    services.save_rule(place.secretary, place.alley.id, "01234", time(7, 30), time(8, 30),
                       {"volunteer": 2, "城管": 1}, rule_id=rule.id, now=MONDAY_6AM)
    db.session.expire_all()
    shift = db.session.get(PatrolShift, shift.id)
    assert shift.starts_at == datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc)
    assert shift.signup_of(place.patroller.id) is not None  # still on it
    notes = notes_for(place.patroller)
    assert notes and "moved" in notes[-1].message


def test_dropping_a_weekday_cancels_those_shifts_and_notifies_signed_up_members(place):
    rule = weekday_rule(place)
    friday = next(s for s in shifts_of(rule) if s.day.weekday() == 4)
    services.sign_up(place.patroller, friday.id, MONDAY_6AM)
    services.save_rule(place.secretary, place.alley.id, "0123", time(7, 0), time(8, 0),
                       {"volunteer": 2, "城管": 1}, rule_id=rule.id, now=MONDAY_6AM)
    db.session.expire_all()
    friday = db.session.get(PatrolShift, friday.id)
    assert friday.cancelled_at is not None
    assert friday.signups == []
    assert "cancelled" in notes_for(place.patroller)[-1].message
    assert all(s.day.weekday() != 4 for s in shifts_of(rule))


def test_fewer_slots_frees_the_latest_sign_up_and_tells_them(place):
    rule = weekday_rule(place)
    shift = first_shift(rule)
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(hours=5))
    services.sign_up(place.patroller2, shift.id, MONDAY_6AM - timedelta(hours=4))
    services.save_rule(place.secretary, place.alley.id, "01234", time(7, 0), time(8, 0),
                       {"volunteer": 1, "城管": 1}, rule_id=rule.id, now=MONDAY_6AM)
    db.session.expire_all()
    shift = db.session.get(PatrolShift, shift.id)
    assert [s.user_id for s in shift.signups] == [place.patroller.id]
    assert shift.signups[0].slot_no == 1
    assert "fewer people" in notes_for(place.patroller2)[-1].message
    assert notes_for(place.patroller) == []


def test_shifts_already_started_are_left_alone_by_a_rule_change(place):
    rule = weekday_rule(place)
    shift = first_shift(rule)
    during = shift.starts_at + timedelta(minutes=10)
    services.save_rule(place.secretary, place.alley.id, "1234", time(7, 0), time(8, 0),
                       {"volunteer": 2, "城管": 1}, rule_id=rule.id, now=during)
    db.session.expire_all()
    assert db.session.get(PatrolShift, shift.id).cancelled_at is None


def test_holidays_are_skipped_and_can_be_added_later(place):
    services.add_holiday(place.staff, place.community.id, date(2026, 12, 8), "测试假日", now=MONDAY_6AM)
    rule = weekday_rule(place)
    assert date(2026, 12, 8) not in {s.day for s in shifts_of(rule)}
    wednesday = next(s for s in shifts_of(rule) if s.day == date(2026, 12, 9))
    services.sign_up(place.patroller, wednesday.id, MONDAY_6AM)
    services.add_holiday(place.staff, place.community.id, date(2026, 12, 9), "", now=MONDAY_6AM)
    db.session.expire_all()
    assert db.session.get(PatrolShift, wednesday.id).cancelled_at is not None
    assert "cancelled" in notes_for(place.patroller)[-1].message
    holiday = services.holidays_of(place.community.id)[0]
    services.remove_holiday(place.staff, holiday.id, now=MONDAY_6AM)
    assert date(2026, 12, 8) in {s.day for s in shifts_of(rule)}


def test_a_rule_that_does_not_skip_holidays_keeps_them(place):
    services.add_holiday(place.staff, place.community.id, date(2026, 12, 8), "", now=MONDAY_6AM)
    rule = services.save_rule(place.secretary, place.alley.id, "1", time(7, 0), time(8, 0), {"volunteer": 1},
                              skip_holidays=False, now=MONDAY_6AM)
    assert date(2026, 12, 8) in {s.day for s in shifts_of(rule)}


@pytest.mark.parametrize("weekdays, starts, ends, needs, field", [
    ("", time(7), time(8), {"volunteer": 1}, "weekdays"),
    ("0", time(8), time(7), {"volunteer": 1}, "ends"),
    ("0", time(7), time(8), {"volunteer": 0}, "needs"),
    ("0", time(7), time(8), {"volunteer": 21}, "needs"),
    ("0", time(7), time(8), {"警察": 1}, "needs"),
])
def test_bad_rules_are_refused_on_their_field(place, weekdays, starts, ends, needs, field):
    with pytest.raises(InvalidInput) as refused:
        services.save_rule(place.secretary, place.alley.id, weekdays, starts, ends, needs, now=MONDAY_6AM)
    assert refused.value.field == field


def test_only_the_secretary_or_staff_set_rules(place):
    with pytest.raises(NotAllowed):
        services.save_rule(place.patroller, place.alley.id, "0", time(7), time(8), {"volunteer": 1}, now=MONDAY_6AM)
    assert services.save_rule(place.staff, place.alley.id, "0", time(7), time(8), {"volunteer": 1}, now=MONDAY_6AM)


# --- sign-up ------------------------------------------------------------------------------

def test_the_slot_kind_follows_the_role(place):
    assert slot_kind(place.patroller) == "volunteer"
    assert slot_kind(place.patroller2) == "volunteer"
    assert slot_kind(place.officer) == "城管"
    assert slot_kind(place.resident) is None


def test_slots_fill_per_kind_and_never_over(place):
    shift = first_shift(weekday_rule(place))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM)
    services.sign_up(place.secretary, shift.id, MONDAY_6AM)
    services.sign_up(place.officer, shift.id, MONDAY_6AM)
    with pytest.raises(services.ShiftFull):
        services.sign_up(place.patroller2, shift.id, MONDAY_6AM)
    with pytest.raises(DomainError):
        services.sign_up(place.patroller, shift.id, MONDAY_6AM)  # twice
    second_officer = make_user(place.community, "officer", department="城管")
    with pytest.raises(services.ShiftFull):
        services.sign_up(second_officer, shift.id, MONDAY_6AM)
    with pytest.raises(NotAllowed):
        services.sign_up(place.resident, shift.id, MONDAY_6AM)
    with pytest.raises(services.ShiftFull):  # a department the shift does not need
        services.sign_up(place.sanitation_officer, shift.id, MONDAY_6AM)
    db.session.expire_all()
    shift = db.session.get(PatrolShift, shift.id)
    assert shift.coverage() == [("volunteer", 2, 2), ("城管", 1, 1)]
    assert not shift.is_short


def test_the_database_refuses_a_second_person_in_the_same_slot(place):
    shift = first_shift(weekday_rule(place))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM)
    db.session.add(PatrolSignup(community_id=place.community.id, shift_id=shift.id, user_id=place.patroller2.id,
                                kind="volunteer", slot_no=1))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_withdraw_until_two_hours_before(place):
    shift = first_shift(weekday_rule(place, now=MONDAY_6AM - timedelta(days=1)))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(days=1))
    with pytest.raises(DomainError):
        services.withdraw(place.patroller, shift.id, shift.starts_at - timedelta(hours=1, minutes=59))
    services.withdraw(place.patroller, shift.id, shift.starts_at - timedelta(hours=2))
    db.session.expire_all()
    assert db.session.get(PatrolShift, shift.id).signups == []
    with pytest.raises(DomainError):
        services.withdraw(place.patroller, shift.id, MONDAY_6AM)


def test_a_released_place_stays_the_members_until_someone_takes_it(place):
    shift = first_shift(weekday_rule(place))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(days=1))
    services.sign_up(place.secretary, shift.id, MONDAY_6AM - timedelta(days=1))
    services.release(place.patroller, shift.id, MONDAY_6AM)
    db.session.expire_all()
    shift = db.session.get(PatrolShift, shift.id)
    assert shift.signup_of(place.patroller.id).released_at is not None
    assert shift.filled("volunteer") == 2  # still counted: responsible until taken
    services.sign_up(place.patroller2, shift.id, MONDAY_6AM + timedelta(minutes=5))
    db.session.expire_all()
    shift = db.session.get(PatrolShift, shift.id)
    assert shift.signup_of(place.patroller.id) is None
    taken = shift.signup_of(place.patroller2.id)
    assert taken is not None and taken.released_at is None
    assert "took over" in notes_for(place.patroller)[-1].message


def test_taking_back_a_released_place(place):
    shift = first_shift(weekday_rule(place))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM)
    services.release(place.patroller, shift.id, MONDAY_6AM)
    services.take_back(place.patroller, shift.id, MONDAY_6AM)
    db.session.expire_all()
    assert db.session.get(PatrolShift, shift.id).signup_of(place.patroller.id).released_at is None


def test_the_secretary_assigns_a_member_and_they_are_told(place):
    shift = first_shift(weekday_rule(place))
    services.assign(place.secretary, shift.id, place.patroller.id, MONDAY_6AM)
    signup = db.session.scalar(sa.select(PatrolSignup).where(PatrolSignup.shift_id == shift.id))
    assert signup.user_id == place.patroller.id and signup.assigned_by_id == place.secretary.id
    assert "put on the patrol" in notes_for(place.patroller)[-1].message
    with pytest.raises(NotAllowed):
        services.assign(place.patroller, shift.id, place.patroller2.id, MONDAY_6AM)


def test_the_secretary_assigns_only_members_of_the_branch(place):
    shift = first_shift(weekday_rule(place))
    outsider = make_user(place.community, "patroller", name="郑金水")  # patrols, but not in this branch
    assert [p.id for p in services.assignable(shift)] == [m.user_id for m in services.branch_members(place.branch)]
    assert outsider.id not in [p.id for p in services.assignable(shift)]
    with pytest.raises(InvalidInput) as refused:
        services.assign(place.secretary, shift.id, outsider.id, MONDAY_6AM)
    assert refused.value.field == "user"


def test_a_branch_without_members_lets_the_secretary_assign_anyone_who_patrols(place):
    staff = place.staff
    bare = services.save_branch(staff, place.community.id, "升平路党支部", None, now=MONDAY_6AM)
    alley = services.save_alley(staff, place.community.id, "水仙巷", "", "", bare.id, now=MONDAY_6AM)
    rule = services.save_rule(staff, alley.id, "01234", time(7, 0), time(8, 0), {"volunteer": 1}, now=MONDAY_6AM)
    shift = first_shift(rule)
    assert place.patroller2.id in [p.id for p in services.assignable(shift)]
    assert place.resident.id not in [p.id for p in services.assignable(shift)]
    services.assign(staff, shift.id, place.patroller2.id, MONDAY_6AM)
    with pytest.raises(InvalidInput):  # a resident fills no kind of slot
        services.assign(staff, shift.id, place.resident.id, MONDAY_6AM)


def test_a_cancelled_or_started_shift_takes_no_sign_ups(place):
    shift = first_shift(weekday_rule(place))
    with pytest.raises(DomainError):
        services.sign_up(place.patroller, shift.id, shift.starts_at)


# --- check-in and attendance --------------------------------------------------------------

@pytest.mark.parametrize("minutes_from_start, allowed", [
    (-31, False), (-30, True), (0, True), (59, True), (60, False),
])
def test_check_in_window(place, minutes_from_start, allowed):
    shift = first_shift(weekday_rule(place))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(hours=5))
    moment = shift.starts_at + timedelta(minutes=minutes_from_start)
    if allowed:
        assert services.check_in(place.patroller, shift.id, moment).checked_in_at == moment
    else:
        with pytest.raises(DomainError):
            services.check_in(place.patroller, shift.id, moment)


def test_check_out_needs_check_in_and_attendance_counts(place):
    rule = weekday_rule(place)
    first, second = shifts_of(rule)[:2]
    for shift in (first, second):
        services.sign_up(place.patroller, shift.id, MONDAY_6AM)
    with pytest.raises(DomainError):
        services.check_out(place.patroller, first.id, first.starts_at)
    with pytest.raises(DomainError):  # not signed up
        services.check_in(place.patroller2, first.id, first.starts_at)
    services.check_in(place.patroller, first.id, first.starts_at - timedelta(minutes=5))
    services.check_out(place.patroller, first.id, first.ends_at)
    after = second.ends_at + timedelta(minutes=1)
    counts = services.attendance(place.community.id, place.patroller.id, date(2026, 12, 1), date(2027, 1, 1), after)
    assert counts == {"signed_up": 2, "attended": 1, "missed": 1}
    db.session.expire_all()
    assert db.session.get(PatrolShift, second.id).was_missed(after)
    assert not db.session.get(PatrolShift, first.id).was_missed(after)


# --- coverage and the short-shift notice --------------------------------------------------

def test_the_secretary_hears_once_about_a_short_shift_two_days_ahead(place):
    rule = weekday_rule(place)
    shift = first_shift(rule)
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(days=3))
    three_days_before = shift.starts_at - timedelta(days=3)
    assert services.notify_short_shifts(three_days_before) == 0
    two_days_before = shift.starts_at - timedelta(hours=47)
    assert services.notify_short_shifts(two_days_before) >= 1
    assert services.notify_short_shifts(two_days_before + timedelta(minutes=1)) == 0
    notes = [n for n in notes_for(place.secretary) if "short" in n.message]
    assert len([n for n in notes if "12月7日 周一 07:00" in render(n)]) == 1  # as the reader says a day
    assert notes[0].params["missing"] == 2


def test_a_full_shift_is_not_reported_short(place):
    shift = first_shift(weekday_rule(place, needs={"volunteer": 1}))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM - timedelta(days=3))
    services.notify_short_shifts(shift.starts_at - timedelta(hours=47))
    assert db.session.get(PatrolShift, shift.id).short_notified_at is None


# --- calendar -----------------------------------------------------------------------------

def test_the_calendar_feed_lists_my_shifts_and_resetting_kills_the_old_link(place):
    shift = first_shift(weekday_rule(place))
    services.sign_up(place.patroller, shift.id, MONDAY_6AM)
    feed = services.calendar_feed(place.patroller, MONDAY_6AM)
    calendar = icalendar.Calendar.from_ical(services.calendar_ics(feed.token, MONDAY_6AM))
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    assert events[0].decoded("dtstart") == shift.starts_at
    assert "打铁巷" in str(events[0]["summary"])
    old = feed.token
    new = services.reset_calendar(place.patroller, MONDAY_6AM).token
    assert new != old
    with pytest.raises(DomainError):
        services.calendar_ics(old, MONDAY_6AM)


# --- findings: reporting and routing ------------------------------------------------------

def report(place, reporter=None, category="sanitation", now=MONDAY_6AM, key="a" * 32, new_anyway=False, photos=None):
    return services.report_finding(reporter or place.patroller, place.alley.id, category, "路面油腻",
                                   "打铁巷12号门口", photos or [photo()], key, now, new_anyway=new_anyway)


def test_a_report_is_dispatched_to_the_routed_department_and_its_officers_told(place):
    finding = report(place)
    assert finding.state == "dispatched"
    assert finding.department == "环卫"
    assert finding.accept_due_at == MONDAY_6AM + timedelta(minutes=30)
    assert finding.resolve_due_at == MONDAY_6AM + timedelta(minutes=120)
    assert [e.action for e in finding.events] == ["report", "dispatch"]
    assert len(finding.before_photos) == 1
    assert "New case" in notes_for(place.sanitation_officer)[-1].message
    assert notes_for(place.officer) == []


def test_the_branch_officers_of_the_department_are_the_duty_officers(place):
    outsider = make_user(place.community, "officer", name="郑金水", department="城管")
    finding = report(place, category="obstruction")
    assert finding.department == "城管"
    assert notes_for(place.officer)  # in the branch
    assert notes_for(outsider) == []


def test_an_unrouted_category_waits_for_staff(place):
    finding = report(place, category="other")
    assert finding.state == "reported" and finding.department == ""
    assert "needs a department" in notes_for(place.staff)[-1].message
    services.dispatch(place.staff, finding.id, "市场监管", MONDAY_6AM)
    assert db.session.get(Finding, finding.id).state == "dispatched"


def test_a_double_tap_makes_one_report(place):
    first = report(place)
    again = report(place, now=MONDAY_6AM + timedelta(seconds=2))
    assert first.id == again.id
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 1


def test_similar_open_reports_are_offered_before_saving(place):
    first = report(place)
    with pytest.raises(services.DuplicateSuspected) as suspected:
        report(place, reporter=place.secretary, key="b" * 32, now=MONDAY_6AM + timedelta(hours=3))
    assert [f.id for f in suspected.value.similar] == [first.id]
    assert report(place, reporter=place.secretary, key="c" * 32, new_anyway=True).id != first.id
    # another category, or a day later, is not similar
    assert report(place, category="hazard", key="d" * 32).state == "dispatched"
    assert services.similar_open(place.community.id, place.alley.id, "sanitation",
                                 MONDAY_6AM + timedelta(hours=25)) == []


def test_adding_to_a_report_keeps_one_case(place):
    finding = report(place)
    services.add_to_finding(place.secretary, finding.id, "我也看到了", [photo()], MONDAY_6AM + timedelta(minutes=3))
    finding = db.session.get(Finding, finding.id)
    assert finding.events[-1].action == "added" and finding.events[-1].note == "我也看到了"
    assert len(finding.before_photos) == 2


@pytest.mark.parametrize("kwargs, field", [
    ({"category": "noise"}, "category"),
    ({"description": " "}, "description"),
    ({"place": ""}, "place"),
    ({"photos": []}, "photos"),
    ({"photos": [photo(), photo(), photo(), photo()]}, "photos"),
])
def test_bad_reports_are_refused_on_their_field(place, kwargs, field):
    values = {"category": "sanitation", "description": "路面油腻", "place": "12号", "photos": [photo()]}
    values.update(kwargs)
    with pytest.raises(InvalidInput) as refused:
        services.report_finding(place.patroller, place.alley.id, values["category"], values["description"],
                                values["place"], values["photos"], "e" * 32, MONDAY_6AM)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0


def test_residents_may_report_too(place):
    assert report(place, reporter=place.resident).reporter_id == place.resident.id


# --- findings: the state machine ----------------------------------------------------------

def at_state(place, state: str) -> Finding:
    finding = report(place, category="obstruction")
    steps = {
        "dispatched": [],
        "accepted": [("accept", place.officer)],
        "resolved": [("accept", place.officer), ("resolve", place.officer)],
        "verified": [("accept", place.officer), ("resolve", place.officer), ("verify", place.patroller)],
        "closed": [("accept", place.officer), ("resolve", place.officer), ("verify", place.patroller),
                   ("close", place.patroller)],
    }[state]
    for action, actor in steps:
        perform(place, finding, action, actor)
    return db.session.get(Finding, finding.id)


def perform(place, finding, action, actor, minutes=10):
    moment = MONDAY_6AM + timedelta(minutes=minutes)
    if action == "accept":
        return services.accept(actor, finding.id, moment)
    if action == "resolve":
        return services.resolve(actor, finding.id, "已清理", photo(), moment)
    if action == "verify":
        return services.verify(actor, finding.id, moment)
    if action == "reopen":
        return services.reopen(actor, finding.id, "还是很滑", moment)
    if action == "close":
        return services.close(actor, finding.id, moment)
    if action == "send_back":
        return services.send_back(actor, finding.id, "不归城管", moment)
    if action == "dispatch":
        return services.dispatch(actor, finding.id, "环卫", moment)
    raise AssertionError(action)


ACTORS = ["officer", "patroller", "staff", "resident", "sanitation_officer"]
ALLOWED = {  # (state, action) -> who may (the reporter is the patroller)
    ("dispatched", "accept"): {"officer"},
    ("dispatched", "send_back"): {"officer"},
    ("accepted", "resolve"): {"officer"},
    ("accepted", "send_back"): {"officer"},
    ("resolved", "verify"): {"patroller", "staff"},
    ("resolved", "reopen"): {"patroller", "staff"},
    ("verified", "close"): {"patroller", "staff"},
}
TARGETS = {"accept": "accepted", "resolve": "resolved", "verify": "verified", "reopen": "accepted",
           "close": "closed", "send_back": "reported", "dispatch": "dispatched"}
CASES = [(state, action) for state in ("dispatched", "accepted", "resolved", "verified", "closed")
         for action in ("accept", "resolve", "verify", "reopen", "close", "send_back", "dispatch")]


@pytest.mark.parametrize("state, action", CASES)
def test_every_transition_is_allowed_or_refused(place, state, action):
    finding = at_state(place, state)
    allowed = ALLOWED.get((state, action), set())
    before_events = len(finding.events)
    for who in ACTORS:
        actor = getattr(place, who)
        assert policy.may(actor, action, finding) == (who in allowed), who
        if who in allowed:
            continue
        with pytest.raises(DomainError):
            perform(place, finding, action, actor, minutes=40)
        db.session.rollback()
        db.session.expire_all()
        finding = db.session.get(Finding, finding.id)
        assert finding.state == state and len(finding.events) == before_events
    if allowed:
        perform(place, finding, action, getattr(place, sorted(allowed)[0]), minutes=40)
        db.session.expire_all()
        finding = db.session.get(Finding, finding.id)
        assert finding.state == TARGETS[action]
        assert finding.events[-1].action == action
        assert finding.events[-1].from_state == state
        assert len(finding.events) == before_events + 1


def test_staff_redispatch_a_case_sent_back(place):
    finding = at_state(place, "dispatched")
    services.send_back(place.officer, finding.id, "这是卫生问题", MONDAY_6AM + timedelta(minutes=5))
    finding = db.session.get(Finding, finding.id)
    assert finding.state == "reported" and finding.sent_back_at is not None and finding.department == ""
    assert "sent back" in notes_for(place.staff)[-1].message
    assert policy.may(place.staff, "dispatch", finding)
    services.dispatch(place.staff, finding.id, "环卫", MONDAY_6AM + timedelta(minutes=8))
    finding = db.session.get(Finding, finding.id)
    assert finding.state == "dispatched" and finding.department == "环卫"
    assert finding.accept_due_at == MONDAY_6AM + timedelta(minutes=38)
    assert policy.may(place.sanitation_officer, "accept", finding) and not policy.may(place.officer, "accept", finding)


def test_resolving_needs_a_note_and_an_after_photo(place):
    finding = at_state(place, "accepted")
    with pytest.raises(InvalidInput) as refused:
        services.resolve(place.officer, finding.id, "已清理", None, MONDAY_6AM)
    assert refused.value.field == "photo"
    after = photo()
    with pytest.raises(InvalidInput):
        services.resolve(place.officer, finding.id, "", after, MONDAY_6AM)
    done = services.resolve(place.officer, finding.id, "已清理", photo(), MONDAY_6AM + timedelta(minutes=36))
    assert done.minutes_to_fix == 36 and len(done.after_photos) == 1
    assert "fixed" in notes_for(place.patroller)[-1].message


def test_reopen_goes_back_to_the_officer_with_a_fresh_deadline(place):
    finding = at_state(place, "resolved")
    moment = MONDAY_6AM + timedelta(hours=5)
    services.reopen(place.patroller, finding.id, "还是很滑", moment)
    finding = db.session.get(Finding, finding.id)
    assert finding.state == "accepted"
    assert finding.resolve_due_at == moment + timedelta(minutes=120)
    assert "reopened" in notes_for(place.officer)[-1].message


# --- deadlines and escalation -------------------------------------------------------------

def test_overdue_is_computed_at_read_time_and_escalated_once(place):
    finding = report(place, category="obstruction")
    assert not finding.is_overdue(MONDAY_6AM + timedelta(minutes=30))
    assert finding.is_accept_overdue(MONDAY_6AM + timedelta(minutes=31))
    assert services.escalate_overdue(MONDAY_6AM + timedelta(minutes=29)) == 0
    assert services.escalate_overdue(MONDAY_6AM + timedelta(minutes=31)) == 1
    assert services.escalate_overdue(MONDAY_6AM + timedelta(minutes=32)) == 0
    services.accept(place.officer, finding.id, MONDAY_6AM + timedelta(minutes=40))
    finding = db.session.get(Finding, finding.id)
    assert not finding.is_accept_overdue(MONDAY_6AM + timedelta(minutes=41))
    assert finding.is_resolve_overdue(MONDAY_6AM + timedelta(minutes=121))
    assert services.escalate_overdue(MONDAY_6AM + timedelta(minutes=121)) == 1
    assert services.escalate_overdue(MONDAY_6AM + timedelta(minutes=200)) == 0
    staff_notes = [n.message for n in notes_for(place.staff)]
    assert sum("not accepted in time" in m for m in staff_notes) == 1
    assert sum("not fixed in time" in m for m in staff_notes) == 1


def test_staff_set_deadlines_per_category(place):
    services.set_route(place.staff, place.alley.id, "sanitation", "环卫", 10, 60, now=MONDAY_6AM)
    finding = report(place)
    assert finding.accept_due_at == MONDAY_6AM + timedelta(minutes=10)
    assert finding.resolve_due_at == MONDAY_6AM + timedelta(minutes=60)
    with pytest.raises(InvalidInput):
        services.set_route(place.staff, place.alley.id, "sanitation", "环卫", 90, 60, now=MONDAY_6AM)
    with pytest.raises(NotAllowed):
        services.set_route(place.officer, place.alley.id, "sanitation", "城管", 10, 60, now=MONDAY_6AM)


def test_overdue_cases_come_first(place):
    late = report(place, category="obstruction", key="1" * 32, now=MONDAY_6AM - timedelta(hours=1))
    fresh = report(place, category="hazard", key="2" * 32, now=MONDAY_6AM)
    listed = services.findings_for(place.staff, MONDAY_6AM + timedelta(minutes=1))
    assert [f.id for f in listed] == [late.id, fresh.id]


# --- stats --------------------------------------------------------------------------------

def test_percentiles_on_known_data():
    values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert services.median(values) == 55
    assert services.percentile(values, 90) == 90
    assert services.percentile([36], 90) == 36
    assert services.percentile([], 90) is None
    assert services.median([5, 1, 3]) == 3
    assert services.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90) == 10


def test_month_stats_on_known_data(place):
    rule = weekday_rule(place, needs={"volunteer": 1})
    first, second, third = shifts_of(rule)[:3]
    services.sign_up(place.patroller, first.id, MONDAY_6AM)
    services.sign_up(place.patroller, second.id, MONDAY_6AM)
    services.check_in(place.patroller, first.id, first.starts_at)
    fix_minutes = [36, 50, 70, 20]
    for index, minutes in enumerate(fix_minutes):
        reported = MONDAY_6AM + timedelta(hours=index)
        finding = services.report_finding(place.patroller, place.alley.id, "obstruction", "占道", "12号",
                                          [photo()], f"{index:032x}", reported, new_anyway=True)
        services.accept(place.officer, finding.id, reported + timedelta(minutes=5 * (index + 1)))
        services.resolve(place.officer, finding.id, "已处理", photo(), reported + timedelta(minutes=minutes))
    late = services.report_finding(place.resident, place.other_alley.id, "other", "别的", "口", [photo()],
                                   "f" * 32, MONDAY_6AM, new_anyway=True)
    services.dispatch(place.staff, late.id, "城管", MONDAY_6AM)
    later = third.ends_at + timedelta(minutes=1)
    stats = services.month_stats(place.community.id, date(2026, 12, 1), date(2027, 1, 1), later)
    assert stats["shifts_held"] == 1
    assert stats["shifts_missed"] == 2
    assert stats["slots_filled"] == 2 and stats["slots_needed"] == 19  # weekdays 7–31 December
    assert stats["findings_total"] == 5
    assert stats["findings_by_category"]["obstruction"] == 4 and stats["findings_by_category"]["other"] == 1
    assert stats["median_minutes_to_fix"] == 43  # 20, 36, 50, 70
    assert stats["p90_minutes_to_fix"] == 70
    assert stats["median_minutes_to_accept"] == 12.5  # 5, 10, 15, 20
    assert stats["p90_minutes_to_accept"] == 20
    assert stats["overdue_cases"] == 1  # the unaccepted one, past its 30 minutes
    members = services.member_attendance(place.community.id, date(2026, 12, 1), date(2027, 1, 1), later)
    assert members == [{"user_id": place.patroller.id, "name": "何春生", "signed_up": 2, "attended": 1, "missed": 1}]
    only_other = services.month_stats(place.community.id, date(2026, 12, 1), date(2027, 1, 1), later,
                                      alley_ids=[place.other_alley.id])
    assert only_other["findings_total"] == 1 and only_other["shifts_held"] == 0
    (_title, rows), = services.stats_sheets(stats, "打铁巷", "2026-12")
    assert ["打铁巷", "2026-12", "上报到整改完成，中位数（分钟）", 43.0] in rows
    assert ["打铁巷", "2026-12", "问题：占道", 4] in rows


# --- the staff console's interfaces -------------------------------------------------------

def test_staff_queue_lists_overdue_sent_back_and_short_shifts(app, place):
    rule = weekday_rule(place)
    overdue = report(place, category="obstruction", key="1" * 32)
    back = report(place, category="hazard", key="2" * 32)
    services.send_back(place.officer, back.id, "不归我们", MONDAY_6AM)
    items = services.staff_queue(place.community.id, MONDAY_6AM + timedelta(minutes=45))
    kinds = [item.kind for item in items]
    assert kinds[0] == "alleys.finding_overdue" and items[0].urgent
    assert items[0].url.endswith(f"/alleys/findings/{overdue.id}")
    assert "alleys.finding_sent_back" in kinds
    short = [item for item in items if item.kind == "alleys.shift_short"]
    assert short and all(item.params["missing"] == 3 for item in short)
    assert len(short) == len([s for s in shifts_of(rule)
                              if s.starts_at <= MONDAY_6AM + timedelta(minutes=45) + timedelta(hours=48)])
    with app.test_request_context():
        assert all(item.text for item in items)
    other = make_community("镇海社区")
    assert services.staff_queue(other.id, MONDAY_6AM) == []


def test_monthly_summary_and_person_summary_have_the_agreed_keys(place):
    finding = report(place, category="obstruction", now=datetime.now(timezone.utc))
    summary = services.monthly_summary(place.community.id, date(2000, 1, 1), date(2100, 1, 1),
                                       datetime.now(timezone.utc))
    assert set(summary) == {"shifts_held", "slots_needed", "slots_filled", "shifts_missed", "findings_total",
                            "findings_by_category", "findings_fixed", "median_minutes_to_fix", "overdue_cases"}
    assert summary["findings_total"] == 1 and summary["median_minutes_to_fix"] is None
    assert summary["findings_fixed"] == 0
    weekday_rule(place, now=datetime.now(timezone.utc), weekdays="0123456")
    upcoming = services.upcoming_shifts(place.community.id, datetime.now(timezone.utc), include_running=False)
    services.sign_up(place.patroller, upcoming[0].id, datetime.now(timezone.utc))
    person = services.person_summary(place.community.id, place.patroller.id)
    assert person["upcoming_shifts"][0]["alley"] == "打铁巷"
    recent = person["recent_findings"][0]
    assert (recent["id"], recent["category"], recent["state"]) == (finding.id, "obstruction", "dispatched")
    assert recent["url"].url.endswith(f"/alleys/findings/{finding.id}")
    this_month = upcoming[0].day.replace(day=1) == local_today().replace(day=1)
    assert person["month_attendance"] == {"signed_up": 1 if this_month else 0, "attended": 0, "missed": 0}
    assert services.person_summary(make_community("镇海社区").id, place.patroller.id)["upcoming_shifts"] == []


def test_monthly_summary_counts_as_of_the_time_it_is_given(place):
    report(place, category="obstruction", now=MONDAY_6AM)
    december = (date(2026, 12, 1), date(2027, 1, 1))
    early = services.monthly_summary(place.community.id, *december, MONDAY_6AM + timedelta(minutes=10))
    late = services.monthly_summary(place.community.id, *december, MONDAY_6AM + timedelta(hours=3))
    assert (early["findings_total"], early["overdue_cases"]) == (1, 0)
    assert (late["findings_total"], late["overdue_cases"]) == (1, 1)
