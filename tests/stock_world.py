"""A small stock state written straight into the database, as the stock pipelines leave it: an enabled store
with four products, Ozon and Wildberries connections, their offers, what was pushed and what they report
(for the stock pages and the overview's stock card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine

from marketsync.catalog.models import Product, Stock, Store
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.stocks.models import MarketStock, OfferRow, StockConfig, StockHistory, StockPush
from marketsync.sync.filters import set_store
from marketsync.sync.matching import Unmatched

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class StockWorld:
    """Ids a test needs: the connections and the row ids of the unmatched offers by offer id."""

    ozon: int
    wildberries: int
    offers: dict[str, int]


def _connection(session, account_id: int, system: str, settings: dict[str, object]) -> Connection:  # type: ignore[no-untyped-def]
    conn = Connection(account_id=account_id, system=system, settings=settings,
                      credentials_encrypted=encrypt_json({"token": f"{system}-secret-token-9876", **settings}))
    session.add(conn)
    session.flush()
    return conn


def seed_stock_world(engine: Engine, account_id: int, prefix: str = "ART") -> StockWorld:
    """Products {prefix}-1…4 (stock 5, 0, −2, 7.5; {prefix}-2 is «Кружка синяя»): Ozon holds the first three
    (in sync, never pushed, refused), Wildberries the fourth (reports less than we pushed, FBO 12); one Ozon
    offer is foreign and one Ozon offer is a size without a barcode."""
    with session_scope(engine) as session:
        evotor = _connection(session, account_id, "evotor", {})
        store = f"store-{prefix}"
        session.add(Store(account_id=account_id, connection_id=evotor.id, external_id=store, name=f"Склад {prefix}"))
        for n, quantity in enumerate(["5", "0", "-2", "7.5"], start=1):
            product = Product(account_id=account_id, connection_id=evotor.id, store_external_id=store,
                              external_id=f"{prefix}-p{n}", article_number=f"{prefix}-{n}",
                              name="Кружка синяя" if n == 2 else f"Товар {prefix} {n}", barcodes=[f"4600{n:09d}"],
                              price=Decimal("100"))
            session.add(product)
            session.flush()
            session.add(Stock(account_id=account_id, product_id=product.id, quantity=Decimal(quantity)))
        set_store(session, account_id, store, enabled=True, all_groups=True)
        ozon = _connection(session, account_id, "ozon", {"client_id": "1001", "warehouse_id": "W1"})
        wb = _connection(session, account_id, "wildberries", {"warehouse_id": 77})
        session.add(StockConfig(account_id=account_id, system="ozon", reserve=0, enabled=True,
                                interval_seconds=6 * 3600))
        session.add(StockConfig(account_id=account_id, system="wildberries", reserve=1, enabled=True,
                                interval_seconds=6 * 3600))

        def offer(conn: Connection, key: str, offer_id: str, product: str | None, **fields: object) -> OfferRow:
            row = OfferRow(account_id=account_id, connection_id=conn.id, stock_key=key, offer_id=offer_id,
                           barcodes=[], name=f"Карточка {offer_id}", product_key=product,
                           match_rule="key" if product else None, **fields)
            session.add(row)
            return row

        def push(conn: Connection, key: str, product: str, offered: int, pushed: int | None,
                 **fields: object) -> None:
            session.add(StockPush(account_id=account_id, connection_id=conn.id, stock_key=key,
                                  product_key=product, offered=offered, pushed_amount=pushed,
                                  pushed_at=T0 if pushed is not None else None, **fields))

        def report(conn: Connection, key: str, warehouse: str, quantity: int, fulfillment: str = "fbs") -> None:
            session.add(MarketStock(account_id=account_id, connection_id=conn.id, stock_key=key,
                                    warehouse_id=warehouse, fulfillment=fulfillment, quantity=quantity))

        for n in (1, 2, 3):
            offer(ozon, f"OZ-{prefix}-{n}", f"OZ-{prefix}-{n}", f"{prefix}-{n}")
        push(ozon, f"OZ-{prefix}-1", f"{prefix}-1", 5, 5)
        report(ozon, f"OZ-{prefix}-1", "W1", 5)
        report(ozon, f"OZ-{prefix}-1", "W-OTHER", 40)  # another FBS warehouse of the seller: not ours
        push(ozon, f"OZ-{prefix}-2", f"{prefix}-2", 0, None)
        push(ozon, f"OZ-{prefix}-3", f"{prefix}-3", 0, None, error="Too many updates of this offer",
             error_code="TOO_MANY_REQUESTS")
        foreign = offer(ozon, f"FOREIGN-{prefix}", f"FOREIGN-{prefix}", None,
                        unmatched_reason=str(Unmatched.NO_PRODUCT))
        size = offer(ozon, f"SIZE-{prefix}", f"SIZE-{prefix}", None, size="XL",
                     unmatched_reason=str(Unmatched.SIZE_WITHOUT_BARCODE))
        offer(wb, f"9000{len(prefix)}4", f"WB-{prefix}-4", f"{prefix}-4")
        push(wb, f"9000{len(prefix)}4", f"{prefix}-4", 6, 6)
        report(wb, f"9000{len(prefix)}4", "77", 3)
        report(wb, f"9000{len(prefix)}4", "507", 12, "fbo")
        for hours, amount in ((0, 3), (24, 5)):
            session.add(StockHistory(account_id=account_id, connection_id=ozon.id, product_key=f"{prefix}-1",
                                     stock_key=f"OZ-{prefix}-1", amount=amount,
                                     pushed_at=T0 - timedelta(hours=48 - hours)))
        session.flush()
        return StockWorld(ozon=ozon.id, wildberries=wb.id, offers={foreign.offer_id: foreign.id,
                                                                  size.offer_id: size.id})

