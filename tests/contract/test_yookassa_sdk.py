"""The official `yookassa` SDK against our sandbox YooKassa: its own parsing of payments, refunds and errors is
the independent check that the emulator speaks YooKassa's protocol (CONTRACTS.md §6)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from yookassa import Configuration, Payment, Refund
from yookassa.domain.exceptions import BadRequestError, NotFoundError, UnauthorizedError

from marketsync.sandbox.server import ServerThread

SHOP_ID, SECRET = "506751", "test_sdk_secret_key_0001"


@pytest.fixture
def sdk(sandbox: ServerThread, sandbox_state: Any) -> Iterator[Any]:
    """The SDK configured for the sandbox shop (api_url passed to configure(), which would reset it otherwise)."""
    sandbox_state.yookassa.add_shop(SHOP_ID, SECRET)
    Configuration.configure(SHOP_ID, SECRET, api_url=f"{sandbox.url}/yookassa/v3")
    yield sandbox_state
    Configuration.configure(None, None)  # type: ignore[arg-type]


def test_the_sdk_creates_reads_and_refunds_an_embedded_payment(sdk: Any) -> None:
    key = str(uuid.uuid4())
    body = {"amount": {"value": "1250.00", "currency": "RUB"}, "confirmation": {"type": "embedded"},
            "capture": True, "description": "Пополнение баланса", "metadata": {"account_id": "7", "payment_id": "1"}}
    created = Payment.create(body, key)
    assert created.status == "pending" and created.amount.value == 1250.0 and created.amount.currency == "RUB"
    assert created.confirmation.type == "embedded" and created.confirmation.confirmation_token
    assert created.metadata["payment_id"] == "1"
    assert Payment.create(body, key).id == created.id  # the same Idempotence-Key: the same payment

    sdk.yookassa.pay(created.confirmation.confirmation_token)
    paid = Payment.find_one(created.id)
    assert paid.status == "succeeded" and paid.paid is True and paid.payment_method.type == "bank_card"

    refund = Refund.create({"payment_id": created.id, "amount": {"value": "250.00", "currency": "RUB"}},
                           str(uuid.uuid4()))
    assert refund.status == "succeeded" and refund.payment_id == created.id
    assert Refund.find_one(refund.id).amount.value == 250.0
    assert Payment.find_one(created.id).refunded_amount.value == 250.0


def test_the_sdk_reads_the_sandboxs_errors(sdk: Any, sandbox: ServerThread) -> None:
    with pytest.raises(NotFoundError):
        Payment.find_one("2d3b3b5e-000f-5000-8000-000000000000")
    key = str(uuid.uuid4())
    Payment.create({"amount": {"value": "10.00", "currency": "RUB"}, "confirmation": {"type": "embedded"}}, key)
    with pytest.raises(BadRequestError) as bad:  # the same key with another body
        Payment.create({"amount": {"value": "20.00", "currency": "RUB"}, "confirmation": {"type": "embedded"}}, key)
    assert bad.value.args[0]["code"] == "invalid_request"
    Configuration.configure(SHOP_ID, "wrong-secret", api_url=f"{sandbox.url}/yookassa/v3")
    with pytest.raises(UnauthorizedError):
        Payment.find_one("2d3b3b5e-000f-5000-8000-000000000000")
