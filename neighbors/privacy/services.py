"""A person's rights over their information (PIPL arts. 44-47): see it all, download it, have it erased.

Each module says what it holds about a person and how it erases that through its hooks
(`ModuleHooks.personal_data` / `erase_person`, neighbors/registry.py); this file adds what the foundation
holds (profile, carers, roles, notifications, appeals, the audit entries about them) and never imports a
module. Every reading and every erasure is audit-logged; an erasure's entry says how many records were
erased, never what they said.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext

from .. import audit
from ..appeals.models import Appeal
from ..clock import to_local
from ..database import begin_write
from ..errors import N_, Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import AuditEntry, CarerLink, Notification, Role, RoleGrant, User
from ..notifications import render as notification_text
from ..registry import ERASED, PersonalData, installed
from ..spreadsheets import xlsx_bytes
from ..templating import role_label
from ..transactions import service
from .policy import policy

FORMATS = ("xlsx", "json")


class Later:
    """A cell worded in the reader's language when it is shown (a report is gathered before it is rendered)."""

    def __init__(self, word):
        self.word = word

    def __str__(self) -> str:
        return self.word()


def _said(msgid: str) -> Later:
    return Later(lambda: gettext(msgid))


@dataclass(frozen=True)
class PersonalReport:
    person: User
    sections: list[PersonalData]
    generated_at: datetime


def person_for(actor: User, user_id: int, action: str = "see") -> User:
    """The person, if the actor may `action` them; anyone else (another community, a stranger) is not found."""
    person = db.session.get(User, user_id)
    if person is None or not policy.may(actor, "see", person):
        raise NotFound(N_("That person was not found."))
    policy.require(actor, action, person, N_("Only staff of the person's community can erase their information."))
    return person


@service
def personal_report(actor: User, user_id: int, now: datetime, export: str | None = None) -> PersonalReport:
    """Everything the app holds about the person, for the person, their carer or staff; audit-logged (who read
    or downloaded whose information, and when)."""
    if export is not None and export not in FORMATS:
        raise InvalidInput(N_("Choose a download format: Excel (.xlsx) or JSON."), field="format")
    person = person_for(actor, user_id)
    sections = [*foundation_data(person)]
    for hooks in installed():
        if hooks.personal_data is not None:
            sections.extend(hooks.personal_data(person))
    audit.record(actor, "privacy.downloaded" if export else "privacy.viewed", person,
                 community_id=person.community_id, subject=person, after={"format": export} if export else None,
                 now=now)
    return PersonalReport(person=person, sections=sections, generated_at=now)


def shown(value: Any) -> Any:
    """A cell as the page, the workbook and the JSON file show it: times in Xiamen, yes/no in words."""
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, Later):
        return str(value)
    if value is None:
        return ""
    return value


