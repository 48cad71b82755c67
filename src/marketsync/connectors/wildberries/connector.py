"""Wildberries as a StockChannel: cards (one offer per size), FBS stock at the seller's warehouse, FBO stock.

Hosts and budgets (per seller account, as each operation's description in 02-products.yaml / 12-reports.yaml
documents them; a token bucket there, our budgets never exceed its steady rate):
- content: 100 requests/min, interval 600 ms, burst 5 → 2/s and 100/min;
- marketplace: seller-warehouse methods 300/min, 200 ms, burst 20 → 5/s; seller-stock methods the same, as
  their own budget, where one 409 counts as 10 requests;
- statistics (/api/v1/supplier/stocks): 1 request/min, burst 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from marketsync.connectors.errors import ConfigError, ConnectorError
from marketsync.connectors.records import CheckResult, MarketOffer, StockLevel, StockUpdate, WriteResult
from marketsync.connectors.wildberries.client import STOCKS_BUDGET, STOCKS_MAX, SYSTEM, WildberriesClient
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
from marketsync.http import Budget, HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings

# "For the full stock give the earliest possible dateFrom, e.g. 2019-06-20" (12-reports.yaml).
FBO_SINCE = datetime(2019, 6, 20, tzinfo=UTC)
NO_WAREHOUSE = ("Wildberries: no seller warehouse is set for this connection; FBS stock is kept per warehouse, "
                "so reconnect with --warehouse-id")


class WildberriesCredentials(BaseModel):
    """A WB API token (categories Content, Marketplace and Statistics for stocks) and, for FBS stock, the
    seller warehouse whose stock we keep; without one only reads that need no warehouse work."""

    token: str = Field(min_length=8, max_length=4096)
    warehouse_id: int | None = Field(default=None, gt=0)


def burst_window(burst: int, interval_ms: int) -> tuple[int, int]:
    """Return the sliding window that keeps within a WB token bucket (`burst` at once, one more per interval),
    5 % wider for the network's jitter: requests sent `interval` apart may arrive a little closer."""
    return burst, math.ceil(burst * interval_ms * 1.05)


class WildberriesConnector:
    """Keeps one WB seller's FBS stock at one warehouse equal to ours, and reads what WB reports."""

    system = SYSTEM
    batch_size = STOCKS_MAX
    update_interval_seconds = 0.0

    def __init__(self, credentials: WildberriesCredentials, *, connection_key: str,
                 recorder: Recorder | None = None, max_attempts: int | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings()
        self.warehouse_id = credentials.warehouse_id

        def host(base_url: str, per_minute: int, window: tuple[int, int] | None,
                 budgets: dict[str, Budget] | None = None) -> HttpClient:
            return HttpClient(HttpConfig(
                system=SYSTEM, base_url=base_url, credential=credentials.token, rate_per_second=None,
                rate_per_minute=per_minute, rate_window=window, method_budgets=budgets or {},
                breaker_key=f"{SYSTEM}:{connection_key}", headers={"Authorization": credentials.token},
                recorder=recorder, max_attempts=max_attempts, timeout=timeout,
            ))

        statistics = settings.WB_STATISTICS_REQUESTS_PER_MINUTE
        self.client = WildberriesClient(
            content=host(settings.WB_CONTENT_API_URL, 100, burst_window(5, 600)),
            marketplace=host(settings.WB_MARKETPLACE_API_URL, 300, burst_window(20, 200),
                             {STOCKS_BUDGET: Budget(per_minute=300, window=burst_window(20, 200))}),
            statistics=host(settings.WB_STATISTICS_API_URL, statistics, None),
        )

    def close(self) -> None:
        """Release the HTTP pools."""
        self.client.close()

    def check(self) -> CheckResult:
        """List the seller's warehouses (marketplace host); the connection's warehouse must be among them."""
        try:
            warehouses = self.client.warehouses()
        except ConfigError as exc:
            return CheckResult(ok=False, message=exc.message)
        except ConnectorError as exc:
            return CheckResult(ok=False, message=f"Wildberries is not reachable: {exc.message}")
        if self.warehouse_id is None:
            return CheckResult(ok=True, message=f"Wildberries: token accepted, {len(warehouses)} seller warehouse(s)",
                               details={"warehouses": str(len(warehouses))})
        found = next((w for w in warehouses if w.id == self.warehouse_id), None)
        if found is None:
            known = ", ".join(f"{w.id} «{w.name}»" for w in warehouses) or "none"
            return CheckResult(ok=False, message=f"Wildberries: warehouse {self.warehouse_id} is not among the "
                                                 f"seller's warehouses ({known})")
        return CheckResult(ok=True, message=f"Wildberries: warehouse {found.id} «{found.name}»",
                           details={"warehouse_name": found.name})

    def _warehouse(self) -> int:
        if self.warehouse_id is None:
            raise ConfigError(NO_WAREHOUSE)
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
