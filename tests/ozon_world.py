"""A small Ozon seller in the sandbox for tests: two FBS warehouses (ours first), a disabled third one, and
offers with stock; plus the connector over it."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Any

from marketsync.connectors import connect
from marketsync.sandbox.ozon.seed import OfferSeed, seed_ozon
from marketsync.sandbox.ozon.state import FBO_WAREHOUSES

OURS, SECOND, DISABLED = 22142605386000, 23018754471000, 24000111222000
FBO_MOSCOW, FBO_SPB = FBO_WAREHOUSES[0][0], FBO_WAREHOUSES[1][0]
# A fresh Client-Id per seller: our request budgets are shared per Client-Id for the whole test session.
_client_ids = count(310001)


@dataclass
class OzonWorld:
    """What was seeded: the seller's credentials and its offers."""

    client_id: str
    api_key: str
    warehouse_id: str
    offers: list[OfferSeed]

    def credentials(self, **override: str) -> dict[str, str]:
        """Return the connection credentials (a field may be overridden)."""
        return {"client_id": self.client_id, "api_key": self.api_key, "warehouse_id": self.warehouse_id,
                **override}


def seed_seller(state: Any, *, offers: int = 6, client_id: int | None = None, api_key: str = "ozon-key-0001-abcd",
                extra: list[OfferSeed] | None = None) -> OzonWorld:
    """Seed a seller whose offers `A-1`…`A-n` have barcodes and stock at our warehouse (n units present, 1
    reserved for even n), odd ones also at the second warehouse, every third one FBO stock in Moscow."""
    seeds = [OfferSeed(f"A-{n}", f"Товар {n}", (f"46000000{n:05d}",),
                       fbs={OURS: (n, 1 if n % 2 == 0 else 0), **({SECOND: 100 + n} if n % 2 else {})},
                       fbo={FBO_MOSCOW: 10 * n} if n % 3 == 0 else {})
             for n in range(1, offers + 1)]
    seeds += extra or []
    creds = seed_ozon(state.ozon, client_id=client_id or next(_client_ids), api_key=api_key,
                      warehouses=[(OURS, "Склад на Ленина"), (SECOND, "Склад в Питере"),
                                  (DISABLED, "Старый склад", "disabled")], offers=seeds)
    return OzonWorld(creds["client_id"], api_key, creds["warehouse_id"], seeds)


def ozon_connector(world: OzonWorld, **override: str) -> Any:
    """Open the Ozon connector of `world` against the sandbox (OZON_API_URL from the env fixture)."""
    return connect("ozon", world.credentials(**override), connection_key=f"test-{world.client_id}")
