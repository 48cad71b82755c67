"""The tariff's arithmetic: what a cabinet pays a day, and how many days its balance lasts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.billing.charge import days_left
from marketsync.billing.tariff import FREE, Terms, fee_for

PAID = Terms(enabled=True, connection_fee=Decimal("15.50"), free_connections=1, free_products=0)


@pytest.mark.parametrize(("terms", "connections", "products", "fee"), [
    (FREE, 3, 100, "0.00"),  # no tariff: the product stays free
    (Terms(False, Decimal("15.50"), 0, 0), 3, 100, "0.00"),  # a tariff switched off charges nobody
    (PAID, 0, 100, "0.00"),  # no active connection pays nothing
    (PAID, 1, 100, "0.00"),  # the first connection is free
    (PAID, 3, 100, "31.00"),  # two paid connections
    (Terms(True, Decimal("10"), 0, 50), 2, 50, "0.00"),  # a small catalog is free
    (Terms(True, Decimal("10"), 0, 50), 2, 51, "20.00"),
])
def test_the_daily_fee_counts_paid_connections_beyond_the_free_limits(
        terms: Terms, connections: int, products: int, fee: str) -> None:
    assert fee_for(terms, active_connections=connections, products=products) == Decimal(fee)


@pytest.mark.parametrize(("balance", "fee", "days"), [
    ("100.00", "10.00", 10), ("30.00", "10.00", 3), ("25.00", "10.00", 3), ("10.00", "10.00", 1),
    ("0.01", "10.00", 1), ("0.00", "10.00", 0), ("-5.00", "10.00", 0),
])
def test_days_left_is_the_number_of_charges_the_balance_still_meets(balance: str, fee: str, days: int) -> None:
    assert days_left(Decimal(balance), Decimal(fee)) == days
