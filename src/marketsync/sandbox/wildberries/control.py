"""/_control/wildberries: seed a seller (token, warehouses, offers), revoke a token, block a seller's stock
updates (406) and mark a warehouse as being updated (409 StoreIsProcessing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Body, HTTPException

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
                                    categories=body.get("categories") or ("content", "marketplace", "statistics"))
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

    @router.post("/tokens/{token}/revoke")
    def revoke(token: str) -> dict[str, bool]:
        """Make a Wildberries token answer 401."""
        sandbox.wildberries.revoke_token(token)
        return {"ok": True}

    return router
