"""The sandbox's supplier feeds name pictures the same server serves, also where the product mounts the sandbox
at /sandbox (`marketsync demo`), so the demo's moderation can fetch and measure them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from starlette.applications import Starlette

from marketsync.sandbox.app import create_sandbox_app


def test_a_mounted_sandbox_feed_names_pictures_it_serves() -> None:
    product = Starlette()
    product.mount("/sandbox", create_sandbox_app())
    client = TestClient(product)

    feed = client.get("/sandbox/suppliers/alfa.yml")

    assert feed.status_code == 200
    links = re.findall(r"<picture>([^<]+)</picture>", feed.text)
    assert links and all(link.startswith("http://testserver/sandbox/pictures/") for link in links)
    assert client.get(links[0].removeprefix("http://testserver")).status_code == 200
