"""What a seller may type as a top-up amount, and who may send payment notifications."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.billing.money import AmountError, parse_amount
from marketsync.billing.networks import allowed, client_address, parse_networks
from marketsync.settings import YOOKASSA_NETWORKS

LIMITS = {"minimum": Decimal("10"), "maximum": Decimal("500000")}


@pytest.mark.parametrize(("text", "amount"), [
    ("10", "10.00"), (" 1250 ", "1250.00"), ("1250.5", "1250.50"), ("99,99", "99.99"), ("500000.00", "500000.00"),
])
def test_a_plain_number_with_at_most_two_decimals_is_taken(text: str, amount: str) -> None:
    assert parse_amount(text, **LIMITS) == Decimal(amount)


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty"), ("  ", "empty"), (None, "empty"), ("abc", "format"), ("10.001", "format"), ("1e3", "format"),
    ("NaN", "format"), ("Infinity", "format"), ("-inf", "format"), ("-100", "format"), ("+100", "format"),
    ("١٠٠", "format"), ("100.", "format"), (".5", "format"), ("1 000", "format"), ("0x1F", "format"),
    ("9.99", "too_small"), ("0", "too_small"), ("500000.01", "too_large"), ("999999999", "too_large"),
])
def test_anything_else_is_refused_saying_why(text: str | None, why: str) -> None:
    with pytest.raises(AmountError) as refused:
        parse_amount(text, **LIMITS)
    assert refused.value.key == why


NETWORKS = parse_networks(YOOKASSA_NETWORKS)


@pytest.mark.parametrize(("peer", "forwarded", "trusted", "ok"), [
    ("77.75.153.10", None, "127.0.0.1", True),
    ("185.71.76.5", None, "127.0.0.1", True),
    ("::ffff:185.71.77.1", None, "127.0.0.1", True),
    ("2a02:5180:0:1509::42", None, "127.0.0.1", True),
    ("8.8.8.8", None, "127.0.0.1", False),
    ("8.8.8.8", "77.75.153.10", "127.0.0.1", False),  # a stranger cannot name itself YooKassa
    ("127.0.0.1", "77.75.153.10", "127.0.0.1", True),  # our proxy says who called it
    ("127.0.0.1", "77.75.153.10, 8.8.8.8", "127.0.0.1", False),  # the right-most hop is the caller
    ("10.0.0.2", "77.75.153.10", "10.0.0.0/8", True),
    ("10.0.0.2", "77.75.153.10", "127.0.0.1", False),
    ("127.0.0.1", None, "127.0.0.1", False),
    ("testclient", None, "127.0.0.1", False),
])
def test_notifications_come_only_from_yookassas_networks(peer: str, forwarded: str | None, trusted: str,
                                                           ok: bool) -> None:
    assert allowed(client_address(peer, forwarded, trusted), NETWORKS) is ok
