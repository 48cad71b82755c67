"""The emulated Ozon's buyer side as a client sees it: postings move stock and change status only as Ozon allows,
the lists filter and page as documented, reviews need Premium Plus, the demo seller has a week of history and a
stream; every answer is checked against ozon/swagger.json."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.ozon import events
from marketsync.sandbox.ozon.postings import CANCELLED, DELIVERED
from marketsync.sandbox.state import SandboxState
from ozon_world import FBO_MOSCOW, OURS, OzonWorld, seed_seller


@pytest.fixture(autouse=True)
def _validate_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")


@pytest.fixture
def world(state: SandboxState) -> OzonWorld:
    return seed_seller(state, offers=3)


def _post(client: TestClient, path: str, body: Any, world: OzonWorld) -> Any:
    return client.post(f"/ozon{path}", json=body, headers={"Client-Id": world.client_id, "Api-Key": world.api_key})


def _window(hours: int = 1) -> dict[str, str]:
    now = datetime.now(UTC)
    return {"since": (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "to": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_an_fbs_posting_reserves_then_ships_its_units_and_a_cancellation_frees_them(state: SandboxState,
                                                                                  world: OzonWorld) -> None:
    ozon, client_id = state.ozon, int(world.client_id)
    kept = events.place_posting(ozon, client_id, offer_id="A-3", quantity=2)
    assert ozon.fbs_stock(client_id, "A-3", OURS) == (3, 2)
    events.deliver_posting(ozon, client_id, kept.posting_number)
    assert ozon.fbs_stock(client_id, "A-3", OURS) == (1, 0)
    dropped = events.place_posting(ozon, client_id, offer_id="A-3")
    events.cancel_posting(ozon, client_id, dropped.posting_number)
    assert ozon.fbs_stock(client_id, "A-3", OURS) == (1, 0)
    fbo = events.place_posting(ozon, client_id, offer_id="A-3", scheme="fbo")
    assert (fbo.warehouse_id, ozon.seller(client_id).fbo[ozon.seller(client_id).product("A-3").product_id]
            [FBO_MOSCOW]) == (FBO_MOSCOW, 29)
    with pytest.raises(events.EventError):
        events.cancel_posting(ozon, client_id, kept.posting_number)  # delivered: too late
    with pytest.raises(events.EventError):
        events.return_posting(ozon, client_id, dropped.posting_number)  # never delivered


def test_posting_lists_filter_by_window_status_and_last_status_change(client: TestClient, state: SandboxState,
                                                                      world: OzonWorld) -> None:
    ozon, client_id = state.ozon, int(world.client_id)
    old = events.place_posting(ozon, client_id, at=datetime.now(UTC) - timedelta(days=3))
    new = events.place_posting(ozon, client_id)
    events.deliver_posting(ozon, client_id, old.posting_number)
    body = {"filter": _window(), "limit": 10, "offset": 0, "with": {"analytics_data": True}}

    recent = _post(client, "/v3/posting/fbs/list", body, world).json()["result"]
    delivered = _post(client, "/v3/posting/fbs/list", {**body, "filter": {**_window(100), "status": DELIVERED}},
                      world).json()["result"]["postings"]
    changed = _post(client, "/v3/posting/fbs/list", {**body, "filter": {
        **_window(100), "last_changed_status_date": {"from": _window()["since"], "to": _window()["to"]}}},
        world).json()["result"]["postings"]

    assert [p["posting_number"] for p in recent["postings"]] == [new.posting_number] and not recent["has_next"]
    assert recent["postings"][0]["analytics_data"]["warehouse"] == "Склад на Ленина"
    assert [p["posting_number"] for p in delivered] == [old.posting_number]
    assert "delivery_date_end" in delivered[0]["analytics_data"]
    assert sorted(p["posting_number"] for p in changed) == sorted([old.posting_number, new.posting_number])


def test_a_cancelled_fbs_posting_carries_its_cancellation(client: TestClient, state: SandboxState,
                                                          world: OzonWorld) -> None:
    posting = events.place_posting(state.ozon, int(world.client_id))
    events.cancel_posting(state.ozon, int(world.client_id), posting.posting_number, reason="Передумал")
    [listed] = _post(client, "/v3/posting/fbs/list", {"filter": _window(), "limit": 1, "offset": 0},
                     world).json()["result"]["postings"]
    assert listed["status"] == CANCELLED and listed["cancellation"]["cancel_reason"] == "Передумал"
    assert "analytics_data" not in listed  # only when asked with `with`


def test_reviews_page_by_last_id_and_need_premium_plus(client: TestClient, state: SandboxState,
                                                       world: OzonWorld) -> None:
    ozon, client_id = state.ozon, int(world.client_id)
    made = [events.write_review(ozon, client_id, rating=n % 5 + 1, at=datetime.now(UTC) - timedelta(minutes=n))
            for n in range(25)]
    first = _post(client, "/v1/review/list", {"limit": 20, "sort_dir": "DESC"}, world).json()
    rest = _post(client, "/v1/review/list", {"limit": 20, "sort_dir": "DESC", "last_id": first["last_id"]},
                 world).json()
    assert [r["id"] for r in first["reviews"] + rest["reviews"]] == [r.id for r in made]  # newest first
    assert first["has_next"] and not rest["has_next"]
    events.set_premium_plus(ozon, client_id, False)
    refused = _post(client, "/v1/review/list", {"limit": 20}, world)
    assert refused.status_code == 403 and refused.json()["code"] == 7


def test_the_demo_seller_has_a_week_of_history_and_a_stream(client: TestClient, state: SandboxState) -> None:
    creds = state.seed(products=300)
    client_id = int(creds["ozon_client_id"])
    seller = state.ozon.seller(client_id)
    postings = list(seller.events.postings.values())
    assert {"awaiting_packaging", DELIVERED, CANCELLED} <= {p.status for p in postings}
    assert {p.scheme for p in postings} == {"fbs", "fbo"} and seller.events.returns and seller.events.reviews
    assert all(p.in_process_at > datetime.now(UTC) - timedelta(days=8) for p in postings)
    before = len(postings) + len(seller.events.returns) + len(seller.events.reviews)

    made = [client.post("/_control/ozon/demo/tick", json={"client_id": client_id}).json()["made"]
            for _ in range(20)]

    assert all(made)
    assert len(seller.events.postings) + len(seller.events.returns) + len(seller.events.reviews) > before
