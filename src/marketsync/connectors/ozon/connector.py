"""Ozon as a StockChannel (the seller's offers, FBS stock at the connection's warehouse, FBO stock, updates), as
an EventFeed (postings, buyouts, returns, reviews, stock per offer, cards: events.py), as a CategoryDictionary
(dictionary.py) and as a CardChannel (product import, its task, prices: cards.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TypeVar

from pydantic import BaseModel, Field, field_validator

from marketsync.connectors.errors import ConfigError, ConnectorError, RejectedError
from marketsync.connectors.ozon.cards import OzonCards
from marketsync.connectors.ozon.client import (
    ANALYTICS_STOCKS_SKUS,
    FBS_STOCKS_SKUS,
    INFO_LIST_MAX,
    PAIR_UPDATE_INTERVAL_SECONDS,
    PRODUCTS_STOCKS,
    REQUESTS_PER_SECOND,
    STOCKS_UPDATE_MAX,
    STOCKS_UPDATES_PER_MINUTE,
    SYSTEM,
    OzonClient,
)
from marketsync.connectors.ozon.dictionary import OzonDictionary
from marketsync.connectors.ozon.events import OzonEventFeed
from marketsync.connectors.ozon.mapping import (
    fbo_level_from_wire,
    fbs_level_from_wire,
    offer_from_wire,
    stock_to_wire,
    write_results_from_wire,
)
from marketsync.connectors.ozon.schemas import ProductInfo
from marketsync.connectors.records import CheckResult, MarketOffer, StockLevel, StockUpdate, WriteResult
from marketsync.http import Budget, HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings

ACTIVE_WAREHOUSE = "created"  # /v1/warehouse/list status of a working warehouse ("Активный")
T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of at most `size` items (itertools.batched arrives only in Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class OzonCredentials(BaseModel):
    """A seller's Client-Id, an Api-Key, and the FBS warehouse whose stock we keep (ids are digits)."""

    client_id: str
    api_key: str = Field(min_length=8, max_length=512)
    warehouse_id: str

    @field_validator("client_id", "warehouse_id")
    @classmethod
    def _positive_number(cls, value: str) -> str:
        value = value.strip()
        if not value.isascii() or not value.isdigit() or int(value) <= 0 or len(value) > 20:
            raise ValueError("must be Ozon's positive numeric id")
        return value

    @field_validator("api_key", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


class OzonConnector(OzonEventFeed, OzonDictionary, OzonCards):
    """The FBS stock of one Ozon seller at one warehouse, what its buyers did, Ozon's category dictionary, and the
    catalog hub's cards and prices (cards.py)."""

    system = SYSTEM
    batch_size = STOCKS_UPDATE_MAX

    def __init__(self, credentials: OzonCredentials, *, connection_key: str, recorder: Recorder | None = None,
                 base_url: str | None = None, max_attempts: int | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings()
        self.client_id = credentials.client_id
        self.warehouse_id = credentials.warehouse_id
        # PAIR_UPDATE_INTERVAL_SECONDS unless a test moved the sandbox's clock instead of waiting.
        self.update_interval_seconds = min(float(PAIR_UPDATE_INTERVAL_SECONDS),
                                           settings.OZON_STOCK_UPDATE_INTERVAL_SECONDS)
        self.client = OzonClient(HttpClient(HttpConfig(
            system=SYSTEM,
            base_url=base_url or settings.OZON_API_URL,
            # Ozon counts requests per Client-Id (50/s over every method), so that is what the shared buckets
            # are keyed by. The Api-Key travels only in a header, which the api_calls log never records.
            credential=self.client_id,
            rate_per_second=REQUESTS_PER_SECOND,
            method_budgets={PRODUCTS_STOCKS: Budget(per_minute=STOCKS_UPDATES_PER_MINUTE)},
            breaker_key=f"{SYSTEM}:{connection_key}",
            headers={"Client-Id": self.client_id, "Api-Key": credentials.api_key},
            recorder=recorder,
            max_attempts=max_attempts,
            timeout=timeout,
        )))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.client.http.close()

    def check(self) -> CheckResult:
        """Check the key against /v1/warehouse/list and that our warehouse is among the seller's, working."""
        try:
            warehouses = self.client.warehouse_list().result
        except ConfigError as exc:
            return CheckResult(ok=False, message=exc.message, key=exc.key, params=dict(exc.params))
        except ConnectorError as exc:
            refused = isinstance(exc, RejectedError)
            return CheckResult(ok=False, message=f"Ozon {'refused the check' if refused else 'is not reachable'}: "
                                                 f"{exc.message}", key="unreachable",
                               params={"system": SYSTEM, "cause": {"key": exc.key, "params": dict(exc.params)}})
        ours = next((w for w in warehouses if str(w.warehouse_id) == self.warehouse_id), None)
        said: dict[str, str | int] = {"system": SYSTEM, "warehouse": self.warehouse_id}
        if ours is None:
            known = ", ".join(f"{w.warehouse_id} «{w.name}»" for w in warehouses) or "none"
            return CheckResult(ok=False, message=f"Ozon warehouse {self.warehouse_id} is not among the seller's "
                                                 f"FBS warehouses (Client-Id {self.client_id}: {known})",
                               key="warehouse_not_found", params={**said, "known": known})
        if ours.status and ours.status != ACTIVE_WAREHOUSE:
            return CheckResult(ok=False, message=f"Ozon warehouse {self.warehouse_id} «{ours.name}» is not active "
                                                 f"(status {ours.status}): Ozon refuses stock for it",
                               key="warehouse_inactive", params={**said, "name": ours.name, "status": ours.status})
        return CheckResult(ok=True, message=f"Ozon: warehouse «{ours.name}» ({ours.warehouse_id}), "
                                            f"{len(warehouses)} warehouse(s) in all",
                           details={"warehouse_name": ours.name}, key="warehouse_found",
                           params={**said, "name": ours.name})

    def _infos(self, *, product_ids: Sequence[int] = (), offer_ids: Sequence[str] = ()) -> list[ProductInfo]:
        return self.client.product_info_list(product_ids=product_ids, offer_ids=offer_ids).items

    def iter_offers(self) -> Iterator[list[MarketOffer]]:
        """Yield every offer, archived ones included, a /v3/product/list page (≤ 1000) at a time."""
        for page in self.client.iter_product_pages():
            items = page.result.items
            if not items:
                continue
            infos = {info.id: info for info in self._infos(product_ids=[i.product_id for i in items])}
            yield [offer_from_wire(item, infos.get(item.product_id)) for item in items]

    def _fbs_levels(self, skus: dict[int, str], *, ours_only: bool) -> list[StockLevel]:
        levels = []
        for chunk in batched(skus, FBS_STOCKS_SKUS):
            for row in self.client.stocks_by_warehouse_fbs(chunk).result:
                if row.sku in skus and (not ours_only or str(row.warehouse_id) == self.warehouse_id):
                    levels.append(fbs_level_from_wire(row, skus[row.sku]))
        return levels

    def _fbo_levels(self, skus: dict[int, str]) -> list[StockLevel]:
        levels = []
        for chunk in batched(skus, ANALYTICS_STOCKS_SKUS):
            for row in self.client.analytics_stocks(chunk).items:
                if row.sku in skus:
                    levels.append(fbo_level_from_wire(row, skus[row.sku]))
        return levels

    def read_stocks(self, stock_keys: Sequence[str]) -> list[StockLevel]:
        """Return FBS stock at our warehouse for these offer ids: their SKUs from /v3/product/info/list, then
        /v1/product/info/stocks-by-warehouse/fbs; an offer without a stock record there is absent."""
        levels: list[StockLevel] = []
        for chunk in batched(dict.fromkeys(stock_keys), INFO_LIST_MAX):
            skus = {info.sku: info.offer_id for info in self._infos(offer_ids=chunk) if info.sku}
            levels += self._fbs_levels(skus, ours_only=True)
        return levels

    def iter_stocks(self) -> Iterator[list[StockLevel]]:
        """Yield FBS stock at every seller warehouse and FBO stock at Ozon's, a product page at a time."""
        for offers in self.iter_offers():
            skus = {int(o.sku): o.offer_id for o in offers if o.sku}
            if skus:
                yield self._fbs_levels(skus, ours_only=False) + self._fbo_levels(skus)

    def update_stocks(self, updates: Sequence[StockUpdate]) -> list[WriteResult]:
        """Set FBS stock at our warehouse for ≤ 100 offers in one /v2/products/stocks request, one result per
        update in order (Ozon's per-pair refusals, e.g. TOO_MANY_REQUESTS within 30 s, as failures)."""
        if len(updates) > STOCKS_UPDATE_MAX:
            raise ValueError(f"a stock update takes at most {STOCKS_UPDATE_MAX} offers, got {len(updates)}")
        # Ozon refuses a whole request over one negative stock (a validation error, not a per-pair one), so
        # such an update fails here alone and the others still go.
        results: list[WriteResult | None] = [
            WriteResult(ok=False, error=f"stock {u.amount} of offer {u.stock_key} is negative") if u.amount < 0
            else None for u in updates]
        valid = [u for u, r in zip(updates, results, strict=True) if r is None]
        if valid:
            warehouse = int(self.warehouse_id)
            answer = self.client.products_stocks([stock_to_wire(u, warehouse) for u in valid])
            sent = iter(write_results_from_wire(valid, answer.result))
            results = [r if r is not None else next(sent) for r in results]
        return [r for r in results if r is not None]
