"""The emulated Ozon's data per seller (Client-Id): API keys, FBS warehouses, products, FBS and FBO stock,
when each offer-warehouse pair was last updated, buyers' postings, returns and reviews (postings.py), product
imports and price changes (cards.py), and the
limits Ozon enforces, on a clock tests can advance (`now` for the windows, `utcnow` for the events' stamps)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from marketsync.sandbox.ozon.cards import PROCESSING_SECONDS, SellerCards
from marketsync.sandbox.ozon.errors import (
    DEACTIVATED_KEY,
    OFFER_NOT_SIGNED,
    bad_client_id,
    forbidden,
    invalid_key,
    missing_headers,
    rate_limited,
)
from marketsync.sandbox.ozon.postings import SellerEvents
from marketsync.sandbox.ratelimit import FixedWindowLimiter

# Ozon's own (FBO) warehouses: (warehouse_id, name, cluster_id, cluster_name), shared by every seller.
FBO_WAREHOUSES = (
    (15431806189000, "ХОРУГВИНО_РФЦ", 4, "Москва, МО и Дальние регионы"),
    (1020000089903000, "САНКТ_ПЕТЕРБУРГ_РФЦ", 2, "Санкт-Петербург и СЗО"),
    (1020000074419000, "КАЗАНЬ_РФЦ_НОВЫЙ", 7, "Казань"),
)
BASE_TIME = datetime(2024, 9, 2, 6, 30, tzinfo=UTC)


@dataclass
class OzonWarehouse:
    """A seller's FBS (or rFBS) warehouse; Ozon refuses stock for one whose status is not `created`."""

    warehouse_id: int
    name: str
    status: str = "created"
    is_rfbs: bool = False


@dataclass
class OzonProduct:
    """A product card of a seller; `sku` 0 until Ozon created it, `price_sent` False while it is moderated."""

    product_id: int
    offer_id: str
    sku: int
    name: str
    barcodes: list[str] = field(default_factory=list)
    archived: bool = False
    price_sent: bool = True
    price: Decimal = Decimal("0")
    created_at: datetime = BASE_TIME
    updated_at: datetime = BASE_TIME
    images: list[str] = field(default_factory=list)  # the first is the main one (`primary_image` left empty)


@dataclass
class OzonSeller:
    """One seller account: its products by id, FBS stock by (product, warehouse), FBO stock likewise."""

    client_id: int
    warehouses: dict[int, OzonWarehouse] = field(default_factory=dict)
    products: dict[int, OzonProduct] = field(default_factory=dict)
    by_offer: dict[str, int] = field(default_factory=dict)
    by_sku: dict[int, int] = field(default_factory=dict)
    # product_id → warehouse_id → [present, reserved] (FBS) or available units (FBO, at Ozon's warehouses)
    fbs: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    fbo: dict[int, dict[int, int]] = field(default_factory=dict)
    pair_updated_at: dict[tuple[int, int], float] = field(default_factory=dict)
    offer_signed: bool = True
    events: SellerEvents = field(default_factory=SellerEvents)
    cards: SellerCards = field(default_factory=SellerCards)  # product imports and price changes (cards.py)

    def product(self, offer_id: str) -> OzonProduct | None:
        """Return the product with this offer id, if any."""
        product_id = self.by_offer.get(offer_id)
        return self.products.get(product_id) if product_id is not None else None


