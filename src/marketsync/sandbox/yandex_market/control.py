"""`/_control/yandex_market/...`: seed a business, revoke a key, change a documented limit (never counted)."""

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

    return router
