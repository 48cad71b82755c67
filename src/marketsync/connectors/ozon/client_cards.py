"""The Ozon endpoints the catalog hub publishes through, one method per endpoint (ozon/swagger.json):

- `/v3/product/import`: creates or updates ≤ 100 products (the whole product each time), asynchronously: the
  answer is a `task_id`; a daily quota (`item_limit_exceeded` past it, read with /v4/product/info/limit);
- `/v1/product/import/info`: the task's items, `pending` until processed, then `imported`, `failed` or `skipped`;
- `/v1/product/import/prices`: ≤ 1000 prices (`maxItems`), each product's price at most 10 times an hour; per-item
  refusals inside the 200.

Only the global 50 requests/s per Client-Id is stated for these methods; the connector's HttpClient keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import OutcomeUnknownError
from marketsync.connectors.ozon.client import OzonClient, classify
from marketsync.connectors.ozon.schemas_cards import ImportAnswer, ImportInfo, PricesAnswer

PRODUCT_IMPORT = "/v3/product/import"
IMPORT_INFO = "/v1/product/import/info"
IMPORT_PRICES = "/v1/product/import/prices"
IMPORT_MAX = 100  # /v3/product/import: "В одном запросе можно передать до 100 товаров"
PRICES_MAX = 1000  # /v1/product/import/prices: prices maxItems 1000
ModelT = TypeVar("ModelT", bound=BaseModel)


class OzonCardsClient:
    """The card and price writes of one Ozon seller, over the connector's OzonClient (same pool, budgets, log)."""

    def __init__(self, client: OzonClient) -> None:
        self.client = client

    def _write(self, path: str, body: dict[str, Any], model: type[ModelT]) -> ModelT:
        response = self.client.http.request("POST", path, json=body, idempotent=False, classify=classify)
        try:
            return model.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            # The request went through and may have been applied: the caller must re-read, not resend.
            raise OutcomeUnknownError(f"Ozon {path}: the answer could not be read, the write may or may not "
                                      "have been applied") from exc

    def product_import(self, items: Sequence[dict[str, Any]]) -> ImportAnswer:
        """POST /v3/product/import (≤ 100 products a request, a daily quota; 50 requests/s per Client-Id):
        create or update the products, keyed by offer_id; the answer is the task to poll."""
        if not 0 < len(items) <= IMPORT_MAX:
            raise ValueError(f"a product import takes 1..{IMPORT_MAX} products, got {len(items)}")
        return self._write(PRODUCT_IMPORT, {"items": list(items)}, ImportAnswer)

    def import_info(self, task_id: int) -> ImportInfo:
        """POST /v1/product/import/info (50 requests/s per Client-Id): the status of each product of a task."""
        return self.client.read(IMPORT_INFO, {"task_id": task_id}, ImportInfo)

    def import_prices(self, prices: Sequence[dict[str, Any]]) -> PricesAnswer:
        """POST /v1/product/import/prices (≤ 1000 prices a request; each product's price at most 10 times an
        hour): set prices; per-item refusals come back inside the 200 as `result[].errors`."""
        if not 0 < len(prices) <= PRICES_MAX:
            raise ValueError(f"a price update takes 1..{PRICES_MAX} prices, got {len(prices)}")
        return self._write(IMPORT_PRICES, {"prices": list(prices)}, PricesAnswer)
