"""/_control/wildberries: seed a seller (token, warehouses, offers), revoke a token, block a seller's stock
updates (406), mark a warehouse as being updated (409 StoreIsProcessing), make buyers' events (orders,
cancellations, buyouts, returns, reviews, stock changes and moves), run one step of the demo stream and move
the emulator's clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Body, HTTPException

from marketsync.sandbox.wildberries.demo_events import demo_tick, run
from marketsync.sandbox.wildberries.events import EventError, event_summary
from marketsync.sandbox.wildberries.seed import DEFAULT_WAREHOUSES, seed_wildberries

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState


def wildberries_control(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/wildberries/...` under the control prefix."""
    router = APIRouter(prefix="/wildberries")

    @router.post("/seed")
    def seed(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Seed a seller: {"token", "offers"?, "warehouses"?, "categories"?} (see seed_wildberries)."""
        token = str(body.get("token") or "")
        if len(token) < 8:
            raise HTTPException(400, "token must have at least 8 characters")
        try:
            return seed_wildberries(sandbox.wildberries, token, offers=body.get("offers") or [],
                                    warehouses=body.get("warehouses") or DEFAULT_WAREHOUSES,
                                    categories=body.get("categories") or ("content", "marketplace", "statistics",
                                                                                "feedbacks", "prices"))
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise HTTPException(400, f"bad seed: {error!r}") from None

    @router.post("/tokens/{token}/stock-blocked")
    def block_stock_updates(token: str, body: dict[str, Any] = Body(default={})) -> dict[str, bool]:
        """Make the token's seller's stock updates answer 406 (`{"blocked": false}` lifts it)."""
        if sandbox.wildberries.token(token) is None:
            raise HTTPException(404, "unknown or revoked Wildberries token")
        blocked = bool(body.get("blocked", True))
        sandbox.wildberries.seller(token).stock_blocked = blocked
        return {"blocked": blocked}

    @router.post("/warehouses/{warehouse_id}/processing")
    def set_processing(warehouse_id: int, body: dict[str, Any] = Body(...)) -> dict[str, bool]:
        """Mark a seller warehouse as being updated (`{"token", "processing": true}`): stock updates get 409."""
        grant = sandbox.wildberries.token(str(body.get("token")))
        warehouse = sandbox.wildberries.sellers[grant.seller_id].warehouses.get(warehouse_id) if grant else None
        if warehouse is None:
            raise HTTPException(404, "no such warehouse for that token")
        warehouse.is_processing = bool(body.get("processing", True))
        return {"processing": warehouse.is_processing}

    @router.post("/events")
    def make_event(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Make one buyer event: {"token", "kind": order|cancel|buyout|return|review|stock|move, ...} — order
        {nmId?|barcode?, price?, warehouse?, region?}; cancel/buyout/return {srid}; review {nmId?|barcode?,
        rating, text?, answer?}; stock {nmId?|barcode?, warehouse, quantity}; move {…, source, target, quantity};
        any {at?: ISO time with offset, default the emulator's clock}."""
        token = str(body.get("token"))
        if sandbox.wildberries.token(token) is None:
            raise HTTPException(404, "unknown or revoked Wildberries token")
        try:
            return event_summary(run(sandbox.wildberries, token, str(body.get("kind")), body))
        except (EventError, KeyError, TypeError, ValueError) as error:
            raise HTTPException(400, f"bad event: {error}") from None

    @router.post("/demo/tick")
    def tick(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Run one step of the demo stream for {"token"}: one plausible buyer event now."""
        token = str(body.get("token"))
        if sandbox.wildberries.token(token) is None:
            raise HTTPException(404, "unknown or revoked Wildberries token")
        made = demo_tick(sandbox.wildberries, token)
        return {"made": event_summary(made) if made is not None else None}

    @router.post("/clock")
    def advance(body: dict[str, Any] = Body(...)) -> dict[str, str]:
        """Move the emulator's clock forward by {"seconds"}; return the new time."""
        try:
            return {"now": sandbox.wildberries.advance_clock(float(body.get("seconds", 0))).isoformat()}
        except (TypeError, ValueError):
            raise HTTPException(400, "seconds must be a number") from None

    @router.post("/tokens/{token}/revoke")
    def revoke(token: str) -> dict[str, bool]:
        """Make a Wildberries token answer 401."""
        sandbox.wildberries.revoke_token(token)
        return {"ok": True}

    return router
