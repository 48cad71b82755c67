"""Our clients ↔ the sandbox ↔ the published specs: every request a sync sends and every answer it reads.

The requests are captured at httpx's send, decoded as VK would (form fields; VKScript calls inside
`execute`) and checked against VK's method schema (5.199); the answers against VK's response schemas and
the shapes of Evotor's SDK fixtures. A field our client sends that the spec does not declare, or a required
one it leaves out, fails here.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlsplit

import pytest

from builders import seed_catalog, seller
from marketsync.sandbox import contract
from marketsync.sandbox.vk.params import coerce_params
from marketsync.sandbox.vkscript import parse
from marketsync.sync.chain import sync_catalog

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)


def test_every_vk_call_of_a_sync_matches_the_vk_schema(sqlite_engine, sandbox_state, captured):
    catalog = seed_catalog(sandbox_state, groups=2, per_group=3, not_for_sale=1)
    account = seller(sqlite_engine, catalog)
    sync_catalog(sqlite_engine, account_id=account)
    sandbox_state.evotor.update_product(catalog.evotor_token, catalog.stores[0],
                                        catalog.products[catalog.groups[catalog.stores[0]][0]][0], allow_to_sell=False)
    sync_catalog(sqlite_engine, account_id=account)

    seen: set[str] = set()
    for request, response in captured:
        path = urlsplit(str(request.url)).path
        if "/vk/method/" not in path:
            continue
        method = path.rsplit("/", 1)[-1]
        form = dict(parse_qsl(request.content.decode()))
        assert form.get("v") == "5.199", method
        assert request.headers["authorization"].startswith("Bearer "), method
        assert "access_token" not in form, "the token travels in the header, never in a logged body"
        if method == "execute":
            for call in parse(form["code"]).calls:
                contract.validate_vk_params(call.method, call.args)
                seen.add(call.method)
        else:
            contract.validate_vk_params(method, coerce_params(method, form))
            body = response.json()
            contract.validate_vk_response(method, body, extended=form.get("extended") == "1")
            seen.add(method)
    assert {"groups.getById", "market.getAlbums", "market.get", "market.addAlbum", "market.add", "market.edit",
            "market.addToAlbum", "market.getProductPhotoUploadServer", "market.saveProductPhoto"} <= seen


def test_every_evotor_read_uses_v2_and_matches_the_fixture_shapes(sqlite_engine, sandbox_state, captured):
    catalog = seed_catalog(sandbox_state, stores=2, groups=2, per_group=3)
    sandbox_state.evotor.page_size = 2  # several pages per store
    account = seller(sqlite_engine, catalog)
    sync_catalog(sqlite_engine, account_id=account)

    kinds = {"stores": "stores", "product-groups": "groups", "products": "products"}
    checked = 0
    for request, response in captured:
        path = urlsplit(str(request.url)).path
        if "/evotor/" not in path:
            continue
        assert request.headers["accept"] == "application/vnd.evotor.v2+json"
        assert request.headers["authorization"] == f"Bearer {catalog.evotor_token}"
        assert request.headers["x-authorization"] == catalog.evotor_token
        contract.validate_evotor(kinds[path.rsplit("/", 1)[-1]], response.json())
        checked += 1
    assert checked == 2 + 2 + 2 * 3  # stores (check + sync), groups per store, three product pages per store
