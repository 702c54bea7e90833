"""The rules of grids, households, tags, visit plans and visits, without HTTP."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from neighbors.errors import Conflict, InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, Role, User
from neighbors.visits import services
from neighbors.visits.models import GridWorker, Need, Tag, Visit
from neighbors.visits.policy import policy
from tests.factories import make_user
from tests.visits.conftest import make_household


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- grids and workers ------------------------------------------------------------------------

def test_staff_name_grids_and_a_name_is_used_once(staff, now):
    services.create_grid(staff, " 第一网格 ", now)
    with pytest.raises(Conflict):
        services.create_grid(staff, "第一网格", now)
    assert [grid.name for grid in services.grids(staff.community_id)] == ["第一网格"]


@pytest.mark.parametrize("name", ["", "   ", "网" * 51])
def test_a_grid_needs_a_sensible_name(staff, now, name):
    with pytest.raises(InvalidInput):
        services.create_grid(staff, name, now)
    assert services.grids(staff.community_id) == []


def test_only_staff_make_grids(resident, now):
    with pytest.raises(NotAllowed):
        services.create_grid(resident, "第三网格", now)


def test_a_worker_put_on_a_grid_gets_the_grid_worker_role(community, staff, grid_a, now):
    person = make_user(community, name="陈芳芳", phone="13900000013")
    services.add_worker(staff, grid_a.id, "139 0000 0013", now)
    assert db.session.get(User, person.id).has_role(Role.GRID_WORKER)
    assert services.grids_of_worker(person) == [grid_a]
    assert actions()[-2:] == ["role.granted", "visits.worker_added"]


def test_a_worker_is_on_a_grid_once(worker, staff, grid_a, now):
    with pytest.raises(Conflict):
        services.add_worker(staff, grid_a.id, worker.phone, now)


def test_someone_of_another_community_cannot_be_a_worker_here(staff, grid_a, other_community, now):
    stranger = make_user(other_community, phone="13900000077")
    with pytest.raises(NotFound):
        services.add_worker(staff, grid_a.id, stranger.phone, now)
    assert not db.session.get(User, stranger.id).has_role(Role.GRID_WORKER)


def test_staff_of_another_community_cannot_touch_our_grids(grid_a, worker, other_community, now):
    other_staff = make_user(other_community, "staff")
    with pytest.raises(NotFound):
        services.remove_worker(other_staff, grid_a.id, worker.id, now)
    assert db.session.scalar(sa.select(sa.func.count(GridWorker.id))) == 1


def test_a_worker_taken_off_the_grid_no_longer_sees_its_households(staff, worker, grid_a, elder_home, now):
    assert policy.may(worker, "view", elder_home)
    services.remove_worker(staff, grid_a.id, worker.id, now)
    db.session.expire_all()
    with pytest.raises(NotAllowed):
        services.household_for(worker, elder_home.id)


# --- who sees a household ------------------------------------------------------------------------

def test_household_pages_are_for_staff_the_grids_workers_and_the_admin(
        community, other_community, staff, worker, worker_b, resident, elder_home):
    admin = make_user(other_community, "admin")
    other_staff = make_user(other_community, "staff")
    volunteer = make_user(community, "volunteer", verified=True)
    assert services.household_for(staff, elder_home.id) == elder_home
    assert services.household_for(worker, elder_home.id) == elder_home
    assert services.household_for(admin, elder_home.id) == elder_home
    for refused in (worker_b, resident, volunteer):
        with pytest.raises(NotAllowed):
            services.household_for(refused, elder_home.id)
    with pytest.raises(NotFound):
        services.household_for(other_staff, elder_home.id)


def test_a_grid_worker_role_without_a_grid_sees_no_household(community, elder_home):
    loose = make_user(community, "grid_worker")
    with pytest.raises(NotAllowed):
        services.household_for(loose, elder_home.id)
    assert services.round_for(loose, elder_home.created_at) == []


# --- tags ------------------------------------------------------------------------------------

def test_staff_set_tags_and_aged_is_never_stored(staff, family_home, now):
    services.set_tags(staff, family_home.id, ["low_income", "attention"], now)
    assert family_home.tags(date(2026, 5, 11)) == [Tag.LOW_INCOME, Tag.ATTENTION]
    with pytest.raises(InvalidInput):
        services.set_tags(staff, family_home.id, ["aged"], now)
    services.set_tags(staff, family_home.id, ["low_income"], now)
    assert family_home.staff_tags() == {Tag.LOW_INCOME}
    assert actions().count("visits.tags_changed") == 2


def test_a_grid_worker_cannot_change_tags(worker, elder_home, now):
    with pytest.raises(NotAllowed):
        services.set_tags(worker, elder_home.id, [], now)
    assert elder_home.staff_tags() == {Tag.ALONE}


# --- visit plans -----------------------------------------------------------------------------------

def test_months_are_added_to_the_end_of_a_short_month():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_the_round_lists_households_due_in_address_order_for_the_workers_grids(
        worker, family_home, elder_home, other_grid_home, now):
    rows = services.round_for(worker, now)
    assert [row.address for row in rows] == ["图强路6号2梯103", "图强路6号2梯1103"]
    assert rows[0].tags == [Tag.ALONE, Tag.AGED] and rows[0].last_met is None and rows[0].next_due == date(2026, 5, 11)


def test_staff_see_every_grid_in_the_round(staff, elder_home, other_grid_home, now):
    assert {row.id for row in services.round_for(staff, now)} == {elder_home.id, other_grid_home.id}


def test_a_resident_has_no_round(resident, now):
    with pytest.raises(NotAllowed):
        services.round_for(resident, now)


def test_a_visit_takes_a_household_off_the_round_for_its_interval(worker, elder_home, family_home, clock, now):
    services.record_visit(worker, elder_home.id, services.VisitDetails("met_member", met_id=elder_home.contact_id), now)
    services.record_visit(worker, family_home.id, services.VisitDetails("met_member",
                                                                       met_id=family_home.contact_id), now)
    assert services.round_for(worker, now) == []
    # 独居 and 高龄 monthly: due again on 11 June, on the list a week before
    assert [row.id for row in services.round_for(worker, clock.advance(days=23))] == []
    assert [row.id for row in services.round_for(worker, clock.advance(days=1))] == [elder_home.id]
    # an untagged family yearly
    assert [row.id for row in services.round_for(worker, clock.advance(days=341))] == [elder_home.id, family_home.id]


def test_staff_set_the_interval_per_tag(staff, worker, family_home, clock, now):
    services.set_tags(staff, family_home.id, ["low_income"], now)
    services.record_visit(worker, family_home.id, services.VisitDetails("met_member",
                                                                       met_id=family_home.contact_id), now)
    services.set_intervals(staff, {"low_income": 3}, now)
    rows = services.household_rows(services.scope_for(staff), now)
    assert rows[0].next_due == date(2026, 8, 11)
    with pytest.raises(InvalidInput):
        services.set_intervals(staff, {"low_income": 0}, now)
    with pytest.raises(NotAllowed):
        services.set_intervals(worker, {"low_income": 6}, now)
    assert services.intervals(staff.community_id)["low_income"] == 3


def test_nobody_home_asks_for_a_second_try_three_days_later(worker, elder_home, clock, now):
    services.record_visit(worker, elder_home.id, services.VisitDetails("nobody_home"), now)
    row = services.round_for(worker, now)[0]
    assert row.next_due == date(2026, 5, 14) and row.last_met is None and row.last_try == now


# --- visits at the door --------------------------------------------------------------------------

def test_a_visit_notes_who_was_met_and_what_was_found(worker, elder_home, now):
    visit = services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["meals", "loneliness"], note="想吃软一点的饭菜",
        talent="会修收音机"), now)
    assert visit.need_list == [Need.MEALS, Need.LONELINESS] and visit.talent == "会修收音机"
    assert visit.met_id == elder_home.contact_id and visit.visitor_id == worker.id


@pytest.mark.parametrize("details, field", [
    (dict(outcome="asleep"), "outcome"),
    (dict(outcome="met_member", met_id=None), "met"),
    (dict(outcome="met_other", met_other=" "), "met_other"),
    (dict(outcome="met_member", needs=["money"]), "needs"),
    (dict(outcome="nobody_home", needs=["meals"]), "needs"),
    (dict(outcome="met_member", note="字" * 501), "note"),
])
def test_a_visit_form_with_a_mistake_changes_nothing(worker, elder_home, now, details, field):
    if details.get("outcome") == "met_member" and "met_id" not in details:
        details["met_id"] = elder_home.contact_id
    with pytest.raises(InvalidInput) as refused:
        services.record_visit(worker, elder_home.id, services.VisitDetails(**details), now)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_someone_met_must_be_of_this_household(worker, elder_home, family_home, now):
    with pytest.raises(InvalidInput):
        services.record_visit(worker, elder_home.id, services.VisitDetails("met_member",
                                                                          met_id=family_home.contact_id), now)


def test_a_double_tap_makes_one_visit(worker, elder_home, now):
    details = services.VisitDetails("nobody_home")
    first = services.record_visit(worker, elder_home.id, details, now, submission_key="a" * 32)
    again = services.record_visit(worker, elder_home.id, details, now, submission_key="a" * 32)
    assert first.id == again.id and db.session.scalar(sa.select(sa.func.count(Visit.id))) == 1


def test_another_grids_worker_cannot_record_a_visit(worker_b, elder_home, now):
    with pytest.raises(NotAllowed):
        services.record_visit(worker_b, elder_home.id, services.VisitDetails("nobody_home"), now)
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0


def test_an_elder_alone_met_with_a_need_is_in_staffs_queue_until_seen_to(staff, worker, elder_home, family_home, now):
    services.record_visit(worker, family_home.id, services.VisitDetails(
        "met_member", met_id=family_home.contact_id, needs=["repair"]), now)
    assert services.staff_queue_count(staff.community_id, now) == 0  # not an elder living alone
    visit = services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["health"]), now)
    items = services.staff_queue(staff.community_id, now)
    assert [item.kind for item in items] == ["visits.elder_alone"] and items[0].urgent
    assert items[0].params == {"address": "图强路6号2梯103"}
    with pytest.raises(NotAllowed):
        services.mark_attended(worker, visit.id, now)
    services.mark_attended(staff, visit.id, now)
    assert services.staff_queue_count(staff.community_id, now) == 0
    with pytest.raises(Conflict):
        services.mark_attended(staff, visit.id, now)


def test_the_month_counts_visits_households_and_needs(worker, elder_home, family_home, now):
    services.record_visit(worker, elder_home.id, services.VisitDetails("nobody_home"), now)
    services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["meals", "health"]), now + timedelta(days=3))
    figures = services.monthly_summary(worker.community_id, date(2026, 5, 1), date(2026, 6, 1))
    assert figures["visits"] == 2 and figures["households_visited"] == 1 and figures["households"] == 2
    assert figures["nobody_home"] == 1 and figures["needs"]["meals"] == 1 and figures["needs"]["repair"] == 0


def test_a_persons_summary_names_their_household(elder_home):
    summary = services.person_summary(elder_home.community_id, elder_home.contact_id)
    assert summary["household"]["address"] == "图强路6号2梯103"


def test_a_talent_met_at_the_door_is_a_suggestion_in_staffs_queue(staff, worker, family_home, now):
    visit = services.record_visit(worker, family_home.id, services.VisitDetails(
        "met_member", met_id=family_home.contact_id, talent="退休电工，党员"), now)
    items = services.staff_queue(staff.community_id, now)
    assert [(item.kind, item.urgent) for item in items] == [("visits.talent", False)]
    assert items[0].params == {"address": "图强路6号2梯1103", "talent": "退休电工，党员"}
    services.mark_attended(staff, visit.id, now)
    assert services.staff_queue(staff.community_id, now) == []


def test_a_plain_visit_cannot_be_marked_seen_to(staff, worker, family_home, now):
    visit = services.record_visit(worker, family_home.id, services.VisitDetails(
        "met_member", met_id=family_home.contact_id), now)
    with pytest.raises(Conflict):
        services.mark_attended(staff, visit.id, now)


def test_coverage_counts_per_grid_and_worker(staff, worker, worker_b, elder_home, family_home, other_grid_home, now):
    services.record_visit(worker, elder_home.id, services.VisitDetails("nobody_home"), now)
    services.record_visit(worker, elder_home.id, services.VisitDetails(
        "met_member", met_id=elder_home.contact_id, needs=["meals"]), now)
    services.record_visit(worker_b, other_grid_home.id, services.VisitDetails(
        "met_member", met_id=other_grid_home.contact_id, needs=["repair", "meals"]), now)
    report = services.coverage(staff, date(2026, 5, 1), date(2026, 6, 1), now)
    first, second = report.grids
    assert (first.name, first.households, first.visited, first.visits, first.nobody_home, first.never) == \
        ("第一网格", 2, 1, 2, 1, 1)
    assert first.needs["meals"] == 1 and second.needs == {"repair": 1, "meals": 1}
    assert [(line.name, line.visits) for line in report.workers] == [("林秀英", 1), ("陈芳芳", 2)]
    earlier = services.coverage(staff, date(2026, 4, 1), date(2026, 5, 1), now)
    assert [line.visits for line in earlier.grids] == [0, 0] and earlier.workers == []
    with pytest.raises(NotAllowed):
        services.coverage(worker, date(2026, 5, 1), date(2026, 6, 1), now)
