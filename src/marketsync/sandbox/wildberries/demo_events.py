"""What buyers do to the demo WB seller: a week of history (orders, cancellations, buyouts, returns, reviews, stock
changes) seeded with it, and a stream the demo calls every few seconds (`demo_tick`) so new events keep coming.

`run` dispatches one event by name, for the control API (/_control/wildberries/events)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.state import WbState

DEMO_WAREHOUSES = ("Коледино", "Электросталь", "Казань")
REVIEWS = {5: "Отличный товар, всё как на фото", 4: "Хорошо, но доставка долгая", 3: "Так себе, ожидал большего",
           2: "Качество слабое", 1: "Пришёл брак, верну"}
KINDS = ("order", "cancel", "buyout", "return", "review", "stock", "move")


def run(wb: WbState, token: str, kind: str, params: dict[str, Any]) -> Any:
    """Make one event of `kind` (order, cancel, buyout, return, review, stock, move) with its parameters."""
    at = datetime.fromisoformat(params["at"]) if params.get("at") else None
    card: dict[str, Any] = {"nm_id": params.get("nmId"), "barcode": params.get("barcode")}
    if kind == "order":
        return events.place_order(wb, token, **card, at=at, price=float(params.get("price", 1500)),
                                  warehouse=params.get("warehouse", "Коледино"), region=int(params.get("region", 0)))
    if kind in ("cancel", "buyout", "return"):
        make = {"cancel": events.cancel_order, "buyout": events.buy_out, "return": events.return_order}[kind]
        return make(wb, token, str(params["srid"]), at=at)
    if kind == "review":
        return events.write_review(wb, token, **card, rating=int(params["rating"]), text=params.get("text", ""),
                                   answer=params.get("answer"), at=at)
    if kind == "stock":
        return events.set_stock(wb, token, **card, warehouse=params["warehouse"], quantity=int(params["quantity"]),
                                at=at)
    if kind == "move":
        return events.move_stock(wb, token, **card, source=params["source"], target=params["target"],
                                 quantity=int(params["quantity"]), at=at)
    raise events.EventError(f"unknown event kind {kind!r}; expected one of {', '.join(KINDS)}")


def _cards(wb: WbState, token: str) -> list[int]:
    return [card.nm_id for card in wb.seller(token).cards.values() if not card.trashed and card.sizes]


def demo_tick(wb: WbState, token: str, rng: random.Random | None = None, at: datetime | None = None, *,
              stock: bool = True) -> Any:
    """Make one plausible event now: mostly new orders, then what follows an order (cancel, buyout, return),
    reviews and (unless `stock` is false) stock changes and moves. Return what was made (None without cards)."""
    rng = rng or random.Random()
    cards = _cards(wb, token)
    if not cards:
        return None
    seller = wb.seller(token)
    sold = {sale.order.srid for sale in seller.sales.values()}
    returned = {sale.order.srid for sale in seller.sales.values() if sale.is_return}
    open_orders = [o.srid for o in seller.orders.values() if not o.is_cancel and o.srid not in sold]
    bought = [srid for srid in sold if srid not in returned]
    roll = rng.random()
    if roll < 0.1 and open_orders:
        return events.cancel_order(wb, token, rng.choice(open_orders), at=at)
    if roll < 0.3 and open_orders:
        return events.buy_out(wb, token, rng.choice(open_orders), at=at)
    if roll < 0.35 and bought:
        return events.return_order(wb, token, rng.choice(sorted(bought)), at=at)
    if roll < 0.5:
        rating = rng.choice((1, 2, 3, 4, 5, 5, 5))
        return events.write_review(wb, token, nm_id=rng.choice(cards), rating=rating, text=REVIEWS[rating],
                                   user_name=rng.choice(("Анна", "Игорь", "Мария", "Олег")), at=at)
    if roll < 0.6 and stock:
        stocked = [row for row in seller.fbo if row.quantity > 0]
        if stocked:
            row = rng.choice(stocked)
            if rng.random() < 0.5:
                target = rng.choice([w for w in DEMO_WAREHOUSES if w != row.warehouse_name])
                return events.move_stock(wb, token, nm_id=row.nm_id, barcode=row.barcode or None,
                                         source=row.warehouse_name, target=target,
                                         quantity=rng.randint(1, row.quantity), at=at)
            return events.set_stock(wb, token, nm_id=row.nm_id, barcode=row.barcode or None,
                                    warehouse=row.warehouse_name, quantity=max(0, row.quantity - rng.randint(1, 3)),
                                    at=at)
    return events.place_order(wb, token, nm_id=rng.choice(cards), at=at, price=rng.choice((490, 990, 1490, 2990)),
                              warehouse=rng.choice(DEMO_WAREHOUSES), region=rng.randrange(4))


def seed_history(wb: WbState, token: str, rng: random.Random, *, days: int = 7, per_day: int = 6) -> int:
    """Give the seller `days` of orders, buyouts, returns and reviews before the emulator's clock, `per_day`
    events a day (stock stays as seeded); return how many."""
    now = wb.now()
    made = 0
    for step in range(days * per_day):
        moment = now - timedelta(days=days) + timedelta(minutes=step * 24 * 60 // per_day + rng.randrange(60))
        if demo_tick(wb, token, rng, at=min(moment, now), stock=False) is not None:
            made += 1
    return made
