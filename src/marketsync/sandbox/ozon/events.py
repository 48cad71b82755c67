"""The event generator of the emulated Ozon: what buyers do to a seller, each change stamped in UTC from the
emulator's clock (`OzonState.utcnow`, moved by `advance`) or the moment given, as the posting, returns and review
lists then report it.

A posting of an offer (FBS from a seller warehouse: units reserved there; FBO from one of Ozon's: units leave its
stock), its cancellation (reserved units freed, FBO units back), its delivery (the buyout: FBS units leave the
warehouse), a client return of a delivered line, a return's status moving on, and a review with a rating.
`run` dispatches one event by name for the control API (/_control/ozon/events).
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marketsync.sandbox.ozon.postings import (
    AWAITING_PACKAGING,
    CANCELLED,
    DELIVERED,
    DELIVERING,
    FBO,
    FBS,
    OzonPosting,
    OzonReturn,
    OzonReview,
    PostingLine,
)
from marketsync.sandbox.ozon.state import FBO_WAREHOUSES, OzonProduct, OzonSeller, OzonState

# (city, region, Ozon's delivery cluster) the buyers live in.
CITIES = (("Москва", "Москва", "Москва, МО и Дальние регионы"), ("Санкт-Петербург", "Санкт-Петербург",
                                                                "Санкт-Петербург и СЗО"),
          ("Казань", "Республика Татарстан", "Казань"), ("Екатеринбург", "Свердловская область", "Урал"))
RETURN_STATUSES = {"MovingToSeller": "Возврат на пути к продавцу", "ReturnedToOzon": "На складе Ozon",
                   "ArrivedAtReturnPlace": "В пункте выдачи", "ReceivedBySeller": "Продавец получил возврат"}
KINDS = ("posting", "cancel", "deliver", "return", "return_status", "review")
_orders = itertools.count(38_512_000)
_returns = itertools.count(1_000_000_001)


class EventError(ValueError):
    """The event cannot happen (no such offer, posting or return, or not in that state)."""


def _stamp(state: OzonState, at: datetime | None) -> datetime:
    if at is not None and at.tzinfo is None:
        raise EventError("give an aware moment (UTC)")
    return (at or state.utcnow()).astimezone(UTC).replace(microsecond=0)


def _product(seller: OzonSeller, offer_id: str | None) -> OzonProduct:
    if offer_id is None:
        found = next((p for p in seller.products.values() if p.sku and not p.archived), None)
    else:
        found = seller.product(offer_id)
    if found is None or not found.sku:
        raise EventError(f"no product with an SKU for offer {offer_id!r}")
    return found


def _posting(seller: OzonSeller, posting_number: str) -> OzonPosting:
    posting = seller.events.postings.get(posting_number)
    if posting is None:
        raise EventError(f"no posting {posting_number!r}")
    return posting


def _fbs_reserve(seller: OzonSeller, posting: OzonPosting, sign: int, *, ship: bool = False) -> None:
    for line in posting.lines:
        record = seller.fbs.get(seller.by_sku.get(line.sku, 0), {}).get(posting.warehouse_id)
        if record is None:
            continue
        record[1] = max(0, min(record[0], record[1] + sign * line.quantity))
        if ship:
            record[0] = max(0, record[0] - line.quantity)


def _fbo_take(seller: OzonSeller, posting: OzonPosting, sign: int) -> None:
    for line in posting.lines:
        stock = seller.fbo.get(seller.by_sku.get(line.sku, 0), {})
        if posting.warehouse_id in stock:
            stock[posting.warehouse_id] = max(0, stock[posting.warehouse_id] - sign * line.quantity)


def place_posting(state: OzonState, client_id: int, *, offer_id: str | None = None, scheme: str = FBS,
                  warehouse_id: int | None = None, quantity: int = 1, price: Decimal | None = None, city: int = 0,
                  at: datetime | None = None) -> OzonPosting:
    """Create a posting of `quantity` units of an offer (the first with an SKU when none is named): FBS from a
    seller warehouse (ours first), FBO from one of Ozon's (where the offer has stock, else Moscow)."""
    if scheme not in (FBS, FBO) or quantity < 1:
        raise EventError("scheme must be fbs or fbo and quantity at least 1")
    with state.lock:
        seller = state.seller(client_id)
        product = _product(seller, offer_id)
        when = _stamp(state, at)
        if scheme == FBS:
            warehouse = seller.warehouses.get(warehouse_id) if warehouse_id else next(
                iter(seller.warehouses.values()), None)
            if warehouse is None:
                raise EventError(f"no seller warehouse {warehouse_id}")
            place = (warehouse.warehouse_id, warehouse.name)
        else:
            stocked = [w for w in FBO_WAREHOUSES if seller.fbo.get(product.product_id, {}).get(w[0])]
            chosen = next((w for w in FBO_WAREHOUSES if w[0] == warehouse_id), None) if warehouse_id else (
                stocked or FBO_WAREHOUSES)[0]
            if chosen is None:
                raise EventError(f"no Ozon warehouse {warehouse_id}")
            place = (chosen[0], chosen[1])
        number = next(_orders)
        town, region, cluster = CITIES[city % len(CITIES)]
        unit = price if price is not None else (product.price if product.price > 0 else Decimal("990"))
        posting = OzonPosting(
            posting_number=f"{number}-0001-1", order_id=number * 10 + 7, order_number=f"{number}-0001",
            scheme=scheme, status=AWAITING_PACKAGING, in_process_at=when, status_changed_at=when,
            lines=[PostingLine(product.sku, product.offer_id, product.name, Decimal(unit), quantity)],
            warehouse_id=place[0], warehouse_name=place[1], city=town, region=region, cluster_to=cluster)
        seller.events.postings[posting.posting_number] = posting
        if scheme == FBS:
            _fbs_reserve(seller, posting, +1)
        else:
            _fbo_take(seller, posting, +1)
        return posting


