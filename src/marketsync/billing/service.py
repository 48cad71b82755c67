"""Billing use cases the pages, the CLI, the tasks and the webhook call: balances, manual adjustments, top-ups,
notifications, the poll of open payments, refunds, the tariff and its daily charge, and what the pages list.
Nothing above this module touches billing's models or the YooKassa client."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import Account
from marketsync.accounts.service import AccountError, account_for_email
from marketsync.billing import gateway
from marketsync.billing.charge import ChargeReport, days_left
from marketsync.billing.charge import charge_daily as _charge_daily
from marketsync.billing.ledger import balance, ledger_sum, on_balance_change, post_entry
from marketsync.billing.low_balance import deliver_warnings
from marketsync.billing.models import LedgerEntry, Payment
from marketsync.billing.money import AmountError, kopecks, parse_amount
from marketsync.billing.networks import allowed, client_address, parse_networks
from marketsync.billing.queries import (
    LEDGER_SORTS,
    PAYMENT_SORTS,
    PAYMENT_STATUSES,
    MonthBar,
    ledger_page,
    ledger_rows,
    month_bars,
    payments_page,
    recent_payments,
)
from marketsync.billing.reconcile import (
    Outcome,
    debit_refund,
    handle_notification,
    in_transaction,
    load_row,
    poll_open_payments,
)
from marketsync.billing.tariff import TariffError, Terms, current_terms, daily_fee, is_paused, paused_among, save_terms
from marketsync.billing.topup import Started, TopupError, begin_topup, payments_enabled, submit_topup
from marketsync.connectors.errors import ConnectorError
from marketsync.db import utcnow
from marketsync.orders.moscow import to_msk
from marketsync.settings import get_settings

__all__ = [
    "LEDGER_SORTS",
    "PAYMENT_SORTS",
    "PAYMENT_STATUSES",
    "AmountError",
    "BillingError",
    "ChargeReport",
    "MonthBar",
    "Outcome",
    "Started",
    "TariffError",
    "Terms",
    "TopupError",
    "account_for_target",
    "adjust_balance",
    "balance",
    "balance_for_email",
    "begin_topup",
    "charge_daily",
    "credit_by_email",
    "current_terms",
    "daily_fee",
    "days_left",
    "deliver_warnings",
    "handle_notification",
    "in_transaction",
    "is_paused",
    "lasts_until",
    "ledger_page",
    "ledger_rows",
    "ledger_sum",
    "month_bars",
    "notification_sender_allowed",
    "on_balance_change",
    "paused_among",
    "payments_enabled",
    "payments_page",
    "poll_open_payments",
    "recent_payments",
    "refund_payment",
    "save_terms",
    "submit_topup",
]

SIGNED_AMOUNT = re.compile(r"-?[0-9]{1,9}(?:[.,][0-9]{1,2})?")
REASON_MAX = 500


class BillingError(ValueError):
    """A refused billing action; `key` says why (amount, reason, not_refundable, refund_failed, no_cabinet)."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key
        self.detail = detail


def balance_for_email(session: Session, email: str) -> Decimal:
    """Return the balance of the primary cabinet of the user with this e-mail (AccountError when none)."""
    return balance(session, account_for_email(session, email))


def signed_amount(text: str) -> Decimal:
    """Parse an adjustment: a non-zero number of rubles, a minus for a debit, at most two decimals."""
    cleaned = (text or "").strip()
    if not SIGNED_AMOUNT.fullmatch(cleaned) or (amount := kopecks(Decimal(cleaned.replace(",", ".")))) == 0:
        raise BillingError("amount", cleaned)
    return amount


def adjust_balance(session: Session, *, account_id: int, amount_text: str, reason: str,
                   admin_id: int | None, nonce: str | None = None) -> LedgerEntry | None:
    """Add a manual adjustment with its reason (and the admin who made it); a form sent twice (same nonce)
    adds it once: None the second time."""
    amount = signed_amount(amount_text)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise BillingError("reason")
    dedup_key = f"adjust:{nonce}" if nonce else None
    if dedup_key and session.scalar(select(LedgerEntry.id).where(LedgerEntry.dedup_key == dedup_key)):
        return None
    return post_entry(session, account_id=account_id, kind="adjustment", amount=amount, reason=reason,
                      admin_id=admin_id, dedup_key=dedup_key)


