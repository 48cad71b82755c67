"""The media save: what our WB connector sends to POST /content/v3/media/save and the emulator's answers (its
refusals and the 200 that loads nothing) checked against 02-products.yaml."""

from __future__ import annotations

import json
import os
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest

from marketsync.connectors import connect
from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue
from marketsync.sandbox import contract
from marketsync.sandbox.wildberries import spec
from marketsync.sandbox.wildberries.seed import seed_wildberries

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

MEDIA = "/content/v3/media/save"
PICTURES = ("https://img.example.ru/pot/front.jpg", "https://img.example.ru/pot/side.png")


def _media_calls(captured: list[tuple[httpx.Request, httpx.Response]]) -> list[tuple[object, int, object]]:
    """Each media save: its body and answer, both checked against the spec."""
    calls = []
    for request, response in captured:
        if not urlsplit(str(request.url)).path.endswith(MEDIA):
            continue
        body, answer = json.loads(request.content), response.json()
        if response.status_code < 400:
            spec.validate_request(MEDIA, "POST", body)
        spec.validate_response(MEDIA, "POST", response.status_code, answer)
        calls.append((body, response.status_code, answer))
    return calls


def test_the_connectors_media_save_matches_wbs_spec(env, sandbox_state, captured):
    wb = sandbox_state.wildberries
    seller = seed_wildberries(wb, f"wb-{uuid.uuid4().hex}")
    draft = CardDraft("POT-M", "Кастрюля", "1234", Decimal("1500"), brand="Демо", pictures=PICTURES,
                      weight_kg=Decimal("1.5"), length_cm=Decimal("20"), width_cm=Decimal("20"),
                      height_cm=Decimal("15"),
                      attributes=(CardAttribute("17596", "Материал изделия", (CardValue("сталь"),)),
                                  CardAttribute("88952", "Объем (л)", (CardValue("3"),))))
    connector = connect("wildberries", {"token": seller["token"]}, connection_key="contract-media")
    try:
        submission = connector.send_cards([draft])
        wb.advance_clock(5)
        [outcome] = connector.card_outcomes(submission)
    finally:
        connector.close()

    assert outcome.status == "accepted"
    assert _media_calls(captured) == [({"nmId": int(outcome.remote_id or 0), "data": list(PICTURES)}, 200,
                                       {"data": {}, "error": False, "errorText": "", "additionalErrors": None})]


def test_the_emulators_refusals_and_the_200_that_loads_nothing_match_wbs_spec(env, sandbox, sandbox_state,
                                                                               captured):
    seller = seed_wildberries(sandbox_state.wildberries, f"wb-{uuid.uuid4().hex}", offers=[{"vendor_code": "A"}])
    other = seed_wildberries(sandbox_state.wildberries, f"wb-{uuid.uuid4().hex}", offers=[{"vendor_code": "B"}])
    nm_id, foreign = seller["cards"][0]["nmID"], other["cards"][0]["nmID"]
    url = f"{sandbox.url}/wildberries/content{MEDIA}"
    with httpx.Client(headers={"Authorization": seller["token"]}, timeout=10) as http:
        answers = [http.post(url, json=body) for body in (
            {"nmId": foreign, "data": list(PICTURES)},
            {"data": list(PICTURES)},
            {"nmId": nm_id, "data": [f"https://img.example.ru/{n}.jpg" for n in range(31)]},
            {"nmId": nm_id, "data": [PICTURES[0], "https://img.example.ru/pot/preview.html"]},
        )]
        listed = http.post(f"{sandbox.url}/wildberries/content/content/v2/get/cards/list",
                           json={"settings": {"cursor": {"limit": 10}, "filter": {"withPhoto": -1}}})

    assert [a.status_code for a in answers] == [400, 422, 400, 200]
    assert [a.json()["errorText"] for a in answers] == [
        f"Карточка товара с артикулом WB {foreign} не найдена", "Отсутствует параметр nmId",
        "Максимум 30 изображений для одной карточки товара", ""]
    [card] = listed.json()["cards"]
    assert len(card["photos"]) == 1 and PICTURES[0] not in card["photos"][0].values()  # the seeded photo stays
    assert [status for _body, status, _answer in _media_calls(captured)] == [400, 422, 400, 200]