def cancel_posting(state: OzonState, client_id: int, posting_number: str, *, reason: str = "Покупатель отменил "
                   "заказ", initiator: str = "Клиент", at: datetime | None = None) -> OzonPosting:
    """Cancel a posting not yet delivered: its reserved FBS units are freed, its FBO units go back."""
    with state.lock:
        seller = state.seller(client_id)
        posting = _posting(seller, posting_number)
        if posting.status in (CANCELLED, DELIVERED):
            raise EventError(f"posting {posting_number} is {posting.status}")
        if posting.scheme == FBS:
            _fbs_reserve(seller, posting, -1)
        else:
            _fbo_take(seller, posting, -1)
        posting.status, posting.status_changed_at = CANCELLED, _stamp(state, at)
        posting.cancel_reason_id, posting.cancel_reason, posting.cancellation_initiator = 402, reason, initiator
        return posting


def ship_posting(state: OzonState, client_id: int, posting_number: str, *, at: datetime | None = None) \
        -> OzonPosting:
    """Hand a new posting over to delivery (status `delivering`): FBS units leave the seller's warehouse."""
    with state.lock:
        seller = state.seller(client_id)
        posting = _posting(seller, posting_number)
        if posting.status != AWAITING_PACKAGING:
            raise EventError(f"posting {posting_number} is {posting.status}")
        if posting.scheme == FBS:
            _fbs_reserve(seller, posting, -1, ship=True)
        posting.status = DELIVERING
        posting.status_changed_at = posting.delivering_date = _stamp(state, at)
        return posting


def deliver_posting(state: OzonState, client_id: int, posting_number: str, *, at: datetime | None = None) \
        -> OzonPosting:
    """Deliver a posting to its buyer (the buyout), shipping it first when it was still new."""
    with state.lock:
        posting = _posting(state.seller(client_id), posting_number)
        if posting.status == AWAITING_PACKAGING:
            ship_posting(state, client_id, posting_number, at=at)
        if posting.status != DELIVERING:
            raise EventError(f"posting {posting_number} is {posting.status}")
        posting.status = DELIVERED
        posting.status_changed_at = posting.delivered_at = _stamp(state, at)
        return posting


