"""Bringing our payments in line with YooKassa: a notification (trusted only after the object is fetched back
from the API and agrees with our row), the poll of payments still open, and the transactions around settle.py
(each retried whole on a deadlock or a busy SQLite, so racing replays end in one credit and no error).

Outcomes carry the HTTP status the webhook answers: 200 once the change (or the decision that nothing
changes) is committed, 400 for a body that is not a notification or names an object YooKassa does not know,
and 429 when YooKassa or our database could not be read now. YooKassa re-sends anything that did not get a 200,
and a 5xx is never ours to give (CONTRACTS.md §6, docs/billing.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from marketsync.billing import gateway, settle
from marketsync.billing.models import Payment
from marketsync.connectors.errors import ConnectorError, RejectedError
from marketsync.connectors.yookassa.client import NotFoundError, YooKassaClient
from marketsync.connectors.yookassa.schemas import Notification, PaymentObject
from marketsync.db import is_transient_db_error, session_scope, utcnow
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
T = TypeVar("T")
KEY_RETENTION = timedelta(hours=23)  # YooKassa keeps an Idempotence-Key 24 h: re-POST only well inside that


@dataclass(frozen=True)
class Outcome:
    """What handling one notification (or one poll of a payment) came to, and the HTTP status to answer."""

    status_code: int
    result: str


@dataclass(frozen=True)
class PaymentRow:
    """The fields of our payment row that judging and applying YooKassa's answers need."""

    id: int
    account_id: int
    amount: Decimal
    currency: str
    status: str
    provider_payment_id: str | None
    idempotence_key: str
    created_at: Any


