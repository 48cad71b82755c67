"""The HTTP face of the Yandex Market Partner API: real paths and methods, the `Api-Key` header, token paging,
request bodies checked against the published spec (a violation is YM's 400), the documented resource limits
per key (420 with X-RateLimit-Resource-* headers) and the `{status, errors}` envelope."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox import contract
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.yandex_market import spec
from marketsync.sandbox.yandex_market.cards_routes import add_card_routes
from marketsync.sandbox.yandex_market.dictionary import categories_tree, category_parameters
from marketsync.sandbox.yandex_market.errors import YmError, bad_request, forbidden, unauthorized
from marketsync.sandbox.yandex_market.wire import (
    campaign_to_wire,
    offer_mapping_to_wire,
    paged,
    warehouses_to_wire,
)

SERVICE = "yandex_market"
MEDIA_TYPE = "application/json; charset=utf-8"
CAMPAIGN = "/v2/campaigns/{campaignId}"
CAMPAIGNS = "/v2/campaigns"
OFFER_MAPPINGS = "/v2/businesses/{businessId}/offer-mappings"
STOCKS = "/v2/campaigns/{campaignId}/offers/stocks"
CATEGORIES_TREE = "/v2/categories/tree"
PARAMETERS = "/v2/category/{categoryId}/parameters"


class Call:
    """One request as the action sees it: key, parsed body, query, and the limit it is counted against."""

    def __init__(self, token: str, body: Any, query: dict[str, str]) -> None:
        self.token, self.body, self.query = token, body, query
        self.headers: dict[str, str] = {}


Action = Callable[[Call], Any]


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type=MEDIA_TYPE,
                    headers=headers)


def _limit(query: dict[str, str], method: str, template: str) -> int:
    """Read `limit` as the operation's PageLimit parameter says: bounds, default, truncation."""
    schema = spec.load_spec().parameters(method, template)["limit"]
    bounds = schema["schema"]
    raw = query.get("limit")
    if raw is None:
        return int(bounds.get("default", bounds.get("maximum", 100)))
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"limit must be an integer, got {raw}") from None
    if value < int(bounds.get("minimum", 1)):
        raise bad_request(f"limit must be at least {bounds.get('minimum', 1)}")
    if value > int(bounds["maximum"]):
        if schema.get("x-transform") == "truncateLimit":
            return int(bounds["maximum"])
        raise bad_request(f"limit must be at most {bounds['maximum']}")
    return value


def _page_token(query: dict[str, str]) -> str | None:
    return query.get("pageToken") or query.get("page_token")


