"""The demo seller on Wildberries, derived deterministically from the demo Evotor catalog's first store.

Most cards carry our product codes as vendorCode (matched by key); some carry other vendor codes and our
products' barcodes (matched only by barcode), among them a card with three sizes whose barcodes are three of
our products'; some are foreign (nothing of ours); one matching card is in the trash (never listed); one is
large-size (КГТ+) and stocked at the seller's second, КГТ+ warehouse. FBS stock follows the Evotor quantity
for most sizes; WB's own warehouses (FBO) hold some. Buyers left a week of orders, buyouts, returns and reviews
(demo_events.py), and `demo_tick` keeps them coming.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from marketsync.sandbox.wildberries.demo_events import seed_history
from marketsync.sandbox.wildberries.seed import seed_wildberries

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

BY_KEY, BY_BARCODE, FOREIGN = 40, 6, 4
FBO_WAREHOUSES = ("Коледино", "Электросталь", "Казань")
START = datetime(2024, 9, 3, 9, 0, tzinfo=UTC)


def seed_wildberries_demo(state: SandboxState, evotor_token: str, seed: int = 42) -> dict[str, Any]:
    """Seed the demo WB seller from the Evotor catalog; return {wb_token, wb_warehouse_id}."""
    rng = random.Random(f"wildberries-{seed}")
    token = "eyJhbGciOiJFUzI1NiIsImtpZCI6IjIwMjQwOTAy." + "".join(rng.choice("abcdefghijk0123456789")
                                                                   for _ in range(64))
    stores = state.evotor.stores(evotor_token)
    products = [p for p in state.evotor.products(evotor_token, stores[0].id, require_paid=False)
                if p.type != "SERVICE"] if stores else []
    coded = [p for p in products if p.code]
    by_key, rest = coded[:BY_KEY], [p for p in products if p not in coded[:BY_KEY] and p.barcodes]
    offers: list[dict[str, Any]] = []
    for product in by_key:
        offer: dict[str, Any] = {"vendor_code": product.code, "title": product.name[:60],
                                 "barcodes": list(product.barcodes), "photos": rng.choice((0, 1, 3))}
        if rng.random() < 0.85:
            offer["fbs"] = {0: int(product.quantity)}
        if rng.random() < 0.4:
            offer["fbo"] = [{"warehouse": rng.choice(FBO_WAREHOUSES), "quantity": rng.randrange(0, 60),
                             "in_way": rng.randrange(0, 3)}]
        offers.append(offer)
    for number, product in enumerate(rest[:BY_BARCODE]):
        offers.append({"vendor_code": f"WB-{1000 + number}", "title": product.name[:60],
                       "barcodes": list(product.barcodes), "fbs": {0: int(product.quantity)}})
    sized = rest[BY_BARCODE:BY_BARCODE + 3]
    if len(sized) == 3:
        offers.append({"vendor_code": "WB-NABOR-3", "title": "Набор в трёх размерах", "fbs": {0: 5},
                       "sizes": [{"tech_size": size, "barcodes": list(p.barcodes)}
                                 for size, p in zip(("S", "M", "L"), sized, strict=True)]})
    for number in range(FOREIGN):
        offers.append({"vendor_code": f"F-{500 + number}", "title": f"Чужой товар {number + 1}",
                       "barcodes": [f"20{rng.randrange(10**10, 10**11)}"], "fbs": {0: rng.randrange(1, 30)}})
    if coded[BY_KEY:]:
        offers.append({"vendor_code": coded[BY_KEY].code, "title": coded[BY_KEY].name[:60], "trashed": True})
    offers.append({"vendor_code": "WB-KGT-1", "title": "Шкаф садовый", "cargo_type": 3, "fbs": {1: 2}})
    seeded = seed_wildberries(state.wildberries, token, offers=offers, start=START, seller_id="demo-seller",
                              warehouses=({"name": "Склад на Ленина", "warehouse_id": 1_234_567},
                                          {"name": "Склад КГТ+ Подольск", "warehouse_id": 1_234_568,
                                           "cargo_type": 3}))
    state.wildberries.seller(token).name = "ИП Демо-продавец"
    seed_history(state.wildberries, token, random.Random(f"wildberries-events-{seed}"))
    return {"wb_token": token, "wb_warehouse_id": seeded["warehouse_ids"][0]}
