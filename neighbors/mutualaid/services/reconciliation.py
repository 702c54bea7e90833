"""Proof that the ledger is right: every transaction sums to zero and every cached balance equals its entries."""
from __future__ import annotations

import sqlalchemy as sa

from ...database import same_community
from ...extensions import db
from ..models import CreditAccount, CreditTransaction, LedgerEntry


def check_ledger(community_id: int | None = None) -> list[str]:
    """Every problem found: unbalanced transactions and cached balances that differ from their entries."""
    problems = []
    entry_sums = sa.select(LedgerEntry.transaction_id, sa.func.sum(LedgerEntry.minutes).label("total")) \
        .group_by(LedgerEntry.transaction_id)
    if community_id is not None:
        entry_sums = entry_sums.where(LedgerEntry.community_id == community_id)
    for transaction_id, total in db.session.execute(entry_sums.having(sa.func.sum(LedgerEntry.minutes) != 0)):
        problems.append(f"transaction {transaction_id} sums to {total}, not 0")
    empty = sa.select(CreditTransaction.id).where(
        ~sa.exists().where(same_community(LedgerEntry.transaction_id == CreditTransaction.id)))
    if community_id is not None:
        empty = empty.where(CreditTransaction.community_id == community_id)
    for transaction_id in db.session.scalars(empty):
        problems.append(f"transaction {transaction_id} has no entries")
    totals = sa.select(LedgerEntry.account_id, sa.func.sum(LedgerEntry.minutes).label("total")) \
        .group_by(LedgerEntry.account_id).subquery()
    accounts_query = sa.select(CreditAccount.id, CreditAccount.community_id, CreditAccount.user_id,
                               CreditAccount.balance_minutes, sa.func.coalesce(totals.c.total, 0)) \
        .outerjoin(totals, totals.c.account_id == CreditAccount.id)
    if community_id is not None:
        accounts_query = accounts_query.where(CreditAccount.community_id == community_id)
    for account_id, community, user_id, cached, actual in db.session.execute(accounts_query):
        if cached != actual:
            owner = f"user {user_id}" if user_id else "pool"
            problems.append(f"account {account_id} ({owner}, community {community}) caches {cached} "
                            f"but its entries sum to {actual}")
    mixed = sa.select(LedgerEntry.id).join(CreditAccount, same_community(LedgerEntry.account_id == CreditAccount.id)) \
        .where(CreditAccount.community_id != LedgerEntry.community_id)
    for entry_id in db.session.scalars(mixed):
        problems.append(f"entry {entry_id} belongs to another community than its account")
    return problems


def ledger_totals(community_id: int) -> dict:
    """For reconciliation: every figure the check-ledger command relies on, for one community."""
    pool = db.session.scalar(sa.select(CreditAccount.balance_minutes).where(
        CreditAccount.community_id == community_id, CreditAccount.is_pool.is_(True))) or 0
    members = db.session.execute(
        sa.select(sa.func.count(CreditAccount.id), sa.func.coalesce(sa.func.sum(CreditAccount.balance_minutes), 0))
        .where(CreditAccount.community_id == community_id, CreditAccount.is_pool.is_(False))).one()
    entries = db.session.execute(
        sa.select(sa.func.count(LedgerEntry.id), sa.func.coalesce(sa.func.sum(LedgerEntry.minutes), 0))
        .where(LedgerEntry.community_id == community_id)).one()
    transactions = db.session.scalar(sa.select(sa.func.count(CreditTransaction.id)).where(
        CreditTransaction.community_id == community_id)) or 0
    problems = check_ledger(community_id)
    return {
        "transactions": transactions,
        "entries": entries[0],
        "entries_sum": int(entries[1]),
        "accounts": members[0],
        "members_balance": int(members[1]),
        "pool_balance": int(pool),
        "balances_sum": int(members[1]) + int(pool),
        "problems": problems,
        "balanced": not problems and int(entries[1]) == 0 and int(members[1]) + int(pool) == 0,
    }
