"""/docs and /redoc work without internet (every asset is served by the app) and the API schema lists the JSON
API, not the HTML pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

TYPES = {".js": {"text/javascript", "application/javascript"}, ".css": {"text/css"}, ".png": {"image/png"}}


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_every_asset_from_this_site(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert not re.search(r"https?://", response.text)  # no CDN, no Google Fonts, no remote favicon
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        assert asset.startswith("/static/vendor/"), asset
        loaded = client.get(asset)
        assert loaded.status_code == 200, asset
        suffix = asset[asset.rindex("."):]
        assert loaded.headers["content-type"].split(";")[0] in TYPES[suffix], asset
        assert len(loaded.content) > 500  # the real file, not an empty placeholder


def test_swagger_ui_starts_on_the_vendored_bundle_without_the_online_validator(client: TestClient) -> None:
    text = client.get("/docs").text
    assert '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js">' in text
    assert '"validatorUrl": null' in text and "url: '/openapi.json'" in text
    assert "SwaggerUIBundle" in client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").text


def test_redoc_reads_the_schema_with_the_vendored_bundle(client: TestClient) -> None:
    text = client.get("/redoc").text
    assert '<redoc spec-url="/openapi.json">' in text
    assert '<script src="/static/vendor/redoc/redoc.standalone.js">' in text


def test_the_vendored_docs_ship_their_licences(client: TestClient) -> None:
    assert "Apache License" in client.get("/static/vendor/swagger-ui/LICENSE").text
    assert "SmartBear" in client.get("/static/vendor/swagger-ui/NOTICE").text
    assert "MIT License" in client.get("/static/vendor/redoc/LICENSE").text


def test_the_schema_lists_the_json_api_and_no_page(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for api in ("/health", "/user/create", "/user/verify", "/user/token", "/sync/now",
                "/sync/runs/{run_id}/progress", "/connections/{system}/test"):
        assert api in paths, api
    for page in ("/", "/login", "/register", "/logout", "/profile", "/profile/edit", "/catalog/stores",
                 "/catalog/stores/{store_id}/products", "/catalog/stores/{store_id}/toggle", "/connections",
                 "/connections/{system}/disconnect", "/sync", "/sync/settings", "/vk-catalog/albums",
                 "/admin/users", "/admin/users/{user_id}/suspend", "/admin/logs", "/lang/{code}"):
        assert page not in paths, page
    # Every operation left answers JSON, not a page.
    for operations in paths.values():
        for operation in operations.values():
            for answer in operation["responses"].values():
                assert "text/html" not in answer.get("content", {}), operation["operationId"]


def test_the_oauth2_redirect_of_swagger_ui_is_still_served(client: TestClient) -> None:
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200 and "oauth2" in response.text.lower()
