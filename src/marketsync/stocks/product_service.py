"""One product's stock page: its quantity in each store, its offers on each connected marketplace (what we
offer, pushed and when, what the marketplace reports, errors) and the history of accepted pushes. Read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, Stock, Store
from marketsync.catalog.stock_levels import whole_units
from marketsync.connections.models import Connection
from marketsync.connectors.records import FBO, FBS
from marketsync.stocks.models import MarketStock, OfferRow, StockConfig, StockHistory, StockPush
from marketsync.stocks.service import connected_marketplaces
from marketsync.stocks.table_service import our_warehouse
from marketsync.sync.filters import load_scope

HISTORY_POINTS = 500  # the chart shows the latest accepted pushes, however long the product has been synced


@dataclass(frozen=True)
class StoreStock:
    """The product in one store: its name and codes there, its quantity, whether the store is enabled."""

    store: str
    enabled: bool
    name: str
    article: str | None
    code: str | None
    quantity: Decimal | None


@dataclass(frozen=True)
class OfferStock:
    """One offer matched to the product on a marketplace, with our side and the marketplace's."""

    id: int  # the offer's row, for "not ours"
    offer_id: str
    stock_key: str
    name: str
    size: str | None
    match_rule: str | None
    offered: int | None
    pushed: int | None
    pushed_at: datetime | None
    reported: int | None
    fbo: int | None
    error: str | None
    error_code: str | None


@dataclass(frozen=True)
class MarketStocks:
    """A connected marketplace: its reserve and the product's offers there (none: not matched yet)."""

    system: str
    reserve: int
    offers: list[OfferStock] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryPoint:
    """An amount a marketplace accepted from us, and when."""

    system: str
    at: datetime
    amount: int


@dataclass(frozen=True)
class ProductStocks:
    """Everything the product's stock page shows."""

    key: str
    name: str
    stock: int | None  # over the enabled stores; None when no enabled store sells it
    stores: list[StoreStock]
    marketplaces: list[MarketStocks]
    history: list[HistoryPoint]


def product_stocks(session: Session, account_id: int, key: str) -> ProductStocks | None:
    """Return one product key's stock across stores and marketplaces; None when the cabinet has no such key."""
    scope = load_scope(session, account_id)
    rows = session.execute(
        select(Product, Store.name, Stock.quantity)
        .outerjoin(Store, and_(Store.account_id == account_id, Store.connection_id == Product.connection_id,
                               Store.external_id == Product.store_external_id))
        .outerjoin(Stock, Stock.product_id == Product.id)
        .where(Product.account_id == account_id, Product.stock_key == key).order_by(Product.id)).all()
    # Enabled stores first, in the order the seller enabled them (the first one names the product).
    ordered = sorted(rows, key=lambda r: (scope.store_rank(r[0].store_external_id), r[0].id))
    stores = [StoreStock(store=store_name or p.store_external_id, enabled=scope.store_enabled(p.store_external_id),
                         name=p.name, article=p.article_number, code=p.sku, quantity=quantity)
              for p, store_name, quantity in ordered]
    marketplaces = _marketplaces(session, account_id, key)
    history = _history(session, account_id, key)
    if not stores and not any(m.offers for m in marketplaces) and not history:
        return None
    counted = [s.quantity for s in stores if s.enabled]
    name = next((s.name for s in stores if s.enabled), stores[0].name if stores else "")
    if not name:
        name = next((o.name for m in marketplaces for o in m.offers), "")
    return ProductStocks(key=key, name=name, stock=whole_units(counted) if any(s.enabled for s in stores) else None,
                         stores=stores, marketplaces=marketplaces, history=history)


def _marketplaces(session: Session, account_id: int, key: str) -> list[MarketStocks]:
    conns = connected_marketplaces(session, account_id)
    reserves = dict(session.execute(select(StockConfig.system, StockConfig.reserve)
                                    .where(StockConfig.account_id == account_id)).all())
    rows = list(session.execute(
        select(OfferRow, StockPush).outerjoin(StockPush, and_(StockPush.connection_id == OfferRow.connection_id,
                                                               StockPush.stock_key == OfferRow.stock_key))
        .where(OfferRow.account_id == account_id, OfferRow.product_key == key).order_by(OfferRow.id)).all())
    reported: dict[tuple[int, str], int] = {}
    fbo: dict[tuple[int, str], int] = {}
    if rows:
        warehouses = {conn.id: our_warehouse(conn) for conn in conns}
        for level in session.scalars(select(MarketStock).where(
                MarketStock.account_id == account_id,
                MarketStock.stock_key.in_({offer.stock_key for offer, _push in rows}))):
            pair = (level.connection_id, level.stock_key)
            if level.fulfillment == FBO:
                fbo[pair] = fbo.get(pair, 0) + level.quantity
            elif level.fulfillment == FBS and warehouses.get(level.connection_id) == level.warehouse_id:
                reported[pair] = level.quantity
    found = []
    for conn in conns:
        offers = [OfferStock(
            id=offer.id, offer_id=offer.offer_id, stock_key=offer.stock_key, name=offer.name, size=offer.size,
            match_rule=offer.match_rule, offered=push.offered if push else None,
            pushed=push.pushed_amount if push else None, pushed_at=push.pushed_at if push else None,
            reported=reported.get((conn.id, offer.stock_key)), fbo=fbo.get((conn.id, offer.stock_key)),
            error=push.error if push else None, error_code=push.error_code if push else None,
        ) for offer, push in rows if offer.connection_id == conn.id]
        found.append(MarketStocks(system=conn.system, reserve=reserves.get(conn.system, 0), offers=offers))
    return found


def _history(session: Session, account_id: int, key: str) -> list[HistoryPoint]:
    rows = session.execute(
        select(Connection.system, StockHistory.pushed_at, StockHistory.amount)
        .join(Connection, and_(Connection.id == StockHistory.connection_id, Connection.account_id == account_id))
        .where(StockHistory.account_id == account_id, StockHistory.product_key == key)
        .order_by(StockHistory.pushed_at.desc(), StockHistory.id.desc()).limit(HISTORY_POINTS))
    return [HistoryPoint(system, at, amount) for system, at, amount in reversed(list(rows))]
