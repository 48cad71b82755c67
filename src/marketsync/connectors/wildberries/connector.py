"""Wildberries as a StockChannel (cards, one offer per size; FBS stock at the seller's warehouse; FBO stock)
and as an EventFeed (orders, buyouts and returns, reviews, stock per size, cards: feed.py) and a CardChannel
(cards and prices published from the catalog hub: cards.py).

The hosts, their budgets and our pace are hosts.py's. A connection may have no warehouse (the notifications bot
asks only for the token): then the check reads the seller's profile on the common host, and a stock push or
read at "our" warehouse fails with a ConfigError saying the warehouse is missing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import BaseModel, Field

from marketsync.connectors.errors import ConfigError, ConnectorError
from marketsync.connectors.records import CheckResult, MarketOffer, StockLevel, StockUpdate, WriteResult
from marketsync.connectors.wildberries.cards import WildberriesCards
from marketsync.connectors.wildberries.client import STOCKS_MAX, SYSTEM, WildberriesClient
from marketsync.connectors.wildberries.client_cards import WildberriesCardsClient
from marketsync.connectors.wildberries.client_reports import WildberriesReportsClient
from marketsync.connectors.wildberries.dictionary import WildberriesDictionary
from marketsync.connectors.wildberries.feed import FBO_SINCE, WildberriesEventFeed
from marketsync.connectors.wildberries.hosts import open_hosts
from marketsync.connectors.wildberries.mapping import (
    chrt_id,
    fbo_level_from_wire,
    fbo_row_identity,
    fbs_level_from_wire,
    moscow_date_from,
    offers_from_card,
    refused_keys,
    stocks_to_wire,
)
from marketsync.http import Recorder

NO_WAREHOUSE = ("Wildberries: no seller warehouse is set for this connection; FBS stock is kept per warehouse, "
                "so reconnect with --warehouse-id")


class WildberriesCredentials(BaseModel):
    """A WB API token (categories Content, Marketplace and Statistics for stocks; Statistics, Feedbacks and
    Content for notifications) and, for FBS stock, the seller warehouse whose stock we keep; without one only
    what needs no warehouse works."""

    token: str = Field(min_length=8, max_length=4096)
    warehouse_id: int | None = Field(default=None, gt=0)


class WildberriesConnector(WildberriesEventFeed, WildberriesDictionary, WildberriesCards):
    """Keeps one WB seller's FBS stock at one warehouse equal to ours, reads what WB reports and what buyers did."""

    system = SYSTEM
    batch_size = STOCKS_MAX
    update_interval_seconds = 0.0

    def __init__(self, credentials: WildberriesCredentials, *, connection_key: str,
                 recorder: Recorder | None = None, max_attempts: int | None = None,
                 timeout: float | None = None) -> None:
        self.warehouse_id = credentials.warehouse_id
        self.hosts = open_hosts(credentials.token, connection_key=connection_key, recorder=recorder,
                                max_attempts=max_attempts, timeout=timeout)
        self.client = WildberriesClient(self.hosts)
        # The event feed lists cards at our own pace (WB_API_*); the stock push's listing at WB's content limit.
        self.paced_client = WildberriesClient(self.hosts.paced())
        self.reports = WildberriesReportsClient(self.hosts)
        self.cards_client = WildberriesCardsClient(self.hosts.content, self.hosts.prices)
        self.sent_cards = {}
        self.subject_kinds = {}

    def close(self) -> None:
        """Release the HTTP pools."""
        self.hosts.close()

    def check(self) -> CheckResult:
        """With a warehouse: list the seller's warehouses (marketplace host); ours must be among them. Without
        one: read the seller's profile (common host, GET /api/v1/seller-info), which any valid token opens."""
        try:
            if self.warehouse_id is None:
                seller = self.reports.seller_info()
                name = seller.name or seller.tradeMark or seller.sid
                return CheckResult(ok=True, message=f"Wildberries: token accepted, seller «{name}»",
                                   details={"seller_name": name, "seller_id": seller.sid})
            warehouses = self.client.warehouses()
        except ConfigError as exc:
            return CheckResult(ok=False, message=exc.message, key=exc.key, params=dict(exc.params))
        except ConnectorError as exc:
            return CheckResult(ok=False, message=f"Wildberries is not reachable: {exc.message}")
        found = next((w for w in warehouses if w.id == self.warehouse_id), None)
        if found is None:
            known = ", ".join(f"{w.id} «{w.name}»" for w in warehouses) or "none"
            return CheckResult(ok=False, message=f"Wildberries: warehouse {self.warehouse_id} is not among the "
                                                 f"seller's warehouses ({known})")
        return CheckResult(ok=True, message=f"Wildberries: warehouse {found.id} «{found.name}»",
                           details={"warehouse_name": found.name})

    def _warehouse(self) -> int:
        if self.warehouse_id is None:
            raise ConfigError(NO_WAREHOUSE, key="no_warehouse", params={"system": SYSTEM})
        return self.warehouse_id

    def iter_offers(self) -> Iterator[list[MarketOffer]]:
        """Yield every size of every card (trash excluded), a page of up to 100 cards at a time."""
        for page in self.client.cards_list():
            yield [offer for card in page.cards for offer in offers_from_card(card)]

    def read_stocks(self, stock_keys: Sequence[str]) -> list[StockLevel]:
        """Return FBS stock at the connection's warehouse, 1000 sizes a request; keys that are no chrtID and
        sizes without a stock record are absent."""
        warehouse = self._warehouse()
        ids = list(dict.fromkeys(i for key in stock_keys if (i := chrt_id(key)) is not None))
        levels: list[StockLevel] = []
        for start in range(0, len(ids), STOCKS_MAX):
            entries = self.client.read_stocks(warehouse, ids[start:start + STOCKS_MAX])
            levels.extend(fbs_level_from_wire(entry, warehouse) for entry in entries)
        return levels

    def iter_stocks(self) -> Iterator[list[StockLevel]]:
        """Yield FBS stock at every seller warehouse (1000 sizes a request), then FBO stock at WB's warehouses.

        Statistics rows name a size by barcode, not chrtID: they are keyed through the cards' barcodes (then
        nmID + techSize); a row no card explains keeps its barcode as the key.
        """
        warehouses = self.client.warehouses()
        by_barcode: dict[str, str] = {}
        by_size: dict[tuple[int, str], str] = {}
        pending: list[int] = []

        def read(ids: list[int]) -> Iterator[list[StockLevel]]:
            for warehouse in warehouses:
                entries = self.client.read_stocks(warehouse.id, ids)
                if entries:
                    yield [fbs_level_from_wire(e, warehouse.id, warehouse.name) for e in entries]

        for offers in self.iter_offers():
            for offer in offers:
                by_barcode.update(dict.fromkeys(offer.barcodes, offer.stock_key))
                by_size[(int(offer.product_id or 0), offer.sku or "")] = offer.stock_key
                pending.append(int(offer.stock_key))
            while len(pending) >= STOCKS_MAX:
                yield from read(pending[:STOCKS_MAX])
                pending = pending[STOCKS_MAX:]
        if pending:
            yield from read(pending)
        seen: set[tuple[str, str, int, str, str]] = set()
        for rows in self.client.supplier_stocks(moscow_date_from(FBO_SINCE)):
            fresh = [row for row in rows if fbo_row_identity(row) not in seen]
            seen = {fbo_row_identity(row) for row in rows if row.lastChangeDate == rows[-1].lastChangeDate}
            levels = [fbo_level_from_wire(row, by_barcode.get(row.barcode) or by_size.get((row.nmId, row.techSize))
                                          or row.barcode) for row in fresh]
            if levels:
                yield levels

    def update_stocks(self, updates: Sequence[StockUpdate]) -> list[WriteResult]:
        """Set FBS stock of ≤ 1000 sizes at the connection's warehouse; one result per update in order.

        A 409 applies nothing and names the refused sizes: they fail with WB's code and message and the rest
        is sent again in this call, until WB takes it (204) or refuses the whole request (a 409 naming no size
        we sent, e.g. StoreIsProcessing: every remaining update fails with it).
        """
        if len(updates) > self.batch_size:
            raise ValueError(f"Wildberries takes at most {self.batch_size} stock updates a request")
        warehouse = self._warehouse()
        results: list[WriteResult | None] = [None] * len(updates)
        for index, update in enumerate(updates):
            if chrt_id(update.stock_key) is None:
                results[index] = WriteResult(ok=False, code="InvalidStockKey",
                                             error=f"«{update.stock_key}» is not a Wildberries size id (chrtID)")
            elif update.amount < 0:
                results[index] = WriteResult(ok=False, code="NegativeAmount", error="a stock cannot be negative")
        pending = [i for i, result in enumerate(results) if result is None]
        while pending:
            refusals = self.client.put_stocks(warehouse, stocks_to_wire(updates[i] for i in pending))
            refused: dict[str, WriteResult] = {}
            for refusal in refusals:
                failed = WriteResult(ok=False, code=refusal.code, error=refusal.message or refusal.code)
                keys = refused_keys(refusal.data or [])
                named = [i for i in pending if updates[i].stock_key in keys]
                for i in named or pending:  # a refusal naming none of ours refuses the whole request
                    refused.setdefault(updates[i].stock_key, failed)
            for i in pending:
                key = updates[i].stock_key
                results[i] = refused.get(key, WriteResult(ok=True, external_id=key) if not refusals else None)
            pending = [i for i in pending if results[i] is None]
        return [result or WriteResult(ok=False, error="not sent") for result in results]