def credit_by_email(session: Session, *, email: str, amount_text: str, reason: str) -> Decimal:
    """Adjust the primary cabinet of the user with this e-mail (the CLI's credit); return the new balance."""
    account_id = account_for_email(session, email)
    entry = adjust_balance(session, account_id=account_id, amount_text=amount_text, reason=reason, admin_id=None)
    assert entry is not None
    return entry.balance_after


def notification_sender_allowed(peer: str | None, forwarded_for: str | None) -> bool:
    """Whether a webhook request comes from YOOKASSA_ALLOWED_NETWORKS (through a trusted proxy, if any)."""
    settings = get_settings()
    address = client_address(peer, forwarded_for, settings.FORWARDED_ALLOW_IPS)
    return allowed(address, parse_networks(settings.YOOKASSA_ALLOWED_NETWORKS))


def account_for_target(session: Session, target: str) -> int:
    """Return the cabinet an admin names by a user's e-mail or the cabinet's number (BillingError otherwise)."""
    text = (target or "").strip()
    if text.isdigit() and len(text) < 10:
        if session.get(Account, int(text)) is None:
            raise BillingError("no_cabinet", text)
        return int(text)
    try:
        return account_for_email(session, text)
    except AccountError as exc:
        raise BillingError("no_cabinet", text) from exc


def payment_account(session: Session, payment_id: int) -> int | None:
    """Return the cabinet a payment belongs to, or None when there is no such payment."""
    return session.scalar(select(Payment.account_id).where(Payment.id == payment_id))


def refund_payment(engine: Engine, *, payment_id: int, amount_text: str, idempotence_key: str) -> str:
    """Refund (part of) a succeeded payment through YooKassa, the same key for every try of one form; debit it
    when YooKassa says succeeded (else its refund.succeeded notification does); return the refund's state."""
    row = load_row(engine, payment_id)
    if row is None or row.status != "succeeded" or row.provider_payment_id is None:
        raise BillingError("not_refundable")
    with engine.connect() as conn:
        refunded = conn.scalar(select(Payment.refunded_amount).where(Payment.id == payment_id)) or Decimal(0)
    left = kopecks(row.amount - Decimal(refunded))
    if left <= 0:
        raise BillingError("not_refundable")
    try:
        amount = parse_amount(amount_text, minimum=Decimal("0.01"), maximum=left)
    except AmountError as exc:
        raise BillingError("amount", str(left)) from exc
    client = gateway.open_client()
    try:
        remote = client.create_refund(gateway.refund_body(
            provider_payment_id=row.provider_payment_id, amount=amount,
            description=f"Возврат по платежу {row.id}"), idempotence_key=idempotence_key[:64])
    except ConnectorError as exc:
        raise BillingError("refund_failed", exc.message) from exc
    finally:
        client.close()
    if remote.status == "succeeded" and gateway.refund_ok(remote, provider_payment_id=row.provider_payment_id,
                                                          limit=left):
        return debit_refund(engine, row, remote.id, kopecks(remote.amount.value))
    return remote.status


def charge_daily(engine: Engine, *, now: datetime | None = None) -> ChargeReport:
    """Charge every cabinet its tariff for the Moscow day of `now` (once a day, whatever the retries), then
    send the low-balance warnings that queued; return what was charged."""
    report = _charge_daily(engine, now=now)
    deliver_warnings(engine)
    return report


def lasts_until(balance_now: Decimal, fee: Decimal, *, now: datetime | None = None) -> str:
    """Return the Moscow day ("12.03.2026") the balance lasts until at this daily fee (empty without a fee)."""
    if fee <= 0:
        return ""
    return (to_msk(now or utcnow()).date() + timedelta(days=days_left(balance_now, fee))).strftime("%d.%m.%Y")
