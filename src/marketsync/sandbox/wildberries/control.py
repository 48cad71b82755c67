"""/_control/wildberries: seed a seller (token, warehouses, offers) and revoke a token."""

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

    @router.post("/tokens/{token}/revoke")
    def revoke(token: str) -> dict[str, bool]:
        """Make a Wildberries token answer 401."""
        sandbox.wildberries.revoke_token(token)
        return {"ok": True}

    return router
