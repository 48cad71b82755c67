"""The Yandex Market emulator's catalogue writes: updateOfferMappings all or nothing (an ERROR answer applies no
offer of the request), the fields a new card needs, categories and ENUM values checked against the emulated
tree, the catalogue's lag, business prices, 420 counted on offers, a locked cabinet's 423, the control API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.yandex_market.cards import price_of
from marketsync.sandbox.yandex_market.dictionary import COLOUR, MATERIAL
from marketsync.sandbox.yandex_market.limits import Limit
from marketsync.sandbox.yandex_market.seed import seed_yandex_market

KEY = {"Api-Key": "ym-key"}
UPDATE = "/yandex_market/v2/businesses/10/offer-mappings/update"
READ = "/yandex_market/v2/businesses/10/offer-mappings"
PRICES = "/yandex_market/v2/businesses/10/offer-prices/updates"


def _seed(state: SandboxState) -> None:
    seed_yandex_market(state.yandex_market, "ym-key", business_id=10, campaign_id=20, warehouse_id=30)


def _offer(offer_id: str, **changes: Any) -> dict[str, Any]:
    offer = {"offerId": offer_id, "name": f"Кастрюля {offer_id}", "marketCategoryId": 91611,
             "pictures": [f"https://img.example/{offer_id}.jpg"], "vendor": "Kukmara",
             "description": "Кастрюля с крышкой", "basicPrice": {"value": 1500, "currencyId": "RUR"},
             "parameterValues": [{"parameterId": MATERIAL, "valueId": 13000001, "value": "алюминий"}]}
    return {"offer": {**offer, **changes}}


def _read(client: TestClient, *offer_ids: str) -> list[str]:
    answer = client.post(READ, headers=KEY, json={"offerIds": list(offer_ids)})
    return [m["offer"]["offerId"] for m in answer.json()["result"]["offerMappings"]]


def test_an_error_in_one_offer_answers_error_with_its_type_and_applies_no_offer(state: SandboxState,
                                                                                client: TestClient):
    _seed(state)
    bad_value = [{"parameterId": COLOUR, "value": "небесный"}]
    mappings = [_offer("A"), _offer("B", marketCategoryId=91610), _offer("C", parameterValues=bad_value),
                _offer("D", marketCategoryId=5)]

    answer = client.post(UPDATE, headers=KEY, json={"offerMappings": mappings})

    assert answer.status_code == 200 and answer.json()["status"] == "ERROR"
    errors = {r["offerId"]: r["errors"][0] for r in answer.json()["results"]}
    assert {k: e["type"] for k, e in errors.items()} == {"B": "INVALID_CATEGORY", "C": "UNKNOWN_PARAMETER",
                                                         "D": "UNKNOWN_CATEGORY"}
    assert errors["C"]["parameterId"] == COLOUR
    assert _read(client, "A", "B", "C", "D") == [] and state.yandex_market.offers[10] == {}


def test_a_clean_request_creates_cards_and_a_second_one_updates_only_what_it_sends(state: SandboxState,
                                                                                   client: TestClient):
    _seed(state)
    assert client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A"), _offer("B")]}).json() == \
        {"status": "OK"}

    changed = client.post(UPDATE, headers=KEY, json={"offerMappings": [{"offer": {"offerId": "A", "name": "Новая",
                                                                                  "parameterValues": [
        {"parameterId": 16395390, "value": "3"}]}}]})

    assert changed.json()["status"] == "OK" and changed.json()["results"][0]["warnings"][0]["type"] == \
        "EMPTY_MARKET_CATEGORY"
    read = client.post(READ, headers=KEY, json={"offerIds": ["A"]}).json()["result"]["offerMappings"][0]
    assert read["offer"]["name"] == "Новая" and read["offer"]["vendor"] == "Kukmara"
    assert read["mapping"]["marketCategoryId"] == 91611 and read["offer"]["basicPrice"]["value"] == 1500
    assert len(state.yandex_market.offers[10]["A"].card["parameterValues"]) == 2


def test_a_new_card_needs_its_fields_and_a_400_names_the_offer(state: SandboxState, client: TestClient):
    _seed(state)
    no_pictures = _offer("B")
    del no_pictures["offer"]["pictures"], no_pictures["offer"]["vendor"]

    answer = client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A"), no_pictures]})
    too_long = client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A", name="Я" * 257)]})
    twice = client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A"), _offer("A")]})

    assert answer.status_code == 400
    assert answer.json()["errors"] == [{"code": "NO_REQUIRED_FIELDS",
                                        "message": "Offer B: pictures, vendor required for a new offer"}]
    assert too_long.status_code == 400 and "name" in too_long.json()["errors"][0]["message"]
    assert twice.status_code == 400 and twice.json()["errors"][0]["code"] == "DUPLICATE_OFFER"
    assert state.yandex_market.offers[10] == {}


def test_a_new_card_is_readable_once_the_catalogue_caught_up(state: SandboxState, client: TestClient):
    _seed(state)
    client.post("/_control/yandex_market/cards/delay", json={"seconds": 90})
    client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A")]})

    assert _read(client, "A") == []
    client.post("/_control/yandex_market/clock/advance", json={"seconds": 90})
    assert _read(client, "A") == ["A"]


def test_prices_need_unique_known_offers_and_at_most_500(state: SandboxState, client: TestClient):
    _seed(state)
    client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A"), _offer("B")]})
    price = {"value": 990, "currencyId": "RUR"}

    ok = client.post(PRICES, headers=KEY, json={"offers": [{"offerId": "A", "price": price}]})
    twice = client.post(PRICES, headers=KEY, json={"offers": [{"offerId": "B", "price": price}] * 2})
    ghost = client.post(PRICES, headers=KEY, json={"offers": [{"offerId": "B", "price": price},
                                                              {"offerId": "Z", "price": price}]})
    zero = client.post(PRICES, headers=KEY, json={"offers": [{"offerId": "B", "price": {**price, "value": 0}}]})
    many = client.post(PRICES, headers=KEY, json={"offers": [{"offerId": f"X{n}", "price": price}
                                                             for n in range(501)]})

    assert ok.json() == {"status": "OK"} and price_of(state.yandex_market, 10, "A") == 990
    assert [a.status_code for a in (twice, ghost, zero, many)] == [400] * 4
    assert ghost.json()["errors"][0] == {"code": "OFFER_NOT_FOUND", "message": "Offer not found in the catalogue: Z"}
    assert price_of(state.yandex_market, 10, "B") == 1500, "a refused request changes no price"


def test_offers_past_the_per_minute_limit_answer_420_and_a_locked_cabinet_423(state: SandboxState,
                                                                             client: TestClient):
    _seed(state)
    state.yandex_market.limits["updateOfferMappings"] = Limit(3, 60)
    first = client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("A"), _offer("B")]})
    over = client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("C"), _offer("D")]})
    client.post("/_control/yandex_market/businesses/10/lock", json={})
    state.yandex_market.limits["updateOfferMappings"] = None
    locked = client.post(UPDATE, headers=KEY, json={"offerMappings": [_offer("C")]})

    assert first.status_code == 200 and first.headers["X-RateLimit-Resource-Remaining"] == "1"
    assert over.status_code == 420 and over.json()["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert locked.status_code == 423 and sorted(state.yandex_market.offers[10]) == ["A", "B"]
