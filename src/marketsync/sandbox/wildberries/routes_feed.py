"""The emulated WB's feedbacks host (`/wildberries/feedbacks`: the feedback list) and common host
(`/wildberries/common`: /ping, /api/v1/seller-info), and the /ping every host answers (01-general.yaml: it
checks the token and that its category matches the host; at most 3 requests in 30 s per host)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox.wildberries.feedbacks import list_feedbacks
from marketsync.sandbox.wildberries.gateway import COMMON, serve
from marketsync.sandbox.wildberries.limits import FEEDBACKS, PING, SELLER_INFO
from marketsync.sandbox.wildberries.state import WbSeller

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState


def ping_route(sandbox: SandboxState, host: str) -> Callable[[Request], Awaitable[Response]]:
    """Return the GET /ping endpoint of one host."""

    async def ping(request: Request) -> Response:
        """GET /ping: {"TS", "Status": "OK"} when the token opens this host."""
        def action(seller: WbSeller) -> tuple[int, Any]:
            return 200, {"TS": sandbox.wildberries.now().astimezone().isoformat(timespec="seconds"), "Status": "OK"}

        return await serve(sandbox, request, host=host, path="/ping", group=PING, write=False, action=action,
                           bucket=f"{PING}:{host}")

    return ping


def feedbacks_router(sandbox: SandboxState) -> APIRouter:
    """Build the router of `/feedbacks/...` (the Questions and feedbacks host)."""
    router = APIRouter(prefix="/feedbacks")
    router.add_api_route("/ping", ping_route(sandbox, "feedbacks"), methods=["GET"])

    @router.get("/api/v1/feedbacks")
    async def feedbacks(request: Request) -> Response:
        """GET /api/v1/feedbacks: one page of answered or unanswered feedbacks."""
        query = dict(request.query_params)
        return await serve(sandbox, request, host="feedbacks", path="/api/v1/feedbacks", group=FEEDBACKS,
                           write=False, action=lambda seller: list_feedbacks(seller, query))

    return router


def common_router(sandbox: SandboxState) -> APIRouter:
    """Build the router of `/common/...` (ping, seller-info: any token)."""
    router = APIRouter(prefix=f"/{COMMON}")
    router.add_api_route("/ping", ping_route(sandbox, COMMON), methods=["GET"])

    @router.get("/api/v1/seller-info")
    async def seller_info(request: Request) -> Response:
        """GET /api/v1/seller-info: the seller's name, profile id and trade mark."""
        return await serve(sandbox, request, host=COMMON, path="/api/v1/seller-info", group=SELLER_INFO,
                           write=False, action=lambda s: (200, {"name": s.name, "sid": s.sid,
                                                                "tradeMark": s.trade_mark or s.name}))

    return router
