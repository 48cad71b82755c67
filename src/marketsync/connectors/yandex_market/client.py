"""Yandex Market Partner API client: one method per endpoint, `Api-Key` auth, token paging, one error table.

Every answer is the `{status: OK|ERROR, errors: [{code, message}]}` envelope (ApiResponse/ApiErrorResponse).
Rate limits answer **420** Enhance Your Calm, not 429 (components/responses/420.yaml). The spec documents no
Retry-After; the limits page (yandex.ru/dev/market/partner-api/doc/ru/concepts/limits, read through the search
tool) says every answer carries X-RateLimit-Resource-Limit / -Remaining / -Until (an RFC 822 date until which
the limit holds), and that more than 4 parallel requests per shop or cabinet also answer 420. So the wait is
Retry-After when a proxy sends one, else Until − now, else one second (the parallel limit frees that fast).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import (
    ConfigError,
    ConnectorError,
    MalformedResponseError,
    Param,
    RateLimited,
    RejectedError,
)
from marketsync.connectors.yandex_market.schemas import (
    ApiError,
    CampaignAnswer,
    CampaignList,
    ErrorBody,
    OfferMappingsAnswer,
    StatusAnswer,
    StocksAnswer,
)
from marketsync.connectors.yandex_market.schemas_dictionary import CategoriesAnswer, ParametersAnswer
from marketsync.http import HttpClient, parse_json

SYSTEM = "yandex_market"
TITLE = "Yandex Market"
UPDATE_STOCKS_MAX = 2000  # UpdateStocksRequest.skus: minItems 1, maxItems 2000
STOCKS_PAGE = 200  # PageLimit200 of getStocks
STOCKS_OFFER_IDS_MAX = 500  # GetWarehouseStocksRequest.offerIds: maxItems 500 (answered whole, no paging)
MAPPINGS_PAGE = 100  # PageLimit100Truncate of getOfferMappings
CAMPAIGNS_PAGE = 100  # PageLimit100WithoutDefault of getCampaigns
CATEGORIES_TREE = "/v2/categories/tree"
DEFAULT_RATE_WAIT = 1.0
ModelT = TypeVar("ModelT", bound=BaseModel)


class RequestRefusedError(RejectedError):
    """Yandex Market refused a whole request (400/404/423, or `status: ERROR` in a 200); `errors` as sent."""

    def __init__(self, message: str, *, status: int, errors: Sequence[ApiError], code: int | str | None = None,
                 key: str | None = None, params: dict[str, Param] | None = None) -> None:
        super().__init__(message, code=code, key=key, params=params)
        self.status = status
        self.errors = list(errors)


def _errors(response: httpx.Response) -> list[ApiError]:
    try:
        return ErrorBody.model_validate(response.json()).errors or []
    except (ValueError, ValidationError):
        return []


def rate_limit_wait(response: httpx.Response, now: float | None = None) -> float:
    """Seconds to wait after a 420: Retry-After, else X-RateLimit-Resource-Until − now, else one second."""
    retry_after = response.headers.get("Retry-After")
    if retry_after:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
    until = response.headers.get("X-RateLimit-Resource-Until")
    if until:
        try:
            moment = parsedate_to_datetime(until).timestamp()
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            # At least a second: a past or equal date would otherwise retry at once, forever.
            return max(DEFAULT_RATE_WAIT, moment - (time.time() if now is None else now))
    return DEFAULT_RATE_WAIT


def _describe(errors: Sequence[ApiError], status: int) -> str:
    if not errors:
        return f"HTTP {status}"
    return "; ".join(f"{e.code}: {e.message}" if e.message else e.code for e in errors[:3])


def classify(response: httpx.Response) -> None:
    """Map Yandex Market's answers to our errors (one table; 5xx are http.py's OutcomeUnknownError already)."""
    status = response.status_code
    if status < 400:
        if status == 200 and _status_error(response):
            errors = _errors(response)
            raise RequestRefusedError(f"{TITLE} refused the request: {_describe(errors, status)}", status=status,
                                      errors=errors, code=errors[0].code if errors else None)
        return
    errors = _errors(response)
    code = errors[0].code if errors else None
    text = _describe(errors, status)
    if status in (401, 403):
        raise ConfigError(f"{TITLE} refused the Api-Key or access (HTTP {status}: {text})",
                          code=code or status, key="token_rejected",
                          params={"system": SYSTEM, "code": str(code or status), "detail": text})
    if status == 420:
        raise RateLimited(f"{TITLE}: request limit reached (HTTP 420: {text})",
                          retry_after=rate_limit_wait(response), code=code or 420)
    if status in (400, 404, 423):
        raise RequestRefusedError(f"{TITLE} refused the request (HTTP {status}: {text})", status=status,
                                  errors=errors, code=code or status, key="refused",
                                  params={"system": SYSTEM, "code": str(code or status), "detail": text})
    raise ConnectorError(f"{TITLE} answered HTTP {status}: {text}", code=code or status, key="http_status",
                         params={"system": SYSTEM, "status": status})


def _status_error(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == "ERROR"


class YandexMarketClient:
    """Talks to api.partner.market.yandex.ru (or the sandbox) with one Api-Key."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def _model(self, response: httpx.Response, model: type[ModelT], what: str) -> ModelT:
        try:
            return model.model_validate(parse_json(response, SYSTEM))
        except ValidationError as exc:
            raise MalformedResponseError(f"{TITLE}: unexpected answer to {what}: {exc.errors()[0]['msg']}") \
                from exc

    def get_campaign(self, campaign_id: int) -> CampaignAnswer:
        """GET /v2/campaigns/{campaignId} (getCampaign; 5,000 requests/hour): one shop and its business."""
        response = self.http.request("GET", f"/v2/campaigns/{campaign_id}", idempotent=True, classify=classify)
        return self._model(response, CampaignAnswer, "getCampaign")

    def get_campaigns(self) -> Iterator[CampaignList]:
        """GET /v2/campaigns (getCampaigns; 1,000 requests/hour), pageToken + limit ≤ 100: the key's shops."""
        token: str | None = None
        seen: set[str] = set()
        while True:
            params: dict[str, Any] = {"limit": CAMPAIGNS_PAGE, **({"pageToken": token} if token else {})}
            response = self.http.request("GET", "/v2/campaigns", params=params, idempotent=True,
                                         classify=classify)
            page = self._model(response, CampaignList, "getCampaigns")
            yield page
            token = page.paging.next_page_token if page.paging else None
            if not token or token in seen or not page.campaigns:  # a repeated token would loop forever
                return
            seen.add(token)

    def get_offer_mappings(self, business_id: int, *, archived: bool) -> Iterator[OfferMappingsAnswer]:
        """POST /v2/businesses/{businessId}/offer-mappings (getOfferMappings; 100 requests/min), limit ≤ 100:
        the business catalogue, archived offers or the others (the `archived` filter)."""
        token: str | None = None
        seen: set[str] = set()
        path = f"/v2/businesses/{business_id}/offer-mappings"
        while True:
            params: dict[str, Any] = {"limit": MAPPINGS_PAGE, **({"pageToken": token} if token else {})}
            response = self.http.request("POST", path, params=params, json={"archived": archived},
                                         idempotent=True, classify=classify)
            page = self._model(response, OfferMappingsAnswer, "getOfferMappings")
            yield page
            token = page.result.paging.next_page_token if page.result.paging else None
            if not token or token in seen or not page.result.offer_mappings:
                return
            seen.add(token)

    def get_stocks(self, campaign_id: int) -> Iterator[StocksAnswer]:
        """POST /v2/campaigns/{campaignId}/offers/stocks (getStocks; 100,000 offers/min), limit ≤ 200:
        every non-archived offer's stocks at the shop's warehouses, page by page."""
        token: str | None = None
        seen: set[str] = set()
        path = f"/v2/campaigns/{campaign_id}/offers/stocks"
        while True:
            params: dict[str, Any] = {"limit": STOCKS_PAGE, **({"pageToken": token} if token else {})}
            response = self.http.request("POST", path, params=params, json={}, idempotent=True,
                                         classify=classify)
            page = self._model(response, StocksAnswer, "getStocks")
            yield page
            token = page.result.paging.next_page_token if page.result.paging else None
            if not token or token in seen or not page.result.warehouses:
                return
            seen.add(token)

    def get_stocks_of(self, campaign_id: int, offer_ids: Sequence[str]) -> StocksAnswer:
        """POST /v2/campaigns/{campaignId}/offers/stocks with `offerIds` (≤ 500, archived ones included): the
        list comes back whole, so neither limit nor page_token is sent (GetWarehouseStocksRequest)."""
        if not 0 < len(offer_ids) <= STOCKS_OFFER_IDS_MAX:
            raise ValueError(f"getStocks takes 1..{STOCKS_OFFER_IDS_MAX} offerIds, got {len(offer_ids)}")
        response = self.http.request("POST", f"/v2/campaigns/{campaign_id}/offers/stocks",
                                     json={"offerIds": list(offer_ids)}, idempotent=True, classify=classify)
        return self._model(response, StocksAnswer, "getStocks")

    def update_stocks(self, campaign_id: int, skus: list[dict[str, Any]]) -> StatusAnswer:
        """PUT /v2/campaigns/{campaignId}/offers/stocks (updateStocks; 100,000 SKUs/min): 1..2000 unique skus,
        each with exactly one item {count, updatedAt}. Not idempotent for http.py: a lost answer is raised."""
        if not 0 < len(skus) <= UPDATE_STOCKS_MAX:
            raise ValueError(f"updateStocks takes 1..{UPDATE_STOCKS_MAX} skus, got {len(skus)}")
        response = self.http.request("PUT", f"/v2/campaigns/{campaign_id}/offers/stocks", json={"skus": skus},
                                     idempotent=False, classify=classify)
        return self._model(response, StatusAnswer, "updateStocks")

    def categories_tree(self) -> CategoriesAnswer:
        """POST /v2/categories/tree (getCategoriesTree; 50 requests/HOUR): the whole tree under one root, in
        Russian. Cache it: a refresh within the hour must not ask again."""
        response = self.http.request("POST", CATEGORIES_TREE, json={"language": "RU"}, idempotent=True,
                                     classify=classify)
        return self._model(response, CategoriesAnswer, "getCategoriesTree")

    def category_parameters(self, category_id: int) -> ParametersAnswer:
        """POST /v2/category/{categoryId}/parameters (getCategoryContentParameters; 100 requests/min): a leaf
        category's parameters with their ENUM values (400 UNKNOWN_CATEGORY / CATEGORY_IS_NOT_LEAF otherwise)."""
        response = self.http.request("POST", f"/v2/category/{category_id}/parameters", idempotent=True,
                                     classify=classify)
        return self._model(response, ParametersAnswer, "getCategoryContentParameters")
