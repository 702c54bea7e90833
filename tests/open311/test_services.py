"""The Open311 rules without HTTP: keys (hashed, shown once, scoped, revoked, audited), who may read a
community's cases, a partner's case filed once however often it is retried, statuses as the standard maps them."""
import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from neighbors.alleys import services as alleys
from neighbors.alleys.models import Finding
from neighbors.errors import Conflict, InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry
from neighbors.open311 import services
from neighbors.open311.models import ApiKey, PartnerFiling
from tests.alleys.conftest import photo
from tests.factories import make_community, make_user


@pytest.fixture
def published(place, now):
    return services.save_settings(place.staff, "lujiangdao", True, now)


def _filing(**more):
    return services.Filing(**{"service_code": "sanitation", "description": "路面油腻，需要清洗",
                              "address": "打铁巷12号门口", **more})


def test_a_key_is_shown_once_and_only_its_hash_is_kept(place, now):
    key, raw = services.issue_key(place.staff, "12345热线", now)
    assert raw.startswith("nbk_") and len(raw) > 40
    stored = db.session.get(ApiKey, key.id)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.key_hash, stored.prefix, stored.name} and stored.prefix == raw[:10]
    assert services.active_key(raw).id == key.id
    assert not stored.account.can_log_in  # the partner's account files cases, it cannot log in
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "open311.key_issued"))
    assert entry.actor_id == place.staff.id and raw not in str(entry.after)


@pytest.mark.parametrize("who", ["resident", "officer", "patroller"])
def test_only_staff_issue_keys(place, now, who):
    with pytest.raises(NotAllowed):
        services.issue_key(getattr(place, who), "12345热线", now)
    assert db.session.scalar(sa.select(sa.func.count(ApiKey.id))) == 0


def test_a_revoked_key_stops_working_and_revoking_twice_logs_once(place, now, published):
    key, raw = services.issue_key(place.staff, "网格化平台", now)
    services.revoke_key(place.staff, key.id, now)
    services.revoke_key(place.staff, key.id, now)
    assert services.active_key(raw) is None
    with pytest.raises(NotAllowed):
        services.file_case(raw, "lujiangdao", _filing(), [], "", now)
    revoked = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "open311.key_revoked")).all()
    assert len(revoked) == 1


def test_staff_of_another_community_cannot_revoke(place, now):
    key, _raw = services.issue_key(place.staff, "12345热线", now)
    elsewhere = make_user(make_community("镇海社区"), "staff")
    with pytest.raises(NotFound):
        services.revoke_key(elsewhere, key.id, now)
    assert db.session.get(ApiKey, key.id).active


def test_the_jurisdiction_code_is_checked_and_unique(place, now):
    with pytest.raises(InvalidInput):
        services.save_settings(place.staff, "鹭江道", False, now)
    services.save_settings(place.staff, "lujiangdao", False, now)
    other_staff = make_user(make_community("镇海社区"), "staff")
    with pytest.raises(Conflict):
        services.save_settings(other_staff, "lujiangdao", False, now)


def test_reading_needs_a_key_unless_the_community_publishes(place, now):
    services.save_settings(place.staff, "lujiangdao", False, now)
    with pytest.raises(NotAllowed):
        services.readable_community("lujiangdao", None)
    _key, raw = services.issue_key(place.staff, "12345热线", now)
    assert services.readable_community("lujiangdao", raw) == place.community.id
    assert services.readable_community(None, raw) == place.community.id  # the key's own jurisdiction
    services.save_settings(place.staff, "lujiangdao", True, now)
    assert services.readable_community("lujiangdao", None) == place.community.id
    with pytest.raises(NotAllowed):
        services.readable_community("lujiangdao", "nbk_made-up")


def test_another_communitys_key_reaches_nothing_here(place, now, published):
    zhenhai = make_community("镇海社区")
    zhenhai_staff = make_user(zhenhai, "staff")
    services.save_settings(zhenhai_staff, "zhenhai", False, now)
    _key, theirs = services.issue_key(zhenhai_staff, "网格化平台", now)
    with pytest.raises(NotAllowed):
        services.readable_community("lujiangdao", theirs)  # even though 鹭江道 publishes: a key is one community's
    with pytest.raises(NotAllowed):
        services.file_case(theirs, "lujiangdao", _filing(), [], "", now)
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0