class OzonState:
    """Everything the emulated Ozon knows; thread-safe, every seller sees only its own objects."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self.lock = lock or threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget sellers, keys and windows; restore the documented limits and the clock."""
        with self.lock:
            self.requests_per_second: int | None = 50  # per Client-Id, every method together
            self.stock_updates_per_minute: int | None = 80  # /v2/products/stocks per seller
            self.pair_interval_s: float = 30.0  # one update of an offer-warehouse pair per 30 s
            self.import_processing_s: float = PROCESSING_SECONDS  # a product import stays pending this long
            self._offset = 0.0
            self._sellers: dict[int, OzonSeller] = {}
            self._keys: dict[str, int] = {}
            self._refused_keys: dict[str, str] = {}
            self._circles: dict[str, int] = {}
            self._next_product_id = 800_000_001
            self._next_sku = 1_700_000_001
            self.second_limiter = FixedWindowLimiter(1.0, self.now)
            self.minute_limiter = FixedWindowLimiter(60.0, self.now)

    # -- clock ----------------------------------------------------------------------------------------------

    def now(self) -> float:
        """Return the emulator's monotonic time in seconds (real time plus what tests advanced)."""
        return time.monotonic() + self._offset

    def utcnow(self) -> datetime:
        """Return the emulator's wall clock in UTC (real time plus what tests advanced): events are stamped so."""
        return datetime.now(UTC) + timedelta(seconds=self._offset)

    def advance(self, seconds: float) -> None:
        """Move the clock forward: rate windows and the 30 s pair interval pass without waiting."""
        with self.lock:
            self._offset += seconds

    # -- sellers and keys -----------------------------------------------------------------------------------

    def add_seller(self, client_id: int, api_key: str) -> OzonSeller:
        """Create (or return) the seller `client_id` and give it `api_key`."""
        with self.lock:
            seller = self._sellers.setdefault(client_id, OzonSeller(client_id))
            self._keys[api_key] = client_id
            self._refused_keys.pop(api_key, None)
            return seller

    def seller(self, client_id: int) -> OzonSeller:
        """Return a seller; KeyError when unknown."""
        with self.lock:
            if client_id not in self._sellers:
                raise KeyError(f"unknown Ozon Client-Id {client_id}")
            return self._sellers[client_id]

    def sellers(self) -> list[OzonSeller]:
        """Return every seller."""
        with self.lock:
            return list(self._sellers.values())

    def keys_of(self, client_id: int) -> list[str]:
        """Return the keys of a seller."""
        with self.lock:
            return [key for key, owner in self._keys.items() if owner == client_id]

    def revoke_key(self, api_key: str, message: str = DEACTIVATED_KEY) -> None:
        """Make a key answer 403 with `message` (deactivated, missing a role, restricted to some IPs)."""
        with self.lock:
            self._refused_keys[api_key] = message

    def set_offer_signed(self, client_id: int, signed: bool) -> None:
        """Switch whether the seller accepted Ozon's current offer (else every call answers 403)."""
        with self.lock:
            self.seller(client_id).offer_signed = signed

    def authenticate(self, client_id: str | None, api_key: str | None) -> OzonSeller:
        """Return the seller a request's Client-Id and Api-Key headers stand for, or raise Ozon's refusal."""
        if not client_id or not api_key:
            raise missing_headers()
        if not client_id.isascii() or not client_id.isdigit() or int(client_id) <= 0:
            raise bad_client_id()
        with self.lock:
            if self._keys.get(api_key) != int(client_id):
                raise invalid_key()
            if api_key in self._refused_keys:
                raise forbidden(self._refused_keys[api_key])
            seller = self._sellers[int(client_id)]
            if not seller.offer_signed:
                raise forbidden(OFFER_NOT_SIGNED)
            return seller

    def count_request(self, seller: OzonSeller, *, stock_update: bool) -> None:
        """Count one request against the per-second and, for stock updates, the per-minute window."""
        second = self.second_limiter.hit(str(seller.client_id), self.requests_per_second)
        if not second.allowed:
            raise rate_limited(second.reset_s)
        if stock_update:
            minute = self.minute_limiter.hit(str(seller.client_id), self.stock_updates_per_minute)
            if not minute.allowed:
                raise rate_limited(minute.reset_s)

    def open_circle(self, path: str, requests: int = 1) -> None:
        """Make the next `requests` calls of `path` answer "Circle is open" (a method blocked under load)."""
        with self.lock:
            self._circles[path] = requests

    def take_circle(self, path: str) -> bool:
        """Say whether this call of `path` meets an open circle (and count it)."""
        with self.lock:
            left = self._circles.get(path, 0)
            if left <= 0:
                return False
            self._circles[path] = left - 1
            return True

    # -- catalog --------------------------------------------------------------------------------------------

    def add_warehouse(self, client_id: int, warehouse_id: int, name: str, *, status: str = "created",
                      is_rfbs: bool = False) -> OzonWarehouse:
        """Give a seller an FBS warehouse."""
        with self.lock:
            warehouse = OzonWarehouse(warehouse_id, name, status, is_rfbs)
            self.seller(client_id).warehouses[warehouse_id] = warehouse
            return warehouse

    def add_product(self, client_id: int, offer_id: str, name: str, *, barcodes: list[str] | None = None,
                    archived: bool = False, price_sent: bool = True, price: Decimal = Decimal("0"),
                    created_at: datetime = BASE_TIME, photos: int = 1) -> OzonProduct:
        """Create a product card; its product_id and SKU come from the state's counters (unique per Ozon)."""
        with self.lock:
            seller = self.seller(client_id)
            if offer_id in seller.by_offer:
                raise ValueError(f"offer_id {offer_id!r} already exists")
            product = OzonProduct(self._next_product_id, offer_id, self._next_sku if price_sent else 0, name,
                                  list(barcodes or []), archived, price_sent, price, created_at, created_at)
            # Ozon keeps pictures on its CDN, under a number of their own; the file name is ours to choose.
            product.images = [f"https://cdn1.ozone.ru/s3/multimedia-{n}/{product.product_id}{n}.jpg"
                              for n in range(1, photos + 1)]
            self._next_product_id += 1
            self._next_sku += 1
            seller.products[product.product_id] = product
            seller.by_offer[offer_id] = product.product_id
            if product.sku:
                seller.by_sku[product.sku] = product.product_id
            return product

    def set_fbs(self, client_id: int, offer_id: str, warehouse_id: int, present: int, reserved: int = 0) -> None:
        """Set an offer's stock record at a seller warehouse (`present` counts the reserved units)."""
        with self.lock:
            seller = self.seller(client_id)
            product = seller.product(offer_id)
            if product is None or warehouse_id not in seller.warehouses:
                raise KeyError(f"unknown offer {offer_id!r} or warehouse {warehouse_id}")
            seller.fbs.setdefault(product.product_id, {})[warehouse_id] = [present, reserved]

    def set_fbo(self, client_id: int, offer_id: str, warehouse_id: int, available: int) -> None:
        """Set an offer's stock available at one of Ozon's own warehouses."""
        with self.lock:
            seller = self.seller(client_id)
            product = seller.product(offer_id)
            if product is None or warehouse_id not in {w[0] for w in FBO_WAREHOUSES}:
                raise KeyError(f"unknown offer {offer_id!r} or Ozon warehouse {warehouse_id}")
            seller.fbo.setdefault(product.product_id, {})[warehouse_id] = available

    def fbs_stock(self, client_id: int, offer_id: str, warehouse_id: int) -> tuple[int, int] | None:
        """Return (present, reserved) of an offer at a warehouse, None when there is no record."""
        with self.lock:
            seller = self.seller(client_id)
            product = seller.product(offer_id)
            record = seller.fbs.get(product.product_id, {}).get(warehouse_id) if product else None
            return (record[0], record[1]) if record else None

    def summary(self) -> dict[str, Any]:
        """Return per seller the counts a dump without a key shows."""
        with self.lock:
            return {str(s.client_id): {"products": len(s.products), "warehouses": len(s.warehouses),
                                       "fbs_records": sum(map(len, s.fbs.values())),
                                       "fbo_records": sum(map(len, s.fbo.values()))}
                    for s in self._sellers.values()}
