"""What a connector can do, as protocols; the sync layer asks for a capability, never for a system.

A stock channel (Ozon, Wildberries, Yandex Market) lists the seller's offers, reads stock at the connection's
warehouse and writes it in the API's maximal batch, one WriteResult per update in order.
A category dictionary (Ozon, Wildberries, Yandex Market) lists the marketplace's category tree, a category's
attributes and an attribute's dictionary values, page by page as each API pages them.
A catalog source yields stores, groups and products page by page (memory never grows with the catalog);
a catalog channel lists what it holds and applies writes in its own maximal batches, returning one
WriteResult per write in order, so the exporter can bind each id the moment it comes back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from marketsync.connectors.card_records import CardDraft, CardOutcome, CardSubmission, PriceOutcome, PriceUpdate
from marketsync.connectors.dictionary_records import DictionaryValue, MarketAttribute, MarketCategory
from marketsync.connectors.records import (
    CheckResult,
    ItemPayload,
    MarketOffer,
    MarketOrder,
    MarketReview,
    MarketSale,
    ProductCard,
    RemoteAlbum,
    RemoteItem,
    SizeStock,
    SourceGroup,
    SourceProduct,
    SourceStore,
    StockLevel,
    StockUpdate,
    UploadedPhoto,
    WriteResult,
)


@runtime_checkable
class Checkable(Protocol):
    """Anything whose credentials can be tested."""

    def check(self) -> CheckResult:
        """Call the cheapest authenticated endpoint and say whether the credentials work."""


@runtime_checkable
class CatalogSource(Checkable, Protocol):
    """A system the catalog is read from (Evotor)."""

    def list_stores(self) -> list[SourceStore]:
        """Return every store the credentials can see."""

    def list_groups(self, store_id: str) -> list[SourceGroup]:
        """Return the product groups of one store (PaymentRequired when the store is unpaid)."""

    def iter_products(self, store_id: str) -> Iterator[list[SourceProduct]]:
        """Yield the products of one store page by page."""

    def close(self) -> None:
        """Release the connection pool."""


@runtime_checkable
class CatalogChannel(Checkable, Protocol):
    """A storefront the catalog is mirrored into (VK Market).

    Writes are batched `batch_size` at a time; `album_batch_size` items join one album per write. A write
    whose answer was lost raises OutcomeUnknownError: the caller re-reads the channel before deciding again.
    """

    batch_size: int
    album_batch_size: int
    album_title_max: int

    def list_albums(self) -> list[RemoteAlbum]:
        """Return every album of the storefront."""

    def iter_items(self) -> Iterator[list[RemoteItem]]:
        """Yield every item, hidden ones included, page by page."""

    def add_albums(self, titles: Sequence[str]) -> list[WriteResult]:
        """Create albums, one result per title in order."""

    def delete_albums(self, album_ids: Sequence[str]) -> list[WriteResult]:
        """Delete albums (their items stay), one result per album in order; a missing album counts as done."""

    def add_items(self, items: Sequence[tuple[ItemPayload, str | None]]) -> list[WriteResult]:
        """Create items (payload, photo id), one result per item in order."""

    def edit_items(self, items: Sequence[tuple[str, ItemPayload]]) -> list[WriteResult]:
        """Update items by remote id, one result per item in order."""

    def hide_items(self, item_ids: Sequence[str]) -> list[WriteResult]:
        """Hide items from buyers, keeping their ids, one result per item in order."""

    def item_url(self, item_id: str) -> str | None:
        """Return the address buyers see an item at (None when the channel has no page for it); the sync
        stores it beside the cached item, so pages link to the item without knowing the channel."""

    def payload_for(self, product: SourceProduct, *, group_name: str | None, price: Decimal,
                    stock_amount: int | None = None) -> ItemPayload:
        """Build the item the channel should hold for a product sold at `price`, with `stock_amount` units in
        stock (None: the channel's fixed amount); an item at 0 stays visible, out of stock."""

    def add_to_albums(self, memberships: Sequence[tuple[str, Sequence[str]]]) -> list[WriteResult]:
        """Put items into albums: (album id, item ids) pairs, one result per pair; already there is ok."""

    def default_photo(self) -> tuple[bytes, str]:
        """Return the image (content, file name) new items get when the source has none."""

    def upload_photo(self, content: bytes, filename: str) -> UploadedPhoto:
        """Upload an image; return the remote photo to reference from items."""

    def close(self) -> None:
        """Release the connection pool."""


@runtime_checkable
class StockChannel(Checkable, Protocol):
    """A marketplace whose FBS stock at one seller warehouse we keep equal to ours.

    `batch_size` is the documented maximum of one stock update request (Ozon 100, WB 1,000, YM 2,000).
    A refusal of single items comes back as failed results (their `code` and `error` as the API gave them);
    a request refused as a whole because of named items (WB 409) is resent without them inside the call;
    a write whose answer was lost raises OutcomeUnknownError, so the caller re-reads before resending.
    """

    system: str
    batch_size: int
    # The shortest time the API allows between two updates of one key (Ozon: 30 s per offer-warehouse pair;
    # sooner is refused item by item), 0 where there is no such rule: the exporter waits it out.
    update_interval_seconds: float

    def iter_offers(self) -> Iterator[list[MarketOffer]]:
        """Yield every offer of the seller (one per WB size), page by page."""

    def read_stocks(self, stock_keys: Sequence[str]) -> list[StockLevel]:
        """Return the FBS stock at the connection's warehouse for these keys (paged inside; a key the
        marketplace has no stock record for is absent)."""

    def iter_stocks(self) -> Iterator[list[StockLevel]]:
        """Yield every stock the marketplace reports, FBS at each seller warehouse and FBO, page by page."""

    def update_stocks(self, updates: Sequence[StockUpdate]) -> list[WriteResult]:
        """Set the FBS stock of at most `batch_size` keys in one request; one result per update in order."""

    def close(self) -> None:
        """Release the connection pool."""


@runtime_checkable
class EventFeed(Checkable, Protocol):
    """A marketplace whose buyers' actions we read and tell the seller about (Wildberries, then Ozon).

    Lists page (each yields lists, memory never grows with the history); every time in and out is aware UTC.
    Paces itself: its own per-token and per-host limits, and the marketplace's 429 waits (never cut short).
    """

    system: str

    def iter_orders(self, since: datetime) -> Iterator[list[MarketOrder]]:
        """Yield the orders changed at or after `since` (WB: flag=0 from lastChangeDate), oldest change first."""

    def iter_sales(self, since: datetime) -> Iterator[list[MarketSale]]:
        """Yield the buyouts and returns changed at or after `since` (WB: flag=0), oldest change first."""

    def iter_reviews(self, since: datetime) -> Iterator[list[MarketReview]]:
        """Yield the reviews written at or after `since`, answered or not."""

    def iter_size_stocks(self) -> Iterator[list[SizeStock]]:
        """Yield every size's units at every marketplace warehouse."""

    def iter_cards(self) -> Iterator[list[ProductCard]]:
        """Yield the seller's product cards with their first photo."""

    def close(self) -> None:
        """Release the connection pool."""


@runtime_checkable
class CategoryDictionary(Protocol):
    """A marketplace's categories, their attributes and the attributes' value dictionaries (public data, read with
    one cabinet's credentials)."""

    system: str

    def iter_categories(self) -> Iterator[list[MarketCategory]]:
        """Yield the whole category tree, parents before their children."""

    def category_attributes(self, category_id: str) -> list[MarketAttribute]:
        """Return the attributes of one leaf category (RejectedError for an unknown or non-leaf one)."""

    def iter_attribute_values(self, category_id: str, attribute: MarketAttribute) -> Iterator[list[DictionaryValue]]:
        """Yield an attribute's dictionary values page by page."""

    def search_attribute_values(self, category_id: str, attribute: MarketAttribute, text: str) -> list[DictionaryValue]:
        """Return the dictionary values that match `text` (for dictionaries too big to fetch whole)."""

    def close(self) -> None:
        """Release the connection pool."""


@runtime_checkable
class CardChannel(Protocol):
    """A marketplace that takes product cards and prices from the catalog hub (Ozon, Wildberries, Yandex Market).

    Sending is asynchronous on Ozon (a task to poll) and Wildberries (queued; the cards list and the error list
    tell), synchronous on Yandex Market. A lost answer to a send is never repeated blindly: the caller asks
    `find_cards` which of the skus exist and adopts them before sending again.
    """

    system: str
    card_batch_size: int  # the most cards one send may carry (Ozon 100, WB 100 to create, YM 100)
    price_batch_size: int  # the most prices one price update may carry (Ozon 1000, WB 1000, YM 500)

    def send_cards(self, drafts: Sequence[CardDraft]) -> CardSubmission:
        """Create or update these cards (each keyed by its sku) in one request."""

    def card_outcomes(self, submission: CardSubmission) -> list[CardOutcome]:
        """Ask what became of a sent batch; `pending` for cards the marketplace is still processing."""

    def find_cards(self, skus: Sequence[str]) -> dict[str, str]:
        """Return sku → remote id of the cards the marketplace holds among `skus`."""

    def push_prices(self, prices: Sequence[PriceUpdate]) -> list[PriceOutcome]:
        """Set these cards' prices in one request; each is accepted, refused or quarantined on its own."""

    def close(self) -> None:
        """Release the connection pool."""
