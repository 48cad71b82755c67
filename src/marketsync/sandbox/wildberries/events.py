"""The event generator of the emulated WB: what buyers do to a seller, each change stamped with lastChangeDate in
Moscow time from the emulator's clock (or the moment given), as statistics and feedbacks then report it.

An order (a new srid), its cancellation, its buyout (a sale S…), its return (a sale R…), a feedback with a
rating, a stock change at one of WB's warehouses and a move between two of them (the total kept).
"""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, datetime
from typing import Any

from marketsync.sandbox.wildberries.buyers import WbFeedback, WbOrder, WbSale
from marketsync.sandbox.wildberries.state import MOSCOW, FboRow, WbCard, WbSeller, WbSize, WbState

REGIONS = (("Московская", "Центральный федеральный округ"), ("Санкт-Петербург", "Северо-Западный федеральный округ"),
           ("Татарстан", "Приволжский федеральный округ"), ("Свердловская", "Уральский федеральный округ"))
_numbers = itertools.count(9_993_700_000)


class EventError(ValueError):
    """The event cannot happen (no such card, order or warehouse row, or not in that state)."""


def moscow(moment: datetime) -> datetime:
    """Return an aware moment as WB's statistics keep it: Moscow local time, no offset, whole seconds."""
    if moment.tzinfo is None:
        raise ValueError("give an aware datetime")
    return (moment.astimezone(UTC).replace(tzinfo=None) + MOSCOW).replace(microsecond=0)


def _stamp(wb: WbState, at: datetime | None) -> datetime:
    return moscow(at or wb.now())


def _find(seller: WbSeller, nm_id: int | None, barcode: str | None) -> tuple[WbCard, WbSize]:
    for card in seller.cards.values():
        for size in card.sizes:
            if (barcode is not None and barcode in size.skus) or (barcode is None and card.nm_id == nm_id):
                return card, size
    if nm_id is None and barcode is None and seller.cards:
        card = next(c for c in seller.cards.values() if not c.trashed and c.sizes)
        return card, card.sizes[0]
    raise EventError(f"no card with nmID {nm_id} / barcode {barcode}")


def place_order(wb: WbState, token: str, *, nm_id: int | None = None, barcode: str | None = None,
                at: datetime | None = None, price: float = 1500.0, discount_percent: int = 10,
                warehouse: str = "Коледино", region: int = 0) -> WbOrder:
    """Place an order of one unit of a card's size (by nmID or barcode; the first card when neither)."""
    with wb.lock:
        seller = wb.seller(token)
        card, size = _find(seller, nm_id, barcode)
        when = _stamp(wb, at)
        number = next(_numbers)
        name, oblast = REGIONS[region % len(REGIONS)]
        order = WbOrder(
            srid=f"{number % 100}.r{secrets.token_hex(12)}.0.0", g_number=str(number * 1000 + 7), date=when,
            changed_at=when, nm_id=card.nm_id, barcode=size.skus[0] if size.skus else "", tech_size=size.tech_size,
            supplier_article=card.vendor_code, brand=card.brand, subject=card.subject_name, warehouse_name=warehouse,
            region=name, oblast=oblast, total_price=float(price), discount_percent=discount_percent, spp=25.0,
            income_id=56_735_459, sticker=str(number),
        )
        seller.orders[order.srid] = order
        return order


def _order(wb: WbState, token: str, srid: str) -> WbOrder:
    order = wb.seller(token).orders.get(srid)
    if order is None:
        raise EventError(f"no order {srid}")
    return order


def cancel_order(wb: WbState, token: str, srid: str, *, at: datetime | None = None) -> WbOrder:
    """Cancel an order: isCancel, its cancelDate and lastChangeDate set to now."""
    with wb.lock:
        order = _order(wb, token, srid)
        if order.is_cancel:
            raise EventError(f"order {srid} is already cancelled")
        when = _stamp(wb, at)
        order.is_cancel, order.cancel_date, order.changed_at = True, when, when
        return order


def _sale(wb: WbState, token: str, srid: str, prefix: str, at: datetime | None) -> WbSale:
    with wb.lock:
        seller, order = wb.seller(token), _order(wb, token, srid)
        kinds = {sale.sale_id[0] for sale in seller.sales.values() if sale.order is order}
        if order.is_cancel:
            raise EventError(f"order {srid} was cancelled")
        if prefix == "S" and "S" in kinds:
            raise EventError(f"order {srid} is already bought out")
        if prefix == "R" and ("S" not in kinds or "R" in kinds):
            raise EventError(f"order {srid} cannot be returned (not bought out, or returned already)")
        when = _stamp(wb, at)
        sale = WbSale(sale_id=f"{prefix}{next(_numbers)}", order=order, date=when, changed_at=when)
        seller.sales[sale.sale_id] = sale
        return sale


