"""The VK emulator as a client sees it: envelope, auth, validation, limits and the market methods."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.state import SandboxState


def _error(answer: dict[str, Any]) -> tuple[int, str]:
    assert "response" not in answer, answer
    return answer["error"]["error_code"], answer["error"]["error_msg"]


def test_bad_token_is_error_5_in_an_http_200_envelope_without_echoing_the_token(vk: Any) -> None:
    answer = vk.call("market.get", token="wrong", owner_id=vk.owner_id)
    code, message = _error(answer)
    assert code == 5 and message.startswith("User authorization failed")
    params = {pair["key"]: pair["value"] for pair in answer["error"]["request_params"]}
    assert params["method"] == "market.get" and params["owner_id"] == str(vk.owner_id)
    assert "access_token" not in params


def test_revoked_token_and_missing_token_are_error_5(vk: Any, state: SandboxState) -> None:
    assert _error(vk.call("market.get", token=None, owner_id=vk.owner_id))[0] == 5
    state.vk.revoke_token(vk.token)
    assert _error(vk.call("market.get", owner_id=vk.owner_id))[0] == 5


def test_missing_version_is_error_8(client: TestClient, vk: Any) -> None:
    answer = client.get(
        "/vk/method/market.get", params={"access_token": vk.token, "owner_id": vk.owner_id}
    ).json()
    assert _error(answer)[0] == 8


def test_token_in_authorization_header_and_get_query_work(client: TestClient, vk: Any) -> None:
    response = client.get(
        "/vk/method/market.getAlbums",
        params={"owner_id": vk.owner_id, "v": "5.199"},
        headers={"Authorization": f"Bearer {vk.token}"},
    )
    assert response.json() == {"response": {"count": 0, "items": []}}


def test_json_bodies_are_ignored_like_vk_does(client: TestClient, vk: Any) -> None:
    response = client.post("/vk/method/market.get", json={"v": "5.199", "access_token": vk.token})
    assert _error(response.json())[0] == 8


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"name": "Чай"}, "name"),
        ({"description": "коротко"}, "description"),
        ({"category_id": ""}, "category_id"),
        ({"stock_amount": 1_000_000}, "stock_amount"),
        ({"price": "abc"}, "price"),
        ({"sku": "x" * 51}, "sku"),
        ({"photo_ids": "1,2,3,4,5"}, "photo_ids"),
    ],
)
def test_invalid_item_parameters_are_error_100_naming_the_parameter(
    vk: Any, fields: dict[str, Any], name: str
) -> None:
    params = {
        "owner_id": vk.owner_id,
        "name": "Сыр Российский",
        "description": "Твёрдый сыр 45%",
        "category_id": 1,
    }
    code, message = _error(vk.call("market.add", **{**params, **fields}))
    assert code == 100
    assert message.startswith("One of the parameters specified was missing or invalid: ")
    assert name in message


def test_rate_limit_is_error_6_per_token(vk: Any, state: SandboxState) -> None:
    state.vk.rate_limit = 3
    answers = [vk.call("market.getAlbums", owner_id=vk.owner_id) for _ in range(4)]
    assert ["response" in answer for answer in answers] == [True, True, True, False]
    assert _error(answers[3]) == (6, "Too many requests per second")


def test_community_not_administered_is_access_denied(vk: Any, state: SandboxState) -> None:
    state.vk.add_token("stranger", 2002)
    assert _error(vk.call("market.get", token="stranger", owner_id=vk.owner_id))[0] == 15
    assert _error(vk.call("market.get", owner_id=-123))[0] == 15
    assert _error(vk.call("market.get", owner_id=vk.group_id))[0] == 100


def test_market_switched_off_is_error_1438(vk: Any, state: SandboxState) -> None:
    state.vk.set_market_enabled(vk.group_id, False)
    assert _error(vk.call("market.get", owner_id=vk.owner_id)) == (1438, "Market not enabled")


def test_added_item_shows_price_in_kopecks_and_rubles_text(vk: Any, add_item: Callable[..., int]) -> None:
    item_id = add_item(sku="EVO-1", stock_amount=5)
    items = vk.call("market.get", owner_id=vk.owner_id)["response"]["items"]
    assert [item["id"] for item in items] == [item_id]
    item = items[0]
    assert item["price"]["amount"] == "12345"
    assert item["price"]["text"] == "123.45 ₽"
    assert item["price"]["currency"] == {"id": 643, "name": "RUB", "title": "Российский рубль"}
    assert item["availability"] == 0 and item["sku"] == "EVO-1" and item["stock_amount"] == 5
    assert item["owner_id"] == vk.owner_id and item["category"]["id"] == 40932


def test_deleted_item_is_hidden_unless_with_disabled(vk: Any, add_item: Callable[..., int]) -> None:
    visible, hidden = add_item("Сыр Гауда 45%"), add_item("Сыр Маасдам 45%")
    assert vk.call("market.edit", owner_id=vk.owner_id, item_id=hidden, deleted=1) == {"response": 1}
    shown = vk.call("market.get", owner_id=vk.owner_id)["response"]
    assert shown["count"] == 1 and [item["id"] for item in shown["items"]] == [visible]
    everything = vk.call("market.get", owner_id=vk.owner_id, with_disabled=1)["response"]
    assert {item["id"]: item["availability"] for item in everything["items"]} == {visible: 0, hidden: 1}
    vk.call("market.edit", owner_id=vk.owner_id, item_id=hidden, deleted=0)
    assert vk.call("market.get", owner_id=vk.owner_id)["response"]["count"] == 2


def test_an_item_at_stock_0_is_shown_out_of_stock_not_hidden(vk: Any, add_item: Callable[..., int]) -> None:
    sold_out = add_item("Сыр Гауда 45%", stock_amount=0)
    shown = vk.call("market.get", owner_id=vk.owner_id)["response"]
    assert [(item["id"], item["availability"], item["stock_amount"]) for item in shown["items"]] == [(sold_out, 2, 0)]
    vk.call("market.edit", owner_id=vk.owner_id, item_id=sold_out, stock_amount=3)
    assert vk.call("market.get", owner_id=vk.owner_id)["response"]["items"][0]["availability"] == 0
    vk.call("market.edit", owner_id=vk.owner_id, item_id=sold_out, stock_amount=0, deleted=1)
    hidden = vk.call("market.get", owner_id=vk.owner_id, with_disabled=1)["response"]["items"][0]
    assert hidden["availability"] == 1, "deleted wins over out of stock"
    assert vk.call("market.get", owner_id=vk.owner_id)["response"]["count"] == 0


def test_edit_changes_fields_and_unknown_item_is_1403(vk: Any, add_item: Callable[..., int]) -> None:
    item_id = add_item()
    vk.call("market.edit", owner_id=vk.owner_id, item_id=item_id, name="Сыр Российский 50%", price=99)
    item = vk.call("market.get", owner_id=vk.owner_id)["response"]["items"][0]
    assert item["title"] == "Сыр Российский 50%" and item["price"]["text"] == "99 ₽"
    assert _error(vk.call("market.edit", owner_id=vk.owner_id, item_id=5, name="Сыр Гауда"))[0] == 1403
    assert vk.call("market.delete", owner_id=vk.owner_id, item_id=item_id) == {"response": 1}
    assert vk.call("market.get", owner_id=vk.owner_id, with_disabled=1)["response"]["count"] == 0


def test_market_get_pages_with_offset_and_count(vk: Any, add_item: Callable[..., int]) -> None:
    ids = [add_item(f"Товар номер {n}") for n in range(5)]
    first = vk.call("market.get", owner_id=vk.owner_id, count=2)["response"]
    rest = vk.call("market.get", owner_id=vk.owner_id, count=200, offset=2)["response"]
    assert first["count"] == rest["count"] == 5
    assert [item["id"] for item in first["items"] + rest["items"]] == sorted(ids, reverse=True)
    assert _error(vk.call("market.get", owner_id=vk.owner_id, count=201))[0] == 100


def test_albums_and_add_to_album(vk: Any, add_item: Callable[..., int]) -> None:
    item_id = add_item()
    album = vk.call("market.addAlbum", owner_id=vk.owner_id, title="Сыры")["response"]
    assert album == {"market_album_id": 1, "albums_count": 1}
    for _ in range(2):  # adding an item that is already there is not an error
        assert vk.call("market.addToAlbum", owner_id=vk.owner_id, item_ids=[item_id], album_ids=[1]) == {
            "response": 1
        }
    albums = vk.call("market.getAlbums", owner_id=vk.owner_id)["response"]
    assert albums["count"] == 1 and albums["items"][0]["count"] == 1 and albums["items"][0]["title"] == "Сыры"
    extended = vk.call("market.get", owner_id=vk.owner_id, extended=1)["response"]["items"][0]
    assert extended["albums_ids"] == [1]
    in_album = vk.call("market.get", owner_id=vk.owner_id, album_id=1)["response"]
    assert in_album["count"] == 1
    assert (
        _error(vk.call("market.addToAlbum", owner_id=vk.owner_id, item_ids=[item_id], album_ids=[9]))[0]
        == 1402
    )
    assert _error(vk.call("market.addToAlbum", owner_id=vk.owner_id, item_ids=[1], album_ids=[1]))[0] == 1403


def test_album_and_item_limits(vk: Any, state: SandboxState, add_item: Callable[..., int]) -> None:
    state.vk.album_limit = 1
    state.vk.item_limit = 1
    vk.call("market.addAlbum", owner_id=vk.owner_id, title="Первая")
    assert _error(vk.call("market.addAlbum", owner_id=vk.owner_id, title="Вторая"))[0] == 1407
    add_item()
    params = {
        "owner_id": vk.owner_id,
        "name": "Ещё товар",
        "description": "Описание товара",
        "category_id": 1,
    }
    assert _error(vk.call("market.add", **params))[0] == 1405


def test_groups_get_by_id_reports_market_when_asked(vk: Any) -> None:
    answer = vk.call("groups.getById", group_id=vk.group_id, fields="market")["response"]
    assert answer["profiles"] == []
    group = answer["groups"][0]
    assert group["id"] == vk.group_id and group["name"] == "Магазин на Ленина" and group["is_admin"] == 1
    assert group["market"]["enabled"] == 1
    assert "market" not in vk.call("groups.getById", group_ids="club777")["response"]["groups"][0]
    assert _error(vk.call("groups.getById", group_id=999))[0] == 100


def test_unknown_method_is_error_3(vk: Any) -> None:
    assert _error(vk.call("market.fly", owner_id=vk.owner_id))[0] == 3
