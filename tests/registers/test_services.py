"""The rules of the registers without HTTP: recording, correcting, refusing, and the counts built from them."""
from datetime import date, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from neighbors import accounts
from neighbors.errors import Conflict, InvalidInput, NotAllowed, NotFound
from neighbors.extensions import db
from neighbors.models import AuditEntry, Role
from neighbors.registers import services
from neighbors.registers.models import Entry
from tests.factories import make_user
from tests.registers.conftest import document, inspection, meeting

TODAY = date(2026, 5, 11)  # the clock's day in Xiamen


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def count_entries() -> int:
    return db.session.scalar(sa.select(sa.func.count(Entry.id)))


def month(code: str):
    return services.parse_period(code, TODAY)


# --- recording -----------------------------------------------------------------------------------

def test_staff_record_a_meeting_and_only_its_fields_are_kept(staff, now):
    entry = services.record_entry(staff, meeting(TODAY, online=True, proxy=True, pages=9, items=3), now)
    assert (entry.kind, entry.body, entry.minutes, entry.staff_count, entry.online, entry.proxy) == \
        ("meeting", "区民政局", 60, 2, True, True)
    assert (entry.pages, entry.items) == (0, 0)  # another kind's fields are not stored
    assert entry.community_id == staff.community_id
    assert actions()[-1] == "registers.recorded"


def test_a_document_and_an_inspection_keep_their_own_fields(staff, now):
    doc = services.record_entry(staff, document(TODAY, has_form=True, needs_reply=True,
                                                deadline=TODAY + timedelta(days=3)), now)
    check = services.record_entry(staff, inspection(TODAY, merged=True), now)
    assert (doc.pages, doc.has_form, doc.needs_reply, doc.deadline) == (4, True, True, TODAY + timedelta(days=3))
    assert (check.items, check.prep_minutes, check.merged, check.minutes) == (5, 120, True, 0)


def test_the_same_form_sent_twice_records_once(staff, now):
    first = services.record_entry(staff, meeting(TODAY), now, "a" * 32)
    again = services.record_entry(staff, meeting(TODAY), now, "a" * 32)
    assert first.id == again.id and count_entries() == 1


@pytest.mark.parametrize("details, field", [
    (meeting(TODAY + timedelta(days=1)), "day"),
    (meeting(TODAY - timedelta(days=500)), "day"),
    (meeting(None), "day"),
    (meeting(TODAY, body="  "), "body"),
    (meeting(TODAY, body="局" * 61), "body"),
    (meeting(TODAY, minutes=0), "minutes"),
    (meeting(TODAY, minutes=-5), "minutes"),
    (meeting(TODAY, staff_count=-1), "staff_count"),
    (document(TODAY, pages=-1), "pages"),
    (document(TODAY, deadline=TODAY - timedelta(days=1)), "deadline"),
    (inspection(TODAY, prep_minutes=-60), "prep_hours"),
    (services.Details(kind="party", day=TODAY, body="区委办"), "kind"),
])
def test_bad_input_is_refused_on_its_field_and_stores_nothing(staff, now, details, field):
    with pytest.raises(InvalidInput) as refused:
        services.record_entry(staff, details, now)
    assert refused.value.field == field
    assert count_entries() == 0


