"""The alleys' findings as other systems see them (the registry's `PublicCases`, served by neighbors/open311):
the categories as services, cases without their reporter, and a case filed by a partner system."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...database import same_community
from ...errors import N_, Conflict, InvalidInput
from ...extensions import db
from ...models import User
from ...registry import CaseQuery, PublicCase, PublicService
from ..models import CATEGORIES, CATEGORY_NAMES, Alley, Finding, FindingEvent, FindingState
from .common import clean
from .findings import _earlier_submission, _save_report
from .lookups import alleys_of
from .photos import at_most_three, chosen_files, discard_all, store_photos

# Open311 knows two statuses: a case is closed for the partner once the officer says it is fixed
OPEN_FOR_PARTNERS = (FindingState.REPORTED, FindingState.DISPATCHED, FindingState.ACCEPTED)
GROUP = N_("Alleys")


def public_services(community_id: int) -> list[PublicService]:
    names = "、".join(alley.name for alley in alleys_of(community_id))
    return [PublicService(code=code, name=CATEGORY_NAMES[code], group=GROUP, description=names)
            for code in CATEGORIES]


def _last_change():
    return (sa.select(sa.func.max(FindingEvent.created_at)).where(same_community(FindingEvent.finding_id == Finding.id))
            .correlate(Finding).scalar_subquery())


def find_cases(query: CaseQuery) -> list[PublicCase]:
    """One community's cases, newest first, in one statement."""
    select = (sa.select(Finding, Alley.name, _last_change()).join(Alley, same_community(Alley.id == Finding.alley_id))
              .where(Finding.community_id == query.community_id))
    if query.ids is not None:
        select = select.where(Finding.id.in_(query.ids))
    if query.service_codes is not None:
        select = select.where(Finding.category.in_(query.service_codes))
    if query.open is not None:
        opened = Finding.state.in_(OPEN_FOR_PARTNERS)
        select = select.where(opened if query.open else ~opened)
    if query.start is not None:
        select = select.where(Finding.created_at >= query.start)
    if query.end is not None:
        select = select.where(Finding.created_at <= query.end)
    rows = db.session.execute(select.order_by(Finding.created_at.desc(), Finding.id.desc())
                              .offset(query.offset).limit(query.limit))
    return [_public(finding, alley_name, changed) for finding, alley_name, changed in rows]


def _public(finding: Finding, alley_name: str, changed: datetime | None) -> PublicCase:
    return PublicCase(
        id=finding.id, service_code=finding.category, open=finding.state in OPEN_FOR_PARTNERS,
        status_notes=STATE_MSGIDS[FindingState(finding.state)],
        description=finding.description, agency_responsible=finding.department,
        address=finding.place if alley_name in finding.place else f"{alley_name} {finding.place}",
        requested_at=finding.created_at,
        updated_at=changed or finding.created_at,
        expected_at=finding.resolve_due_at if finding.state in OPEN_FOR_PARTNERS else None,
        latitude=finding.latitude, longitude=finding.longitude)


STATE_MSGIDS = {
    FindingState.REPORTED: N_("Reported"),
    FindingState.DISPATCHED: N_("Sent to the department"),
    FindingState.ACCEPTED: N_("Being handled"),
    FindingState.RESOLVED: N_("Fixed, waiting to be checked"),
    FindingState.VERIFIED: N_("Fix confirmed"),
    FindingState.CLOSED: N_("Closed"),
}


def alley_named_in(community_id: int, address: str) -> Alley:
    """The alley an address names (the longest name that appears in it); a community of one alley needs none."""
    alleys = alleys_of(community_id)
    named = sorted((a for a in alleys if a.name and a.name in address), key=lambda a: len(a.name), reverse=True)
    if named:
        return named[0]
    if len(alleys) == 1:
        return alleys[0]
    raise InvalidInput(N_("Name the alley in the address: %(alleys)s."), field="address_string",
                       alleys="、".join(a.name for a in alleys) or "—")


def file_case(reporter: User, service_code: str, description: str, address: str, photos: list,
              submission_key: str, now: datetime) -> int:
    """A partner system's case: checked like a resident's report, photos optional, sent on like any other."""
    if service_code not in CATEGORIES:
        raise InvalidInput(N_("Choose a category from the list."), field="service_code")
    description = clean(description, "description", 1000)
    address = clean(address, "address_string", 200)
    alley = alley_named_in(reporter.community_id, address)
    existing = _earlier_submission(reporter, submission_key)
    if existing is not None:
        return existing.id
    files = at_most_three(chosen_files(photos))
    stored = store_photos(files, reporter.community_id, "media")
    try:
        finding = _save_report(reporter, alley, service_code, description, address, stored, submission_key, now)
    except BaseException:
        discard_all(stored)
        raise
    if finding is None:
        discard_all(stored)
        existing = _earlier_submission(reporter, submission_key)
        if existing is None:
            raise Conflict(N_("The report could not be saved. Please try again."))
        return existing.id
    return finding.id
