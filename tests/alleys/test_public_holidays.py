"""Shift generation follows the official 2026 holiday calendar (days off and 调休 working days)."""
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa

from neighbors.alleys import public_holidays, services
from neighbors.alleys.models import PatrolShift
from neighbors.extensions import db
from neighbors.models import Notification

# Monday 28 September 2026, 06:00 in Xiamen: the horizon holds 国庆 (1–7 Oct) and the 调休 Saturday 10 Oct.
BEFORE_NATIONAL_DAY = datetime(2026, 9, 27, 22, 0, tzinfo=timezone.utc)
# Monday 9 February 2026, 06:00 in Xiamen: 春节 (15–23 Feb) and the 调休 Saturdays 14 and 28 Feb.
BEFORE_SPRING_FESTIVAL = datetime(2026, 2, 8, 22, 0, tzinfo=timezone.utc)


def days_of(rule) -> list[date]:
    return list(db.session.scalars(sa.select(PatrolShift.day).where(
        PatrolShift.rule_id == rule.id, PatrolShift.cancelled_at.is_(None)).order_by(PatrolShift.day)))


def school_rule(place, now, **options):
    return services.save_rule(place.secretary, place.alley.id, "01234", time(7, 0), time(8, 0), {"volunteer": 2},
                              now=now, **options)


def test_the_2026_table_matches_the_notice():
    assert len(public_holidays.DAYS_OFF) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert all(day.weekday() >= 5 for day in public_holidays.ADJUSTED_WORKDAYS)  # 调休 days are weekends
    assert not set(public_holidays.DAYS_OFF) & set(public_holidays.ADJUSTED_WORKDAYS)
    assert public_holidays.name_of(date(2026, 10, 1)) == "国庆节"
    assert public_holidays.is_adjusted_workday(date(2026, 10, 10))
    assert public_holidays.KNOWN_YEARS == {2026}


def test_national_day_week_is_skipped_and_the_adjusted_saturday_is_patrolled_when_the_rule_asks(place):
    rule = school_rule(place, BEFORE_NATIONAL_DAY, adjusted_workdays=True)
    days = days_of(rule)
    assert not [d for d in days if date(2026, 10, 1) <= d <= date(2026, 10, 7)]
    assert date(2026, 9, 30) in days and date(2026, 10, 8) in days and date(2026, 10, 9) in days
    assert date(2026, 10, 10) in days  # Saturday, an official working day
    assert date(2026, 10, 11) not in days  # an ordinary Sunday
    assert rule.adjusted_workdays


def test_a_rule_that_does_not_follow_adjusted_workdays_keeps_its_weekdays_only(place):
    rule = school_rule(place, BEFORE_NATIONAL_DAY)
    days = days_of(rule)
    assert date(2026, 10, 10) not in days
    assert not [d for d in days if date(2026, 10, 1) <= d <= date(2026, 10, 7)]


def test_a_rule_that_keeps_holidays_patrols_through_national_day(place):
    rule = school_rule(place, BEFORE_NATIONAL_DAY, skip_holidays=False)
    days = days_of(rule)
    assert {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)} <= set(days)


def test_spring_festival_and_both_adjusted_saturdays(place):
    rule = school_rule(place, BEFORE_SPRING_FESTIVAL, adjusted_workdays=True)
    days = days_of(rule)
    assert date(2026, 2, 13) in days  # the Friday before
    assert date(2026, 2, 14) in days and date(2026, 2, 28) in days
    assert not [d for d in days if date(2026, 2, 15) <= d <= date(2026, 2, 23)]
    assert date(2026, 2, 24) in days


def test_staff_days_still_count_next_to_the_official_calendar(place):
    services.add_holiday(place.staff, place.community.id, date(2026, 10, 9), "社区活动日", now=BEFORE_NATIONAL_DAY)
    rule = school_rule(place, BEFORE_NATIONAL_DAY, adjusted_workdays=True)
    days = days_of(rule)
    assert date(2026, 10, 9) not in days and date(2026, 10, 8) in days


def test_turning_adjusted_workdays_on_later_adds_the_saturday_and_off_again_cancels_it_with_notice(place):
    rule = school_rule(place, BEFORE_NATIONAL_DAY)
    assert date(2026, 10, 10) not in days_of(rule)
    school_rule(place, BEFORE_NATIONAL_DAY, adjusted_workdays=True, rule_id=rule.id)
    saturday = db.session.scalar(sa.select(PatrolShift).where(PatrolShift.rule_id == rule.id,
                                                              PatrolShift.day == date(2026, 10, 10)))
    assert saturday is not None and saturday.cancelled_at is None
    services.sign_up(place.patroller, saturday.id, BEFORE_NATIONAL_DAY)
    school_rule(place, BEFORE_NATIONAL_DAY + timedelta(hours=1), adjusted_workdays=False, rule_id=rule.id)
    db.session.expire_all()
    assert db.session.get(PatrolShift, saturday.id).cancelled_at is not None
    messages = db.session.scalars(sa.select(Notification.message).where(
        Notification.user_id == place.patroller.id)).all()
    assert any("cancelled" in message for message in messages)


def test_the_rule_form_saves_the_choice_and_lists_the_coming_official_days(web, auth, place, monkeypatch):
    from neighbors.alleys import views

    monkeypatch.setattr(views, "now", lambda: BEFORE_NATIONAL_DAY)
    auth.login(place.secretary)
    page = web.get(f"/alleys/{place.alley.id}/rules/new").get_data(as_text=True)
    assert "10/1 国庆节" in page and "10/10 国庆节调休上班" in page
    response = web.post(f"/alleys/{place.alley.id}/rules/new",
                        data={"weekdays": ["0", "1", "2", "3", "4"], "starts": "07:00", "ends": "08:00",
                              "volunteers": "2", "need_city": "0", "need_market": "0", "need_sanitation": "0",
                              "skip_holidays": "y", "adjusted_workdays": "y", "active": "y"})
    assert response.status_code == 303
    rule = place.alley.rules[-1]
    db.session.refresh(rule)
    assert rule.skip_holidays and rule.adjusted_workdays
    assert date(2026, 10, 10) in days_of(rule)
