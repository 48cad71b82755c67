"""A readable dump of the emulated WB for /_control/state and tests: a seller's warehouses, cards, stocks, orders,
sales and feedbacks."""

from __future__ import annotations

from typing import Any

from marketsync.sandbox.wildberries.feedbacks import feedback_to_wire
from marketsync.sandbox.wildberries.reports import order_to_wire, sale_to_wire
from marketsync.sandbox.wildberries.state import WbState
from marketsync.sandbox.wildberries.wire import fbo_row_to_wire, warehouse_to_wire


def dump_wildberries(wb: WbState, token: str | None) -> dict[str, Any]:
    """Return one token's seller (or, without a token, a count per token)."""
    with wb.lock:
        if token is None:
            return {"tokens": {t: {"seller_id": g.seller_id, "cards": len(wb.sellers[g.seller_id].cards)}
                               for t, g in wb.tokens.items() if t not in wb.revoked}}
        if wb.token(token) is None:
            raise KeyError("unknown or revoked Wildberries token")
        seller = wb.seller(token)
        return {
            "seller_id": seller.id,
            "warehouses": [warehouse_to_wire(w) for w in seller.warehouses.values()],
            "cards": [{"nmID": c.nm_id, "vendorCode": c.vendor_code, "title": c.title, "trashed": c.trashed,
                       "sizes": [{"chrtID": s.chrt_id, "techSize": s.tech_size, "skus": s.skus} for s in c.sizes]}
                      for c in seller.cards.values()],
            "fbs": [{"warehouseId": w, "chrtId": chrt, "amount": amount} for (w, chrt), amount in seller.fbs.items()],
            "fbo": [fbo_row_to_wire(row) for row in seller.fbo],
            "orders": [order_to_wire(order) for order in seller.orders.values()],
            "sales": [sale_to_wire(sale) for sale in seller.sales.values()],
            "feedbacks": [feedback_to_wire(item) for item in seller.feedbacks.values()],
        }