def in_transaction(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in one committed transaction, again from the start on a deadlock or a busy SQLite."""
    for attempt in Retrying(retry=retry_if_exception(is_transient_db_error), stop=stop_after_attempt(12),
                            wait=wait_random_exponential(multiplier=0.02, max=0.5), reraise=True):
        with attempt, session_scope(engine) as session:
            return work(session)
    raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover


def _row(session: Session, *conditions: Any) -> PaymentRow | None:
    found = session.scalar(select(Payment).where(*conditions))
    if found is None:
        return None
    return PaymentRow(found.id, found.account_id, Decimal(found.amount), found.currency, found.status,
                      found.provider_payment_id, found.idempotence_key, found.created_at)


def load_row(engine: Engine, payment_id: int) -> PaymentRow | None:
    """Return our payment row by its id."""
    with session_scope(engine) as session:
        return _row(session, Payment.id == payment_id)


def apply_remote(engine: Engine, row: PaymentRow, remote: PaymentObject) -> str:
    """Apply a payment as YooKassa's API shows it to our row, once; return what happened."""
    if row.provider_payment_id not in (None, remote.id) or not gateway.matches(
            remote, payment_id=row.id, account_id=row.account_id, amount=row.amount, currency=row.currency):
        log.warning("payment %s: YooKassa's payment %s does not match our row; nothing applied", row.id, remote.id)
        return "mismatch"
    token = remote.confirmation.confirmation_token if remote.confirmation else None

    def work(session: Session) -> str:
        if row.provider_payment_id is None:
            settle.mark_created(session, payment_id=row.id, provider_payment_id=remote.id, status="pending",
                                confirmation_token=token)
        if remote.status == "succeeded":
            return "credited" if settle.credit_payment(session, payment_id=row.id) else "already_credited"
        if remote.status == "canceled":
            reason = remote.cancellation_details.reason if remote.cancellation_details else None
            return "canceled" if settle.cancel_payment(session, payment_id=row.id, reason=reason) else "unchanged"
        settle.touch_open(session, payment_id=row.id, status=remote.status)
        return "still_open"

    return in_transaction(engine, work)


def handle_notification(engine: Engine, payload: Any, client: YooKassaClient | None = None) -> Outcome:
    """Handle one notification body: verify it against the API, apply it once, say what to answer."""
    try:
        note = Notification.model_validate(payload)
    except ValidationError:
        return Outcome(400, "not_a_notification")
    object_id = note.object.get("id")
    if note.type != "notification" or not isinstance(object_id, str) or not object_id:
        return Outcome(400, "not_a_notification")
    if not (note.event.startswith("payment.") or note.event == "refund.succeeded"):
        return Outcome(200, "ignored")
    own = client is None
    try:
        client = client or gateway.open_client()
        if note.event == "refund.succeeded":
            return _refund_event(engine, client, object_id)
        return _payment_event(engine, client, object_id, note.object.get("metadata"))
    except NotFoundError:
        log.warning("notification %s about %s: YooKassa does not know it; ignored", note.event, object_id)
        return Outcome(400, "unknown_at_yookassa")
    except RejectedError as exc:
        log.warning("notification %s about %s refused by YooKassa: %s", note.event, object_id, exc.message)
        return Outcome(400, "refused")
    except ConnectorError as exc:  # YooKassa unreachable, rate-limited, or our keys wrong: ask it to re-send
        log.warning("notification %s about %s not checked now: %s", note.event, object_id, exc.message)
        return Outcome(429, "retry_later")
    finally:
        if own and client is not None:
            client.close()


def _payment_event(engine: Engine, client: YooKassaClient, object_id: str, metadata: Any) -> Outcome:
    with session_scope(engine) as session:
        row = _row(session, Payment.provider_payment_id == object_id)
        our_id = str(metadata.get("payment_id", "")) if isinstance(metadata, dict) else ""
        if row is None and our_id.isdigit() and len(our_id) < 10:
            # A payment whose create answer we lost: found by our id, its YooKassa id learnt now.
            row = _row(session, Payment.id == int(our_id), Payment.provider_payment_id.is_(None))
    if row is None:
        log.info("notification about payment %s, which is not one of ours; ignored", object_id)
        return Outcome(200, "not_ours")
    remote = client.get_payment(object_id)
    return Outcome(200, apply_remote(engine, row, remote))


def _refund_event(engine: Engine, client: YooKassaClient, refund_id: str) -> Outcome:
    remote = client.get_refund(refund_id)
    with session_scope(engine) as session:
        row = _row(session, Payment.provider_payment_id == remote.payment_id)
    if row is None or row.provider_payment_id is None:
        return Outcome(200, "not_ours")
    if not gateway.refund_ok(remote, provider_payment_id=row.provider_payment_id, limit=row.amount):
        log.warning("refund %s of payment %s is not a succeeded refund within the payment; ignored",
                    refund_id, row.id)
        return Outcome(200, "mismatch")
    return Outcome(200, debit_refund(engine, row, refund_id, Decimal(remote.amount.value)))


def debit_refund(engine: Engine, row: PaymentRow, refund_id: str, amount: Decimal) -> str:
    """Debit a succeeded refund of this payment once; return "debited" or "already_debited"."""
    def work(session: Session) -> str:
        settle.debit_refund(session, payment_id=row.id, refund_id=refund_id, amount=amount)
        return "debited"

    try:
        return in_transaction(engine, work)
    except IntegrityError:  # "refund:<id>" is in the ledger: a replay, or the admin page got there first
        return "already_debited"


def poll_open_payments(engine: Engine) -> int:
    """Re-read every payment still open and not looked at for YOOKASSA_POLL_SECONDS; return how many settled."""
    cutoff = utcnow() - timedelta(seconds=get_settings().YOOKASSA_POLL_SECONDS)
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Payment.id).where(
            Payment.status.in_(settle.OPEN), or_(Payment.checked_at.is_(None), Payment.checked_at <= cutoff),
        ).order_by(Payment.id).limit(500)))
    if not ids:
        return 0
    settled = 0
    client = gateway.open_client()
    try:
        for payment_id in ids:
            row = load_row(engine, payment_id)
            try:
                result = reconcile_one(engine, client, row) if row is not None else "gone"
            except ConnectorError as exc:  # one payment's trouble never stops the others
                log.warning("payment %s not reconciled now: %s", payment_id, exc.message)
                continue
            settled += result in ("credited", "canceled", "failed")
    finally:
        client.close()
    return settled


def reconcile_one(engine: Engine, client: YooKassaClient, row: PaymentRow) -> str:
    """Bring one open payment in line: create it (again, same key) when its create answer was lost, else read it."""
    if row.provider_payment_id is not None:
        return apply_remote(engine, row, client.get_payment(row.provider_payment_id))
    if utcnow() - row.created_at > KEY_RETENTION:
        in_transaction(engine, lambda s: settle.mark_failed(s, payment_id=row.id, error="not created in time"))
        return "failed"
    from marketsync.billing.topup import create_remote  # the create body lives with the top-up

    return create_remote(engine, client, row)
