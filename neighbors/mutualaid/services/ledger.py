"""Time credits: accounts (a member's, the community pool), balanced transactions, and who pays for help.

The ledger is append-only; a cached balance moves with every entry and `check_ledger` proves it right.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ...clock import to_local
from ...database import begin_write, same_community
from ...errors import N_, Conflict
from ...extensions import db
from ...models import User
from ...transactions import service
from ..models import CreditAccount, CreditTransaction, HelpRequest, LedgerEntry, TransactionKind
from .settings import CreditRules, insert_or_skip, rules


class InsufficientCredits(Conflict):
    pass


def pays_from_pool(requester: User, settings: CreditRules, now: datetime) -> bool:
    """Elders (70+ by default) and residents needing care are helped at the pool's cost."""
    age = requester.age(to_local(now).date())
    return requester.needs_care or (age is not None and age >= settings.pool_paid_age)


def pool_account(community_id: int, now: datetime) -> CreditAccount:
    db.session.execute(
        insert_or_skip(CreditAccount).values(community_id=community_id, user_id=None, is_pool=True,
                                             balance_minutes=0, created_at=now)
        .on_conflict_do_nothing(index_elements=["community_id"], index_where=sa.text("is_pool"))
    )
    return db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == community_id,
                                                            CreditAccount.is_pool.is_(True)))


def member_account(community_id: int, user_id: int, now: datetime) -> CreditAccount:
    """A member's account, opened with the starting grant from the pool the first time it is needed."""
    account = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == community_id,
                                                               CreditAccount.user_id == user_id))
    if account is not None:
        return account
    created = db.session.execute(
        insert_or_skip(CreditAccount).values(community_id=community_id, user_id=user_id, is_pool=False,
                                             balance_minutes=0, created_at=now)
        .on_conflict_do_nothing(index_elements=["community_id", "user_id"]).returning(CreditAccount.id)
    ).scalar()  # None when another transaction opened it first (rowcount is not reliable here)
    account = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == community_id,
                                                               CreditAccount.user_id == user_id))
    grant = rules(community_id).starting_grant_minutes
    if created is not None and grant > 0:
        pool = pool_account(community_id, now)
        post(community_id, TransactionKind.GRANT, [(pool.id, -grant), (account.id, grant)], actor=None, now=now,
             grant_account_id=account.id)
    db.session.refresh(account)
    return account


def lock_balances(account_ids) -> dict[int, int]:
    """Current balances, locked in id order (no deadlocks between two transfers in opposite directions)."""
    rows = db.session.execute(
        sa.select(CreditAccount.id, CreditAccount.balance_minutes)
        .where(CreditAccount.id.in_(sorted(set(account_ids)))).order_by(CreditAccount.id).with_for_update()
    ).all()
    return {row.id: row.balance_minutes for row in rows}


def _within_limits(merged: dict[int, int], balances: dict[int, int], pool_id: int, settings: CreditRules,
                   minimums: dict[int, int]) -> None:
    """Member accounts stay between their minimum (the floor unless given) and the ceiling; what would pass the
    ceiling goes to the pool instead (`merged` is changed in place)."""
    members = {row.id for row in db.session.execute(
        sa.select(CreditAccount.id).where(CreditAccount.id.in_(list(merged)), CreditAccount.is_pool.is_(False)))}
    for account_id in sorted(merged):
        if account_id not in members:
            continue
        after = balances[account_id] + merged[account_id]
        if merged[account_id] > 0 and after > settings.ceiling_minutes:
            excess = min(merged[account_id], after - settings.ceiling_minutes)
            merged[account_id] -= excess
            merged[pool_id] = merged.get(pool_id, 0) + excess
        minimum = minimums.get(account_id, settings.floor_minutes)
        if merged[account_id] < 0 and after < minimum:
            raise InsufficientCredits(N_("There are not enough hours for this. The most that can be given now "
                                         "is %(minutes)s minutes."), field="minutes",
                                      minutes=max(0, balances[account_id] - minimum))
    if not any(merged.values()):
        raise Conflict(N_("This balance is already at the highest allowed, so nothing would move."), field="minutes")


