"""Roles, verification, carers and acting for someone, as services (no HTTP)."""
import pytest
import sqlalchemy as sa

from neighbors import accounts
from neighbors.errors import InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, Role
from tests.factories import link_carer, make_community, make_user


@pytest.fixture
def zhenhai(app):
    return make_community("镇海社区")


@pytest.fixture
def lujiang(app):
    return make_community("鹭江道社区", street="鹭江街道")


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_staff_grant_and_revoke_roles_in_their_community_with_audit(zhenhai):
    staff = make_user(zhenhai, "staff")
    resident = make_user(zhenhai, name="黄建国")
    accounts.grant_role(staff, resident, Role.OFFICER, department="城管")
    assert resident.roles == {"resident", "officer"}
    accounts.revoke_role(staff, resident, Role.OFFICER)
    assert resident.roles == {"resident"}
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["role.granted", "role.revoked"]
    assert entries[0].actor_id == staff.id and entries[0].subject_user_id == resident.id
    assert entries[0].after["roles"] == ["officer", "resident"] and entries[0].after["department"] == "城管"
    assert entries[1].before["roles"] == ["officer", "resident"] and entries[1].after["roles"] == ["resident"]


def test_staff_cannot_change_roles_in_another_community(zhenhai, lujiang):
    staff = make_user(zhenhai, "staff")
    outsider = make_user(lujiang)
    with pytest.raises(NotAllowed):
        accounts.grant_role(staff, outsider, Role.VOLUNTEER)
    assert outsider.roles == {"resident"}
    assert audit_actions() == []


def test_only_an_admin_grants_admin(zhenhai):
    staff = make_user(zhenhai, "staff")
    admin = make_user(make_community("深田社区", street="开元街道"), "admin")
    resident = make_user(zhenhai)
    with pytest.raises(NotAllowed):
        accounts.grant_role(staff, resident, Role.ADMIN)
    accounts.grant_role(admin, resident, Role.STAFF)
    assert "staff" in resident.roles


def test_staff_cannot_remove_their_own_staff_role(zhenhai):
    staff = make_user(zhenhai, "staff")
    with pytest.raises(NotAllowed):
        accounts.revoke_role(staff, staff, Role.STAFF)


def test_verifying_a_volunteer_is_audited_and_can_be_withdrawn(zhenhai):
    staff = make_user(zhenhai, "staff")
    volunteer = make_user(zhenhai, "volunteer", party_member=True)
    assert not volunteer.is_verified_volunteer
    accounts.set_volunteer_verified(staff, volunteer, True)
    assert volunteer.is_verified_volunteer
    accounts.set_volunteer_verified(staff, volunteer, False)
    assert not volunteer.is_verified_volunteer
    assert audit_actions() == ["volunteer.verified", "volunteer.unverified"]


def test_only_volunteers_can_be_verified(zhenhai):
    staff = make_user(zhenhai, "staff")
    resident = make_user(zhenhai)
    with pytest.raises(InvalidInput):
        accounts.set_volunteer_verified(staff, resident, True)


def test_staff_register_an_elder_without_a_phone_and_link_her_daughter(zhenhai):
    from datetime import date

    staff = make_user(zhenhai, "staff")
    daughter = make_user(zhenhai, name="王美玲")
    mother = accounts.register_resident_without_phone(staff, zhenhai.id, "郑长华", birth_date=date(1941, 3, 2),
                                                      unit="3单元201室", needs_care=True)
    accounts.link_carer(staff, daughter, mother, relation="女儿")
    assert mother.phone is None and not mother.can_log_in and mother.roles == {"resident"}
    assert accounts.carers_of(mother) == [daughter]
    assert [p.name for p in accounts.people_i_can_act_for(daughter)] == ["王美玲", "郑长华"]
    assert audit_actions() == ["resident.registered", "carer.linked"]


def test_acting_for_is_allowed_to_self_carer_and_staff_only(zhenhai, lujiang):
    mother = make_user(zhenhai, name="郑长华")
    daughter = make_user(zhenhai, name="王美玲")
    neighbour = make_user(zhenhai, name="林建国")
    staff = make_user(zhenhai, "staff")
    other_staff = make_user(lujiang, "staff")
    link_carer(daughter, mother)
    assert accounts.resolve_for_user(mother, None) == mother
    assert accounts.resolve_for_user(daughter, mother.id) == mother
    assert accounts.resolve_for_user(staff, str(mother.id)) == mother
    for stranger in (neighbour, other_staff):
        with pytest.raises(NotAllowed):
            accounts.resolve_for_user(stranger, mother.id)
    with pytest.raises(NotFound):
        accounts.resolve_for_user(daughter, 987654)
    with pytest.raises(NotFound):
        accounts.resolve_for_user(daughter, "not-a-number")


def test_a_person_cannot_be_their_own_carer(zhenhai):
    staff = make_user(zhenhai, "staff")
    with pytest.raises(InvalidInput):
        accounts.link_carer(staff, staff, staff)


def test_linking_twice_keeps_one_link(zhenhai):
    staff = make_user(zhenhai, "staff")
    mother, daughter = make_user(zhenhai), make_user(zhenhai)
    first = accounts.link_carer(staff, daughter, mother)
    assert accounts.link_carer(staff, daughter, mother).id == first.id