def return_posting(state: OzonState, client_id: int, posting_number: str, *, offer_id: str | None = None,
                   reason: str = "Не подошёл размер", at: datetime | None = None) -> OzonReturn:
    """Return one line (the first, or the offer's) of a delivered posting: a client return on its way back."""
    with state.lock:
        seller = state.seller(client_id)
        posting = _posting(seller, posting_number)
        if posting.status != DELIVERED:
            raise EventError(f"posting {posting_number} is {posting.status}, not delivered")
        line = next((ln for ln in posting.lines if offer_id in (None, ln.offer_id)), None)
        if line is None:
            raise EventError(f"posting {posting_number} has no offer {offer_id!r}")
        when = _stamp(state, at)
        status = "MovingToSeller" if posting.scheme == FBS else "ReturnedToOzon"
        item = OzonReturn(next(_returns), posting.posting_number, posting.order_id, posting.order_number,
                          posting.scheme.upper(), "ClientReturn", line.sku, line.offer_id, line.name, line.price,
                          line.quantity, reason, when, status, RETURN_STATUSES[status], when, posting.warehouse_id,
                          posting.warehouse_name)
        seller.events.returns.append(item)
        return item


def move_return(state: OzonState, client_id: int, return_id: int, status: str, *, at: datetime | None = None) \
        -> OzonReturn:
    """Move a return to another status (its change moment is stamped again)."""
    if status not in RETURN_STATUSES:
        raise EventError(f"status must be one of {', '.join(RETURN_STATUSES)}")
    with state.lock:
        item = next((r for r in state.seller(client_id).events.returns if r.id == return_id), None)
        if item is None:
            raise EventError(f"no return {return_id}")
        item.status, item.status_name, item.change_moment = status, RETURN_STATUSES[status], _stamp(state, at)
        return item


def write_review(state: OzonState, client_id: int, *, offer_id: str | None = None, rating: int, text: str = "",
                 at: datetime | None = None) -> OzonReview:
    """Publish a buyer's review of an offer (the first with an SKU when none is named), rating 1..5."""
    if not 1 <= rating <= 5:
        raise EventError("rating must be 1..5")
    with state.lock:
        seller = state.seller(client_id)
        product = _product(seller, offer_id)
        review = OzonReview(str(uuid.uuid4()), product.sku, rating, text, _stamp(state, at))
        seller.events.reviews.append(review)
        seller.events.reviews.sort(key=lambda r: r.published_at)
        return review


def set_premium_plus(state: OzonState, client_id: int, enabled: bool) -> None:
    """Switch the seller's Premium Plus subscription (without it /v1/review/list answers 403)."""
    with state.lock:
        state.seller(client_id).events.premium_plus = enabled


def run(state: OzonState, client_id: int, kind: str, params: dict[str, Any]) -> Any:
    """Make one event of `kind` (posting, cancel, deliver, return, return_status, review) with its parameters."""
    at = datetime.fromisoformat(params["at"]) if params.get("at") else None
    if kind == "posting":
        return place_posting(state, client_id, offer_id=params.get("offer_id"), scheme=params.get("scheme", FBS),
                             warehouse_id=params.get("warehouse_id"), quantity=int(params.get("quantity", 1)),
                             price=Decimal(str(params["price"])) if params.get("price") is not None else None,
                             city=int(params.get("city", 0)), at=at)
    if kind in ("cancel", "deliver"):
        make = cancel_posting if kind == "cancel" else deliver_posting
        return make(state, client_id, str(params["posting_number"]), at=at)
    if kind == "return":
        return return_posting(state, client_id, str(params["posting_number"]), offer_id=params.get("offer_id"),
                              at=at)
    if kind == "return_status":
        return move_return(state, client_id, int(params["return_id"]), str(params["status"]), at=at)
    if kind == "review":
        return write_review(state, client_id, offer_id=params.get("offer_id"), rating=int(params["rating"]),
                            text=str(params.get("text", "")), at=at)
    raise EventError(f"unknown event kind {kind!r}; expected one of {', '.join(KINDS)}")


def event_summary(made: Any) -> dict[str, Any]:
    """Return what the control API answers about an event: the object's ids, status and stamps."""
    if isinstance(made, OzonPosting):
        return {"posting_number": made.posting_number, "scheme": made.scheme, "status": made.status,
                "in_process_at": made.in_process_at.isoformat(), "changed_at": made.status_changed_at.isoformat(),
                "skus": [line.sku for line in made.lines]}
    if isinstance(made, OzonReturn):
        return {"return_id": made.id, "posting_number": made.posting_number, "status": made.status,
                "change_moment": made.change_moment.isoformat()}
    if isinstance(made, OzonReview):
        return {"review_id": made.id, "sku": made.sku, "rating": made.rating,
                "published_at": made.published_at.isoformat()}
    raise TypeError(f"not an Ozon event: {made!r}")
