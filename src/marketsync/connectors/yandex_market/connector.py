"""Yandex Market as a StockChannel: the offers, stocks and stock updates of one FBS/DBS shop (campaign) of a
business (cabinet), plus the FBY shops' stocks at Market's warehouses (FBO) for the whole business.

Offers come from the business catalogue, `POST /v2/businesses/{businessId}/offer-mappings`: it is the one
endpoint that gives offerId, barcodes and marketSku together (the shop's `POST /v2/campaigns/{campaignId}/
offers` gives offerId, prices and status only, so listing it too would add a call per 200 offers and bring no
identifier we need). It pages by 100, twice over: the `archived` filter returns either archived offers or the
others, never both. An offer is kept when it is placed in our shop or lists no shop (placed_in).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from marketsync.connectors.errors import ConfigError, ConnectorError
from marketsync.connectors.records import FBS, CheckResult, MarketOffer, StockLevel, StockUpdate, WriteResult
from marketsync.connectors.yandex_market.cards import YandexMarketCards
from marketsync.connectors.yandex_market.client import (
    STOCKS_OFFER_IDS_MAX,
    SYSTEM,
    TITLE,
    UPDATE_STOCKS_MAX,
    RequestRefusedError,
    YandexMarketClient,
)
from marketsync.connectors.yandex_market.dictionary import YandexMarketDictionary
from marketsync.connectors.yandex_market.mapping import (
    fulfillment_of,
    levels_from_wire,
    offer_from_wire,
    placed_in,
    refused_keys,
    skus_to_wire,
)
from marketsync.http import Budget, HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings

# The spec sets no per-second limit; the limits page allows at most 4 parallel requests per shop or cabinet
# (a connector sends one at a time; more answer 420, waited out). 10 a second is our own ceiling, not YM's.
REQUESTS_PER_SECOND = 10


class YandexMarketCredentials(BaseModel):
    """An Api-Key of a Yandex Market business (cabinet), the business id and the FBS/DBS shop's campaign id."""

    token: str = Field(min_length=8, max_length=512)
    business_id: int = Field(gt=0)
    campaign_id: int = Field(gt=0)


class PathBudgets(Mapping[str, Budget]):
    """Budgets keyed by path template: `{id}` stands for any number, so every shop and business of the key gets
    its operation's budget (http.py looks a request's path up here and keeps one bucket per path)."""

    def __init__(self, templates: dict[str, Budget]) -> None:
        self._templates = templates
        self._patterns = [(re.compile(re.escape(t).replace(re.escape("{id}"), r"\d+")), b)
                          for t, b in templates.items()]

    def __getitem__(self, path: str) -> Budget:
        for pattern, budget in self._patterns:
            if pattern.fullmatch(path):
                return budget
        raise KeyError(path)

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)


# Each operation's x-resource-limit-config (tier `none`), for one credential.
METHOD_BUDGETS = PathBudgets({
    # updateStocks: 100,000 SKUs/min; at the 2,000-SKU maximum that is 50 requests/min. getStocks (POST on the
    # same path: budgets are keyed by path) allows 100,000 offers/min, which 50 requests of ≤ 500 offers never
    # exceed, so one 50/min budget keeps both inside their limits.
    "/v2/campaigns/{id}/offers/stocks": Budget(per_minute=50),
    "/v2/businesses/{id}/offer-mappings": Budget(per_minute=100),  # getOfferMappings: 100 requests/min
    "/v2/campaigns/{id}": Budget(per_minute=83),  # getCampaign: 5,000 requests/hour ≈ 83/min
    "/v2/campaigns": Budget(per_minute=16),  # getCampaigns: 1,000 requests/hour ≈ 16/min
    # getCategoriesTree: 50 requests an HOUR, kept as a one-hour window (the dictionary service caches the tree,
    # so this only guards against a loop); getCategoryContentParameters: 100 requests/min.
    "/v2/categories/tree": Budget(window=(50, 3_600_000)),
    "/v2/category/{id}/parameters": Budget(per_minute=100),
    # updateOfferMappings: 5,000 offers/min; at the 100 offers a request may carry that is 50 requests/min.
    # updateBusinessPrices: 10,000 offers/min; at 500 a request, 20 requests/min. Counting requests at the
    # maximum keeps every mix of batch sizes inside the offer limits.
    "/v2/businesses/{id}/offer-mappings/update": Budget(per_minute=50),
    "/v2/businesses/{id}/offer-prices/updates": Budget(per_minute=20),
})


def _cause(exc: ConnectorError) -> dict[str, object]:
    return {"key": exc.key, "params": dict(exc.params)}