def translated(report: PersonalReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(title, column names, rows) of every section, in the reader's language."""
    return [(gettext(section.title), [gettext(column) for column in section.columns],
             [[shown(value) for value in row] for row in section.rows]) for section in report.sections]


def as_xlsx(report: PersonalReport) -> bytes:
    return xlsx_bytes((title, [columns, *rows]) for title, columns, rows in translated(report))


def as_json(report: PersonalReport) -> str:
    document = {
        "person_id": report.person.id,
        "generated_at": shown(report.generated_at),
        "sections": [{"title": title, "columns": columns, "rows": rows}
                     for title, columns, rows in translated(report)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def foundation_data(person: User) -> list[PersonalData]:
    return [_profile(person), _carers(person), _notifications(person), _appeals(person), _audit_entries(person)]


def _profile(person: User) -> PersonalData:
    rows = [
        (N_("Name"), person.name), (N_("Mobile number"), person.phone or ""),
        (N_("Community"), person.community.name), (N_("Address"), person.address),
        (N_("Birth date"), person.birth_date), (N_("Needs care"), person.needs_care),
        (N_("Roles"), Later(lambda: "、".join(str(role_label(role)) for role in sorted(person.roles)))),
        (N_("Language"), person.locale or ""),
        (N_("Elder mode"), person.elder_mode), (N_("Account created"), person.created_at),
        (N_("Erased"), person.erased_at),
    ]
    return PersonalData(N_("Profile"), (N_("Field"), N_("Value")),
                        [(_said(field), value) for field, value in rows])


def _carers(person: User) -> PersonalData:
    carer, resident = sa.orm.aliased(User), sa.orm.aliased(User)
    links = db.session.execute(
        sa.select(CarerLink, carer.name, resident.name)
        .join(carer, CarerLink.carer_id == carer.id).join(resident, CarerLink.resident_id == resident.id)
        .where(sa.or_(CarerLink.carer_id == person.id, CarerLink.resident_id == person.id))
        .order_by(CarerLink.id)).all()
    rows = [(_said(N_("Cares for you")) if link.resident_id == person.id else _said(N_("You care for")),
             carer_name if link.resident_id == person.id else resident_name, link.relation, link.created_at)
            for link, carer_name, resident_name in links]
    return PersonalData(N_("Carers"), (N_("Link"), N_("Name"), N_("Relation"), N_("Since")), rows)


def _notifications(person: User) -> PersonalData:
    notes = db.session.scalars(sa.select(Notification).where(
        Notification.community_id == person.community_id, Notification.user_id == person.id)
        .order_by(Notification.created_at, Notification.id))
    return PersonalData(N_("Notifications"), (N_("Time"), N_("Message"), N_("Read")),
                        [(note.created_at, Later(lambda note=note: notification_text(note)), note.read_at)
                         for note in notes])


def _appeals(person: User) -> PersonalData:
    appeals = db.session.scalars(sa.select(Appeal).where(Appeal.author_id == person.id).order_by(Appeal.id))
    return PersonalData(N_("Appeals"), (N_("Time"), N_("What"), N_("Your appeal"), N_("State"), N_("Decision")),
                        [(appeal.created_at, appeal.kind, appeal.text, appeal.state, appeal.decision_reason)
                         for appeal in appeals])


def _audit_entries(person: User) -> PersonalData:
    actor = sa.orm.aliased(User)
    entries = db.session.execute(
        sa.select(AuditEntry.created_at, AuditEntry.action, actor.name)
        .outerjoin(actor, AuditEntry.actor_id == actor.id)
        .where(AuditEntry.subject_user_id == person.id).order_by(AuditEntry.id)).all()
    return PersonalData(N_("Changes to your record (audit log)"), (N_("Time"), N_("What"), N_("By")),
                        [(when, action, name or "") for when, action, name in entries])


@service
def erase_person(actor: User, user_id: int, now: datetime) -> dict[str, int]:
    """Staff erase a person on their request: every module, then the foundation, in one transaction.

    Names, phone, address, photos and free text go (or become ERASED where a record needs text); amounts,
    counts, ratings and the credit ledger stay, so settlements, reports and the ledger's zero sum are
    unchanged. The person cannot log in again and their phone number is free to register. The audit entry
    records that the erasure happened and how many records each part erased, not what they said."""
    begin_write()
    person = person_for(actor, user_id, "erase")
    db.session.refresh(person, with_for_update=True)
    if person.erased_at is not None:
        raise Conflict(N_("This person's information has already been erased."))
    erased: dict[str, int] = {}
    for hooks in installed():
        if hooks.erase_person is not None:
            erased.update(hooks.erase_person(actor, person, now))
    erased.update(_erase_foundation(person, now))
    audit.record(actor, "privacy.erased", person, community_id=person.community_id, subject=person,
                 after={"erased": erased}, now=now)
    return erased


def _erase_foundation(person: User, now: datetime) -> dict[str, int]:
    carers = db.session.execute(sa.delete(CarerLink).where(
        sa.or_(CarerLink.carer_id == person.id, CarerLink.resident_id == person.id))).rowcount
    notes = db.session.execute(sa.delete(Notification).where(Notification.user_id == person.id)).rowcount
    appeals = db.session.execute(sa.update(Appeal).where(Appeal.author_id == person.id)
                                 .values(text=ERASED)).rowcount
    roles = 0
    for grant in list(person.role_grants):
        if grant.role != Role.RESIDENT:
            person.role_grants.remove(grant)
            roles += 1
    if not any(grant.role == Role.RESIDENT for grant in person.role_grants):
        person.role_grants.append(RoleGrant(role=Role.RESIDENT, community_id=person.community_id))
    person.name, person.phone, person.password_hash = ERASED, None, None
    person.birth_date, person.building_id, person.unit = None, None, ""
    person.needs_care = person.party_member = person.elder_mode = person.must_change_password = False
    person.locale, person.one_time_password_until = None, None
    person.active = False
    person.erased_at = now
    person.end_sessions()  # every session and remember-me cookie ends now
    db.session.flush()
    return {"carer_links": carers, "notifications": notes, "appeals": appeals, "roles": roles}