def post(community_id: int, kind: str, legs: list[tuple[int, int]], *, actor: User | None, now: datetime,
         reason: str = "", minimums: dict[int, int] | None = None, **links) -> CreditTransaction:
    """Write one balanced transaction and move the cached balances (flushes; the calling service commits)."""
    settings = rules(community_id)
    pool = pool_account(community_id, now)
    merged: dict[int, int] = {}
    for account_id, minutes in legs:
        merged[account_id] = merged.get(account_id, 0) + minutes
    if sum(merged.values()) != 0:
        raise ValueError("a transaction's entries must sum to zero")
    _within_limits(merged, lock_balances([*merged, pool.id]), pool.id, settings, minimums or {})
    transaction = CreditTransaction(community_id=community_id, kind=str(kind), actor_id=actor.id if actor else None,
                                    reason=reason[:300], created_at=now, **links)
    db.session.add(transaction)
    db.session.flush()
    for account_id in sorted(merged):
        minutes = merged[account_id]
        if minutes == 0:
            continue
        db.session.add(LedgerEntry(community_id=community_id, transaction_id=transaction.id, account_id=account_id,
                                   minutes=minutes, created_at=now))
        db.session.execute(sa.update(CreditAccount).where(CreditAccount.id == account_id,
                                                          CreditAccount.community_id == community_id)
                           .values(balance_minutes=CreditAccount.balance_minutes + minutes)
                           .execution_options(synchronize_session=False))
    db.session.flush()
    for account in db.session.identity_map.values():
        if isinstance(account, CreditAccount) and account.id in merged:
            db.session.expire(account, ["balance_minutes"])
    return transaction


def pay_for_help(request: HelpRequest, minutes: int, actor: User | None, now: datetime) -> CreditTransaction:
    """The requester pays down to the floor; the pool pays the rest, or all of it for elders and care."""
    community_id = request.community_id
    settings = rules(community_id)
    volunteer = member_account(community_id, request.volunteer_id, now)
    pool = pool_account(community_id, now)
    if pays_from_pool(request.requester, settings, now):
        legs = [(pool.id, -minutes)]
    else:
        payer = member_account(community_id, request.requester_id, now)
        balance = lock_balances([payer.id])[payer.id]
        own = max(0, min(minutes, balance - settings.floor_minutes))
        legs = [(payer.id, -own), (pool.id, -(minutes - own))]
    legs.append((volunteer.id, minutes))
    try:
        with db.session.begin_nested():
            return post(community_id, TransactionKind.HELP, [leg for leg in legs if leg[1]], actor=actor, now=now,
                        reason=request.title, request_id=request.id)
    except IntegrityError:
        raise Conflict(N_("This help has already been confirmed. The time credits moved once.")) from None


def balance_minutes(community_id: int, user_id: int) -> int:
    """The cached balance (what check-ledger proves); a member without an account yet has none."""
    value = db.session.scalar(sa.select(CreditAccount.balance_minutes).where(
        CreditAccount.community_id == community_id, CreditAccount.user_id == user_id))
    return int(value or 0)


@dataclass(frozen=True)
class Balance:
    """What a member has. Without an account yet, the starting grant they will get on first use (`pending_grant`,
    already counted in `minutes`): reading a balance never opens an account."""

    minutes: int
    pending_grant: int = 0


def balances(community_id: int, user_ids) -> dict[int, Balance]:
    """The balances of several members in one query, read-only."""
    ids = sorted({int(user_id) for user_id in user_ids})
    found = dict(db.session.execute(
        sa.select(CreditAccount.user_id, CreditAccount.balance_minutes)
        .where(CreditAccount.community_id == community_id, CreditAccount.user_id.in_(ids))
    ).all()) if ids else {}
    pending = 0
    if len(found) < len(ids):
        settings = rules(community_id)
        pending = max(0, min(settings.starting_grant_minutes, settings.ceiling_minutes))
    return {user_id: Balance(int(found[user_id])) if user_id in found else Balance(pending, pending)
            for user_id in ids}


@service
def open_account(actor: User, now: datetime) -> CreditAccount:
    """Make sure a member has an account (and their starting grant); returns it."""
    existing = db.session.scalar(sa.select(CreditAccount).where(CreditAccount.community_id == actor.community_id,
                                                                CreditAccount.user_id == actor.id))
    if existing is not None:
        return existing
    begin_write()
    return member_account(actor.community_id, actor.id, now)


def statement(community_id: int, user_id: int | None, limit: int = 30) -> list[dict]:
    """A member's (or the pool's) latest entries with what each was for."""
    account_filter = (CreditAccount.user_id == user_id) if user_id else CreditAccount.is_pool.is_(True)
    rows = db.session.execute(
        sa.select(LedgerEntry, CreditTransaction)
        .join(CreditTransaction, same_community(LedgerEntry.transaction_id == CreditTransaction.id))
        .join(CreditAccount, same_community(LedgerEntry.account_id == CreditAccount.id))
        .where(LedgerEntry.community_id == community_id, CreditAccount.community_id == community_id, account_filter)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc()).limit(limit)
    ).all()
    return [{"entry": entry, "transaction": transaction, "minutes": entry.minutes, "kind": transaction.kind,
             "reason": transaction.reason, "at": entry.created_at, "transaction_id": transaction.id,
             "request_id": transaction.request_id} for entry, transaction in rows]
