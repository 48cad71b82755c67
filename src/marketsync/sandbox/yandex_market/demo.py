"""The demo seller's Yandex Market business, derived deterministically from the demo Evotor catalog.

The offers mirror the first store's products that have a code (the key sellers match by): most carry the
code as offerId, some a different offerId but the product's barcode (matched by barcode only), a few are
archived, and some are foreign (nothing of ours). The FBS shop holds stock at the seller's warehouse; an
FBY shop holds some at two Market warehouses.
"""

from __future__ import annotations

import random
import string
from typing import TYPE_CHECKING, Any

from marketsync.sandbox.yandex_market.seed import seed_yandex_market

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

MAX_OFFERS = 400
FOREIGN = 12
FBY_WAREHOUSES = {145: "Маркет Софьино", 171: "Маркет Томилино"}


def seed_yandex_market_demo(state: SandboxState, evotor_token: str, seed: int) -> dict[str, Any]:
    """Create the demo key, business, shops and offers; return the connection's credentials."""
    rng = random.Random(f"{seed}-yandex-market")  # its own stream: the other emulators' data stay as they were
    stores = state.evotor.stores(evotor_token)
    products = state.evotor.products(evotor_token, stores[0].id, require_paid=False) if stores else []
    coded = sorted((p for p in products if p.code), key=lambda p: int(p.code or 0))[:MAX_OFFERS]
    offers: list[dict[str, Any]] = []
    for index, product in enumerate(coded):
        roll = rng.random()
        by_barcode = roll < 0.1 and bool(product.barcodes)
        offer: dict[str, Any] = {
            "offer_id": f"YM-{product.code}" if by_barcode else str(product.code),
            "name": product.name,
            "barcodes": list(product.barcodes),
            "market_sku": 100_000_000_000 + index,
            "archived": index % 25 == 7,  # a few, whatever the catalog size
            "stock": rng.randrange(0, 40) if rng.random() < 0.85 else None,
            "reserved": rng.randrange(0, 3) if rng.random() < 0.2 else 0,
        }
        if rng.random() < 0.3:
            offer["fbo"] = {warehouse: rng.randrange(1, 120) for warehouse in FBY_WAREHOUSES if rng.random() < 0.7}
        offers.append(offer)
    for number in range(1, FOREIGN + 1):
        offers.append({"offer_id": f"FOREIGN-{number:03d}", "name": f"Товар другого поставщика №{number}",
                       "barcodes": [_ean13(rng)], "market_sku": 200_000_000_000 + number,
                       "stock": rng.randrange(0, 20)})
    token = "ACMA:" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
    return seed_yandex_market(
        state.yandex_market, token, offers=offers, business_id=rng.randrange(10_000_000, 99_999_999),
        campaign_id=rng.randrange(100_000_000, 199_999_999), warehouse_id=rng.randrange(1_000_000, 9_999_999),
        warehouse_name=stores[0].name if stores else "Склад продавца", domain="magazin-na-lenina",
        fby_campaign_id=rng.randrange(200_000_000, 299_999_999), fby_warehouses=FBY_WAREHOUSES,
        business_name="ИП Демо",
    )


def _ean13(rng: random.Random) -> str:
    digits = "469" + "".join(rng.choice(string.digits) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)
