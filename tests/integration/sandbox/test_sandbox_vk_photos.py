"""Market photos: upload server → saveProductPhoto → main_photo_id, and the photo URLs pages display."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from marketsync.sandbox.app import create_sandbox_app
from marketsync.sandbox.placeholder import placeholder_png
from marketsync.sandbox.state import SandboxState


def _upload(client: TestClient, vk: Any, content: bytes, group_id: int | None = None) -> dict[str, Any]:
    server = vk.call("market.getProductPhotoUploadServer", group_id=group_id or vk.group_id)["response"]
    url = server["upload_url"].removeprefix("http://testserver")
    response = client.post(url, files={"file": ("photo.png", content, "image/png")})
    assert response.status_code == 200
    return response.json()


def _save(client: TestClient, vk: Any, content: bytes | None = None) -> dict[str, Any]:
    answer = _upload(client, vk, content or placeholder_png())
    saved = vk.call("market.saveProductPhoto", upload_response=json.dumps(answer))
    assert "response" in saved, saved
    return saved["response"]


def test_uploaded_photo_becomes_the_items_main_photo(
    client: TestClient, vk: Any, add_item: Callable[..., int]
) -> None:
    saved = _save(client, vk)
    photo = saved["photo"]
    assert saved["photo_id"] == photo["id"] and photo["owner_id"] == vk.owner_id
    assert photo["sizes"][-1]["width"] == 600 and photo["sizes"][-1]["url"].startswith(
        "http://testserver/vk/"
    )
    item_id = add_item(main_photo_id=saved["photo_id"])
    item = vk.call("market.get", owner_id=vk.owner_id, extended=1)["response"]["items"][0]
    assert item["id"] == item_id
    assert [p["id"] for p in item["photos"]] == [saved["photo_id"]]
    thumb = client.get(item["thumb_photo"].removeprefix("http://testserver"))
    assert thumb.status_code == 200 and thumb.headers["content-type"].startswith("image/")
    small = next(size for size in photo["sizes"] if size["type"] == "m")
    with Image.open(io.BytesIO(client.get(small["url"].removeprefix("http://testserver")).content)) as image:
        assert image.size == (small["width"], small["height"]) == (130, 130)
    original = client.get(photo["sizes"][-1]["url"].removeprefix("http://testserver").split("?")[0])
    assert original.content == placeholder_png()


def test_saving_the_same_upload_twice_returns_the_same_photo(client: TestClient, vk: Any) -> None:
    answer = _upload(client, vk, placeholder_png())
    first = vk.call("market.saveProductPhoto", upload_response=json.dumps(answer))["response"]
    second = vk.call("market.saveProductPhoto", upload_response=json.dumps(answer))["response"]
    assert first["photo_id"] == second["photo_id"]


def test_upload_server_refuses_files_that_are_not_big_enough_images(client: TestClient, vk: Any) -> None:
    assert "error" in _upload(client, vk, b"definitely not an image")
    small = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(small, format="PNG")
    assert "400x400" in _upload(client, vk, small.getvalue())["error"]


def test_forged_upload_response_is_error_100(vk: Any) -> None:
    for forged in ("{", json.dumps({"photo": "x", "hash": "y"}), "[]"):
        answer = vk.call("market.saveProductPhoto", upload_response=forged)
        assert answer["error"]["error_code"] == 100


def test_main_photo_must_belong_to_the_community(
    client: TestClient, vk: Any, state: SandboxState, add_item: Callable[..., int]
) -> None:
    other_group = state.vk.add_group(vk.token, "Другое сообщество", group_id=888)
    foreign = _upload(client, vk, placeholder_png(), group_id=other_group)
    photo_id = vk.call("market.saveProductPhoto", upload_response=json.dumps(foreign))["response"]["photo_id"]
    params = {"owner_id": vk.owner_id, "name": "Сыр Гауда", "description": "Сыр Гауда 45%", "category_id": 1}
    answer = vk.call("market.add", main_photo_id=photo_id, **params)
    assert answer["error"]["error_code"] == 100 and "main_photo_id" in answer["error"]["error_msg"]
    assert vk.call("market.add", main_photo_id=999, **params)["error"]["error_code"] == 100


def test_urls_include_the_mount_point_when_mounted_under_sandbox(state: SandboxState) -> None:
    state.vk.add_token("t", 1)
    group_id = state.vk.add_group("t", "Магазин")
    web = FastAPI()
    web.mount("/sandbox", create_sandbox_app(state))
    with TestClient(web) as client:
        answer = client.post(
            "/sandbox/vk/method/market.getProductPhotoUploadServer",
            data={"v": "5.199", "access_token": "t", "group_id": str(group_id)},
        ).json()
        upload_url = answer["response"]["upload_url"]
        assert upload_url.startswith("http://testserver/sandbox/vk/upload/")
        uploaded = client.post(upload_url, files={"file": ("p.png", placeholder_png(), "image/png")}).json()
        saved = client.post(
            "/sandbox/vk/method/market.saveProductPhoto",
            data={"v": "5.199", "access_token": "t", "upload_response": json.dumps(uploaded)},
        ).json()["response"]
        url = saved["photo"]["sizes"][0]["url"]
        assert url.startswith("http://testserver/sandbox/vk/photo/")
        assert client.get(url).status_code == 200
        assert client.get("/sandbox/evotor/stores").status_code == 401
