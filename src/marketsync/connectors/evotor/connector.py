"""Evotor as a CatalogSource: stores, groups and products of a cloud account."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from marketsync.connectors.errors import ConfigError, ConnectorError, described
from marketsync.connectors.evotor.client import SYSTEM, V2_JSON, EvotorClient
from marketsync.connectors.evotor.mapping import group_from_wire, product_from_wire, store_from_wire
from marketsync.connectors.records import CheckResult, SourceGroup, SourceProduct, SourceStore
from marketsync.http import HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings


class EvotorCredentials(BaseModel):
    """The Evotor cloud token of one user."""

    token: str = Field(min_length=8, max_length=512)


class EvotorConnector:
    """Reads an Evotor cloud account's catalog."""

    system = SYSTEM

    def __init__(self, credentials: EvotorCredentials, *, connection_key: str, recorder: Recorder | None = None,
                 base_url: str | None = None, max_attempts: int | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings()
        self.client = EvotorClient(HttpClient(HttpConfig(
            system=SYSTEM,
            base_url=base_url or settings.EVOTOR_API_URL,
            credential=credentials.token,
            rate_per_second=settings.EVOTOR_REQUESTS_PER_SECOND,
            breaker_key=f"{SYSTEM}:{connection_key}",
            # The current docs say Bearer; the official SDK (and the v1 spec) send X-Authorization: send both.
            headers={"Accept": V2_JSON, "Authorization": f"Bearer {credentials.token}",
                     "X-Authorization": credentials.token},
            recorder=recorder,
            max_attempts=max_attempts,
            timeout=timeout,
        )))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.client.http.close()

    def check(self) -> CheckResult:
        """Read the store list: the cheapest call that proves the token works."""
        try:
            stores = self.list_stores()
        except ConfigError as exc:
            return CheckResult(ok=False, message=exc.message, key=exc.key, params=dict(exc.params))
        except ConnectorError as exc:
            return CheckResult(ok=False, message=f"Evotor is not reachable: {exc.message}", key="unreachable",
                               params={"system": SYSTEM, "cause": described(exc)})
        return CheckResult(ok=True, message=f"Evotor: {len(stores)} store(s)", details={"stores": str(len(stores))},
                           key="stores_found", params={"count": len(stores)})

    def list_stores(self) -> list[SourceStore]:
        """Return every store of the account."""
        return [store_from_wire(w) for page in self.client.get_stores() for w in page.items]

    def list_groups(self, store_id: str) -> list[SourceGroup]:
        """Return the product groups of a store."""
        return [group_from_wire(w, store_id) for page in self.client.get_product_groups(store_id)
                for w in page.items]

    def iter_products(self, store_id: str) -> Iterator[list[SourceProduct]]:
        """Yield a store's products page by page."""
        for page in self.client.get_products(store_id):
            yield [product_from_wire(w, store_id) for w in page.items]
