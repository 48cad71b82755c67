"""The HTTP face of the emulated catalogue writes (sandbox/yandex_market/cards.py): updateOfferMappings and
updateBusinessPrices on their real paths, through routes.py's request machinery (key, body checked against the
spec, faults, the per-minute limits counted on the offers sent, 420 past them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox.yandex_market.cards import update_business_prices, update_offer_mappings
from marketsync.sandbox.yandex_market.state import YandexMarketState

if TYPE_CHECKING:
    from marketsync.sandbox.yandex_market.routes import Call

UPDATE_OFFER_MAPPINGS = "/v2/businesses/{businessId}/offer-mappings/update"
UPDATE_BUSINESS_PRICES = "/v2/businesses/{businessId}/offer-prices/updates"
Serve = Callable[[Request, str, str, str, bool, Callable[["Call"], Any]], Awaitable[Response]]
Count = Callable[["Call", str, int], None]


def add_card_routes(router: APIRouter, ym: YandexMarketState, serve: Serve, count: Count) -> None:
    """Register the card and price writes on the Yandex Market router."""

    @router.post(UPDATE_OFFER_MAPPINGS)
    async def update_offer_mappings_route(request: Request, businessId: int) -> Response:
        """POST /v2/businesses/{businessId}/offer-mappings/update (updateOfferMappings): all or nothing."""

        def action(call: Call) -> Any:
            ym.business_for(call.token, businessId)
            mappings = call.body["offerMappings"]
            count(call, "updateOfferMappings", len(mappings))
            return update_offer_mappings(ym, businessId, mappings)

        return await serve(request, "POST", UPDATE_OFFER_MAPPINGS, "updateOfferMappings", True, action)

    @router.post(UPDATE_BUSINESS_PRICES)
    async def update_business_prices_route(request: Request, businessId: int) -> Response:
        """POST /v2/businesses/{businessId}/offer-prices/updates (updateBusinessPrices): 1..500 prices."""

        def action(call: Call) -> Any:
            ym.business_for(call.token, businessId)
            offers = call.body["offers"]
            count(call, "updateBusinessPrices", len(offers))
            update_business_prices(ym, businessId, offers)
            return {"status": "OK"}

        return await serve(request, "POST", UPDATE_BUSINESS_PRICES, "updateBusinessPrices", True, action)