def yandex_market_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/yandex_market/...` from `sandbox`."""
    router = APIRouter(prefix=f"/{SERVICE}")
    ym = sandbox.yandex_market

    def page_size(call: Call, method: str, template: str) -> int:
        limit = _limit(call.query, method, template)
        return min(limit, ym.page_cap) if ym.page_cap else limit

    def count(call: Call, operation: str, weight: int) -> None:
        """Count a request against its documented limit; 420 when it would pass it."""
        verdict = ym.windows.hit(f"{call.token}:{operation}", ym.limits.get(operation), weight)
        call.headers.update(verdict.headers)
        if not verdict.allowed:
            sandbox.stats.record_limited(SERVICE)
            raise YmError(420, "LIMIT_EXCEEDED", f"Hit rate limit for {operation}: "
                          f"{call.headers['X-RateLimit-Resource-Limit']} per period",
                          headers=verdict.headers)

    async def serve(request: Request, method: str, template: str, operation: str, write: bool,
                    action: Action) -> Response:
        sandbox.stats.record_request(SERVICE, operation, write=write)
        fault = sandbox.faults.draw(SERVICE, write=write)
        await wait_latency(sandbox.faults, SERVICE)
        if fault is not None and fault.kind == "429":  # YM's rate limit is 420 Enhance Your Calm
            error = YmError(420, "LIMIT_EXCEEDED", "Hit rate limit of 4 parallel requests")
            return _answer(method, template, 420, error.body(), {"Retry-After": str(fault.retry_after)})
        if fault is not None and fault.kind not in ("lost_write", "lost_write_504"):
            failure = await gateway_failure(fault)
            if failure is not None:
                return failure
        raw = await request.body()
        call: Call | None = None
        try:
            token = request.headers.get("api-key", "").strip()
            if not token:
                raise unauthorized()
            with sandbox.lock:
                if ym.business_of(token) is None:
                    raise forbidden()
                call = Call(token, _body(method, template, raw), dict(request.query_params))
                body = action(call)
        except YmError as error:
            headers = {**(call.headers if call else {}), **error.headers}
            return _answer(method, template, error.status, error.body(), headers)
        if fault is not None and fault.kind in ("lost_write", "lost_write_504"):
            return lost_write_response(fault)
        assert call is not None  # the action ran
        return _answer(method, template, 200, body, call.headers)

    @router.get(CAMPAIGN)
    async def get_campaign(request: Request, campaignId: int) -> Response:
        """GET /v2/campaigns/{campaignId} (getCampaign): one shop of the key's business."""

        def action(call: Call) -> Any:
            campaign = ym.campaign_for(call.token, campaignId)
            count(call, "getCampaign", 1)
            return {"campaign": campaign_to_wire(campaign, ym.businesses.get(campaign.business_id, ""))}

        return await serve(request, "GET", CAMPAIGN, "getCampaign", False, action)

    @router.get(CAMPAIGNS)
    async def get_campaigns(request: Request) -> Response:
        """GET /v2/campaigns (getCampaigns): the shops of the key's business, token-paged."""

        def action(call: Call) -> Any:
            campaigns = ym.campaigns_of(call.token)
            chunk, paging = paged(campaigns, _page_token(call.query), page_size(call, "GET", CAMPAIGNS))
            count(call, "getCampaigns", 1)
            rendered = [campaign_to_wire(c, ym.businesses.get(c.business_id, "")) for c in chunk]
            return {"campaigns": rendered, "paging": paging}

        return await serve(request, "GET", CAMPAIGNS, "getCampaigns", False, action)

    @router.post(OFFER_MAPPINGS)
    async def get_offer_mappings(request: Request, businessId: int) -> Response:
        """POST /v2/businesses/{businessId}/offer-mappings (getOfferMappings): the catalogue, by offerIds or
        paged (archived offers only with `archived: true`)."""

        def action(call: Call) -> Any:
            ym.business_for(call.token, businessId)
            filters = call.body or {}
            offer_ids = filters.get("offerIds")
            if offer_ids:
                if _page_token(call.query) or "limit" in call.query or filters.get("archived") is not None:
                    raise bad_request("offerIds cannot be combined with pageToken, limit or other filters")
                catalogue = {o.offer_id: o for o in ym.catalogue(businessId, archived=False)
                             + ym.catalogue(businessId, archived=True)}
                chunk, paging = [catalogue[i] for i in offer_ids if i in catalogue], dict[str, Any]()
            else:
                offers = ym.catalogue(businessId, archived=bool(filters.get("archived")))
                chunk, paging = paged(offers, _page_token(call.query), page_size(call, "POST", OFFER_MAPPINGS))
            count(call, "getOfferMappings", 1)
            return {"status": "OK", "result": {"offerMappings": [offer_mapping_to_wire(o) for o in chunk],
                                               "paging": paging}}

        return await serve(request, "POST", OFFER_MAPPINGS, "getOfferMappings", False, action)

    @router.post(STOCKS)
    async def get_stocks(request: Request, campaignId: int) -> Response:
        """POST /v2/campaigns/{campaignId}/offers/stocks (getStocks): stocks per warehouse of the shop."""

        def action(call: Call) -> Any:
            campaign = ym.campaign_for(call.token, campaignId, unknown=403)  # getStocks documents no 404
            filters = call.body or {}
            offer_ids = filters.get("offerIds")
            if offer_ids:
                if _page_token(call.query) or "limit" in call.query or filters.get("archived") is not None:
                    raise bad_request("offerIds cannot be combined with pageToken, limit or archived")
                chunk, paging = ym.offers_by_id(campaign, offer_ids), dict[str, Any]()
            else:
                offers = ym.shop_offers(campaign, archived=bool(filters.get("archived")))
                chunk, paging = paged(offers, _page_token(call.query), page_size(call, "POST", STOCKS))
            warehouses, entries = warehouses_to_wire(ym, campaign, chunk)
            count(call, "getStocks", max(1, entries))
            return {"status": "OK", "result": {"warehouses": warehouses, "paging": paging}}

        return await serve(request, "POST", STOCKS, "getStocks", False, action)

    @router.put(STOCKS)
    async def update_stocks(request: Request, campaignId: int) -> Response:
        """PUT /v2/campaigns/{campaignId}/offers/stocks (updateStocks): 1..2000 SKUs, all or nothing."""

        def action(call: Call) -> Any:
            campaign = ym.campaign_for(call.token, campaignId)
            skus = call.body["skus"]
            count(call, "updateStocks", len(skus))
            ym.update_stocks(campaign, skus)
            return {"status": "OK"}

        return await serve(request, "PUT", STOCKS, "updateStocks", True, action)

    @router.post(CATEGORIES_TREE)
    async def get_categories_tree(request: Request) -> Response:
        """POST /v2/categories/tree (getCategoriesTree): the category tree, 50 requests an hour per key."""

        def action(call: Call) -> Any:
            count(call, "getCategoriesTree", 1)
            return categories_tree()

        return await serve(request, "POST", CATEGORIES_TREE, "getCategoriesTree", False, action)

    @router.post(PARAMETERS)
    async def get_category_parameters(request: Request, categoryId: int) -> Response:
        """POST /v2/category/{categoryId}/parameters (getCategoryContentParameters): a leaf's parameters."""

        def action(call: Call) -> Any:
            count(call, "getCategoryContentParameters", 1)
            return category_parameters(categoryId)

        return await serve(request, "POST", PARAMETERS, "getCategoryContentParameters", False, action)

    add_card_routes(router, ym, serve, count)  # updateOfferMappings, updateBusinessPrices
    return router


def _body(method: str, template: str, raw: bytes) -> Any:
    """Parse and check a request body against the operation's schema; YM answers 400 to a bad one."""
    validator = spec.load_spec().request_validator(method, template)
    if not raw.strip():
        body = None
    else:
        try:
            body = json.loads(raw)
        except ValueError:
            raise bad_request("Request body is not valid JSON") from None
    if validator is None:
        return body
    if body is None:
        if spec.load_spec().operation(method, template)["requestBody"].get("required"):
            raise bad_request("Request body is required")
        return None
    problem = spec.first_error(validator, body)
    if problem:
        raise bad_request(f"Request body is invalid {problem}")
    return body


def _answer(method: str, template: str, status: int, body: Any, headers: dict[str, str] | None) -> Response:
    if contract.validation_enabled():
        spec.check_response(method, template, status, body)
    return _json(status, body, headers)
