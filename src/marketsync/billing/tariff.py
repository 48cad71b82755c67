"""The tariff the balance pays for: the admin's one row, a cabinet's daily fee under it, and whether the
cabinet's pipelines are paused (a fee to pay and the balance spent). With no tariff switched on nobody pays and
nothing pauses: the product stays free."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.billing.ledger import balance
from marketsync.billing.models import Tariff, Wallet
from marketsync.billing.money import kopecks
from marketsync.catalog.models import Product
from marketsync.connections.models import Connection
from marketsync.db import utcnow

TARIFF_ID = 1  # one tariff for every cabinet
FEE_MAX = Decimal("100000.00")
COUNT_MAX = 1_000_000


class TariffError(ValueError):
    """A refused tariff form; `key` names the field (connection_fee, free_connections, free_products)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Terms:
    """The tariff as the charge and the pages read it."""

    enabled: bool
    connection_fee: Decimal
    free_connections: int
    free_products: int

    @property
    def charging(self) -> bool:
        """Whether anybody can owe anything under these terms."""
        return self.enabled and self.connection_fee > 0


FREE = Terms(enabled=False, connection_fee=Decimal("0.00"), free_connections=0, free_products=0)


def current_terms(session: Session) -> Terms:
    """Return the admin's tariff, or FREE when none was ever saved."""
    row = session.get(Tariff, TARIFF_ID)
    if row is None:
        return FREE
    return Terms(bool(row.enabled), kopecks(Decimal(row.connection_fee)), row.free_connections, row.free_products)


def _count(text: str, key: str) -> int:
    cleaned = (text or "").strip() or "0"
    if not cleaned.isascii() or not cleaned.isdigit() or int(cleaned) > COUNT_MAX:
        raise TariffError(key)
    return int(cleaned)


def save_terms(session: Session, *, enabled: bool, connection_fee: str, free_connections: str,
               free_products: str, admin_id: int | None) -> Terms:
    """Validate and store the tariff (TariffError names the first bad field; nothing is saved then)."""
    from marketsync.billing.money import AmountError, parse_amount

    try:
        fee = parse_amount((connection_fee or "").strip() or "0", minimum=Decimal("0.00"), maximum=FEE_MAX)
    except AmountError as exc:
        raise TariffError("connection_fee") from exc
    free_conns = _count(free_connections, "free_connections")
    free_prods = _count(free_products, "free_products")
    row = session.get(Tariff, TARIFF_ID)
    if row is None:
        row = Tariff(id=TARIFF_ID)
        session.add(row)
    row.enabled, row.connection_fee, row.free_connections, row.free_products = enabled, fee, free_conns, free_prods
    row.updated_by, row.updated_at = admin_id, utcnow()
    session.flush()
    return current_terms(session)


def fee_for(terms: Terms, *, active_connections: int, products: int) -> Decimal:
    """Return the daily fee of a cabinet with these counts under `terms` (pure)."""
    if not terms.charging or active_connections <= 0:
        return Decimal("0.00")
    if terms.free_products > 0 and products <= terms.free_products:
        return Decimal("0.00")
    return kopecks(terms.connection_fee * max(0, active_connections - terms.free_connections))


def active_connections(session: Session, account_id: int) -> int:
    """Count the cabinet's connections that work (a broken one is not paid for)."""
    return int(session.scalar(select(func.count(Connection.id)).where(
        Connection.account_id == account_id, Connection.status == "active")) or 0)


def daily_fee(session: Session, account_id: int, terms: Terms | None = None) -> Decimal:
    """Return what the cabinet pays a day now (0.00 without a tariff or an active connection)."""
    terms = terms or current_terms(session)
    if not terms.charging:
        return Decimal("0.00")
    connections = active_connections(session, account_id)
    if connections == 0:
        return Decimal("0.00")
    products = int(session.scalar(select(func.count(Product.id)).where(Product.account_id == account_id)) or 0) \
        if terms.free_products > 0 else 0
    return fee_for(terms, active_connections=connections, products=products)


def billed_accounts(session: Session) -> list[int]:
    """Return the cabinets with at least one active connection (the only ones that can owe a fee)."""
    return sorted(session.scalars(select(func.distinct(Connection.account_id))
                                  .where(Connection.status == "active")))


def is_paused(session: Session, account_id: int, terms: Terms | None = None) -> bool:
    """Whether the cabinet's pipelines are paused: it has a fee to pay and its balance is spent."""
    terms = terms or current_terms(session)
    if not terms.charging:
        return False
    return balance(session, account_id) <= 0 and daily_fee(session, account_id, terms) > 0


def paused_among(session: Session, account_ids: Iterable[int]) -> set[int]:
    """Return which of these cabinets are paused (one query and no more when no tariff is on)."""
    terms = current_terms(session)
    ids = list(account_ids)
    if not terms.charging or not ids:
        return set()
    funded = set(session.scalars(select(Wallet.account_id).where(Wallet.account_id.in_(ids), Wallet.balance > 0)))
    return {account_id for account_id in ids
            if account_id not in funded and daily_fee(session, account_id, terms) > 0}
