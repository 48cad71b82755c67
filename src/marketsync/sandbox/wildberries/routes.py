"""The HTTP face of the emulated WB: one router per host, each under its own prefix, so each has its own base URL
(`/wildberries/content`, `/wildberries/marketplace`, `/wildberries/statistics`, `/wildberries/feedbacks`,
`/wildberries/prices`, `/wildberries/common`), like the real hosts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.cards import list_cards
from marketsync.sandbox.wildberries.dictionary import add_dictionary_routes
from marketsync.sandbox.wildberries.gateway import BadBody, json_body, serve
from marketsync.sandbox.wildberries.limits import CONTENT, ORDERS, SALES, STATISTICS, STOCKS, WAREHOUSES
from marketsync.sandbox.wildberries.publishing import process_due
from marketsync.sandbox.wildberries.reports import order_to_wire, parse_query, sale_to_wire, select
from marketsync.sandbox.wildberries.routes_feed import common_router, feedbacks_router, ping_route
from marketsync.sandbox.wildberries.routes_publishing import add_card_routes, prices_router
from marketsync.sandbox.wildberries.state import MARKETPLACE, WbSeller
from marketsync.sandbox.wildberries.stocks import put_stocks, read_stocks
from marketsync.sandbox.wildberries.wire import fbo_row_to_wire, parse_date_from, warehouse_to_wire

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState

STOCKS_PATH = "/api/v3/stocks/{warehouseId}"


def _marketplace_body(body: Any) -> Any:
    if isinstance(body, BadBody):
        raise errors.incorrect_body()
    return body


def wildberries_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/wildberries/{content,marketplace,statistics}/...` from `sandbox`."""
    router = APIRouter(prefix="/wildberries")
    content, marketplace, statistics = (APIRouter(prefix=f"/{host}") for host in ("content", MARKETPLACE,
                                                                                   "statistics"))
    wb = sandbox.wildberries

    @content.post("/content/v2/get/cards/list")
    async def cards_list(request: Request) -> Response:
        """POST /content/v2/get/cards/list: one page of the seller's cards."""
        body = await json_body(request)

        def action(seller: WbSeller) -> tuple[int, Any]:
            if isinstance(body, BadBody):
                raise errors.content(400, "Request body can not be decoded")
            process_due(wb, seller)  # queued uploads and updates whose time has come show in the list
            return list_cards(seller, body)

        return await serve(sandbox, request, host="content", path="/content/v2/get/cards/list", group=CONTENT,
                           write=False, action=action, body=body)

    @marketplace.get("/api/v3/warehouses")
    async def warehouses(request: Request) -> Response:
        """GET /api/v3/warehouses: the seller's warehouses."""
        return await serve(sandbox, request, host=MARKETPLACE, path="/api/v3/warehouses", group=WAREHOUSES,
                           write=False, action=lambda s: (200, [warehouse_to_wire(w) for w in s.warehouses.values()]))

    @marketplace.post(STOCKS_PATH)
    async def stocks_read(request: Request, warehouseId: str) -> Response:
        """POST /api/v3/stocks/{warehouseId}: stock of the sizes asked for."""
        body = await json_body(request)
        return await serve(sandbox, request, host=MARKETPLACE, path=STOCKS_PATH, group=STOCKS, write=False,
                           action=lambda s: read_stocks(s, warehouseId, _marketplace_body(body)), body=body)

    @marketplace.put(STOCKS_PATH)
    async def stocks_update(request: Request, warehouseId: str) -> Response:
        """PUT /api/v3/stocks/{warehouseId}: set the stock of 1..1000 sizes."""
        body = await json_body(request)
        return await serve(sandbox, request, host=MARKETPLACE, path=STOCKS_PATH, group=STOCKS, write=True,
                           action=lambda s: put_stocks(s, warehouseId, _marketplace_body(body)), body=body)

    @statistics.get("/api/v1/supplier/stocks")
    async def supplier_stocks(request: Request) -> Response:
        """GET /api/v1/supplier/stocks?dateFrom=: stock rows at WB's warehouses changed since dateFrom."""
        date_from = request.query_params.get("dateFrom")

        def action(seller: WbSeller) -> tuple[int, Any]:
            if not date_from:
                raise errors.statistics(["dateFrom: field required"])
            try:
                since = parse_date_from(date_from)
            except ValueError:
                raise errors.statistics("dateFrom: Value not validated") from None
            return 200, [fbo_row_to_wire(row) for row in wb.fbo_rows(seller, since)]

        return await serve(sandbox, request, host="statistics", path="/api/v1/supplier/stocks", group=STATISTICS,
                           write=False, action=action)

    @statistics.get("/api/v1/supplier/orders")
    async def supplier_orders(request: Request) -> Response:
        """GET /api/v1/supplier/orders?dateFrom=&flag=: order rows (flag 0: changed since; 1: of that day)."""
        query = request.query_params

        def action(seller: WbSeller) -> tuple[int, Any]:
            since, flag = parse_query(query.get("dateFrom"), query.get("flag"))
            rows = select(wb, list(seller.orders.values()), since, flag, lambda order: order.date)
            return 200, [order_to_wire(order) for order in rows]

        return await serve(sandbox, request, host="statistics", path="/api/v1/supplier/orders", group=ORDERS,
                           write=False, action=action)

    @statistics.get("/api/v1/supplier/sales")
    async def supplier_sales(request: Request) -> Response:
        """GET /api/v1/supplier/sales?dateFrom=&flag=: buyout (S…) and return (R…) rows."""
        query = request.query_params

        def action(seller: WbSeller) -> tuple[int, Any]:
            since, flag = parse_query(query.get("dateFrom"), query.get("flag"))
            rows = select(wb, list(seller.sales.values()), since, flag, lambda sale: sale.order.date)
            return 200, [sale_to_wire(sale) for sale in rows]

        return await serve(sandbox, request, host="statistics", path="/api/v1/supplier/sales", group=SALES,
                           write=False, action=action)

    add_dictionary_routes(content, sandbox)
    add_card_routes(content, sandbox)
    prices = prices_router(sandbox)
    for host, host_router in (("content", content), ("statistics", statistics), ("prices", prices)):
        host_router.add_api_route("/ping", ping_route(sandbox, host), methods=["GET"])
    for host_router in (content, marketplace, statistics, prices, feedbacks_router(sandbox),
                        common_router(sandbox)):
        router.include_router(host_router)
    return router
