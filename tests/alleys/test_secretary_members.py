"""The branch secretary adds patrollers and officers to their own branch, audited; never to another branch."""
import pytest
import sqlalchemy as sa

from neighbors.alleys import services
from neighbors.alleys.policy import officer_department, slot_kind
from neighbors.alleys.models import BranchMember
from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry
from tests.alleys.conftest import MONDAY_6AM
from tests.factories import make_community, make_user


def members_of(branch) -> set[int]:
    return set(db.session.scalars(sa.select(BranchMember.user_id).where(BranchMember.branch_id == branch.id)))


def test_the_secretary_adds_a_patroller_who_gets_the_role_and_an_audit_line(place):
    newcomer = make_user(place.community, name="陈晓东")
    member = services.add_member(place.secretary, place.branch.id, newcomer.id, "patroller", now=MONDAY_6AM)
    assert member.kind == "patroller" and newcomer.id in members_of(place.branch)
    db.session.refresh(newcomer)
    assert newcomer.has_role("patroller") and slot_kind(newcomer) == "volunteer"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "alleys.member_added",
                                                          AuditEntry.actor_id == place.secretary.id))
    assert entry is not None and entry.community_id == place.community.id


def test_the_secretary_adds_an_officer_staff_already_named_in_their_department(place):
    officer = make_user(place.community, "officer", name="王建国", department="市场监管")
    services.add_member(place.secretary, place.branch.id, officer.id, "officer", "", now=MONDAY_6AM)
    assert officer.id in members_of(place.branch)
    assert officer_department(officer) == "市场监管"


def test_the_secretary_cannot_make_an_officer_or_change_a_department(place):
    resident = make_user(place.community, name="陈晓东")
    with pytest.raises(InvalidInput) as refused:
        services.add_member(place.secretary, place.branch.id, resident.id, "officer", "城管", now=MONDAY_6AM)
    assert refused.value.field == "department"
    db.session.rollback()
    officer = make_user(place.community, "officer", name="王建国", department="市场监管")
    with pytest.raises(InvalidInput):
        services.add_member(place.secretary, place.branch.id, officer.id, "officer", "城管", now=MONDAY_6AM)
    db.session.rollback()
    db.session.refresh(resident)
    assert not resident.has_role("officer") and officer_department(officer) == "市场监管"
    assert {resident.id, officer.id}.isdisjoint(members_of(place.branch))


def test_staff_still_make_officers(place):
    resident = make_user(place.community, name="陈晓东")
    services.add_member(place.staff, place.branch.id, resident.id, "officer", "环卫", now=MONDAY_6AM)
    assert officer_department(resident) == "环卫"


def test_the_secretary_of_one_branch_cannot_add_to_another(place):
    second = services.save_branch(place.staff, place.community.id, "升平路党支部", place.patroller.id, now=MONDAY_6AM)
    newcomer = make_user(place.community, name="陈晓东")
    with pytest.raises(NotAllowed):
        services.add_member(place.secretary, second.id, newcomer.id, "patroller", now=MONDAY_6AM)
    db.session.rollback()
    assert newcomer.id not in members_of(second)
    with pytest.raises(NotAllowed):  # a plain patroller is no secretary
        services.add_member(place.patroller2, place.branch.id, newcomer.id, "patroller", now=MONDAY_6AM)
    db.session.rollback()
    other = make_community("镇海社区")
    stranger = make_user(other, name="郑雅琴")
    with pytest.raises(InvalidInput):  # only people of the branch's community
        services.add_member(place.secretary, place.branch.id, stranger.id, "patroller", now=MONDAY_6AM)
    db.session.rollback()
    other_branch = services.save_branch(make_user(other, "staff"), other.id, "镇海党支部", None, now=MONDAY_6AM)
    with pytest.raises(NotFound):
        services.add_member(place.secretary, other_branch.id, newcomer.id, "patroller", now=MONDAY_6AM)


def test_the_members_page_for_the_secretary(web, auth, place):
    newcomer = make_user(place.community, name="陈晓东")
    auth.login(place.secretary)
    assert f"/alleys/branches/{place.branch.id}/members" in web.get("/alleys/").get_data(as_text=True)
    page = web.get(f"/alleys/branches/{place.branch.id}/members").get_data(as_text=True)
    assert "许振华" in page and "陈晓东" in page
    response = web.post(f"/alleys/branches/{place.branch.id}/members",
                        data={"user": str(newcomer.id), "kind": "patroller", "department": ""})
    assert response.status_code == 303
    assert newcomer.id in members_of(place.branch)
    response = web.post(f"/alleys/branches/{place.branch.id}/members",
                        data={"user": str(place.resident.id), "kind": "officer", "department": "城管"})
    assert response.status_code == 422
    assert "只有工作人员" in response.get_data(as_text=True) or "Only staff" in response.get_data(as_text=True)
    assert place.resident.id not in members_of(place.branch)


def test_the_members_page_refuses_others(web, auth, place):
    auth.login(place.patroller)
    assert web.get(f"/alleys/branches/{place.branch.id}/members").status_code == 403
    response = web.post(f"/alleys/branches/{place.branch.id}/members",
                        data={"user": str(place.resident.id), "kind": "patroller", "department": ""})
    assert response.status_code == 403
    assert place.resident.id not in members_of(place.branch)
    other = make_community("镇海社区")
    auth.login(make_user(other, "staff", name="郑雅琴"))
    assert web.get(f"/alleys/branches/{place.branch.id}/members").status_code == 404
