"""Applying what YooKassa says (already fetched from its API and checked) to our rows, exactly once.

Each function is one transaction's worth of writes, the first write being the one that decides: a payment is
credited by the transaction whose `UPDATE payments … WHERE credited_at IS NULL` changed the row (racing
transactions wait on that row lock and then find it credited; SQLite serializes writers), and the ledger's
unique dedup key backs it up. A refund is debited by the transaction whose insert of "refund:<id>" succeeded.
The caller commits, and retries the whole transaction on a deadlock or a busy SQLite (billing.service)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from marketsync.billing.ledger import post_entry
from marketsync.billing.models import Payment
from marketsync.db import utcnow

OPEN = ("new", "pending", "waiting_for_capture")
SETTLED = ("succeeded", "canceled", "failed")


def mark_created(session: Session, *, payment_id: int, provider_payment_id: str, status: str,
                 confirmation_token: str | None) -> None:
    """Record YooKassa's id, status and widget token of a payment it created (only while still open)."""
    session.execute(update(Payment).where(Payment.id == payment_id, Payment.status.in_(OPEN)).values(
        provider_payment_id=provider_payment_id, status=status if status in OPEN else "pending",
        confirmation_token=confirmation_token, updated_at=utcnow(), checked_at=utcnow(), error=None,
    ).execution_options(synchronize_session=False))


def mark_failed(session: Session, *, payment_id: int, error: str) -> None:
    """Record that YooKassa refused to create the payment (nothing was charged)."""
    session.execute(update(Payment).where(Payment.id == payment_id, Payment.status == "new").values(
        status="failed", error=error[:500], updated_at=utcnow(), checked_at=utcnow(),
    ).execution_options(synchronize_session=False))


def credit_payment(session: Session, *, payment_id: int) -> bool:
    """Mark the payment succeeded and credit its amount, unless it was credited already; return whether now."""
    now = utcnow()
    won = session.execute(update(Payment).where(Payment.id == payment_id, Payment.credited_at.is_(None)).values(
        status="succeeded", credited_at=now, updated_at=now, checked_at=now,
    ).execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
    if not won:
        return False
    row = session.execute(select(Payment.account_id, Payment.amount).where(Payment.id == payment_id)).one()
    post_entry(session, account_id=row.account_id, kind="payment", amount=Decimal(row.amount),
               payment_id=payment_id, dedup_key=f"payment:{payment_id}")
    return True


def cancel_payment(session: Session, *, payment_id: int, reason: str | None) -> bool:
    """Mark an open payment canceled (a credited one never is); return whether it changed."""
    return session.execute(update(Payment).where(Payment.id == payment_id, Payment.status.in_(OPEN)).values(
        status="canceled", error=(reason or "")[:500] or None, updated_at=utcnow(), checked_at=utcnow(),
    ).execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]


def touch_open(session: Session, *, payment_id: int, status: str) -> None:
    """Record that an open payment was looked at and is still open (the poller waits a period before the next)."""
    session.execute(update(Payment).where(Payment.id == payment_id, Payment.status.in_(OPEN)).values(
        status=status if status in OPEN else "pending", checked_at=utcnow(),
    ).execution_options(synchronize_session=False))


def debit_refund(session: Session, *, payment_id: int, refund_id: str, amount: Decimal) -> None:
    """Debit a succeeded refund once (raise IntegrityError when "refund:<id>" is in the ledger already)."""
    row = session.execute(select(Payment.account_id).where(Payment.id == payment_id)).one()
    post_entry(session, account_id=row.account_id, kind="refund", amount=-amount, payment_id=payment_id,
               dedup_key=f"refund:{refund_id}", reason=f"YooKassa refund {refund_id}")
    session.execute(update(Payment).where(Payment.id == payment_id).values(
        refunded_amount=Payment.refunded_amount + amount, updated_at=utcnow(),
    ).execution_options(synchronize_session=False))
