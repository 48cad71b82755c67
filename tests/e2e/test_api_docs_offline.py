"""/docs and /redoc render in Chromium with every request outside this host refused, as on a machine offline."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize(("path", "ready"), [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_the_api_docs_render_without_internet(product, browser, path: str, ready: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    refused: list[str] = []

    def only_this_host(route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(product.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_host)
    page = context.new_page()
    try:
        page.goto(product.url + path)
        page.wait_for_selector(ready, timeout=30_000)
        text = page.inner_text("body")
        assert "/health" in text and "/user/create" in text  # the JSON API is listed
        assert "/profile/edit" not in text and "/catalog/stores" not in text  # the pages are not
        # ReDoc's footer links its maker's logo from a CDN; nothing the documentation needs comes from outside.
        assert [url for url in refused if not url.startswith("https://cdn.redoc.ly/")] == []
    finally:
        context.close()