class YandexMarketConnector(YandexMarketDictionary, YandexMarketCards):
    """Keeps the FBS stock of one Yandex Market shop equal to ours; publishes the hub's cards and prices."""

    system = SYSTEM
    batch_size = UPDATE_STOCKS_MAX
    update_interval_seconds = 0.0

    def __init__(self, credentials: YandexMarketCredentials, *, connection_key: str,
                 recorder: Recorder | None = None, base_url: str | None = None, max_attempts: int | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings()
        self.business_id = credentials.business_id
        self.campaign_id = credentials.campaign_id
        self.client = YandexMarketClient(HttpClient(HttpConfig(
            system=SYSTEM,
            base_url=base_url or settings.YM_API_URL,
            credential=credentials.token,
            rate_per_second=REQUESTS_PER_SECOND,
            method_budgets=METHOD_BUDGETS,
            breaker_key=f"{SYSTEM}:{connection_key}",
            headers={"Api-Key": credentials.token},  # securitySchemes.ApiKey: header `Api-Key`
            recorder=recorder,
            max_attempts=max_attempts,
            timeout=timeout,
        )))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.client.http.close()

    def check(self) -> CheckResult:
        """Read the shop (GET /v2/campaigns/{campaignId}): it must exist, be FBS/DBS and belong to the business."""
        campaign_id, business_id = self.campaign_id, self.business_id
        said: dict[str, str | int] = {"system": SYSTEM, "campaign": campaign_id, "business": business_id}
        missing = CheckResult(ok=False, message=f"{TITLE}: campaign {campaign_id} was not found",
                              key="campaign_not_found", params=said)
        try:
            campaign = self.client.get_campaign(campaign_id).campaign
        except RequestRefusedError as exc:
            if exc.status == 404:
                return missing
            return CheckResult(ok=False, message=f"{TITLE}: campaign {campaign_id} is not available: {exc.message}",
                               key="unreachable", params={"system": SYSTEM, "cause": _cause(exc)})
        except ConfigError as exc:
            return CheckResult(ok=False, message=f"{exc.message}; campaign {campaign_id}, business {business_id}",
                               key=exc.key, params=dict(exc.params))
        except ConnectorError as exc:
            return CheckResult(ok=False, message=f"{TITLE} is not reachable: {exc.message}", key="unreachable",
                               params={"system": SYSTEM, "cause": _cause(exc)})
        if campaign is None or campaign.id != campaign_id:
            return missing
        owner = campaign.business.id if campaign.business else None
        if owner != business_id:
            return CheckResult(ok=False, message=f"{TITLE}: campaign {campaign_id} belongs to business {owner}, "
                                                 f"not to business {business_id}",
                               key="campaign_of_another_business", params={**said, "owner": str(owner)})
        placement = campaign.placement_type or "?"
        if fulfillment_of(campaign.placement_type) != FBS:
            return CheckResult(ok=False, message=f"{TITLE}: campaign {campaign_id} works by {placement}, where "
                                                 f"Market keeps the stock; connect an FBS or DBS shop",
                               key="campaign_not_fbs", params={**said, "placement": placement})
        name = campaign.domain or str(campaign_id)
        return CheckResult(ok=True, message=f"{TITLE}: «{name}», campaign {campaign_id} ({placement})",
                           details={"shop": name, "placement": placement}, key="campaign_found",
                           params={**said, "name": name, "placement": placement})

    def iter_offers(self) -> Iterator[list[MarketOffer]]:
        """Yield the shop's offers from the business catalogue, 100 a page, archived ones last."""
        for archived in (False, True):
            for page in self.client.get_offer_mappings(self.business_id, archived=archived):
                offers = [offer_from_wire(m, archived=archived) for m in page.result.offer_mappings
                          if placed_in(m, self.campaign_id)]
                if offers:
                    yield offers

    def read_stocks(self, stock_keys: Sequence[str]) -> list[StockLevel]:
        """Return the FBS stock of these offers at the shop's warehouse, 500 offerIds a request."""
        keys = list(dict.fromkeys(stock_keys))
        levels: list[StockLevel] = []
        for start in range(0, len(keys), STOCKS_OFFER_IDS_MAX):
            chunk = keys[start:start + STOCKS_OFFER_IDS_MAX]
            answer = self.client.get_stocks_of(self.campaign_id, chunk)
            wanted = set(chunk)
            levels.extend(level for level in levels_from_wire(answer.result.warehouses, fulfillment=FBS)
                          if level.stock_key in wanted)
        return levels

    def iter_stocks(self) -> Iterator[list[StockLevel]]:
        """Yield the stocks of every shop of the business (archived offers left out, as getStocks does by
        default): FBS/DBS at the seller's warehouses, FBY at Market's."""
        shops: dict[int, str] = {}
        for page in self.client.get_campaigns():
            for campaign in page.campaigns:
                owner = campaign.business.id if campaign.business else None
                fulfillment = fulfillment_of(campaign.placement_type)
                if owner == self.business_id and fulfillment is not None:
                    shops[campaign.id] = fulfillment
        shops.setdefault(self.campaign_id, FBS)
        for campaign_id, fulfillment in shops.items():
            for answer in self.client.get_stocks(campaign_id):
                levels = levels_from_wire(answer.result.warehouses, fulfillment=fulfillment)
                if levels:
                    yield levels

    def update_stocks(self, updates: Sequence[StockUpdate]) -> list[WriteResult]:
        """Set the FBS stock of ≤ 2,000 offers in one updateStocks; one result per update in order.

        A 400 naming some offers (an SKU the catalogue lacks) refuses the whole request and applies nothing, so
        the rest is sent again without them; a 400 naming none fails every update with its text.
        """
        if len(updates) > self.batch_size:
            raise ValueError(f"{TITLE} takes at most {self.batch_size} stock updates a request")
        keys = [u.stock_key for u in updates]
        if len(set(keys)) != len(keys):
            raise ValueError("updateStocks needs each offer once per request")
        results: dict[str, WriteResult] = {}
        pending = list(updates)
        while pending:
            try:
                self.client.update_stocks(self.campaign_id, skus_to_wire(pending, datetime.now(UTC)))
            except RequestRefusedError as exc:
                named = refused_keys(exc.errors, [u.stock_key for u in pending]) if exc.status == 400 else {}
                if not named:
                    results.update({u.stock_key: WriteResult(ok=False, error=exc.message, code=exc.code)
                                    for u in pending})
                    break
                results.update({key: WriteResult(ok=False, external_id=key, error=error.message or error.code,
                                                  code=error.code) for key, error in named.items()})
                pending = [u for u in pending if u.stock_key not in named]
                continue
            results.update({u.stock_key: WriteResult(ok=True, external_id=u.stock_key) for u in pending})
            break
        return [results[key] for key in keys]
