"""Places on a shift: signing up, being assigned by the secretary, withdrawing, and offering one's place to
others. The (shift, kind, slot) key keeps a shift from ever having more people than slots."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ... import audit
from ...database import begin_write
from ...errors import N_, Conflict, InvalidInput, NotAllowed, NotFound
from ...extensions import db
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import PatrolShift, PatrolSignup
from ..policy import may, slot_kind
from .common import WITHDRAW_BEFORE, ShiftFull, require_manager, shift_link, when
from .lookups import branch_members, in_reach, people_of, shift_for


def locked_shift(actor: User, shift_id: int) -> PatrolShift:
    """The shift, locked, if it lies in the actor's reach (an administrator's reach is the district)."""
    shift = db.session.scalar(
        sa.select(PatrolShift).where(PatrolShift.id == shift_id)
        .with_for_update().execution_options(populate_existing=True))
    if shift is None or not in_reach(actor, shift.community_id):
        raise NotFound(N_("That patrol shift was not found."))
    db.session.expire(shift, ["signups"])
    return shift


def _refuse_sign_up(person: User, shift: PatrolShift, now: datetime) -> None:
    if not may(person, "sign_up", shift):
        raise NotAllowed(N_("Only patrollers, volunteers and officers can sign up for patrols."))
    if shift.cancelled_at is not None:
        raise Conflict(N_("This patrol was cancelled."))
    if now >= shift.starts_at:
        raise Conflict(N_("This patrol has already started."))
    if shift.signup_of(person.id) is not None:
        raise Conflict(N_("Already signed up for this patrol."))


def _take_released(signup: PatrolSignup, shift: PatrolShift, person: User, assigned_by: User | None,
                   now: datetime) -> PatrolSignup:
    """The longest-offered place of one's kind: its holder is free, and told so."""
    previous = signup.user
    done = db.session.execute(
        sa.update(PatrolSignup).where(PatrolSignup.id == signup.id, PatrolSignup.community_id == signup.community_id,
                                     PatrolSignup.released_at.is_not(None))
        .values(user_id=person.id, released_at=None, assigned_by_id=assigned_by.id if assigned_by else None,
                created_at=now)).rowcount
    if done != 1:
        raise ShiftFull(N_("Sorry, this patrol is full."))
    db.session.expire(signup)
    notify(previous, N_("%(name)s took over your patrol in %(alley)s on %(when)s. You are free."),
           link=shift_link(shift), now=now, name=person.name, alley=shift.alley.name, when=when(shift.starts_at))
    return signup


def _take_free_slot(shift: PatrolShift, person: User, kind: str, assigned_by: User | None,
                    now: datetime) -> PatrolSignup:
    need = int(shift.needs.get(kind, 0))
    taken = {s.slot_no for s in shift.signups if s.kind == kind}
    free = [n for n in range(1, need + 1) if n not in taken]
    if not free:
        raise ShiftFull(N_("Sorry, this patrol is full."))
    signup = PatrolSignup(community_id=shift.community_id, shift_id=shift.id, user_id=person.id, kind=kind,
                          slot_no=free[0], assigned_by_id=assigned_by.id if assigned_by else None, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(signup)
    except sa.exc.IntegrityError:
        raise ShiftFull(N_("Sorry, this patrol is full.")) from None
    return signup


@service
def sign_up(actor: User, shift_id: int, now: datetime, member: User | None = None) -> PatrolSignup:
    """Take a slot of one's kind (or one someone released); never more people than slots."""
    person = member or actor
    assigned_by = actor if member is not None else None
    begin_write()
    shift = locked_shift(actor, shift_id)
    if member is not None and member.id != actor.id:
        require_manager(actor, shift.alley)
        if member.community_id != shift.community_id:
            raise InvalidInput(N_("Choose a person from this community."), field="user")
    _refuse_sign_up(person, shift, now)
    kind = slot_kind(person)
    released = sorted(shift.released(kind), key=lambda s: s.released_at)
    if released:
        signup = _take_released(released[0], shift, person, assigned_by, now)
    else:
        signup = _take_free_slot(shift, person, kind, assigned_by, now)
    if member is not None and member.id != actor.id:
        notify(member, N_("You were put on the patrol in %(alley)s on %(when)s."), link=shift_link(shift),
               now=now, alley=shift.alley.name, when=when(shift.starts_at))
        audit.record(actor, "alleys.member_assigned", shift, community_id=shift.community_id, subject=member,
                     after={"kind": kind}, now=now)
    return signup


def assignable(shift: PatrolShift) -> list[User]:
    """Whom the secretary may put on the shift now (the policy's `be_assigned`), not yet on it."""
    branch = shift.alley.branch
    candidates = [m.user for m in branch_members(branch)] if branch is not None else []
    if not candidates:
        candidates = people_of(shift.community_id)
    taken = {s.user_id for s in shift.signups}
    return [p for p in candidates if p.id not in taken and may(p, "be_assigned", shift)]


@service
def assign(actor: User, shift_id: int, member_id: int, now: datetime) -> PatrolSignup:
    """The secretary (or staff) puts a member of the shift's branch on it; anyone else is refused."""
    shift = shift_for(actor, shift_id)
    require_manager(actor, shift.alley)
    member = db.session.get(User, member_id) if member_id else None
    if member is None or member.community_id != shift.community_id:
        raise InvalidInput(N_("Choose a person from this community."), field="user")
    if not may(member, "be_assigned", shift):
        raise InvalidInput(N_("Choose a member of this alley's branch who patrols."), field="user")
    return sign_up(actor, shift.id, now, member=member)


def own_signup(shift: PatrolShift, actor: User) -> PatrolSignup:
    signup = shift.signup_of(actor.id)
    if signup is None:
        raise Conflict(N_("You are not signed up for this patrol."))
    return signup


@service
def withdraw(actor: User, shift_id: int, now: datetime) -> None:
    begin_write()
    shift = locked_shift(actor, shift_id)
    signup = own_signup(shift, actor)
    if now > shift.starts_at - WITHDRAW_BEFORE:
        raise Conflict(N_("It is less than 2 hours to the patrol, so you can no longer withdraw. "
                          "Release your place to others instead."))
    shift.signups.remove(signup)


@service
def release(actor: User, shift_id: int, now: datetime) -> None:
    """Offer one's place to others; one stays responsible until someone takes it."""
    begin_write()
    shift = locked_shift(actor, shift_id)
    signup = own_signup(shift, actor)
    if now >= shift.starts_at:
        raise Conflict(N_("This patrol has already started."))
    if signup.released_at is None:
        signup.released_at = now


@service
def take_back(actor: User, shift_id: int, now: datetime) -> None:
    begin_write()
    shift = locked_shift(actor, shift_id)
    signup = own_signup(shift, actor)
    signup.released_at = None
