"""A person's rights over their information (issue 19 items 8 and 9), through the services, without HTTP."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from neighbors import accounts
from neighbors.clock import local_today, utcnow
from neighbors.errors import Conflict, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, CarerLink, Notification, User
from neighbors.mutualaid import services as aid
from neighbors.mutualaid.models import HelpRequest
from neighbors.alleys.models import Finding, FindingPhoto
from neighbors.kitchen import services as kitchen
from neighbors.kitchen.models import MealOrder, StandingOrder
from neighbors.privacy import services
from neighbors.registry import ERASED, installed
from tests.factories import PASSWORD


def _cells(report) -> str:
    """Every cell as the page shows it (in Chinese)."""
    with current_app.test_request_context():
        return json.dumps(services.translated(report), ensure_ascii=False, default=str)


def _titles(report) -> set[str]:
    return {section.title for section in report.sections}


def test_every_installed_module_says_what_it_holds_and_how_it_erases(app):
    missing = [hooks.name for hooks in installed() if hooks.personal_data is None or hooks.erase_person is None]
    assert not missing, f"modules without personal_data/erase_person hooks: {missing}"


def test_the_report_holds_every_part_of_the_app(world):
    resident = world.user("resident")
    world.record("help")  # her request for a plumber, with a photo
    world.record("finding")  # her report of a blocked passage
    report = services.personal_report(resident, resident.id, utcnow())
    titles = _titles(report)
    assert {"Profile", "Carers", "Notifications", "Appeals", "Help you asked for", "Time credits",
            "Findings you reported", "Meal orders"} <= titles
    cells = _cells(report)
    for expected in (resident.name, resident.phone, resident.unit, "厨房水龙头漏水", "电动车堵住巷口",
                     world.notes[resident.id]):
        assert expected in cells


def test_a_carer_reads_the_elder_s_orders_and_staff_read_anyone_of_their_community(world):
    elder, carer = world.user("elder"), world.user("carer")
    world.record("order")  # the carer's delivered meal for the elder, "少盐"
    world.record("standing")
    for reader in (carer, world.user("staff"), world.user("admin")):
        report = services.personal_report(reader, elder.id, utcnow())
        assert "少盐" in _cells(report) and "软烂" in _cells(report)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "privacy.viewed", AuditEntry.subject_user_id == elder.id)) == 3


@pytest.mark.parametrize("reader", ["volunteer+", "kitchen", "resident"])
def test_nobody_else_reads_a_person_s_information(world, reader):
    elder = world.user("elder")
    with pytest.raises(NotFound):
        services.personal_report(world.user(reader), elder.id, utcnow())


def test_staff_of_another_community_do_not_find_the_person(world):
    resident = world.user("resident")
    with pytest.raises(NotFound):
        services.personal_report(world.user("staff", "other"), resident.id, utcnow())


def test_a_download_is_audit_logged_with_its_format(world):
    resident = world.user("resident")
    services.personal_report(resident, resident.id, utcnow(), export="json")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "privacy.downloaded"))
    assert entry.actor_id == resident.id and entry.subject_user_id == resident.id and entry.after == {"format": "json"}


def _summaries(community_id: int) -> dict:
    today = local_today()
    first = today.replace(day=1)
    after = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return {hooks.name: hooks.monthly_summary(community_id, first, after, utcnow()) for hooks in installed()}


def test_erasure_removes_what_identifies_her_and_keeps_every_total(world, upload_dir):
    resident, staff = world.user("resident"), world.user("staff")
    community_id = resident.community_id
    help_request = world.record("help")
    world.record("finding")
    aid.give_hours(resident, str(resident.id), "pool", 30, utcnow(), note=f"{resident.name}的心意")
    photo_keys = [help_request.photo_key, *db.session.scalars(sa.select(FindingPhoto.key))]
    assert all((Path(upload_dir) / key).exists() for key in photo_keys)
    balance = aid.balance_minutes(community_id, resident.id)
    before = _summaries(community_id)
    secrets = [resident.name, resident.phone, resident.unit, "厨房水龙头漏水", "一直滴水", "电动车堵住巷口"]

    erased = services.erase_person(staff, resident.id, utcnow())

    db.session.expire_all()
    person = db.session.get(User, resident.id)
    assert (person.name, person.phone, person.password_hash, person.unit, person.active) == (ERASED, None, None, "",
                                                                                            False)
    assert person.erased_at is not None
    request = db.session.get(HelpRequest, help_request.id)
    assert (request.title, request.description, request.address, request.photo_key) == (ERASED, "", "", None)
    assert request.hidden_at is not None  # off the board: nobody can go to an address that is gone
    assert all(finding.description == ERASED for finding in db.session.scalars(
        sa.select(Finding).where(Finding.reporter_id == resident.id)))
    assert not any((Path(upload_dir) / key).exists() for key in photo_keys)
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(Notification.user_id == resident.id)) == 0
    assert aid.check_ledger(community_id) == []
    assert aid.balance_minutes(community_id, resident.id) == balance
    assert _summaries(community_id) == before
    report = services.personal_report(staff, resident.id, utcnow())
    assert not [secret for secret in secrets if secret in _cells(report)]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "privacy.erased"))
    assert entry.actor_id == staff.id and entry.subject_user_id == resident.id
    assert entry.after == {"erased": erased} and erased["mutualaid.requests"] == 1 and erased["alleys.photos"] >= 1
    written = json.dumps([entry.before, entry.after, entry.reason], ensure_ascii=False)
    assert not [secret for secret in secrets if secret in written]


def test_an_erased_person_cannot_log_in_and_her_number_registers_again(world):
    resident = world.user("resident")
    phone, epoch = resident.phone, resident.session_epoch
    assert accounts.authenticate(phone, PASSWORD) is not None
    services.erase_person(world.user("staff"), resident.id, utcnow())
    assert accounts.authenticate(phone, PASSWORD) is None
    assert db.session.get(User, resident.id).session_epoch > epoch  # her open sessions end too
    again = accounts.register(phone, "新住户", "a-fresh-start-2026", resident.community_id)
    assert again.id != resident.id and again.phone == phone


def test_erasing_the_elder_keeps_the_kitchen_s_settlement_and_stops_her_standing_order(world):
    elder, staff = world.user("elder"), world.user("staff")
    order = world.record("order")
    served = order.meal.serving_from + timedelta(minutes=30)
    for step in ("cooking", "out_for_delivery", "delivered"):
        order = kitchen.advance_order(world.user("kitchen"), order.id, step, served,
                                      payment_method="cash" if step == "delivered" else None)
    world.record("standing")
    month = order.served_on.replace(day=1)
    before = kitchen.settlement(elder.community_id, order.kitchen_id, month)
    services.erase_person(staff, elder.id, utcnow())
    db.session.expire_all()
    assert kitchen.settlement(elder.community_id, order.kitchen_id, month) == before
    kept = db.session.get(MealOrder, order.id)
    assert (kept.address, kept.note, kept.due_fen, kept.status) == ("", "", order.due_fen, order.status)
    assert all(not standing.active for standing in db.session.scalars(
        sa.select(StandingOrder).where(StandingOrder.resident_id == elder.id)))
    assert db.session.scalar(sa.select(sa.func.count(CarerLink.id)).where(CarerLink.resident_id == elder.id)) == 0


@pytest.mark.parametrize("actor, target, refusal", [
    ("resident", "resident", NotAllowed),  # not even oneself: staff check who asks
    ("carer", "elder", NotAllowed),
    ("staff", "staff", NotAllowed),  # staff do not erase themselves
    ("staff", "admin", NotAllowed),  # only an admin erases staff or an admin
    ("volunteer+", "resident", NotFound),
])
def test_who_may_not_erase(world, actor, target, refusal):
    person = world.user(target)
    with pytest.raises(refusal):
        services.erase_person(world.user(actor), person.id, utcnow())
    db.session.expire_all()
    assert db.session.get(User, person.id).erased_at is None


def test_staff_of_another_community_cannot_erase(world):
    resident = world.user("resident")
    with pytest.raises(NotFound):
        services.erase_person(world.user("staff", "other"), resident.id, utcnow())


def test_an_admin_erases_staff_and_a_second_erasure_is_refused(world):
    staff = world.user("staff")
    services.erase_person(world.user("admin"), staff.id, utcnow())
    with pytest.raises(Conflict):
        services.erase_person(world.user("admin"), staff.id, utcnow())
    assert not db.session.get(User, staff.id).is_privileged  # no role survives but being a resident


def test_visits_to_her_door_are_in_her_report_and_what_was_written_about_her_goes(world):
    from neighbors.visits.models import Grid, Household, HouseholdMember, Visit

    elder, staff = world.user("elder"), world.user("staff")
    community_id = elder.community_id
    grid = Grid(community_id=community_id, name="第一网格")
    db.session.add(grid)
    db.session.flush()
    household = Household(community_id=community_id, grid_id=grid.id, building="镇海路12号", unit="1梯", room="301",
                          contact_id=elder.id)
    db.session.add(household)
    db.session.flush()
    db.session.add(HouseholdMember(community_id=community_id, household_id=household.id, user_id=elder.id,
                                   relation="户主"))
    visit = Visit(community_id=community_id, household_id=household.id, visitor_id=staff.id, outcome="met_member",
                  met_id=elder.id, needs="meals", note="腿脚不便，女儿每周来两次", talent="会剪纸")
    db.session.add(visit)
    db.session.commit()
    report = services.personal_report(world.user("carer"), elder.id, utcnow())
    assert {"Your household", "Visits to your household"} <= _titles(report)
    assert "腿脚不便" in _cells(report) and "镇海路12号1梯301" in _cells(report)

    erased = services.erase_person(staff, elder.id, utcnow())

    db.session.expire_all()
    kept = db.session.get(Visit, visit.id)
    assert (kept.note, kept.talent, kept.met_id, kept.outcome, kept.needs) == ("", "", None, "met_member", "meals")
    assert db.session.get(Household, household.id).contact_id is None
    assert erased["visits.household"] == 1 and erased["visits.visits"] == 1
