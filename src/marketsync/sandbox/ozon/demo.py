"""The demo seller on Ozon, derived deterministically from the demo Evotor catalog: most offers carry our
product key (article, else code) as offer_id, some another article and one of our barcodes (matched by
barcode only), some are foreign (no product of ours); a few archived, one still on moderation; FBS stock at
our warehouse and a second one, a disabled third warehouse, FBO stock at Ozon's warehouses. Buyers left a week of
postings, cancellations, buyouts, returns and reviews (demo_events.py)."""

from __future__ import annotations

import random
import string
import uuid
from typing import TYPE_CHECKING, Any

from marketsync.sandbox.ozon.demo_events import seed_history
from marketsync.sandbox.ozon.seed import OfferSeed, seed_ozon
from marketsync.sandbox.ozon.state import FBO_WAREHOUSES

if TYPE_CHECKING:
    from marketsync.sandbox.evotor.state import EvotorProduct
    from marketsync.sandbox.state import SandboxState

BY_KEY, BY_BARCODE = 0.78, 0.88  # cumulative shares of our products: same offer_id, barcode only, absent
FOREIGN = ("Чехол для телефона", "Термокружка", "Набор отвёрток", "Коврик для йоги", "Power bank 10000 мА·ч",
           "Настольная лампа", "Рюкзак городской", "Беспроводная мышь")


def _catalog(state: SandboxState, evotor_token: str) -> dict[str, tuple[EvotorProduct, list[str]]]:
    """Return our products by key (article, else code; the same key in several stores is one product)."""
    keyed: dict[str, tuple[EvotorProduct, list[str]]] = {}
    for store in state.evotor.stores(evotor_token):
        for product in state.evotor.products(evotor_token, store.id, require_paid=False):
            key = product.article_number or product.code
            if not key:
                continue
            _first, barcodes = keyed.setdefault(key, (product, []))
            barcodes.extend(b for b in product.barcodes if b not in barcodes)
    return keyed


def _ean13(rng: random.Random) -> str:
    digits = "200" + "".join(rng.choice(string.digits) for _ in range(9))  # in-store range: never one of ours
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _stocks(rng: random.Random, ours: int, second: int) -> tuple[dict[int, Any], dict[int, int]]:
    fbs: dict[int, Any] = {}
    if rng.random() < 0.7:
        present = rng.randrange(0, 41)
        fbs[ours] = (present, min(present, rng.choice((0, 0, 0, 1, 2))))
    if rng.random() < 0.2:
        fbs[second] = rng.randrange(0, 16)
    fbo = {w[0]: rng.randrange(1, 61) for w in FBO_WAREHOUSES if rng.random() < 0.15}
    return fbs, fbo


def seed_ozon_demo(state: SandboxState, evotor_token: str, seed: int = 42) -> dict[str, Any]:
    """Seed the demo Ozon seller from the Evotor catalog of `evotor_token`; return its credentials."""
    rng = random.Random(f"ozon-{seed}")
    client_id = rng.randrange(100_000, 3_999_999)
    api_key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    ours, second = 22142605386000 + rng.randrange(1000), 23018754471000 + rng.randrange(1000)
    warehouses: list[tuple[int, str] | tuple[int, str, str]] = [
        (ours, "Склад на Ленина"), (second, "Склад в Санкт-Петербурге"),
                  (24000111222000, "Старый склад", "disabled")]
    offers: list[OfferSeed] = []
    for number, (key, (product, barcodes)) in enumerate(sorted(_catalog(state, evotor_token).items())):
        roll = rng.random()
        if roll >= BY_BARCODE or (roll >= BY_KEY and not barcodes):
            continue  # not sold on Ozon
        offer_id = key if roll < BY_KEY else f"OZ-{key}-{number}"
        fbs, fbo = _stocks(rng, ours, second)
        offers.append(OfferSeed(offer_id, product.name, tuple(barcodes if roll < BY_KEY else barcodes[:1]),
                                archived=rng.random() < 0.03, price_sent=len(offers) != 5, price=product.price,
                                fbs=fbs, fbo=fbo, photos=(0, 1, 1, 3)[number % 4]))
    for index in range(max(3, len(offers) // 20)):
        fbs, fbo = _stocks(rng, ours, second)
        offers.append(OfferSeed(f"OZ-F{index + 1:04d}", f"{rng.choice(FOREIGN)} {index + 1}", (_ean13(rng),),
                                fbs=fbs, fbo=fbo))
    credentials = seed_ozon(state.ozon, client_id=client_id, api_key=api_key, warehouses=warehouses,
                            offers=offers)
    seed_history(state.ozon, client_id, random.Random(f"ozon-events-{seed}"))
    return {"ozon_client_id": credentials["client_id"], "ozon_api_key": api_key,
            "ozon_warehouse_id": credentials["warehouse_id"]}