@pytest.mark.parametrize("who", ["resident", "street_officer", "admin"])
def test_only_the_community_staff_record(request, now, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(NotAllowed):
        services.record_entry(actor, meeting(TODAY), now)
    assert count_entries() == 0


# --- corrections and duplicates -------------------------------------------------------------------

def test_a_correction_keeps_the_original_and_only_the_correction_counts(staff, community, now):
    original = services.record_entry(staff, meeting(TODAY, minutes=60, staff_count=1), now)
    corrected = services.correct_entry(staff, original.id, meeting(TODAY, minutes=90, staff_count=3), now)
    db.session.refresh(original)
    assert original.superseded_at is not None and original.minutes == 60  # kept as it was
    assert corrected.replaces_id == original.id and corrected.minutes == 90
    assert [e.id for e in services.history_of(original)] == [corrected.id, original.id]
    figures = services.statistics([community], month("2026-05")).communities[0].now
    assert (figures["meetings"], figures["meeting_minutes"]) == (1, 270)
    logged = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registers.corrected"))
    assert logged is not None and '"minutes": 60' in str(logged.before).replace("'", '"')


def test_a_correction_keeps_the_kind_and_an_old_version_cannot_be_corrected(staff, now):
    original = services.record_entry(staff, meeting(TODAY), now)
    corrected = services.correct_entry(staff, original.id, document(TODAY, minutes=45), now)
    assert corrected.kind == "meeting" and corrected.minutes == 45
    with pytest.raises(NotAllowed):
        services.correct_entry(staff, original.id, meeting(TODAY), now)
    assert count_entries() == 2


def test_another_community_cannot_see_or_correct_an_entry(staff, neighbour_staff, far_officer, now):
    entry = services.record_entry(staff, meeting(TODAY), now)
    for outsider in (neighbour_staff, far_officer):
        with pytest.raises(NotFound):
            services.correct_entry(outsider, entry.id, meeting(TODAY), now)
        with pytest.raises(NotFound):
            services.entry_for(outsider, entry.id)
    assert count_entries() == 1


def test_the_street_refuses_a_duplicate_and_it_stops_counting(staff, street_officer, community, now):
    first = services.record_entry(staff, meeting(TODAY), now)
    twice = services.record_entry(staff, meeting(TODAY), now)
    services.refuse_duplicate(street_officer, twice.id, first.id, now)
    db.session.refresh(twice)
    assert twice.refused_by_id == street_officer.id and twice.duplicate_of_id == first.id
    assert services.statistics([community], month("2026-05")).communities[0].now["meetings"] == 1
    assert actions()[-1] == "registers.refused"
    with pytest.raises(NotAllowed):
        services.refuse_duplicate(street_officer, twice.id, None, now)  # refused already
    with pytest.raises(NotAllowed):
        services.correct_entry(staff, twice.id, meeting(TODAY), now)  # a refused entry is not corrected


def test_community_staff_and_other_streets_do_not_refuse(staff, far_officer, now):
    entry = services.record_entry(staff, meeting(TODAY), now)
    with pytest.raises(NotAllowed):
        services.refuse_duplicate(staff, entry.id, None, now)
    with pytest.raises(NotFound):
        services.refuse_duplicate(far_officer, entry.id, None, now)
    assert services.entry_for(staff, entry.id).current


def test_a_duplicate_must_name_an_entry_that_still_counts(staff, street_officer, now):
    entry = services.record_entry(staff, meeting(TODAY), now)
    for wrong in (entry.id, 999999):
        with pytest.raises(InvalidInput):
            services.refuse_duplicate(street_officer, entry.id, wrong, now)
    assert services.entry_for(staff, entry.id).current


# --- the street_staff role -------------------------------------------------------------------------

def test_only_an_admin_grants_the_street_role(staff, admin, resident):
    with pytest.raises(NotAllowed):
        accounts.grant_role(staff, resident, Role.STREET_STAFF)
    accounts.grant_role(admin, resident, Role.STREET_STAFF)
    assert resident.has_role(Role.STREET_STAFF) and resident.is_privileged


def test_who_sees_which_communities(staff, street_officer, far_officer, admin, resident, community, neighbour, far):
    assert services.scope_for(staff).ids == [community.id]
    assert services.scope_for(street_officer).ids == [community.id, neighbour.id]
    assert services.scope_for(far_officer).ids == [far.id]
    assert services.scope_for(admin).ids == [community.id, neighbour.id, far.id]
    assert services.scope_for(admin, far.sub_district_id).ids == [far.id]
    with pytest.raises(NotAllowed):
        services.scope_for(resident)
    with pytest.raises(NotFound):
        services.scope_for(street_officer).community(far.id)


def test_a_document_due_within_three_days_waits_in_the_work_queue_until_refused(staff, street_officer, now):
    due = services.record_entry(staff, document(TODAY, has_form=True, deadline=TODAY + timedelta(days=2)), now)
    services.record_entry(staff, document(TODAY, has_form=True, deadline=TODAY + timedelta(days=10)), now)
    services.record_entry(staff, document(TODAY, deadline=TODAY + timedelta(days=1)), now)  # nothing to do
    items = services.staff_queue(staff.community_id, now)
    assert [item.params["body"] for item in items] == ["区委办"]
    assert services.staff_queue_count(staff.community_id, now) == 1
    assert items[0].link.args == {"entry_id": due.id}
    services.refuse_duplicate(street_officer, due.id, None, now)
    assert services.staff_queue_count(staff.community_id, now) == 0


def test_the_monthly_report_hook_gives_the_months_counts(staff, community, now):
    services.record_entry(staff, meeting(TODAY, minutes=30, staff_count=2), now)
    figures = services.monthly_summary(community.id, date(2026, 5, 1), date(2026, 6, 1), now)
    assert figures["meetings"] == 1 and figures["meeting_minutes"] == 60
    assert services.monthly_summary(community.id, date(2026, 4, 1), date(2026, 5, 1), now)["meetings"] == 0
