"""A top-up: our payment row with its own Idempotence-Key is committed first, then YooKassa is asked to create
the payment with that key. Every later try (http.py's retries of a 500 or a lost answer, and the poller for a
row whose create never got an answer) sends the same key, so YooKassa makes one payment whatever happens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import User
from marketsync.billing import gateway, settle
from marketsync.billing.models import Payment
from marketsync.billing.money import parse_amount
from marketsync.billing.reconcile import PaymentRow, apply_remote, in_transaction, load_row
from marketsync.connectors.errors import ConfigError, ConnectorError, RejectedError
from marketsync.connectors.yookassa.client import YooKassaClient
from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings

DESCRIPTION = "Пополнение баланса кабинета MarketSync №{account_id}"  # shown to the payer and on the receipt


class TopupError(Exception):
    """A top-up that could not be started; `key` says why: not_configured, refused, unavailable."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key


@dataclass(frozen=True)
class Started:
    """A payment YooKassa created: our id and the token the widget opens."""

    payment_id: int
    confirmation_token: str


def payments_enabled() -> bool:
    """Whether a YooKassa shop is configured (without one the page offers no top-up)."""
    settings = get_settings()
    return bool(settings.YOOKASSA_SHOP_ID and settings.YOOKASSA_SECRET_KEY)


def begin_topup(session: Session, *, account_id: int, user_id: int | None, amount_text: str | None) -> int:
    """Validate the amount (AmountError) and add our payment row with a fresh Idempotence-Key; return its id."""
    settings = get_settings()
    amount = parse_amount(amount_text, minimum=settings.TOPUP_MIN_RUB, maximum=settings.TOPUP_MAX_RUB)
    if not payments_enabled():
        raise TopupError("not_configured")
    payment = Payment(account_id=account_id, user_id=user_id, amount=amount, currency="RUB", status="new",
                      idempotence_key=str(uuid.uuid4()), created_at=utcnow(), updated_at=utcnow())
    session.add(payment)
    session.flush()
    return payment.id


def submit_topup(engine: Engine, *, payment_id: int) -> Started:
    """Create the committed payment row at YooKassa; return its widget token or raise TopupError."""
    row = load_row(engine, payment_id)
    if row is None:
        raise TopupError("refused", "no such payment")
    try:
        client = gateway.open_client()
    except ConfigError as exc:
        raise TopupError("not_configured", exc.message) from exc
    try:
        create_remote(engine, client, row)
    except RejectedError as exc:
        reason = exc.message
        in_transaction(engine, lambda s: settle.mark_failed(s, payment_id=row.id, error=reason))
        raise TopupError("refused", reason) from exc
    except ConnectorError as exc:  # outcome unknown: the row keeps its key and the poller finishes the create
        raise TopupError("unavailable", exc.message) from exc
    finally:
        client.close()
    with session_scope(engine) as session:
        found = session.execute(select(Payment.status, Payment.confirmation_token)
                                .where(Payment.id == payment_id)).one()
    if found.status not in ("pending", "waiting_for_capture") or not found.confirmation_token:
        raise TopupError("refused", f"payment is {found.status}")
    return Started(payment_id, found.confirmation_token)


def create_remote(engine: Engine, client: YooKassaClient, row: PaymentRow) -> str:
    """POST /payments for our row with its own Idempotence-Key and apply the answer; return what happened."""
    with session_scope(engine) as session:
        email = session.scalar(select(User.email).join(Payment, Payment.user_id == User.id)
                               .where(Payment.id == row.id))
    body = gateway.payment_body(payment_id=row.id, account_id=row.account_id, amount=Decimal(row.amount),
                                description=DESCRIPTION.format(account_id=row.account_id), customer_email=email)
    remote = client.create_payment(body, idempotence_key=row.idempotence_key)
    return apply_remote(engine, row, remote)
