"""The Evotor emulator as a client sees it: headers, errors, paging, writes and rate limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.contract import validate_evotor
from marketsync.sandbox.state import SandboxState


def _products(client: TestClient, world: Any, **params: Any) -> Any:
    return client.get(f"/evotor/stores/{world.store_id}/products", headers=world.headers(), params=params)


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer evo-token"},
        {"X-Authorization": "evo-token"},
        {"authorization": "bearer evo-token"},
    ],
)
def test_stores_answer_to_bearer_and_sdk_token_headers(
    client: TestClient, evotor: Any, headers: dict
) -> None:
    response = client.get("/evotor/stores", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["paging"] == {}
    assert [store["name"] for store in body["items"]] == ["Магазин на Ленина"]
    validate_evotor("stores", body)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"X-Authorization": ""}])
def test_missing_or_unknown_token_gets_401_with_code_1001(
    client: TestClient, evotor: Any, headers: dict
) -> None:
    response = client.get("/evotor/stores", headers=headers)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == 1001
    validate_evotor("error", response.json())


def test_revoked_token_gets_401(client: TestClient, state: SandboxState, evotor: Any) -> None:
    state.evotor.revoke_token(evotor.token)
    assert client.get("/evotor/stores", headers=evotor.headers()).status_code == 401


def test_unpaid_store_is_listed_but_its_catalog_answers_402(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    state.evotor.add_product(evotor.token, evotor.store_id, name="Сыр Российский 45%", price=350)
    state.evotor.set_store_unpaid(evotor.token, evotor.store_id)
    assert len(client.get("/evotor/stores", headers=evotor.headers()).json()["items"]) == 1
    for path in ("products", "product-groups"):
        response = client.get(f"/evotor/stores/{evotor.store_id}/{path}", headers=evotor.headers())
        assert response.status_code == 402
        error = response.json()["errors"][0]
        assert error["code"] == 1004
        assert error["value"] == evotor.user_id


def test_unknown_store_and_product_get_404_with_error_body(client: TestClient, evotor: Any) -> None:
    response = client.get("/evotor/stores/no-such-store/products", headers=evotor.headers())
    assert response.status_code == 404
    assert response.json()["errors"][0]["subject"] == "store_id"
    response = client.get(f"/evotor/stores/{evotor.store_id}/products/nope", headers=evotor.headers())
    assert response.status_code == 404


def test_another_users_store_is_invisible(client: TestClient, state: SandboxState, evotor: Any) -> None:
    state.evotor.add_token("other", "01-000000000000002")
    assert client.get("/evotor/stores", headers={"X-Authorization": "other"}).json()["items"] == []
    response = client.get(f"/evotor/stores/{evotor.store_id}/products", headers={"X-Authorization": "other"})
    assert response.status_code == 404


def test_cursor_paging_walks_every_product_exactly_once_even_when_one_is_deleted(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    state.evotor.page_size = 7
    ids = [state.evotor.add_product(evotor.token, evotor.store_id, name=f"Товар {n}") for n in range(30)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        body = _products(client, evotor, **({"cursor": cursor} if cursor else {})).json()
        validate_evotor("products", body)
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if pages == 2:  # a deletion between pages must not make the walk skip anything else
            state.evotor.delete_product(evotor.token, evotor.store_id, ids[3])
        cursor = body["paging"].get("next_cursor")
        if not cursor:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == set(ids)


def test_garbled_cursor_is_a_400_with_evotor_error(client: TestClient, evotor: Any) -> None:
    response = _products(client, evotor, cursor="not-a-cursor!")
    assert response.status_code == 400
    assert response.json()["errors"][0]["subject"] == "cursor"


def test_products_look_like_the_sdk_fixtures_and_omit_absent_fields(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    state.evotor.add_product(evotor.token, evotor.store_id, name="Беляш", price=35, quantity=6)
    state.evotor.add_product(
        evotor.token, evotor.store_id, name="Сыр Гауда", price="459.9", code="17", parent_id=evotor.group_id
    )
    items = _products(client, evotor).json()["items"]
    plain, cheese = items
    assert "parent_id" not in plain and "code" not in plain and None not in plain.values()
    assert plain["price"] == 35 and plain["barcodes"] == [] and plain["measure_name"] == "шт"
    assert cheese["price"] == 459.9 and cheese["code"] == "17" and cheese["parent_id"] == evotor.group_id
    assert cheese["created_at"].endswith("+0000") and len(cheese["created_at"]) == 28
    groups = client.get(f"/evotor/stores/{evotor.store_id}/product-groups", headers=evotor.headers()).json()
    validate_evotor("groups", groups)
    assert groups["items"][0]["name"] == "Сыры"


def test_patch_changes_only_given_fields_and_bumps_updated_at(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    product_id = state.evotor.add_product(evotor.token, evotor.store_id, name="Молоко 3,2%", price=89.9)
    before = client.get(
        f"/evotor/stores/{evotor.store_id}/products/{product_id}", headers=evotor.headers()
    ).json()
    state.evotor.clock = lambda: datetime(2030, 1, 1, tzinfo=UTC)
    response = client.patch(
        f"/evotor/stores/{evotor.store_id}/products/{product_id}",
        headers=evotor.headers(),
        json={"price": 99.5, "allow_to_sell": False, "parent_id": evotor.group_id},
    )
    assert response.status_code == 200
    after = response.json()
    assert after["price"] == 99.5 and after["allow_to_sell"] is False and after["name"] == before["name"]
    assert after["parent_id"] == evotor.group_id
    assert after["updated_at"] == "2030-01-01T00:00:00.000+0000" != before["updated_at"]


@pytest.mark.parametrize(
    ("body", "code", "subject"),
    [
        ({"price": "дорого"}, 2003, "price"),
        ({"colour": "red"}, 2002, "colour"),
        ({"parent_id": "x"}, 2003, "parent_id"),
    ],
)
def test_bad_patch_is_a_400_naming_the_field(
    client: TestClient, state: SandboxState, evotor: Any, body: dict, code: int, subject: str
) -> None:
    product_id = state.evotor.add_product(evotor.token, evotor.store_id, name="Кефир")
    url = f"/evotor/stores/{evotor.store_id}/products/{product_id}"
    response = client.patch(url, headers=evotor.headers(), json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {**response.json()["errors"][0], "code": code, "subject": subject}


def test_create_put_and_delete_a_product(client: TestClient, evotor: Any) -> None:
    base = f"/evotor/stores/{evotor.store_id}/products"
    created = client.post(base, headers=evotor.headers(), json={"name": "Хлеб Бородинский", "price": 59.9})
    assert created.status_code == 201
    product = created.json()
    validate_evotor("product", product)
    assert client.post(base, headers=evotor.headers(), json={"price": 1}).status_code == 400
    replaced = client.put(
        f"{base}/{product['id']}", headers=evotor.headers(), json={"name": "Хлеб", "code": "5"}
    )
    assert replaced.json()["price"] == 0 and replaced.json()["code"] == "5"
    assert client.delete(f"{base}/{product['id']}", headers=evotor.headers()).status_code == 204
    assert client.get(f"{base}/{product['id']}", headers=evotor.headers()).status_code == 404


def test_rate_limit_headers_and_429_with_retry_after(
    client: TestClient, state: SandboxState, evotor: Any
) -> None:
    state.evotor.rate_limit = 3
    answers = [client.get("/evotor/stores", headers=evotor.headers()) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert [answer.headers["X-RateLimit-Remaining"] for answer in answers[:3]] == ["2", "1", "0"]
    assert answers[3].headers["Retry-After"] == "1"
    assert int(answers[0].headers["X-RateLimit-Reset"]) >= 1
