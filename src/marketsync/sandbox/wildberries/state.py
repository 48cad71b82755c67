"""The emulated Wildberries' data: sellers and their tokens (with API categories), cards with sizes, seller
warehouses with FBS stock, and the statistics' FBO stock rows at WB's own warehouses."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from marketsync.sandbox.wildberries.buyers import WbFeedback, WbOrder, WbSale
from marketsync.sandbox.wildberries.card_jobs import CardJobs, PriceBook
from marketsync.sandbox.wildberries.limits import DEFAULT_LIMITS, Limit, TokenBuckets

CONTENT, MARKETPLACE, STATISTICS, FEEDBACKS, PRICES = "content", "marketplace", "statistics", "feedbacks", "prices"
ALL_CATEGORIES = frozenset({CONTENT, MARKETPLACE, STATISTICS, FEEDBACKS, PRICES})
MOSCOW = timedelta(hours=3)


@dataclass
class WbSize:
    """One size of a card: chrtID, labels and barcodes."""

    chrt_id: int
    tech_size: str
    wb_size: str
    skus: list[str]


@dataclass
class WbCard:
    """A product card; `cargo_type` 1 МГТ, 2 СГТ, 3 КГТ+ decides which warehouses take its stock."""

    nm_id: int
    imt_id: int
    nm_uuid: str
    vendor_code: str
    title: str
    brand: str
    subject_id: int
    subject_name: str
    sizes: list[WbSize]
    created_at: datetime
    updated_at: datetime
    photos: int = 1
    photo_urls: list[str] = field(default_factory=list)  # what a media save set; else `photos` made-up ones
    cargo_type: int = 1
    trashed: bool = False
    # What a card upload or update sets (the seed leaves them empty); price and discount the prices host's.
    description: str = ""
    characteristics: list[dict[str, Any]] = field(default_factory=list)
    dimensions: dict[str, Any] | None = None
    price: int = 0
    discount: int = 0


@dataclass
class WbWarehouse:
    """A seller warehouse (FBS when delivery_type is 1)."""

    id: int
    name: str
    office_id: int
    cargo_type: int = 1
    delivery_type: int = 1
    is_deleting: bool = False
    is_processing: bool = False


@dataclass
class FboRow:
    """A statistics stock row: one size at one WB warehouse; `changed_at` is Moscow time without offset."""

    changed_at: datetime
    warehouse_name: str
    nm_id: int
    barcode: str
    quantity: int
    supplier_article: str
    tech_size: str
    brand: str
    subject: str
    in_way_to_client: int = 0
    in_way_from_client: int = 0
    price: float = 0.0


@dataclass
class WbSeller:
    """One seller account: everything its tokens see."""

    id: str
    cards: dict[int, WbCard] = field(default_factory=dict)
    warehouses: dict[int, WbWarehouse] = field(default_factory=dict)
    fbs: dict[tuple[int, int], int] = field(default_factory=dict)  # (warehouse id, chrtID) → amount
    fbo: list[FboRow] = field(default_factory=list)
    stock_blocked: bool = False  # WB banned the seller's stock updates: PUT answers 406 StatusNotAcceptable
    orders: dict[str, WbOrder] = field(default_factory=dict)  # srid → ordered unit
    sales: dict[str, WbSale] = field(default_factory=dict)  # saleID → buyout or return
    feedbacks: dict[str, WbFeedback] = field(default_factory=dict)
    jobs: CardJobs = field(default_factory=CardJobs)  # card uploads and updates waiting, and the error list
    pricing: PriceBook = field(default_factory=PriceBook)  # price uploads and the price quarantine
    name: str = "ИП Демо-продавец"
    trade_mark: str = ""
    sid: str = ""


@dataclass(frozen=True)
class WbToken:
    """A token: whose it is and which API categories it opens."""

    seller_id: str
    categories: frozenset[str]


class WbState:
    """Everything the emulated WB knows; every method is thread-safe."""

    def __init__(self, lock: threading.RLock | None = None, clock: Callable[[], float] = time.time) -> None:
        self.lock = lock or threading.RLock()
        self.clock = clock
        self.buckets = TokenBuckets()
        self.reset()

    def reset(self) -> None:
        """Forget every seller and token; restore the documented limits and page sizes."""
        with self.lock:
            self.limits: dict[str, Limit | None] = dict(DEFAULT_LIMITS)
            self.fbo_page_size = 60_000  # "a conditional limit of 60000 rows per answer"
            self.statistics_page_size = 80_000  # orders, sales: "a conditional limit of 80000 rows"
            self.clock_offset = 0.0  # seconds the emulator's clock runs ahead of `clock` (advance_clock)
            self.tokens: dict[str, WbToken] = {}
            self.revoked: set[str] = set()
            self.sellers: dict[str, WbSeller] = {}
            self._next = {"nm": 100_000_000, "imt": 200_000_000, "chrt": 300_000_000, "warehouse": 1_000_000,
                          "upload": 400_000_000, "barcode": 200_000_000}
            self.card_delay_seconds = 2.0  # how long an uploaded or updated card waits in WB's queue
            self.price_delay_seconds = 0.0  # how long a price upload stays in processing (buffer)
            self.buckets.reset()

    def relax_limits(self) -> None:
        """Lift every rate limit (tests that are not about limits)."""
        with self.lock:
            self.limits = dict.fromkeys(DEFAULT_LIMITS)

    def new_id(self, kind: str) -> int:
        """Return a fresh id of a kind (nm, imt, chrt, warehouse, upload, barcode)."""
        return self._id(kind)

    def _id(self, kind: str) -> int:
        self._next[kind] += 1
        return self._next[kind]

    def now(self) -> datetime:
        """Return the emulator's clock as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock() + self.clock_offset, UTC)

    def set_now(self, moment: datetime) -> None:
        """Set the emulator's clock to an aware moment (it runs on from there)."""
        with self.lock:
            self.clock_offset = moment.timestamp() - self.clock()

    def advance_clock(self, seconds: float) -> datetime:
        """Move the emulator's clock forward (events stamped after it read as later); return the new time."""
        with self.lock:
            self.clock_offset += max(0.0, seconds)
            return self.now()

    # -- tokens and sellers ------------------------------------------------------------------------------
    def add_token(self, token: str, seller_id: str | None = None,
                  categories: Iterable[str] = ALL_CATEGORIES) -> str:
        """Register a token for a seller (a new one unless given); return the seller id."""
        with self.lock:
            seller_id = seller_id or f"seller-{len(self.sellers) + 1}"
            self.sellers.setdefault(seller_id, WbSeller(seller_id, sid=str(uuid.uuid5(uuid.NAMESPACE_URL, seller_id))))
            self.tokens[token] = WbToken(seller_id, frozenset(categories))
            self.revoked.discard(token)
            return seller_id

    def revoke_token(self, token: str) -> None:
        """Make a token answer 401 from now on."""
        with self.lock:
            self.revoked.add(token)

    def token(self, token: str | None) -> WbToken | None:
        """Return a live token's grant, or None for an unknown or revoked one."""
        with self.lock:
            return None if token is None or token in self.revoked else self.tokens.get(token)

    def seller(self, token: str) -> WbSeller:
        """Return the seller a known token belongs to."""
        with self.lock:
            return self.sellers[self.tokens[token].seller_id]

    # -- seeding ---------------------------------------------------------------------------------------------
    def add_warehouse(self, token: str, name: str, *, warehouse_id: int | None = None, office_id: int = 507,
                      cargo_type: int = 1, delivery_type: int = 1) -> int:
        """Add a seller warehouse; return its id."""
        with self.lock:
            warehouse_id = warehouse_id or self._id("warehouse")
            self.seller(token).warehouses[warehouse_id] = WbWarehouse(warehouse_id, name, office_id, cargo_type,
                                                                      delivery_type)
            return warehouse_id

    def add_card(self, token: str, vendor_code: str, title: str, sizes: Sequence[tuple[str, Sequence[str]]],
                 *, brand: str = "", subject: tuple[int, str] = (7771, "Товары для дома"), photos: int = 1,
                 cargo_type: int = 1, trashed: bool = False, updated_at: datetime | None = None) -> WbCard:
        """Add a card with sizes given as (techSize, barcodes); return it with its nmID and chrtIDs."""
        with self.lock:
            moment = updated_at or self.now()
            card = WbCard(
                nm_id=self._id("nm"), imt_id=self._id("imt"),
                nm_uuid=str(uuid.UUID(int=self._next["nm"] * 7919, version=4)), vendor_code=vendor_code,
                title=title, brand=brand, subject_id=subject[0], subject_name=subject[1],
                sizes=[WbSize(self._id("chrt"), tech, tech if tech not in ("", "0") else "", list(skus))
                       for tech, skus in sizes],
                created_at=moment, updated_at=moment, photos=photos, cargo_type=cargo_type, trashed=trashed,
            )
            self.seller(token).cards[card.nm_id] = card
            return card

    def set_fbs_stock(self, token: str, warehouse_id: int, chrt_id: int, amount: int) -> None:
        """Set a size's stock at a seller warehouse (creating its stock record)."""
        with self.lock:
            self.seller(token).fbs[(warehouse_id, chrt_id)] = amount

    def add_fbo_row(self, token: str, card: WbCard, size: WbSize, warehouse_name: str, quantity: int,
                    changed_at: datetime, *, in_way_to_client: int = 0) -> None:
        """Add a statistics stock row; `changed_at` is aware and stored as Moscow local time."""
        with self.lock:
            local = changed_at.astimezone(UTC).replace(tzinfo=None) + MOSCOW
            self.seller(token).fbo.append(FboRow(
                local.replace(microsecond=0), warehouse_name, card.nm_id, size.skus[0] if size.skus else "",
                quantity, card.vendor_code, size.tech_size, card.brand, card.subject_name, in_way_to_client))

    # -- reads the routes serve ------------------------------------------------------------------------------
    def chrt_index(self, seller: WbSeller) -> dict[int, WbCard]:
        """Map every chrtID of the seller's cards (trash included) to its card."""
        return {size.chrt_id: card for card in seller.cards.values() for size in card.sizes}

    def fbs_amount(self, token: str, warehouse_id: int, chrt_id: int) -> int | None:
        """Return a size's FBS stock at a warehouse, None without a stock record."""
        with self.lock:
            return self.seller(token).fbs.get((warehouse_id, chrt_id))

    def fbo_rows(self, seller: WbSeller, since: datetime) -> list[FboRow]:
        """Rows changed at or after `since` (Moscow local), oldest first, at most one page."""
        with self.lock:
            rows = sorted((r for r in seller.fbo if r.changed_at >= since), key=lambda r: r.changed_at)
            return rows[:self.fbo_page_size]