def test_a_partners_case_goes_to_the_department_and_back_as_open311_sees_it(place, now, clock, published):
    _key, raw = services.issue_key(place.staff, "12345热线", now)
    case_id = services.file_case(raw, "lujiangdao", _filing(latitude="24.4545", longitude="118.0781"),
                                 [photo()], "", now)
    finding = db.session.get(Finding, case_id)
    assert finding.alley_id == place.alley.id and finding.department == "环卫" and len(finding.photos) == 1
    _community, case = services.case("lujiangdao", None, case_id, now)
    assert case.open and case.service_code == "sanitation" and case.expected_at == finding.resolve_due_at
    filing = db.session.scalar(sa.select(PartnerFiling).where(PartnerFiling.case_id == case_id))
    assert (filing.latitude, filing.longitude) == (24.4545, 118.0781)
    alleys.accept(place.sanitation_officer, case_id, clock.advance(minutes=5))
    alleys.resolve(place.sanitation_officer, case_id, "已清洗干净", photo(), clock.advance(minutes=31))
    _community, case = services.case("lujiangdao", None, case_id, clock.now)
    assert not case.open and case.status_notes == "Fixed, waiting to be checked"
    assert case.updated_at == clock.now and case.expected_at is None


def test_a_retried_post_with_the_same_idempotency_key_makes_one_case(place, now, published):
    _key, raw = services.issue_key(place.staff, "12345热线", now)
    first = services.file_case(raw, None, _filing(), [], "call-20261207-001", now)
    again = services.file_case(raw, None, _filing(), [], "call-20261207-001", now)
    other = services.file_case(raw, None, _filing(), [], "call-20261207-002", now)
    assert first == again != other
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(PartnerFiling.id))) == 2
    filed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "open311.case_filed")).all()
    assert len(filed) == 2


@pytest.mark.parametrize("bad, field", [
    ({"service_code": "noise"}, "service_code"),
    ({"description": ""}, "description"),
    ({"address": "", "latitude": "", "longitude": ""}, "address_string"),
    ({"latitude": "24.45"}, "lat"),
    ({"latitude": "124.45", "longitude": "118.07"}, "lat"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
    ({"address": "思明南路88号"}, "address_string"),  # two alleys here: the address must name one
])
def test_bad_input_is_refused_and_files_nothing(place, now, published, bad, field):
    _key, raw = services.issue_key(place.staff, "12345热线", now)
    with pytest.raises(InvalidInput) as refused:
        services.file_case(raw, "lujiangdao", _filing(**bad), [], "", now)
    assert refused.value.field == field
    assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0


def test_filters_and_pages(place, now, clock, published):
    for minutes, category in enumerate(["sanitation", "obstruction", "sanitation", "hazard", "sanitation"]):
        alleys.report_finding(place.patroller, place.alley.id, category, f"问题{minutes}", "打铁巷口", [photo()],
                              f"k{minutes}", clock.advance(minutes=10), new_anyway=True)
    ids = lambda found: [case.description for case in found[1]]  # noqa: E731
    newest_first = ids(services.cases("lujiangdao", None, services.Filters(), clock.now))
    assert newest_first == ["问题4", "问题3", "问题2", "问题1", "问题0"]
    assert ids(services.cases("lujiangdao", None, services.Filters(service_codes=("sanitation",)), clock.now)) == \
        ["问题4", "问题2", "问题0"]
    assert ids(services.cases("lujiangdao", None, services.Filters(page=2, page_size=2), clock.now)) == \
        ["问题2", "问题1"]
    since = now + timedelta(minutes=25)
    assert ids(services.cases("lujiangdao", None, services.Filters(start=since), clock.now)) == ["问题4", "问题3", "问题2"]
    assert ids(services.cases("lujiangdao", None, services.Filters(open=False), clock.now)) == []
    first = db.session.scalar(sa.select(Finding).where(Finding.description == "问题0"))
    assert ids(services.cases("lujiangdao", None, services.Filters(ids=(first.id,)), clock.now)) == ["问题0"]
