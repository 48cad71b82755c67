"""The /_control router: reset, seed, faults, state dumps, Evotor payment/token switches and request stats."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException

from marketsync.sandbox.evotor.errors import EvotorError
from marketsync.sandbox.ozon.control import ozon_control_router
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.wildberries.control import wildberries_control
from marketsync.sandbox.yandex_market.control import yandex_market_control_router


def control_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/_control/...` (never counted, never faulted)."""
    router = APIRouter(prefix="/_control")
    router.include_router(wildberries_control(sandbox))

    @router.post("/reset")
    def reset() -> dict[str, bool]:
        """Forget all data, faults and counters."""
        sandbox.reset()
        return {"ok": True}

    @router.post("/seed")
    def seed(body: dict[str, Any] | None = Body(default=None)) -> dict[str, Any]:
        """Reset (unless `"reset": false`) and load the demo catalog; return its credentials."""
        body = body or {}
        try:
            products = int(body.get("products", 2000))
            seed_value = int(body.get("seed", 42))
        except (TypeError, ValueError):
            raise HTTPException(400, "products and seed must be integers") from None
        if not 0 <= products <= 100_000:
            raise HTTPException(400, "products must be between 0 and 100000")
        return sandbox.seed(products=products, seed=seed_value, reset=bool(body.get("reset", True)))

    @router.post("/faults")
    def configure_faults(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Set the faults of one service: {"service", "rate", "kinds", "retry_after", "seed", ...}."""
        settings = dict(body)
        service = str(settings.pop("service", ""))
        allowed = {"rate", "kinds", "retry_after", "seed", "latency_ms", "timeout_s", "max_faults"}
        unknown = sorted(set(settings) - allowed)
        if unknown:
            raise HTTPException(400, f"unknown fault settings {unknown}")
        try:
            sandbox.faults.configure(service, **settings)
        except (TypeError, ValueError) as error:
            raise HTTPException(400, str(error)) from None
        return sandbox.faults.snapshot()

    @router.delete("/faults")
    def clear_faults(service: str | None = None) -> dict[str, Any]:
        """Remove the faults of one service (`?service=`) or of all."""
        sandbox.faults.clear(service)
        return sandbox.faults.snapshot()

    @router.get("/state")
    def state(service: str, token: str | None = None) -> dict[str, Any]:
        """Dump one emulator's objects for a token (or a summary of every token)."""
        try:
            return sandbox.dump(service, token)
        except ValueError as error:
            raise HTTPException(400, str(error)) from None
        except KeyError as error:
            raise HTTPException(404, str(error.args[0])) from None

    @router.post("/evotor/stores/{store_id}/unpaid")
    def set_unpaid(store_id: str, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Mark an Evotor store unpaid (`{"token", "unpaid": true}`) or paid again."""
        try:
            sandbox.evotor.set_store_unpaid(str(body.get("token")), store_id, bool(body.get("unpaid", True)))
        except EvotorError as error:
            raise HTTPException(error.status, error.body()) from None
        return {"store_id": store_id, "unpaid": bool(body.get("unpaid", True))}

    @router.post("/evotor/tokens/{token}/revoke")
    def revoke_evotor_token(token: str) -> dict[str, bool]:
        """Make an Evotor cloud token answer 401."""
        sandbox.evotor.revoke_token(token)
        return {"ok": True}

    @router.post("/vk/tokens/{token}/revoke")
    def revoke_vk_token(token: str) -> dict[str, bool]:
        """Make a VK access token fail with error 5."""
        sandbox.vk.revoke_token(token)
        return {"ok": True}

    @router.post("/vk/groups/{group_id}/market")
    def set_market(group_id: int, body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Switch a VK community's market on or off (`{"enabled": false}` makes market methods fail 1438)."""
        if sandbox.vk.group(group_id) is None:
            raise HTTPException(404, f"unknown VK community {group_id}")
        sandbox.vk.set_market_enabled(group_id, bool(body.get("enabled", True)))
        return {"group_id": group_id, "enabled": bool(body.get("enabled", True))}

    router.include_router(yandex_market_control_router(sandbox))

    @router.get("/stats")
    def stats() -> dict[str, Any]:
        """Return request counters per service: requests, by_method, writes."""
        return sandbox.stats.snapshot()

    @router.post("/stats/reset")
    def reset_stats() -> dict[str, Any]:
        """Zero the request counters."""
        sandbox.stats.reset()
        return sandbox.stats.snapshot()

    router.include_router(ozon_control_router(sandbox.ozon))
    return router
