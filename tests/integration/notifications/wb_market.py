"""One seller's shop at the emulated Wildberries, driven through the sandbox's event generator
(marketsync/sandbox/wildberries/events.py) under short names a test chooses ("o1", "S1", "rv1", product "101"):
WB makes up its own srids, saleIDs, feedback ids and nmIDs, and `name()` turns them back into the test's names.

Each change moves the emulator's clock one second on first, so every change has its own lastChangeDate, as WB's
millisecond stamps do (the emulator keeps whole seconds)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.buyers import WbFeedback, WbOrder, WbSale
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sandbox.wildberries.state import WbCard, WbState
from marketsync.sandbox.wildberries.wire import card_to_wire


class WbMarket:
    """A seeded WB seller (a token, no warehouse of its own needed) and what its buyers do."""

    def __init__(self, wb: WbState, token: str) -> None:
        self.wb, self.token = wb, token
        seed_wildberries(wb, token)
        self.cards: dict[str, WbCard] = {}  # test name → card
        self.orders: dict[str, WbOrder] = {}
        self.sales: dict[str, WbSale] = {}
        self.reviews: dict[str, WbFeedback] = {}
        self._names: dict[str, str] = {}  # WB's id → test name

    # -- naming --------------------------------------------------------------------------------------------------
    def name(self, wb_id: str) -> str:
        """Return the test's name of a WB id (srid, saleID, feedback id, nmID), or the id itself."""
        return self._names.get(wb_id, wb_id)

    def nm(self, product: str) -> int:
        """Return the nmID of the product the test calls `product`."""
        return self.cards[product].nm_id

    def barcode(self, product: str, size: str = "M") -> str:
        """Return the barcode of a product's size (the size key stocks are kept under)."""
        return f"bc-{product}-{size.lower()}"

    def photo(self, product: str) -> str | None:
        """Return the URL of the product's first photo as WB's card list shows it (None without photos)."""
        photos = card_to_wire(self.cards[product])["photos"]
        return photos[0]["big"] if photos else None

    def _tick(self, at: datetime | None) -> datetime | None:
        if at is None:
            self.wb.advance_clock(1)
        return at

    # -- the seller's cards ------------------------------------------------------------------------------------------
    def card(self, product: str, title: str, *, photos: int = 1, sizes: tuple[str, ...] = ("M",)) -> WbCard:
        """Describe a product at WB: a card with one barcode per size, with or without photos."""
        card = self.wb.add_card(self.token, f"ART-{product}", title,
                                [(size, [self.barcode(product, size)]) for size in sizes], photos=photos)
        self.cards[product] = card
        self._names[str(card.nm_id)] = product
        return card

    # -- what buyers do ----------------------------------------------------------------------------------------
    def order(self, name: str, *, product: str = "101", price: float = 1490.0, size: str = "M",
              at: datetime | None = None, warehouse: str = "Коледино", **options: Any) -> WbOrder:
        """A buyer orders one unit of a product's size (`at`: when, else the emulator's now)."""
        made = events.place_order(self.wb, self.token, barcode=self.barcode(product, size), price=price,
                                  at=self._tick(at), warehouse=warehouse, **options)
        self.orders[name] = made
        self._names[made.srid] = name
        return made

    def cancel(self, name: str) -> WbOrder:
        """The order is cancelled."""
        return events.cancel_order(self.wb, self.token, self.orders[name].srid, at=self._tick(None))

    def sale(self, name: str, order: str) -> WbSale:
        """The order is bought out (a name starting with S) or returned (R)."""
        make = events.buy_out if name.startswith("S") else events.return_order
        made = make(self.wb, self.token, self.orders[order].srid, at=self._tick(None))
        self.sales[name] = made
        self._names[made.sale_id] = name
        return made

    def review(self, name: str, rating: int, *, product: str = "101", text: str = "Отзыв") -> WbFeedback:
        """A buyer writes a review with a rating 1..5."""
        made = events.write_review(self.wb, self.token, rating=rating, nm_id=self.nm(product), text=text,
                                   at=self._tick(None))
        self.reviews[name] = made
        self._names[made.id] = name
        return made

    def stock(self, product: str, warehouse: str, quantity: int, *, size: str = "M") -> None:
        """Set a size's units at one of WB's warehouses."""
        events.set_stock(self.wb, self.token, warehouse=warehouse, quantity=quantity,
                         barcode=self.barcode(product, size), at=self._tick(None))

    def move(self, product: str, source: str, target: str, quantity: int, *, size: str = "M") -> None:
        """WB moves units of a size from one of its warehouses to another: the total stays."""
        events.move_stock(self.wb, self.token, source=source, target=target, quantity=quantity,
                          barcode=self.barcode(product, size), at=self._tick(None))
