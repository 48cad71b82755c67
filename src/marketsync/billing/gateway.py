"""What billing asks of YooKassa and how it judges the answers: the client for the configured shop, the body of
a top-up payment (embedded widget, automatic capture, our ids in metadata, a receipt when asked) and the check
that a payment YooKassa shows is the one our row describes. No database here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marketsync.billing.money import kopecks, wire_amount
from marketsync.connectors.yookassa.client import YooKassaClient
from marketsync.connectors.yookassa.schemas import PaymentObject, RefundObject
from marketsync.settings import get_settings

RECEIPT_VAT_CODE = 1  # "without VAT": a balance top-up of a service on the simplified tax system


def open_client() -> YooKassaClient:
    """Return a client of the shop in the settings (ConfigError when its keys are not set)."""
    settings = get_settings()
    return YooKassaClient(settings.YOOKASSA_SHOP_ID, settings.YOOKASSA_SECRET_KEY,
                          base_url=settings.YOOKASSA_API_URL)


def payment_body(*, payment_id: int, account_id: int, amount: Decimal, description: str,
                 customer_email: str | None) -> dict[str, Any]:
    """Return the POST /payments body of one top-up (no payment_method_data: the widget lets the payer choose)."""
    value = {"value": wire_amount(amount), "currency": "RUB"}
    body: dict[str, Any] = {
        "amount": value,
        "confirmation": {"type": "embedded"},
        "capture": True,
        "description": description[:128],  # YooKassa's limit for a description
        "metadata": {"account_id": str(account_id), "payment_id": str(payment_id)},
    }
    if get_settings().YOOKASSA_SEND_RECEIPT and customer_email:
        body["receipt"] = {
            "customer": {"email": customer_email},
            "items": [{"description": description[:128], "quantity": "1.00", "amount": value,
                       "vat_code": RECEIPT_VAT_CODE, "payment_mode": "full_prepayment",
                       "payment_subject": "service"}],
        }
    return body


def matches(remote: PaymentObject, *, payment_id: int, account_id: int, amount: Decimal,
            currency: str = "RUB") -> bool:
    """Whether YooKassa's payment is ours as our row says: same amount and currency, our ids in its metadata."""
    metadata = remote.metadata or {}
    return (kopecks(remote.amount.value) == kopecks(amount) and remote.amount.currency == currency
            and str(metadata.get("payment_id")) == str(payment_id)
            and str(metadata.get("account_id")) == str(account_id))


def refund_body(*, provider_payment_id: str, amount: Decimal, description: str) -> dict[str, Any]:
    """Return the POST /refunds body refunding `amount` of one payment."""
    return {"payment_id": provider_payment_id, "amount": {"value": wire_amount(amount), "currency": "RUB"},
            "description": description[:250]}


def refund_ok(remote: RefundObject, *, provider_payment_id: str, limit: Decimal) -> bool:
    """Whether a refund is a succeeded one of this payment, in rubles, for no more than `limit`."""
    return (remote.status == "succeeded" and remote.payment_id == provider_payment_id
            and remote.amount.currency == "RUB" and Decimal(0) < kopecks(remote.amount.value) <= limit)