def buy_out(wb: WbState, token: str, srid: str, *, at: datetime | None = None) -> WbSale:
    """Record the buyout of an ordered unit: a sale row S…."""
    return _sale(wb, token, srid, "S", at)


def return_order(wb: WbState, token: str, srid: str, *, at: datetime | None = None) -> WbSale:
    """Record the return of a bought-out unit: a sale row R…."""
    return _sale(wb, token, srid, "R", at)


def write_review(wb: WbState, token: str, *, rating: int, nm_id: int | None = None, barcode: str | None = None,
                 text: str = "", user_name: str = "Покупатель", answer: str | None = None,
                 at: datetime | None = None) -> WbFeedback:
    """Write a buyer's feedback with a rating 1..5 on a card (by nmID or barcode; the first card when neither)."""
    if not 1 <= rating <= 5:
        raise EventError("a rating is 1..5")
    with wb.lock:
        seller = wb.seller(token)
        card, size = _find(seller, nm_id, barcode)
        feedback = WbFeedback(
            id=secrets.token_urlsafe(15)[:20], nm_id=card.nm_id, imt_id=card.imt_id,
            supplier_article=card.vendor_code, product_name=card.title, brand=card.brand, size=size.tech_size,
            rating=rating, text=text, created_at=(at or wb.now()).astimezone(UTC).replace(microsecond=0),
            user_name=user_name, subject_id=card.subject_id, subject_name=card.subject_name, answer=answer)
        seller.feedbacks[feedback.id] = feedback
        return feedback


def set_stock(wb: WbState, token: str, *, warehouse: str, quantity: int, nm_id: int | None = None,
              barcode: str | None = None, at: datetime | None = None) -> FboRow:
    """Set a size's units at one of WB's warehouses (the statistics stock row, created when missing)."""
    if quantity < 0:
        raise EventError("a stock cannot be negative")
    with wb.lock:
        seller = wb.seller(token)
        card, size = _find(seller, nm_id, barcode)
        key = size.skus[0] if size.skus else ""
        row = next((r for r in seller.fbo if r.warehouse_name == warehouse and r.nm_id == card.nm_id
                    and r.barcode == key and r.tech_size == size.tech_size), None)
        if row is None:
            row = FboRow(_stamp(wb, at), warehouse, card.nm_id, key, quantity, card.vendor_code, size.tech_size,
                         card.brand, card.subject_name)
            seller.fbo.append(row)
        row.quantity, row.changed_at = quantity, _stamp(wb, at)
        return row


def move_stock(wb: WbState, token: str, *, source: str, target: str, quantity: int, nm_id: int | None = None,
               barcode: str | None = None, at: datetime | None = None) -> tuple[FboRow, FboRow]:
    """Move units of a size from one WB warehouse to another: both rows change, the total stays."""
    with wb.lock:
        card, size = _find(wb.seller(token), nm_id, barcode)
        held = next((r.quantity for r in wb.seller(token).fbo if r.warehouse_name == source
                     and r.nm_id == card.nm_id and r.tech_size == size.tech_size), 0)
        if not 0 < quantity <= held:
            raise EventError(f"{source} holds {held} units, cannot move {quantity}")
        there = next((r.quantity for r in wb.seller(token).fbo if r.warehouse_name == target
                      and r.nm_id == card.nm_id and r.tech_size == size.tech_size), 0)
        barcode = size.skus[0] if size.skus else None
        nm = None if barcode else card.nm_id
        return (set_stock(wb, token, warehouse=source, quantity=held - quantity, nm_id=nm, barcode=barcode, at=at),
                set_stock(wb, token, warehouse=target, quantity=there + quantity, nm_id=nm, barcode=barcode, at=at))


def event_summary(made: Any) -> dict[str, Any]:
    """Describe what an event made, for the control API."""
    if isinstance(made, WbOrder):
        return {"srid": made.srid, "nmId": made.nm_id, "isCancel": made.is_cancel,
                "lastChangeDate": made.changed_at.isoformat()}
    if isinstance(made, WbSale):
        return {"saleID": made.sale_id, "srid": made.order.srid, "lastChangeDate": made.changed_at.isoformat()}
    if isinstance(made, WbFeedback):
        return {"id": made.id, "nmId": made.nm_id, "productValuation": made.rating,
                "createdDate": made.created_at.isoformat()}
    if isinstance(made, FboRow):
        return {"warehouseName": made.warehouse_name, "nmId": made.nm_id, "barcode": made.barcode,
                "quantity": made.quantity, "lastChangeDate": made.changed_at.isoformat()}
    if isinstance(made, tuple):
        return {"rows": [event_summary(part) for part in made]}
    raise TypeError(f"unknown event result {made!r}")
