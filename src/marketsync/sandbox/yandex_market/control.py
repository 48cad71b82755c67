"""`/_control/yandex_market/...`: seed a business, revoke a key, change a documented limit (never counted), the
catalogue's delay, the clock, a locked cabinet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Body, HTTPException

from marketsync.sandbox.yandex_market.limits import Limit
from marketsync.sandbox.yandex_market.seed import seed_yandex_market

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState


def yandex_market_control_router(sandbox: SandboxState) -> APIRouter:
    """Build the control routes of the Yandex Market emulator."""
    router = APIRouter(prefix="/yandex_market")
    ym = sandbox.yandex_market

    @router.post("/seed")
    def seed(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Seed a business: {"token", "offers": [...], "business_id", "campaign_id", "fby_campaign_id", ...}."""
        settings = dict(body)
        token = str(settings.pop("token", "") or "")
        if not token:
            raise HTTPException(400, "token is required")
        if "fby_warehouses" in settings:
            settings["fby_warehouses"] = {int(k): str(v) for k, v in dict(settings["fby_warehouses"]).items()}
        try:
            return seed_yandex_market(ym, token, **settings)
        except (TypeError, ValueError, KeyError) as error:
            raise HTTPException(400, f"bad seed: {error}") from None

    @router.post("/tokens/{token}/revoke")
    def revoke(token: str) -> dict[str, bool]:
        """Make an Api-Key answer 403."""
        ym.revoke_token(token)
        return {"ok": True}

    @router.post("/limits/{operation}")
    def set_limit(operation: str, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Change one operation's limit: {"amount", "period_s"}, or {"amount": null} for none."""
        if operation not in ym.limits:
            raise HTTPException(404, f"unknown operation {operation}")
        amount = body.get("amount")
        ym.limits[operation] = None if amount is None else Limit(int(amount), float(body.get("period_s", 60)))
        ym.windows.reset()
        return {"operation": operation, "amount": amount}

    @router.post("/cards/delay")
    def card_delay(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Set how long a new card stays unreadable: {"seconds": 120} (0: readable at once, the default)."""
        ym.card_delay_s = max(0.0, float(body.get("seconds", 0)))
        return {"seconds": ym.card_delay_s}

    @router.post("/clock/advance")
    def advance(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Move the emulator's clock on ({"seconds": 60}): cards sent meanwhile become readable."""
        ym.advance(float(body.get("seconds", 0)))
        return {"now": ym.now().isoformat()}

    @router.post("/businesses/{business_id}/lock")
    def lock(business_id: int, body: dict[str, Any] = Body(default={})) -> dict[str, Any]:
        """Lock a cabinet (writes answer 423, as while it is being moved); {"locked": false} unlocks it."""
        if body.get("locked", True):
            ym.locked.add(business_id)
        else:
            ym.locked.discard(business_id)
        return {"locked": business_id in ym.locked}

    return router
