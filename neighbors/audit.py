"""The audit log: one function writes it; the ORM refuses to change or delete a row; `AuditAction`s say its
entries to people (the foundation's acts here, each module's in its hooks)."""
from collections.abc import Callable, Mapping
from datetime import date
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from .clock import utcnow
from .errors import N_
from .extensions import db
from .models import AuditEntry, Building, User
from .dates import long_date
from .templating import as_list, role_label


class AuditLogIsAppendOnly(RuntimeError):
    pass


def record(
    actor: User | None,
    action: str,
    target: Any,
    *,
    community_id: int | None,
    before: dict | None = None,
    after: dict | None = None,
    subject: User | None = None,
    reason: str = "",
    now=None,
) -> AuditEntry:
    entry = AuditEntry(
        community_id=community_id,
        actor_id=actor.id if actor else None,
        action=action,
        target_type=type(target).__name__ if not isinstance(target, str) else target,
        target_id=getattr(target, "id", None),
        subject_user_id=subject.id if subject else None,
        before=before,
        after=after,
        reason=reason,
        created_at=now or utcnow(),
    )
    db.session.add(entry)
    return entry


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper, _connection, _target):
    raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target):
    raise AuditLogIsAppendOnly("audit entries cannot be deleted")


@dataclass(frozen=True)
class AuditAction:
    """How the audit log says one kind of act to the people who read it, in their language.

    `label` names the kind of act; `sentence` is an English msgid (N_) that may name `%(actor)s`, `%(person)s`
    (whom it was about) and any key the entry recorded (its value after the act, or before it if it was removed).
    `fields` names each recorded key as the form that changes it names it; `values` turns a stored value into
    words: a mapping of codes to msgids, or a function of the value."""

    label: str  # a short name of the act, for the log's filter (N_)
    sentence: str
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str] | Callable[[Any], str]] = field(default_factory=dict)


def person_names(ids) -> str:
    """People recorded by id (a kitchen's operators, a branch's secretary), by name."""
    wanted = ids if isinstance(ids, list) else [ids]
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(wanted))).all())
    return as_list([names.get(person_id, str(person_id)) for person_id in wanted])


def role_names(roles) -> str:
    return as_list([role_label(role) for role in roles]) if isinstance(roles, list) else role_label(roles)


def building_name(building_id) -> str:
    return db.session.scalar(sa.select(Building.name).where(Building.id == building_id)) or str(building_id)


def iso_date(day) -> str:
    """A date the log stored as 2026-03-01, as people write one (2026年3月1日 / 1 Mar 2026)."""
    return long_date(date.fromisoformat(day))


PERSON_FIELDS = {"name": N_("Name"), "birth_date": N_("Birth date"), "building_id": N_("Building"),
                 "unit": N_("Unit and room"), "needs_care": N_("Needs care"), "phone_login": N_("Logs in with a phone")}
PERSON_VALUES = {"birth_date": iso_date, "building_id": building_name}
ROLE_FIELDS = {"roles": N_("Roles"), "department": N_("Department")}
CARER_FIELDS = {"carer": N_("Carer"), "relation": N_("Relation")}
APPEAL_FIELDS = {"state": N_("State"), "kind": N_("Kind of record"), "record_id": N_("Record number")}
APPEAL_STATES = {"open": N_("Waiting for a decision"), "reinstated": N_("Reinstated"),
                 "upheld": N_("Kept hidden")}
APPEAL_KINDS = {"kitchen.feedback": N_("Comment on a meal"), "mutualaid.request": N_("Request for help"),
                "mutualaid.offer": N_("Offer of help")}
APPEAL_VALUES = {"state": APPEAL_STATES, "kind": APPEAL_KINDS}

# The foundation's own acts (accounts, appeals, sign-in, personal data); modules add theirs through their hooks.
FOUNDATION_ACTIONS: dict[str, AuditAction] = {
    "resident.registered": AuditAction(
        N_("Resident registered"), N_("%(actor)s registered %(person)s as a resident."), PERSON_FIELDS, PERSON_VALUES),
    "resident.updated": AuditAction(
        N_("Resident details changed"), N_("%(actor)s changed the details of %(person)s."), PERSON_FIELDS, PERSON_VALUES),
    "role.granted": AuditAction(
        N_("Role granted"), N_("%(actor)s gave %(person)s a role."), ROLE_FIELDS, {"roles": role_names}),
    "role.revoked": AuditAction(
        N_("Role removed"), N_("%(actor)s took a role away from %(person)s."), ROLE_FIELDS, {"roles": role_names}),
    "volunteer.verified": AuditAction(
        N_("Volunteer verified"), N_("%(actor)s verified %(person)s as a volunteer."), {"verified": N_("Verified")}),
    "volunteer.unverified": AuditAction(
        N_("Volunteer verification withdrawn"), N_("%(actor)s withdrew the volunteer verification of %(person)s."),
        {"verified": N_("Verified")}),
    "carer.linked": AuditAction(
        N_("Carer linked"), N_("%(actor)s linked %(carer)s as a carer of %(person)s."), CARER_FIELDS),
    "carer.unlinked": AuditAction(
        N_("Carer removed"), N_("%(actor)s removed %(carer)s as a carer of %(person)s."), CARER_FIELDS),
    "accounts.password_reset": AuditAction(
        N_("Password reset by staff"), N_("%(actor)s set a one-time password for %(person)s."),
        {"must_change_password": N_("Must choose a new password")}),
    "appeal.filed": AuditAction(
        N_("Appeal filed"), N_("%(actor)s appealed against a hidden record."), APPEAL_FIELDS, APPEAL_VALUES),
    "appeal.reinstated": AuditAction(
        N_("Appeal accepted"), N_("%(actor)s accepted the appeal of %(person)s: the record is shown again."),
        APPEAL_FIELDS, APPEAL_VALUES),
    "appeal.upheld": AuditAction(
        N_("Appeal not accepted"), N_("%(actor)s did not accept the appeal of %(person)s: the record stays hidden."),
        APPEAL_FIELDS, APPEAL_VALUES),
    "two_factor.enrolled": AuditAction(
        N_("Two-step sign-in turned on"), N_("%(actor)s turned on two-step sign-in.")),
    "two_factor.recovery_codes_renewed": AuditAction(
        N_("Recovery codes renewed"), N_("%(actor)s made new recovery codes for two-step sign-in.")),
    "two_factor.recovery_code_used": AuditAction(
        N_("Recovery code used"), N_("%(actor)s signed in with a recovery code.")),
    "privacy.viewed": AuditAction(
        N_("Personal information viewed"), N_("%(actor)s looked at the personal information kept about %(person)s.")),
    "privacy.downloaded": AuditAction(
        N_("Personal information downloaded"),
        N_("%(actor)s downloaded the personal information kept about %(person)s.")),
    "privacy.erased": AuditAction(
        N_("Personal information erased"), N_("%(actor)s erased the personal information of %(person)s.")),
}
