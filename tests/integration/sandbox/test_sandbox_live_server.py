"""The sandbox over real HTTP: uvicorn on 127.0.0.1 with a random port, in a thread, driven with httpx."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from marketsync.sandbox.app import create_sandbox_app
from marketsync.sandbox.placeholder import placeholder_png
from marketsync.sandbox.state import SandboxState


@dataclass
class LiveSandbox:
    """A running sandbox server and the state behind it."""

    base_url: str
    state: SandboxState


@pytest.fixture(scope="module")
def live() -> Iterator[LiveSandbox]:
    """Serve a fresh sandbox with uvicorn on a free port for the module's tests."""
    state = SandboxState()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_sandbox_app(state), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield LiveSandbox(f"http://127.0.0.1:{port}", state)
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


def test_a_seeded_catalog_pages_over_http_and_a_photo_item_round_trips(live: LiveSandbox) -> None:
    with httpx.Client(base_url=live.base_url, timeout=5) as http:
        creds = http.post("/_control/seed", json={"products": 120}).json()
        live.state.evotor.page_size = 50
        live.state.vk.rate_limit = None
        headers = {"X-Authorization": creds["evotor_token"]}
        store_id = http.get("/evotor/stores", headers=headers).json()["items"][0]["id"]
        seen, cursor = [], None
        while True:
            page = http.get(
                f"/evotor/stores/{store_id}/products",
                headers=headers,
                params={"cursor": cursor} if cursor else {},
            )
            assert page.status_code == 200 and "X-RateLimit-Remaining" in page.headers
            seen += [product["id"] for product in page.json()["items"]]
            cursor = page.json()["paging"].get("next_cursor")
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == len(live.state.evotor.products(creds["evotor_token"], store_id))

        def call(method: str, **params: object) -> dict:
            data = {"v": "5.199", "access_token": creds["vk_token"], **{k: str(v) for k, v in params.items()}}
            return http.post(f"/vk/method/{method}", data=data).json()

        upload_url = call("market.getProductPhotoUploadServer", group_id=creds["vk_group_id"])["response"][
            "upload_url"
        ]
        assert upload_url.startswith(f"{live.base_url}/vk/upload/")
        uploaded = httpx.post(upload_url, files={"file": ("box.png", placeholder_png(), "image/png")}).json()
        photo_id = call("market.saveProductPhoto", upload_response=json.dumps(uploaded))["response"][
            "photo_id"
        ]
        owner_id = -creds["vk_group_id"]
        added = call(
            "market.add",
            owner_id=owner_id,
            name="Сыр Российский 45%",
            description="Твёрдый сыр 45%",
            category_id=40932,
            price="349.90",
            main_photo_id=photo_id,
            sku="EVO-1",
        )
        assert "market_item_id" in added["response"]
        item = call("market.get", owner_id=owner_id, extended=1)["response"]["items"][0]
        assert item["price"]["text"] == "349.90 ₽"
        picture = httpx.get(item["thumb_photo"])
        assert picture.status_code == 200 and picture.content == placeholder_png()
        stats = http.get("/_control/stats").json()
        assert stats["vk"]["by_method"]["upload"] == 1 and stats["vk"]["writes"] == 2


def test_lost_write_over_http_leaves_the_item_created(live: LiveSandbox) -> None:
    live.state.reset()
    live.state.vk.rate_limit = None
    live.state.vk.add_token("t", 1)
    group_id = live.state.vk.add_group("t", "Магазин")
    with httpx.Client(base_url=live.base_url, timeout=5) as http:
        http.post("/_control/faults", json={"service": "vk", "rate": 1, "kinds": ["lost_write"], "seed": 1})
        data = {
            "v": "5.199",
            "access_token": "t",
            "owner_id": str(-group_id),
            "name": "Кефир 1%",
            "description": "Кефир 1% жирности",
            "category_id": "1",
        }
        assert http.post("/vk/method/market.add", data=data).status_code == 502
        http.delete("/_control/faults")
        listed = http.post("/vk/method/market.get", data=data).json()["response"]
    assert [item["title"] for item in listed["items"]] == ["Кефир 1%"]
