"""An administrator acts on any community's alleys; staff of another community stay out (404)."""
from datetime import date, time

import pytest
import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.models import BranchMember, PatrolRule, PatrolShift
from neighbors.errors import InvalidInput, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry
from tests.alleys.conftest import MONDAY_6AM, photo, weekday_rule
from tests.factories import make_community, make_user


@pytest.fixture
def elsewhere(app):
    """A second community with its own staff member and the district administrator living there."""
    community = make_community("镇海社区")
    return {"community": community, "staff": make_user(community, "staff", name="郑雅琴"),
            "admin": make_user(community, "admin", name="区管理员")}


def test_admin_saves_a_rule_of_another_community_and_its_shifts_stay_there(place, elsewhere):
    rule = services.save_rule(elsewhere["admin"], place.alley.id, "01234", time(7, 0), time(8, 0),
                              {"volunteer": 2}, now=MONDAY_6AM)
    assert rule.community_id == place.community.id
    shifts = db.session.scalars(sa.select(PatrolShift).where(PatrolShift.rule_id == rule.id)).all()
    assert shifts and {s.community_id for s in shifts} == {place.community.id}


def test_staff_of_another_community_cannot_reach_its_records(place, elsewhere):
    staff = elsewhere["staff"]
    rule = weekday_rule(place)
    shift = db.session.scalars(sa.select(PatrolShift).where(PatrolShift.rule_id == rule.id)).first()
    holiday = services.add_holiday(place.staff, place.community.id, date(2026, 12, 25), "圣诞", now=MONDAY_6AM)
    member = db.session.scalar(sa.select(BranchMember).where(BranchMember.user_id == place.patroller.id))
    newcomer = make_user(place.community, name="陈晓东")
    finding = services.report_finding(place.resident, place.alley.id, "obstruction", "三轮车堵住巷口", "打铁巷口",
                                      [photo()], "k-across-0", MONDAY_6AM)
    attempts = [
        lambda: services.save_rule(staff, place.alley.id, "0", time(7, 0), time(8, 0), {"volunteer": 1},
                                   now=MONDAY_6AM),
        lambda: services.add_member(staff, place.branch.id, newcomer.id, "patroller", now=MONDAY_6AM),
        lambda: services.remove_member(staff, member.id, now=MONDAY_6AM),
        lambda: services.remove_holiday(staff, holiday.id, now=MONDAY_6AM),
        lambda: services.set_route(staff, place.alley.id, "other", "环卫", 30, 120, now=MONDAY_6AM),
        lambda: services.assign(staff, shift.id, place.patroller.id, MONDAY_6AM),
        lambda: services.add_to_finding(staff, finding.id, "又堵了", [], MONDAY_6AM),
    ]
    rules_before = db.session.scalar(sa.select(sa.func.count(PatrolRule.id)))
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
        db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(PatrolRule.id))) == rules_before
    assert db.session.get(BranchMember, member.id) is not None
    assert not any(m.user_id == newcomer.id for m in place.branch.members)


def test_admin_adds_and_removes_members_assigns_and_removes_holidays_in_another_community(place, elsewhere):
    admin = elsewhere["admin"]
    newcomer = make_user(place.community, name="陈晓东")
    member = services.add_member(admin, place.branch.id, newcomer.id, "officer", "环卫", now=MONDAY_6AM)
    assert member.community_id == place.community.id
    rule = weekday_rule(place)
    shift = db.session.scalars(sa.select(PatrolShift).where(PatrolShift.rule_id == rule.id)
                               .order_by(PatrolShift.starts_at)).first()
    signup = services.assign(admin, shift.id, place.patroller.id, MONDAY_6AM)
    assert signup.community_id == place.community.id and signup.assigned_by_id == admin.id
    with pytest.raises(InvalidInput) as refused:  # a person of the admin's own community is not of this shift's
        services.assign(admin, shift.id, elsewhere["staff"].id, MONDAY_6AM)
    assert refused.value.status == 422
    db.session.rollback()
    holiday = services.add_holiday(place.staff, place.community.id, date(2026, 12, 25), "圣诞", now=MONDAY_6AM)
    services.remove_holiday(admin, holiday.id, now=MONDAY_6AM)
    assert services.holidays_of(place.community.id) == []
    services.remove_member(admin, member.id, now=MONDAY_6AM)
    audited = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.actor_id == admin.id)).all()
    assert {"alleys.member_added", "alleys.member_assigned", "alleys.holiday_removed",
            "alleys.member_removed"} <= set(audited)


def test_admin_opens_and_edits_another_communitys_alley_and_branch_pages(web, auth, place, elsewhere):
    auth.login(elsewhere["admin"])
    assert web.get(f"/alleys/{place.alley.id}").status_code == 200
    page = web.get(f"/alleys/manage/alleys/{place.alley.id}").get_data(as_text=True)
    assert "打铁巷小巷党支部" in page  # the branch choices are the alley's community's
    response = web.post(f"/alleys/manage/alleys/{place.alley.id}",
                        data={"name": "打铁巷", "description": "青石板路", "landmarks": "打铁巷口",
                              "branch": str(place.branch.id)})
    assert response.status_code == 303
    db.session.expire_all()
    assert place.alley.description == "青石板路" and place.alley.branch_id == place.branch.id
    page = web.get(f"/alleys/manage/branches/{place.branch.id}").get_data(as_text=True)
    assert "何春生" in page  # members and the people to choose from are the branch's community's
    assert web.get(f"/alleys/manage/settings?alley={place.alley.id}").status_code == 200


def test_staff_of_another_community_get_404_on_its_pages(web, auth, place, elsewhere):
    auth.login(elsewhere["staff"])
    for url in (f"/alleys/{place.alley.id}", f"/alleys/manage/alleys/{place.alley.id}",
                f"/alleys/manage/branches/{place.branch.id}", f"/alleys/{place.alley.id}/rules/new",
                f"/alleys/manage/settings?alley={place.alley.id}"):
        assert web.get(url).status_code == 404, url
    response = web.post(f"/alleys/manage/alleys/{place.alley.id}",
                        data={"name": "改名巷", "description": "", "landmarks": "", "branch": "0"})
    assert response.status_code == 404
    db.session.expire_all()
    assert place.alley.name == "打铁巷"


def test_admin_adds_to_a_finding_of_another_community(place, elsewhere):
    admin = elsewhere["admin"]
    finding = services.report_finding(place.resident, place.alley.id, "obstruction", "三轮车堵住巷口", "打铁巷口",
                                      [photo()], "k-across-1", MONDAY_6AM)
    services.add_to_finding(admin, finding.id, "区里已知悉", [], MONDAY_6AM)
    assert [e.action for e in finding.events][-1] == "added"
