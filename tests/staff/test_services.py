"""People, roles, carers and the audit log through the staff services, without HTTP."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from neighbors.audit import AuditLogIsAppendOnly
from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.links import Link
from neighbors.models import AuditEntry, CarerLink, Role, User
from neighbors.registry import EXTENSION, ModuleHooks, Registry
from neighbors.spreadsheets import tables_csv
from neighbors.staff import services
from neighbors.staff.policy import policy
from neighbors.workqueue import QueueItem
from tests.factories import make_building, make_user


def actions(community_id=None) -> list[str]:
    query = sa.select(AuditEntry.action).order_by(AuditEntry.id)
    if community_id is not None:
        query = query.where(AuditEntry.community_id == community_id)
    return list(db.session.scalars(query))


# --- which community, which person -----------------------------------------------------

def test_staff_manage_their_own_community_and_admins_any(world):
    assert services.managed_community(world.staff).id == world.home.id
    assert services.managed_community(world.staff, str(world.home.id)).id == world.home.id
    assert services.managed_community(world.admin, world.other.id).id == world.other.id


@pytest.mark.parametrize("who, community, refusal", [
    ("staff", "other", NotAllowed),
    ("admin", 9999, NotFound),
    ("admin", "not-a-number", NotFound),
    ("resident", None, NotAllowed),
])
def test_managing_a_community_refused(world, who, community, refusal):
    community_id = getattr(world, community).id if community == "other" else community
    with pytest.raises(refusal):
        services.managed_community(getattr(world, who), community_id)


def test_staff_find_people_of_their_community_and_admins_anyone(world):
    assert services.person(world.staff, world.elder.id) == world.elder
    assert services.person(world.admin, world.outsider.id) == world.outsider


@pytest.mark.parametrize("target", ["outsider", "nobody"])
def test_a_person_of_another_community_does_not_exist_for_staff(world, target):
    user_id = world.outsider.id if target == "outsider" else 999999
    with pytest.raises(NotFound):
        services.person(world.staff, user_id)


@pytest.mark.parametrize("query, expected", [
    ("郑", ["郑长华"]),
    ("长华", ["郑长华"]),
    ("打铁巷", ["郑长华"]),
    ("打铁巷3号101", ["郑长华"]),
    ("王美玲", ["王美玲"]),
    ("吴玉兰", []),  # lives in the other community
    ("%", []),
    ("_", []),
])
def test_search_by_name_or_address_stays_in_the_community(world, query, expected):
    assert [p.name for p in services.search_people(world.home.id, query)] == expected


def test_search_by_phone_digits(world):
    found = services.search_people(world.home.id, world.resident.phone[-6:])
    assert [p.id for p in found] == [world.resident.id]
    assert services.search_people(world.home.id, world.outsider.phone) == []


def test_empty_search_lists_people_needing_care_first(world):
    names = [p.name for p in services.search_people(world.home.id, "")]
    assert names[0] == "郑长华"
    assert "吴玉兰" not in names and set(names) >= {"陈丽华", "王美玲", "叶振国"}


# --- roles ----------------------------------------------------------------------------

def test_grant_and_revoke_a_role_is_audited(world):
    services.grant_role(world.staff, world.resident.id, "volunteer")
    assert "volunteer" in db.session.get(User, world.resident.id).roles
    services.revoke_role(world.staff, world.resident.id, "volunteer")
    assert "volunteer" not in db.session.get(User, world.resident.id).roles
    assert actions(world.home.id) == ["role.granted", "role.revoked"]
    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).first()
    assert entry.actor_id == world.staff.id and entry.subject_user_id == world.resident.id


def test_an_officer_needs_a_department(world):
    with pytest.raises(InvalidInput) as refused:
        services.grant_role(world.staff, world.resident.id, "officer", "  ")
    assert refused.value.field == "department"
    assert actions() == []


def test_an_officers_department_is_kept_tidy(world):
    services.grant_role(world.staff, world.resident.id, "officer", " 城管 ")
    grant = next(g for g in db.session.get(User, world.resident.id).role_grants if g.role == "officer")
    assert grant.department == "城管"


def test_department_is_kept_only_for_officers(world):
    services.grant_role(world.staff, world.resident.id, "patroller", "城管")
    grant = next(g for g in db.session.get(User, world.resident.id).role_grants if g.role == "patroller")
    assert grant.department == ""


@pytest.mark.parametrize("role", ["", "mayor", "Staff"])
def test_unknown_roles_are_refused(world, role):
    with pytest.raises(InvalidInput):
        services.grant_role(world.staff, world.resident.id, role)
    assert actions() == []


def test_granting_a_role_twice_is_refused_plainly(world):
    services.grant_role(world.staff, world.resident.id, "patroller")
    with pytest.raises(InvalidInput):
        services.grant_role(world.staff, world.resident.id, "patroller")
    assert actions() == ["role.granted"]


def test_an_admin_grants_admin(world):
    services.grant_role(world.admin, world.resident.id, "admin")
    assert db.session.get(User, world.resident.id).is_admin


@pytest.mark.parametrize("role", ["admin", "street_staff"])
def test_only_an_admin_grants_admin_or_street_staff(world, role):
    assert not policy.may(world.staff, "grant_role", Role(role)) and policy.may(world.admin, "grant_role", Role(role))
    with pytest.raises(NotAllowed):
        services.grant_role(world.staff, world.resident.id, role)
    assert role not in db.session.get(User, world.resident.id).roles


@pytest.mark.parametrize("role", ["staff", "resident"])
def test_nobody_removes_their_own_staff_role_or_anyones_resident_role(world, role):
    with pytest.raises(NotAllowed):
        services.revoke_role(world.staff, world.staff.id, role)
    assert {"staff", "resident"} <= db.session.get(User, world.staff.id).roles


def test_only_an_admin_removes_an_admin(world):
    services.grant_role(world.admin, world.resident.id, "admin")
    with pytest.raises(NotAllowed):
        services.revoke_role(world.staff, world.resident.id, "admin")
    assert db.session.get(User, world.resident.id).is_admin


@pytest.mark.parametrize("change", ["grant", "revoke"])
def test_staff_cannot_touch_roles_in_another_community(world, change):
    with pytest.raises(NotFound):
        if change == "grant":
            services.grant_role(world.staff, world.other_staff.id, "volunteer")
        else:
            services.revoke_role(world.staff, world.other_staff.id, "staff")
    assert db.session.get(User, world.other_staff.id).roles == {"resident", "staff"}
    assert actions() == []


def test_verify_and_unverify_a_volunteer(world, now):
    volunteer = make_user(world.home, "volunteer", name="黄建国")
    services.set_volunteer_verified(world.staff, volunteer.id, True, now)
    assert db.session.get(User, volunteer.id).is_verified_volunteer
    services.set_volunteer_verified(world.staff, volunteer.id, False, now)
    assert not db.session.get(User, volunteer.id).is_verified_volunteer
    assert actions() == ["volunteer.verified", "volunteer.unverified"]
    with pytest.raises(InvalidInput):
        services.set_volunteer_verified(world.staff, world.resident.id, True, now)


# --- carers -----------------------------------------------------------------------------

def test_link_a_carer_by_phone_and_unlink(world):
    link = services.link_carer(world.staff, world.elder.id, world.resident.phone, " 女儿 ")
    assert (link.carer_id, link.resident_id, link.relation) == (world.resident.id, world.elder.id, "女儿")
    services.unlink_carer(world.staff, world.elder.id, link.id)
    assert db.session.scalar(sa.select(sa.func.count(CarerLink.id))) == 0
    assert actions() == ["carer.linked", "carer.unlinked"]


@pytest.mark.parametrize("phone", ["", "12345", "abc"])
def test_a_carer_needs_a_real_mobile_number(world, phone):
    with pytest.raises(InvalidInput) as refused:
        services.link_carer(world.staff, world.elder.id, phone)
    assert refused.value.field == "carer"


def test_a_carer_must_live_in_the_same_community(world):
    with pytest.raises(InvalidInput) as refused:
        services.link_carer(world.staff, world.elder.id, world.outsider.phone)
    assert refused.value.field == "carer"
    assert actions() == []


def test_linking_twice_is_refused(world):
    services.link_carer(world.staff, world.elder.id, world.resident.phone)
    with pytest.raises(InvalidInput):
        services.link_carer(world.staff, world.elder.id, world.resident.phone)
    assert actions() == ["carer.linked"]


def test_nobody_is_their_own_carer(world):
    with pytest.raises(InvalidInput):
        services.link_carer(world.staff, world.resident.id, world.resident.phone)
    assert actions() == []


@pytest.mark.parametrize("who, of", [("staff", "resident"), ("other_staff", "elder")])
def test_unlinking_someone_elses_link_is_not_found(world, who, of):
    link = services.link_carer(world.staff, world.elder.id, world.resident.phone)
    with pytest.raises(NotFound):
        services.unlink_carer(getattr(world, who), getattr(world, of).id, link.id)
    assert db.session.get(CarerLink, link.id) is not None


# --- residents without a phone ------------------------------------------------------------

def register(world, at, actor=None, **changes):
    values = {"name": "林阿婆", "birth_date": date(1938, 5, 6), "building_id": make_building(world.home, "打铁巷3号").id,
              "unit": "102室", "needs_care": True, "now": at}
    values.update(changes)
    return services.register_resident(actor or world.staff, world.home.id, **values)


def test_register_a_resident_without_a_phone(world, now):
    done = register(world, now)
    resident = done.resident
    assert done.created
    assert (resident.phone, resident.can_log_in, resident.needs_care, resident.address) == (
        None, False, True, "打铁巷3号102室")
    assert resident.roles == {"resident"}
    assert actions() == ["resident.registered"]


def test_the_same_registration_sent_twice_makes_one_person(world, now):
    first = register(world, now)
    second = register(world, now + timedelta(seconds=5))
    assert not second.created and second.resident.id == first.resident.id
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.name == "林阿婆")) == 1


@pytest.mark.parametrize("who, later", [("admin", timedelta(0)), ("staff", timedelta(hours=1))])
def test_a_second_person_with_the_same_name_at_the_same_address_is_refused(world, now, who, later):
    """Another worker, or the same one an hour later, is registering somebody else of that name."""
    register(world, now)
    with pytest.raises(InvalidInput):
        register(world, now + later, actor=getattr(world, who))
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.name == "林阿婆")) == 1


@pytest.mark.parametrize("changes, field", [
    ({"name": "  "}, "name"),
    ({"birth_date": date(2027, 1, 1)}, "birth_date"),
    ({"birth_date": date(1850, 1, 1)}, "birth_date"),
    ({"unit": "室" * 51}, "unit"),
])
def test_bad_registrations_change_nothing(world, changes, field, now):
    with pytest.raises(InvalidInput) as refused:
        register(world, now, **changes)
    assert refused.value.field == field
    assert actions() == []


def test_a_building_of_another_community_is_refused(world, now):
    foreign = make_building(world.other, "深田路8号")
    with pytest.raises(InvalidInput) as refused:
        register(world, now, building_id=foreign.id)
    assert refused.value.field == "building"


def test_staff_cannot_register_into_another_community(world, now):
    with pytest.raises(NotAllowed):
        services.register_resident(world.other_staff, world.home.id, name="林阿婆", birth_date=None,
                                   building_id=None, unit="", needs_care=False, now=now)


def test_update_a_resident_records_only_what_changed(world, now):
    changed = services.update_resident(world.staff, world.elder.id, name="郑长华", birth_date=date(1940, 3, 2),
                                       building_id=world.elder.building_id, unit="101室", needs_care=False, now=now)
    assert changed == {"birth_date": "1940-03-02", "needs_care": False}
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "resident.updated"
    assert entry.before == {"birth_date": "1941-03-02", "needs_care": True}
    assert entry.after == {"birth_date": "1940-03-02", "needs_care": False}
    unchanged = services.update_resident(world.staff, world.elder.id, name="郑长华", birth_date=date(1940, 3, 2),
                                         building_id=world.elder.building_id, unit="101室", needs_care=False, now=now)
    assert unchanged == {} and actions() == ["resident.updated"]


def test_staff_of_another_community_cannot_update(world, now):
    with pytest.raises(NotFound):
        services.update_resident(world.other_staff, world.elder.id, name="x", birth_date=None, building_id=None,
                                 unit="", needs_care=False, now=now)
    assert db.session.get(User, world.elder.id).name == "郑长华"


# --- the audit log ------------------------------------------------------------------------

@pytest.mark.parametrize("change", ["rewrite", "delete"])
def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(world, change):
    services.grant_role(world.staff, world.resident.id, "volunteer")
    entry = db.session.scalar(sa.select(AuditEntry))
    if change == "rewrite":
        entry.reason = "rewritten"
    else:
        db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEntry)).reason == ""


def test_audit_filter_by_person_kind_and_dates(world):
    services.grant_role(world.staff, world.resident.id, "volunteer")
    services.link_carer(world.staff, world.elder.id, world.resident.phone)
    services.grant_role(world.other_staff, world.outsider.id, "patroller")
    home = services.audit_filter(world.staff, None)
    entries, more = services.audit_entries(home)
    assert [e.action for e in entries] == ["carer.linked", "role.granted"] and not more
    about_elder = services.audit_filter(world.staff, None, person_id=world.elder.id)
    assert [e.action for e in services.audit_entries(about_elder)[0]] == ["carer.linked"]
    by_name = services.audit_filter(world.staff, None, who="王美玲")
    assert [e.action for e in services.audit_entries(by_name)[0]] == ["role.granted"]  # she is the carer, not the subject
    kind = services.audit_filter(world.staff, None, action="role.granted")
    assert [e.subject_user_id for e in services.audit_entries(kind)[0]] == [world.resident.id]
    from neighbors.clock import local_today
    today = local_today()
    assert services.audit_entries(services.audit_filter(world.staff, None, start=today, end=today))[0]
    assert not services.audit_entries(services.audit_filter(world.staff, None, end=today - timedelta(days=1)))[0]
    with pytest.raises(InvalidInput):
        services.audit_filter(world.staff, None, start=today, end=today - timedelta(days=1))


def test_staff_cannot_read_another_communitys_log(world):
    with pytest.raises(NotAllowed):
        services.audit_filter(world.staff, world.other.id)


def test_staff_read_only_their_community_and_admins_the_district(world):
    services.grant_role(world.staff, world.resident.id, "volunteer")
    services.grant_role(world.other_staff, world.outsider.id, "patroller")
    assert services.audit_filter(world.staff, None).community_id == world.home.id
    everything = services.audit_filter(world.admin, None)
    assert len(services.audit_entries(everything)[0]) == 2
    assert services.audit_actions(world.home.id) == ["role.granted"]


def test_audit_pages(world, now):
    for index in range(5):
        make_user(world.home, "volunteer", name=f"志愿者{index}")
    for person in db.session.scalars(sa.select(User).where(User.name.like("志愿者%"))).all():
        services.set_volunteer_verified(world.staff, person.id, True, now)
    chosen = services.audit_filter(world.staff, None)
    first, more = services.audit_entries(chosen, 1, per_page=3)
    second, more_after = services.audit_entries(chosen, 2, per_page=3)
    assert len(first) == 3 and more and len(second) == 2 and not more_after
    assert not {e.id for e in first} & {e.id for e in second}


def test_audit_csv_has_a_bom_and_one_row_per_entry(app, world):
    services.link_carer(world.staff, world.elder.id, world.resident.phone, "女儿")
    with app.test_request_context():
        text = tables_csv(services.audit_sheets(services.audit_filter(world.staff, None)))
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 2
    assert "carer.linked" in lines[1] and "郑长华" in lines[1] and "陈丽华" in lines[1] and "女儿" in lines[1]


# --- the work queue ---------------------------------------------------------------------

def test_a_resident_needing_care_without_a_carer_waits_in_the_queue(world, now):
    work = services.work_queue(world.home.id, now)
    mine = [item for item in work.items if item.kind == "staff.no_carer"]
    assert [item.params["name"] for item in mine] == ["郑长华"]
    assert mine[0].link == Link("staff.person_page", anchor="carers", user_id=world.elder.id)
    services.link_carer(world.staff, world.elder.id, world.resident.phone)
    assert not [i for i in services.work_queue(world.home.id, now).items if i.kind == "staff.no_carer"]
    assert not [i for i in services.work_queue(world.other.id, now).items if i.kind == "staff.no_carer"]


def installed_modules(app, monkeypatch, queues: dict):
    """Modules whose work queues are the given functions, installed in place of the real ones."""
    def hooks(name, listing):
        return ModuleHooks(name=name, person_summary=lambda community_id, user_id: {}, staff_queue=listing,
                           staff_queue_count=lambda community_id, now: len(listing(community_id, now)),
                           monthly_summary=lambda community_id, start, end, now: {})

    monkeypatch.setitem(app.extensions, EXTENSION, Registry(hooks(name, listing) for name, listing in queues.items()))


def test_the_queue_puts_urgent_first_then_oldest_and_lists_each_thing_once(app, world, monkeypatch, now):
    old = now - timedelta(days=3)
    volunteers = Link("mutualaid.manage_volunteers")
    installed_modules(app, monkeypatch, {
        "kitchen": lambda c, n: [QueueItem("kitchen.low_rating", "x", now - timedelta(hours=1), Link("kitchen.a", id=1)),
                                 QueueItem("kitchen.welfare_check", "x", now - timedelta(minutes=5),
                                           Link("kitchen.a", id=2), urgent=True)],
        "mutualaid": lambda c, n: [QueueItem("mutualaid.verify", "x", old, volunteers),
                                   QueueItem("mutualaid.verify", "x", old, volunteers)],
        "alleys": lambda c, n: [],
    })
    work = services.work_queue(world.home.id, now)
    # the elder needing care was registered just now (after the story's start), so her item comes last
    assert [i.kind for i in work.items] == ["kitchen.welfare_check", "mutualaid.verify", "kitchen.low_rating",
                                            "staff.no_carer"]
    assert work.unavailable == []


def test_a_failing_module_does_not_hide_the_others(app, world, monkeypatch, now):
    def broken(community_id, at):
        raise RuntimeError("boom")

    def refused_statement(community_id, at):
        db.session.execute(sa.text("SELECT no_such_column FROM users"))

    installed_modules(app, monkeypatch, {
        "kitchen": lambda c, n: [QueueItem("kitchen.welfare_check", "x", now, Link("kitchen.a", id=2), urgent=True)],
        "mutualaid": refused_statement,
        "alleys": broken,
    })
    work = services.work_queue(world.home.id, now)
    assert work.unavailable == ["mutualaid", "alleys"]
    assert [item.kind for item in work.items] == ["kitchen.welfare_check", "staff.no_carer"]


@pytest.mark.parametrize("minutes, text", [(0, "0 minutes"), (59, "59 minutes"), (60, "1 hour"),
                                           (47 * 60, "47 hours"), (48 * 60, "2 days"), (10 * 24 * 60, "10 days")])
def test_age_text(app, minutes, text, now):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert services.age_text(now - timedelta(minutes=minutes), now) == text
