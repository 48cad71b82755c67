"""Faults: seeded and reproducible, rendered the way each service fails, never on /_control."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.faults import Faults
from marketsync.sandbox.state import SandboxState


def _statuses(client: TestClient, evotor: Any, count: int) -> list[int]:
    return [client.get("/evotor/stores", headers=evotor.headers()).status_code for _ in range(count)]


def test_same_seed_fails_the_same_requests(client: TestClient, state: SandboxState, evotor: Any) -> None:
    state.faults.configure("evotor", rate=0.4, kinds=["500", "502", "429"], seed=7)
    first = _statuses(client, evotor, 30)
    state.faults.configure("evotor", rate=0.4, kinds=["500", "502", "429"], seed=7)
    assert _statuses(client, evotor, 30) == first
    assert 200 in first and len(set(first)) >= 3
    state.faults.configure("evotor", rate=0.4, kinds=["500", "502", "429"], seed=8)
    assert _statuses(client, evotor, 30) != first


def test_evotor_429_fault_carries_retry_after(client: TestClient, state: SandboxState, evotor: Any) -> None:
    state.faults.configure("evotor", rate=1, kinds=["429"], retry_after=3)
    response = client.get("/evotor/stores", headers=evotor.headers())
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    assert response.json()["errors"][0]["code"] == 429


def test_vk_429_fault_is_error_6_inside_http_200_and_http429_is_plain(
    vk: Any, client: TestClient, state: SandboxState
) -> None:
    state.faults.configure("vk", rate=1, kinds=["429"])
    assert vk.call("market.get", owner_id=vk.owner_id)["error"]["error_code"] == 6
    state.faults.configure("vk", rate=1, kinds=["http429"], retry_after=2)
    response = client.post("/vk/method/market.get", data={"v": "5.199", "access_token": vk.token})
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"


def test_lost_write_applies_the_write_then_answers_502(
    client: TestClient, state: SandboxState, vk: Any, evotor: Any
) -> None:
    state.faults.configure("vk", rate=1, kinds=["lost_write"])
    params = {
        "v": "5.199",
        "access_token": vk.token,
        "owner_id": str(vk.owner_id),
        "name": "Сыр Гауда",
        "description": "Сыр Гауда 45% жирности",
        "category_id": "1",
    }
    assert client.post("/vk/method/market.add", data=params).status_code == 502
    # Reads are never "lost writes": they go through untouched.
    listed = client.post("/vk/method/market.get", data={**params, "with_disabled": "1"}).json()
    assert listed["response"]["count"] == 1
    state.faults.configure("evotor", rate=1, kinds=["lost_write"])
    url = f"/evotor/stores/{evotor.store_id}/products"
    assert client.post(url, headers=evotor.headers(), json={"name": "Кефир 1%"}).status_code == 502
    assert [p.name for p in state.evotor.products(evotor.token, evotor.store_id)] == ["Кефир 1%"]


def test_timeout_fault_answers_504_after_the_delay(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    state.faults.configure("evotor", rate=1, kinds=["timeout"], timeout_s=0.2)
    started = time.monotonic()
    assert client.get("/evotor/stores", headers=evotor.headers()).status_code == 504
    assert time.monotonic() - started >= 0.2


def test_latency_delays_every_answer(client: TestClient, state: SandboxState, evotor: Any) -> None:
    state.faults.configure("evotor", latency_ms=100)
    started = time.monotonic()
    assert client.get("/evotor/stores", headers=evotor.headers()).status_code == 200
    assert time.monotonic() - started >= 0.1


def test_control_endpoints_never_fail_and_clearing_restores_service(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    response = client.post(
        "/_control/faults", json={"service": "evotor", "rate": 1, "kinds": ["500"], "seed": 1}
    )
    assert response.status_code == 200 and response.json()["evotor"]["rate"] == 1
    assert client.get("/_control/stats").status_code == 200
    assert client.get("/evotor/stores", headers=evotor.headers()).status_code == 500
    assert client.delete("/_control/faults").json() == {}
    assert client.get("/evotor/stores", headers=evotor.headers()).status_code == 200


@pytest.mark.parametrize(
    "settings",
    [
        {"service": "nope"},
        {"service": "vk", "kinds": ["boom"]},
        {"service": "vk", "rate": 2},
        {"service": "vk", "x": 1},
        {"service": "evotor", "rate": 1, "kinds": ["execute_false"]},
        {"service": "evotor", "rate": 1, "kinds": ["error10"]},
        {"service": "vk", "max_faults": -1},
    ],
)
def test_bad_fault_settings_are_refused(client: TestClient, settings: dict[str, Any]) -> None:
    assert client.post("/_control/faults", json=settings).status_code == 400


def test_a_read_drawing_lost_write_is_not_failed() -> None:
    faults = Faults()
    faults.configure("vk", rate=1, kinds=["lost_write"], seed=3)
    assert faults.draw("vk", write=False) is None
    fault = faults.draw("vk", write=True)
    assert fault is not None and fault.kind == "lost_write"


def test_faults_apply_per_http_request_not_per_execute_call(
    vk: Any, state: SandboxState, add_item: Callable[..., int]
) -> None:
    add_item()
    state.faults.configure("vk", rate=0.5, kinds=["429"], seed=11)
    outcomes = ["response" in vk.call("market.get", owner_id=vk.owner_id) for _ in range(20)]
    state.faults.configure("vk", rate=0.5, kinds=["429"], seed=11)
    assert ["response" in vk.call("market.getAlbums", owner_id=vk.owner_id) for _ in range(20)] == outcomes


def _add_code(owner_id: int, names: list[str]) -> str:
    calls = [
        "API.market.add(" + json.dumps({"owner_id": owner_id, "name": name, "description": f"{name}: описание",
                                         "category_id": 1, "price": 99.9}, ensure_ascii=False) + ")"
        for name in names
    ]
    return "return [" + ", ".join(calls) + "];"


def test_vk_error10_is_an_envelope_error_and_applies_nothing(vk: Any, state: SandboxState) -> None:
    state.faults.configure("vk", rate=1, kinds=["error10"])
    answer = vk.call("market.add", owner_id=vk.owner_id, name="Сыр Гауда", description="Сыр Гауда 45%",
                     category_id=1, price=10)
    assert answer["error"]["error_code"] == 10 and answer["error"]["error_msg"] == "Internal server error"
    state.faults.clear()
    assert vk.call("market.get", owner_id=vk.owner_id)["response"]["count"] == 0


def test_lost_write_504_applies_the_write_then_answers_504(client: TestClient, state: SandboxState,
                                                           vk: Any) -> None:
    state.faults.configure("vk", rate=1, kinds=["lost_write_504"])
    params = {"v": "5.199", "access_token": vk.token, "owner_id": str(vk.owner_id), "name": "Сыр Гауда",
              "description": "Сыр Гауда 45% жирности", "category_id": "1", "price": "10"}
    assert client.post("/vk/method/market.add", data=params).status_code == 504
    state.faults.clear()
    assert vk.call("market.get", owner_id=vk.owner_id)["response"]["count"] == 1


def test_execute_false_fails_one_write_inside_and_applies_the_others(vk: Any, state: SandboxState) -> None:
    state.faults.configure("vk", rate=1, kinds=["execute_false"], seed=5)
    names = [f"Товар {i}" for i in range(6)]

    answer = vk.call("execute", code=_add_code(vk.owner_id, names))

    results = answer["response"]
    assert results.count(False) == 1 and len(results) == 6
    failed = names[results.index(False)]
    assert answer["execute_errors"] == [{"method": "market.add", "error_code": 10,
                                         "error_msg": "Internal server error"}]
    state.faults.clear()
    stored = {i["title"] for i in vk.call("market.get", owner_id=vk.owner_id)["response"]["items"]}
    assert stored == set(names) - {failed}


def test_execute_false_leaves_plain_requests_alone(vk: Any, state: SandboxState) -> None:
    state.faults.configure("vk", rate=1, kinds=["execute_false"])
    assert "response" in vk.call("market.add", owner_id=vk.owner_id, name="Сыр Гауда",
                                 description="Сыр Гауда 45%", category_id=1, price=10)


def test_the_same_seed_fails_the_same_call_inside_execute(vk: Any, state: SandboxState) -> None:
    failed = []
    for _ in range(2):
        state.faults.configure("vk", rate=1, kinds=["execute_false"], seed=9)
        failed.append([vk.call("execute", code=_add_code(vk.owner_id, [f"Т{r}-{i}" for i in range(10)]))
                       ["response"].index(False) for r in range(4)])
    assert failed[0] == failed[1] and len(set(failed[0])) > 1


def test_max_faults_lets_the_remote_recover(client: TestClient, state: SandboxState, evotor: Any) -> None:
    response = client.post("/_control/faults", json={"service": "evotor", "rate": 1, "kinds": ["500"],
                                                     "max_faults": 2})
    assert response.status_code == 200 and response.json()["evotor"]["max_faults"] == 2
    assert _statuses(client, evotor, 4) == [500, 500, 200, 200]
    config = state.faults.config("evotor")
    assert config is not None and config.injected == 2
