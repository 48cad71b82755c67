"""The emulated WB's card and price routes: card upload, update, error list and media save on the content host,
and the prices host (`/wildberries/prices`) with price uploads, their state and goods, and the price quarantine."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox.wildberries import errors, media, prices, publishing
from marketsync.sandbox.wildberries.gateway import BadBody, json_body, serve
from marketsync.sandbox.wildberries.limits import CARDS_ERRORS, CARDS_UPDATE, CARDS_UPLOAD, CONTENT, PRICES
from marketsync.sandbox.wildberries.state import WbSeller

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

CardAction = Callable[[Any, WbSeller, Any], tuple[int, Any]]


def add_card_routes(content: APIRouter, sandbox: SandboxState) -> None:
    """Serve card upload, update, the error list and the media save on the content host's router."""
    wb = sandbox.wildberries

    def route(path: str, group: str, write: bool, action: CardAction) -> None:
        async def handle(request: Request) -> Response:
            body = await json_body(request)

            def run(seller: WbSeller) -> tuple[int, Any]:
                if isinstance(body, BadBody):
                    raise errors.content(400, "Invalid request format")
                return action(wb, seller, body)

            return await serve(sandbox, request, host="content", path=path, group=group, write=write, action=run,
                               body=body)

        handle.__doc__ = f"POST {path}"
        content.add_api_route(path, handle, methods=["POST"])

    route("/content/v2/cards/upload", CARDS_UPLOAD, True, publishing.upload)
    route("/content/v2/cards/update", CARDS_UPDATE, True, publishing.update)
    route("/content/v2/cards/error/list", CARDS_ERRORS, False, publishing.error_list)
    route("/content/v3/media/save", CONTENT, True, media.save_media)  # in the Content category's limit


def prices_router(sandbox: SandboxState) -> APIRouter:
    """Build the prices host's router (`/prices/...` under the WB prefix)."""
    router = APIRouter(prefix="/prices")
    wb = sandbox.wildberries

    @router.post("/api/v2/upload/task")
    async def upload_task(request: Request) -> Response:
        """POST /api/v2/upload/task: set prices and discounts of ≤ 1000 goods."""
        body = await json_body(request)

        def run(seller: WbSeller) -> tuple[int, Any]:
            if isinstance(body, BadBody):
                raise errors.WbError(400, {"data": None, "error": True, "errorText": "Invalid data format"})
            return prices.upload_task(wb, seller, body)

        return await serve(sandbox, request, host="prices", path="/api/v2/upload/task", group=PRICES, write=True,
                           action=run, body=body)

    def read(path: str, action: Callable[[WbSeller, Any], tuple[int, Any]]) -> None:
        async def handle(request: Request) -> Response:
            return await serve(sandbox, request, host="prices", path=path, group=PRICES, write=False,
                               action=lambda seller: action(seller, request.query_params))

        handle.__doc__ = f"GET {path}"
        router.add_api_route(path, handle, methods=["GET"])

    read("/api/v2/history/tasks", lambda s, q: prices.task_state(wb, s, q, buffer=False))
    read("/api/v2/buffer/tasks", lambda s, q: prices.task_state(wb, s, q, buffer=True))
    read("/api/v2/history/goods/task", lambda s, q: prices.task_goods(wb, s, q, buffer=False))
    read("/api/v2/buffer/goods/task", lambda s, q: prices.task_goods(wb, s, q, buffer=True))
    read("/api/v2/quarantine/goods", lambda s, q: prices.quarantine(wb, s, q))
    return router
