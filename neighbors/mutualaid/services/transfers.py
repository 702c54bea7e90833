"""Hours moved by people: gifts between members or to the pool, staff grants from the pool, and corrections."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ... import accounts, audit
from ...database import begin_write
from ...errors import N_, Conflict, DomainError, InvalidInput, NotFound
from ...extensions import db
from ...links import Link
from ...models import User
from ...notifications import notify
from ...transactions import service
from ..models import CreditTransaction, TransactionKind
from ..policy import policy
from .ledger import member_account, pool_account, post
from .moderation import clean_reason

MAX_GIFT_MINUTES = 100 * 60


def _clean_gift_minutes(minutes) -> int:
    try:
        value = int(str(minutes).strip())
    except (TypeError, ValueError):
        raise InvalidInput(N_("Enter the number of minutes, e.g. 60."), field="minutes") from None
    if not 1 <= value <= MAX_GIFT_MINUTES:
        raise InvalidInput(N_("Enter between 1 and 6000 minutes."), field="minutes")
    return value


def _recipient(community_id: int, to: str | int | None, phone: str = "") -> User | None:
    """None means the community pool."""
    if phone and phone.strip():
        try:
            person = accounts.find_by_phone(phone)
        except DomainError:
            raise InvalidInput(N_("No one in this community has that phone number."), field="phone") from None
    elif str(to or "") == "pool":
        return None
    else:
        try:
            person = db.session.get(User, int(to))
        except (TypeError, ValueError):
            person = None
    if person is None or person.community_id != community_id:
        raise InvalidInput(N_("No one in this community has that phone number."), field="phone")
    return person


def _earlier_gift(community_id: int, submission_key: str | None) -> CreditTransaction | None:
    if not submission_key:
        return None
    return db.session.scalar(sa.select(CreditTransaction).where(
        CreditTransaction.submission_key == submission_key, CreditTransaction.community_id == community_id))


@service
def give_hours(actor: User, for_user_id, to, minutes, now: datetime, *, phone: str = "", note: str = "",
               submission_key: str | None = None) -> CreditTransaction:
    """A member gives some of their own hours (never borrowed ones) to a person or to the pool."""
    giver = accounts.resolve_for_user(actor, for_user_id)
    value = _clean_gift_minutes(minutes)
    note = (note or "").strip()[:200]
    recipient = _recipient(giver.community_id, to, phone)
    if recipient is not None and recipient.id == giver.id:
        raise InvalidInput(N_("Choose someone other than the giver."), field="phone")
    community_id = giver.community_id
    earlier = _earlier_gift(community_id, submission_key)
    if earlier is not None:
        return earlier
    begin_write()
    source = member_account(community_id, giver.id, now)
    target = member_account(community_id, recipient.id, now) if recipient else pool_account(community_id, now)
    try:
        with db.session.begin_nested():
            transaction = post(community_id, TransactionKind.GIFT, [(source.id, -value), (target.id, value)],
                               actor=actor, now=now, reason=note, minimums={source.id: 0},
                               submission_key=submission_key or None)
    except IntegrityError:
        raise Conflict(N_("This gift was already sent.")) from None
    audit.record(actor, "mutualaid.hours_given", transaction, community_id=community_id, subject=giver,
                 after={"minutes": value, "to": recipient.name if recipient else "pool"}, reason=note, now=now)
    if recipient is not None:
        notify(recipient, N_("%(name)s gave you %(minutes)s minutes of time credits."), link=Link("mutualaid.credits"),
               now=now, name=giver.name, minutes=value)
    return transaction


@service
def grant_from_pool(actor: User, user_id, minutes, reason: str, now: datetime) -> CreditTransaction:
    person = db.session.get(User, int(user_id)) if str(user_id).isdecimal() else None
    if person is None or not policy.may(actor, "manage", person.community_id):
        raise InvalidInput(N_("That person was not found."), field="phone")
    value = _clean_gift_minutes(minutes)
    reason = clean_reason(reason)
    begin_write()
    account = member_account(person.community_id, person.id, now)
    pool = pool_account(person.community_id, now)
    transaction = post(person.community_id, TransactionKind.POOL_GRANT, [(pool.id, -value), (account.id, value)],
                       actor=actor, now=now, reason=reason)
    audit.record(actor, "mutualaid.pool_grant", transaction, community_id=person.community_id, subject=person,
                 after={"minutes": value}, reason=reason, now=now)
    notify(person, N_("The community gave you %(minutes)s minutes of time credits."), link=Link("mutualaid.credits"),
           now=now, minutes=value)
    return transaction


@service
def grant_by_phone(actor: User, phone: str, minutes, reason: str, now: datetime) -> CreditTransaction:
    """Staff grant hours from the pool to the resident with this mobile number."""
    try:
        person = accounts.find_by_phone(phone or "")
    except DomainError:
        raise InvalidInput(N_("No account has that phone number."), field="phone") from None
    return grant_from_pool(actor, person.id, minutes, reason, now)


@service
def correct(actor: User, transaction_id: int, reason: str, now: datetime) -> CreditTransaction:
    """Undo a transaction by adding its mirror image, with a reason; the original stays as it was."""
    reason = clean_reason(reason)
    begin_write()
    original = db.session.get(CreditTransaction, transaction_id)
    if original is None or not policy.may(actor, "manage", original.community_id):
        raise NotFound(N_("That transaction was not found."))
    if original.kind == TransactionKind.CORRECTION:
        raise Conflict(N_("A correction cannot itself be corrected. Make a new grant or gift instead."))
    if db.session.scalar(sa.select(CreditTransaction.id).where(CreditTransaction.community_id == original.community_id,
                                                           CreditTransaction.corrects_id == original.id)):
        raise Conflict(N_("This transaction has already been corrected."))
    legs = [(entry.account_id, -entry.minutes) for entry in original.entries]
    try:
        with db.session.begin_nested():
            transaction = post(original.community_id, TransactionKind.CORRECTION, legs, actor=actor, now=now,
                               reason=reason, corrects_id=original.id,
                               minimums={account_id: -10**9 for account_id, _m in legs})
    except IntegrityError:
        raise Conflict(N_("This transaction has already been corrected.")) from None
    audit.record(actor, "mutualaid.transaction_corrected", original, community_id=original.community_id,
                 before={"transaction": original.id}, after={"correction": transaction.id}, reason=reason, now=now)
    return transaction


def recent_transactions(community_id: int, limit: int = 50) -> list[CreditTransaction]:
    return list(db.session.scalars(
        sa.select(CreditTransaction).where(CreditTransaction.community_id == community_id)
        .order_by(CreditTransaction.created_at.desc(), CreditTransaction.id.desc()).limit(limit)
    ))


def corrected_ids(community_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(CreditTransaction.corrects_id).where(
        CreditTransaction.community_id == community_id, CreditTransaction.corrects_id.is_not(None))))
