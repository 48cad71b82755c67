"""The one way a cabinet's balance changes: `post_entry` adds a ledger entry and moves the wallet by the same
amount in the caller's transaction, then tells every balance hook (the Casdoor mirror registers one).

Kinds: payment (+), refund (−), charge (−, the daily tariff) and adjustment (±, an admin with a reason). The
wallet is moved by `UPDATE … SET balance = balance + :amount`, never read-modify-write, so concurrent entries on
one cabinet add up on SQLite, PostgreSQL and MariaDB alike; a repeated `dedup_key` fails the insert
(IntegrityError) before anything moved, and the caller rolls its transaction back."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketsync.billing.models import LedgerEntry, Wallet
from marketsync.billing.money import kopecks
from marketsync.db import insert_ignore, utcnow

KINDS = ("payment", "refund", "charge", "adjustment")
BalanceHook = Callable[[Session, int, Decimal], None]
_hooks: list[BalanceHook] = []


def on_balance_change(hook: BalanceHook) -> BalanceHook:
    """Register `hook(session, account_id, new_balance)`, called inside every balance change's transaction
    (so what it records commits with the change); usable as a decorator."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def ensure_wallet(session: Session, account_id: int) -> None:
    """Create the cabinet's wallet unless it exists (racing creators keep one: the account id is unique)."""
    insert_ignore(session, Wallet, [{"account_id": account_id, "balance": Decimal("0.00"), "currency": "RUB",
                                     "updated_at": utcnow()}], keys=["account_id"])


def balance(session: Session, account_id: int) -> Decimal:
    """Return the cabinet's balance (0.00 for a cabinet that never had an entry)."""
    value = session.scalar(select(Wallet.balance).where(Wallet.account_id == account_id))
    return kopecks(Decimal(value)) if value is not None else Decimal("0.00")


def ledger_sum(session: Session, account_id: int) -> Decimal:
    """Return the sum of the cabinet's entries (what the balance must equal)."""
    total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))
                           .where(LedgerEntry.account_id == account_id))
    return kopecks(Decimal(total or 0))


def post_entry(session: Session, *, account_id: int, kind: str, amount: Decimal, reason: str | None = None,
               admin_id: int | None = None, payment_id: int | None = None,
               dedup_key: str | None = None) -> LedgerEntry:
    """Add one entry and move the balance by `amount` (signed); raise IntegrityError on a repeated dedup_key."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    amount = kopecks(amount)
    if amount == 0:
        raise ValueError("a ledger entry moves the balance: its amount is not zero")
    ensure_wallet(session, account_id)
    # The entry first: a duplicate key fails here, before the wallet moved.
    entry = LedgerEntry(account_id=account_id, kind=kind, amount=amount, balance_after=Decimal("0.00"),
                        reason=reason, admin_id=admin_id, payment_id=payment_id, dedup_key=dedup_key,
                        created_at=utcnow())
    session.add(entry)
    session.flush()
    session.execute(update(Wallet).where(Wallet.account_id == account_id)
                    .values(balance=Wallet.balance + amount, updated_at=utcnow())
                    .execution_options(synchronize_session=False))
    # Our UPDATE holds the wallet's row lock until commit, so this read sees exactly our result.
    entry.balance_after = balance(session, account_id)
    session.flush()
    for hook in list(_hooks):
        hook(session, account_id, entry.balance_after)
    return entry
