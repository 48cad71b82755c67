"""The catalogue writes of the Yandex Market Partner API, and the read that confirms them.

updateOfferMappings answers 200 with `status: ERROR` and per-offer `results` when it refused the request over
some offers, so its answer is read here rather than turned into an error by client.classify. A 423 (the cabinet
is being moved) applied nothing and passes: it is a TransientError, tried again on the next publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import ValidationError

from marketsync.connectors.errors import MalformedResponseError, TransientError
from marketsync.connectors.yandex_market.client import SYSTEM, TITLE, YandexMarketClient, classify
from marketsync.connectors.yandex_market.schemas import OfferMappingsAnswer, StatusAnswer
from marketsync.connectors.yandex_market.schemas_cards import UpdateOfferMappingsAnswer
from marketsync.http import parse_json

UPDATE_MAPPINGS_MAX = 100  # the operation's description: "do not send more than 100" (the schema says 500)
MAPPINGS_OFFER_IDS_MAX = 100  # GetOfferMappingsRequest.offerIds: maxItems 100
UPDATE_PRICES_MAX = 500  # UpdateBusinessPricesRequest.offers: maxItems 500


def classify_locked(response: httpx.Response) -> None:
    """client.classify, with 423 (the cabinet is being moved; nothing applied) a TransientError."""
    if response.status_code == 423:
        raise TransientError(f"{TITLE}: the cabinet is locked (being moved), nothing was applied; try later",
                             code=423)
    classify(response)


def classify_mappings(response: httpx.Response) -> None:
    """classify_locked, but a 200 is read by the caller (`status: ERROR` carries the per-offer results)."""
    if response.status_code != 200:
        classify_locked(response)


def update_offer_mappings(client: YandexMarketClient, business_id: int,
                          offers: Sequence[dict[str, Any]]) -> UpdateOfferMappingsAnswer:
    """POST /v2/businesses/{businessId}/offer-mappings/update (updateOfferMappings; 5,000 offers/min): create or
    update ≤ 100 offers, all or nothing. Not idempotent for http.py: a lost answer is raised to the caller."""
    if not 0 < len(offers) <= UPDATE_MAPPINGS_MAX:
        raise ValueError(f"updateOfferMappings takes 1..{UPDATE_MAPPINGS_MAX} offers, got {len(offers)}")
    response = client.http.request("POST", f"/v2/businesses/{business_id}/offer-mappings/update",
                                   params={"language": "RU"}, json={"offerMappings": [{"offer": o} for o in offers]},
                                   idempotent=False, classify=classify_mappings)
    try:
        return UpdateOfferMappingsAnswer.model_validate(parse_json(response, SYSTEM))
    except ValidationError as exc:
        raise MalformedResponseError(f"{TITLE}: unexpected answer to updateOfferMappings: "
                                     f"{exc.errors()[0]['msg']}") from exc


def offer_mappings_of(client: YandexMarketClient, business_id: int, offer_ids: Sequence[str]) -> OfferMappingsAnswer:
    """POST /v2/businesses/{businessId}/offer-mappings with `offerIds` (≤ 100; 100 requests/min): these offers
    of the catalogue, archived ones included, answered whole (no limit or page token)."""
    if not 0 < len(offer_ids) <= MAPPINGS_OFFER_IDS_MAX:
        raise ValueError(f"getOfferMappings takes 1..{MAPPINGS_OFFER_IDS_MAX} offerIds, got {len(offer_ids)}")
    response = client.http.request("POST", f"/v2/businesses/{business_id}/offer-mappings",
                                   json={"offerIds": list(offer_ids)}, idempotent=True, classify=classify)
    try:
        return OfferMappingsAnswer.model_validate(parse_json(response, SYSTEM))
    except ValidationError as exc:
        raise MalformedResponseError(f"{TITLE}: unexpected answer to getOfferMappings: "
                                     f"{exc.errors()[0]['msg']}") from exc


def update_business_prices(client: YandexMarketClient, business_id: int,
                           offers: Sequence[dict[str, Any]]) -> StatusAnswer:
    """POST /v2/businesses/{businessId}/offer-prices/updates (updateBusinessPrices; 10,000 offers/min): 1..500
    prices with unique offerIds, for every shop of the business."""
    if not 0 < len(offers) <= UPDATE_PRICES_MAX:
        raise ValueError(f"updateBusinessPrices takes 1..{UPDATE_PRICES_MAX} offers, got {len(offers)}")
    response = client.http.request("POST", f"/v2/businesses/{business_id}/offer-prices/updates",
                                   json={"offers": list(offers)}, idempotent=False, classify=classify_locked)
    try:
        return StatusAnswer.model_validate(parse_json(response, SYSTEM))
    except ValidationError as exc:
        raise MalformedResponseError(f"{TITLE}: unexpected answer to updateBusinessPrices: "
                                     f"{exc.errors()[0]['msg']}") from exc
