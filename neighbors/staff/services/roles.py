"""Roles, volunteer verification and password resets: staff change what a person may do."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ... import accounts
from ...database import begin_write
from ...errors import N_, InvalidInput
from ...extensions import db
from ...models import Role, User
from ...transactions import service
from ..policy import HeldRole, policy, revoke_refusal
from .people import person

SAME_CHANGE = N_("Someone made the same change a moment ago. Reload the page.")


def _role(value: str | Role) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(N_("Choose a role from the list."), field="role") from None


def _department(role: Role, department: str) -> str:
    department = " ".join((department or "").split())
    if role == Role.OFFICER and not department:
        raise InvalidInput(N_("Enter the officer's department, e.g. 城管."), field="department")
    if len(department) > 50:
        raise InvalidInput(N_("A department can have at most 50 characters."), field="department")
    return department if role == Role.OFFICER else ""


@service
def grant_role(actor: User, user_id: int, role: str | Role, department: str = "") -> None:
    begin_write()
    target = person(actor, user_id, lock=True)
    role = _role(role)
    department = _department(role, department)
    policy.require(actor, "grant_role", role, N_("Only an administrator can grant that role."))
    if role in target.roles:
        raise InvalidInput(N_("This person already has that role."), field="role")
    try:
        accounts.grant_role(actor, target, role, department=department)
        db.session.flush()
    except IntegrityError:  # the same grant sent twice at once: the unique key kept one
        raise InvalidInput(SAME_CHANGE) from None


@service
def revoke_role(actor: User, user_id: int, role: str | Role) -> None:
    begin_write()
    target = person(actor, user_id, lock=True)
    held = HeldRole(target, _role(role))
    policy.require(actor, "revoke_role", held, revoke_refusal(actor, held))
    accounts.revoke_role(actor, target, held.role)


@service
def set_volunteer_verified(actor: User, user_id: int, verified: bool, now: datetime) -> None:
    begin_write()
    target = person(actor, user_id, lock=True)
    accounts.set_volunteer_verified(actor, target, verified, now=now)


def password_reset_target(actor: User, user_id: int) -> User:
    """The person whose password the actor is about to reset, or the refusal (asked before confirming)."""
    target = person(actor, user_id)
    accounts.check_password_reset(actor, target)
    return target


@service
def reset_password(actor: User, user_id: int, now: datetime) -> str:
    """The one-time password for a person staff have checked face to face (see `accounts.reset_password`)."""
    return accounts.reset_password(actor, user_id, now)
