"""Evotor cloud REST API v2 client: one method per endpoint, cursor paging, Evotor's error codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import (
    ConfigError,
    ConnectorError,
    MalformedResponseError,
    Param,
    PaymentRequired,
    RejectedError,
)
from marketsync.connectors.evotor.schemas import ErrorBody, GroupList, ProductList, StoreList
from marketsync.http import HttpClient, parse_json

SYSTEM = "evotor"
V2_JSON = "application/vnd.evotor.v2+json"
PageT = TypeVar("PageT", bound=BaseModel)


def classify(response: httpx.Response) -> None:
    """Map Evotor's HTTP errors (responses.yaml: 401 1001-1003, 402 1004, 400/404/405/409) to our tree."""
    status = response.status_code
    if status < 400:
        return
    try:
        errors = ErrorBody.model_validate(response.json()).errors
    except (ValueError, ValidationError):
        errors = []
    first = errors[0] if errors else None
    code = first.code if first else None
    reason = (first.reason if first else None) or response.reason_phrase
    params: dict[str, Param] = {"system": SYSTEM, "status": status, "code": code, "detail": reason}
    if status == 401 or status == 403:
        raise ConfigError(f"Evotor rejected the token (HTTP {status}, code {code}): {reason}", code=code,
                          key="token_rejected", params=params)
    if status == 402:
        raise PaymentRequired(f"Evotor: the store's subscription is not paid (code {code})", code=code,
                              key="not_paid", params=params)
    if status in (400, 404, 405, 409):
        raise RejectedError(f"Evotor refused the request (HTTP {status}, code {code}): {reason}", code=code,
                            key="refused", params=params)
    raise ConnectorError(f"Evotor answered HTTP {status}", code=status, key="http_status", params=params)


class EvotorClient:
    """Talks to api.evotor.ru (or the sandbox) with one cloud token."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def _pages(self, path: str, model: type[PageT]) -> Iterator[PageT]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            params: dict[str, Any] = {"cursor": cursor} if cursor else {}
            response = self.http.request("GET", path, params=params, idempotent=True, classify=classify)
            try:
                page = model.model_validate(parse_json(response, SYSTEM))
            except ValidationError as exc:
                raise MalformedResponseError(f"Evotor: unexpected answer for {path}: {exc.errors()[0]}",
                                             key="malformed", params={"system": SYSTEM, "detail": path}) from exc
            yield page
            cursor = page.paging.next_cursor  # type: ignore[attr-defined]
            if not cursor or cursor in seen:  # a repeated cursor would loop forever
                return
            seen.add(cursor)

    def get_stores(self) -> Iterator[StoreList]:
        """GET /stores: the user's stores, cursor-paged."""
        return self._pages("/stores", StoreList)

    def get_product_groups(self, store_id: str) -> Iterator[GroupList]:
        """GET /stores/{store-id}/product-groups: groups of a store, cursor-paged."""
        return self._pages(f"/stores/{store_id}/product-groups", GroupList)

    def get_products(self, store_id: str) -> Iterator[ProductList]:
        """GET /stores/{store-id}/products: products of a store, cursor-paged."""
        return self._pages(f"/stores/{store_id}/products", ProductList)
