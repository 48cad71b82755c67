"""The emulators against the published specs: VK's JSON schema 5.199 and Evotor's SDK fixtures."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.contract import (
    ContractViolationError,
    VkSchema,
    find_specs_dir,
    load_vk_schema,
    to_draft7,
    validate_evotor,
    validate_vk_params,
    validate_vk_response,
)
from marketsync.sandbox.placeholder import placeholder_png
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.vk.params import PARAMS

SPECS = find_specs_dir()
if SPECS is None and os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":  # CI always has shared/ beside the repo
    raise RuntimeError("api-specs folder not found (set SANDBOX_SPECS_DIR or clone shared/ beside the repo)")
needs_specs = pytest.mark.skipif(
    SPECS is None,
    reason="api-specs folder not found (set SANDBOX_SPECS_DIR or clone shared/ beside the repo)",
)
CONSTRAINTS = ("type", "required", "minimum", "maximum", "minLength", "maxLength", "maxItems", "default")


@pytest.fixture(scope="module")
def schema() -> VkSchema:
    """Return VK's schema loaded from the spec folder."""
    assert SPECS is not None
    return load_vk_schema(SPECS)


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the sandbox check every answer it produces against the specs."""
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    yield


def test_draft03_required_flags_become_draft07_required_lists() -> None:
    converted = to_draft7(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer", "required": True},
                "name": {"type": "string"},
                "inner_type": {"type": "string", "required": True},
            },
            "$schema": "../schema.json",
        }
    )
    assert converted["required"] == ["id"]
    assert "required" not in converted["properties"]["id"] and "$schema" not in converted


@needs_specs
def test_required_fields_are_enforced(schema: VkSchema) -> None:
    with pytest.raises(ContractViolationError, match="price"):
        validate_vk_response(
            "market.get",
            {
                "response": {
                    "count": 1,
                    "items": [
                        {
                            "id": 1,
                            "owner_id": -1,
                            "title": "Сыр",
                            "description": "",
                            "availability": 0,
                            "category": {"id": 1, "name": "x"},
                        }
                    ],
                }
            },
            schema=schema,
        )
    with pytest.raises(ContractViolationError, match="market_item_id"):
        validate_vk_response("market.add", {"response": {}}, schema=schema)
    with pytest.raises(ContractViolationError, match="owner_id"):
        validate_vk_params("market.add", {"name": "Сыр Гауда"}, schema=schema)


@needs_specs
def test_our_parameter_table_matches_the_schema(schema: VkSchema) -> None:
    for method, specs in PARAMS.items():
        if method == "execute":  # the schema declares no parameters for execute
            continue
        declared = {param["name"]: param for param in schema.methods[method][1].get("parameters", [])}
        assert [spec["name"] for spec in specs] == list(declared), method
        for spec in specs:
            param = declared[spec["name"]]
            assert {k: spec[k] for k in CONSTRAINTS if k in spec} == {
                k: param[k] for k in CONSTRAINTS if k in param
            }
            if "items" in spec and "type" in param["items"]:
                ours = {k: v for k, v in spec["items"].items() if k in CONSTRAINTS}
                assert ours == {k: v for k, v in param["items"].items() if k in CONSTRAINTS}, spec["name"]


@needs_specs
def test_market_answers_validate_against_the_vk_schema(
    strict: None, client: TestClient, vk: Any, add_item: Callable[..., int], schema: VkSchema
) -> None:
    server = vk.call("market.getProductPhotoUploadServer", group_id=vk.group_id)
    validate_vk_response("market.getProductPhotoUploadServer", server, schema=schema)
    uploaded = client.post(
        server["response"]["upload_url"], files={"file": ("p.png", placeholder_png())}
    ).json()
    saved = vk.call("market.saveProductPhoto", upload_response=json.dumps(uploaded))
    validate_vk_response("market.saveProductPhoto", saved, schema=schema)
    album = vk.call("market.addAlbum", owner_id=vk.owner_id, title="Сыры")
    validate_vk_response("market.addAlbum", album, schema=schema)
    added = vk.call(
        "market.add",
        owner_id=vk.owner_id,
        name="Сыр Российский 45%",
        description="Твёрдый сыр 45%",
        category_id=1,
        price="123.45",
        old_price="150",
        main_photo_id=saved["response"]["photo_id"],
        sku="A-1",
        stock_amount=3,
    )
    validate_vk_response("market.add", added, schema=schema)
    item_id = added["response"]["market_item_id"]
    add_item("Сыр Гауда", deleted=1)
    edited = vk.call("market.addToAlbum", owner_id=vk.owner_id, item_ids=[item_id], album_ids=[1])
    validate_vk_response("market.addToAlbum", edited, schema=schema)
    for extended in (0, 1):
        answer = vk.call("market.get", owner_id=vk.owner_id, extended=extended, with_disabled=1)
        assert answer["response"]["count"] == 2
        validate_vk_response("market.get", answer, extended=bool(extended), schema=schema)
    validate_vk_response("market.getAlbums", vk.call("market.getAlbums", owner_id=vk.owner_id), schema=schema)
    groups = vk.call("groups.getById", group_id=vk.group_id, fields="market")
    validate_vk_response("groups.getById", groups, schema=schema)
    error = vk.call("market.edit", owner_id=vk.owner_id, item_id=1)
    validate_vk_response("market.edit", error, schema=schema)
    batch = vk.call("execute", code=f"return [API.market.get({{owner_id: {vk.owner_id}, extended: 1}})];")
    assert batch["response"][0]["count"] == 1


@needs_specs
def test_strict_mode_turns_emulator_drift_into_a_500(
    strict: None, client: TestClient, vk: Any, add_item: Callable[..., int], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_item()
    from marketsync.sandbox.vk import methods

    monkeypatch.setitem(methods.HANDLERS, "market.add", lambda ctx, p: {"item_id": "oops"})
    params = {
        "v": "5.199",
        "access_token": vk.token,
        "owner_id": str(vk.owner_id),
        "name": "Сыр Гауда",
        "description": "Сыр Гауда 45% жирности",
        "category_id": "1",
    }
    response = client.post("/vk/method/market.add", data=params)
    assert response.status_code == 500
    assert "market_item_id" in response.json()["sandbox_contract_violation"]


@needs_specs
def test_evotor_sdk_fixtures_match_our_evotor_shapes() -> None:
    assert SPECS is not None
    fixtures = SPECS / "evotor" / "cloud-sdk-fixtures"
    validate_evotor("stores", _load(fixtures / "GET stores.json"))
    validate_evotor("store", _load(fixtures / "stores" / "GET 1.json"))
    validate_evotor("products", _load(fixtures / "stores" / "1" / "GET products.json"))
    validate_evotor("products", _load(fixtures / "stores" / "2" / "GET products.json"))


def test_evotor_answers_pass_the_evotor_shapes_in_strict_mode(
    strict: None, client: TestClient, state: SandboxState, evotor: Any
) -> None:
    state.evotor.add_product(evotor.token, evotor.store_id, name="Сыр", parent_id=evotor.group_id, code="1")
    for path in ("stores", f"stores/{evotor.store_id}/products", f"stores/{evotor.store_id}/product-groups"):
        assert client.get(f"/evotor/{path}", headers=evotor.headers()).status_code == 200
    assert client.get("/evotor/stores").status_code == 401
    with pytest.raises(ContractViolationError):
        validate_evotor("product", {"id": "x", "name": "Сыр", "price": None})


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
