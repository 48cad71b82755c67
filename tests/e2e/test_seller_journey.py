"""A new seller in Chromium, against the product started as a user starts it (`marketsync run`, sandbox on).

Register, connect the sandbox Evotor and VK, publish one product group, press "sync now", and see the
products in the VK catalog pages.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from marketsync.sandbox.server import free_port

REQUIRE = os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`marketsync run` on a fresh SQLite database with the sandbox mounted on the same server."""
    workdir = tmp_path_factory.mktemp("e2e")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'marketsync.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SANDBOX_ENABLED": "true", "BASE_URL": base, "SECRET_KEY": "e2e-secret",
        "EVOTOR_API_URL": f"{base}/sandbox/evotor", "VK_API_URL": f"{base}/sandbox/vk",
    })
    proc = subprocess.Popen([sys.executable, "-m", "marketsync", "run", "--port", str(port)], env=env, cwd=workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError(f"the product did not start:\n{proc.communicate()[0][-3000:]}")
    yield base
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=40)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        if REQUIRE:
            pytest.fail("MARKETSYNC_REQUIRE_SERVICES=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def reload_until(page, selector: str, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while page.locator(selector).count() == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"{selector} did not appear on {page.url}")
        time.sleep(1)
        page.reload()


def test_new_seller_connects_publishes_a_group_and_sees_it_in_vk(product, browser, tmp_path):  # type: ignore[no-untyped-def]
    creds = httpx.post(f"{product}/sandbox/_control/seed", json={"products": 80}, timeout=60).json()
    page = browser.new_page()  # type: ignore[attr-defined]

    page.goto(f"{product}/register")
    page.fill("#email", "new-seller@example.ru")
    page.fill("#password", "a-good-password")
    page.fill("#password_confirm", "a-good-password")
    page.locator('form[action="/register"] button[type=submit]').click()
    page.wait_for_url("**/connections")

    page.fill("#evotor-token", creds["evotor_token"])
    page.locator('form[action="/connections/evotor"] button[type=submit]').click()
    page.wait_for_url("**/connections")
    page.fill("#vk-token", creds["vk_token"])
    page.fill("#vk-group", str(creds["vk_group_id"]))
    page.locator('form[action="/connections/vk"] button[type=submit]').click()
    page.wait_for_url("**/connections")
    assert page.locator("#vk-error").count() == 0 and page.locator("#evotor-error").count() == 0

    page.goto(f"{product}/catalog/stores")
    reload_until(page, 'a[href$="/groups"]')
    page.locator('a[href$="/groups"]').first.click()
    page.wait_for_url("**/groups")
    group_name = page.locator("tbody tr td").first.inner_text().strip()
    page.locator('button.toggle-btn[aria-pressed="false"]').first.click()
    page.wait_for_url("**/groups")
    assert page.locator('button.toggle-btn[aria-pressed="true"]').count() >= 1

    page.goto(f"{product}/sync")
    page.locator('form[action="/sync/now"] button[type=submit]').click()
    page.wait_for_url("**/sync")

    page.goto(f"{product}/vk-catalog/albums")
    reload_until(page, 'a[href^="/vk-catalog/albums/"]', timeout=120)
    album = page.locator('a[href^="/vk-catalog/albums/"]').first
    assert group_name.split("\n")[0] in album.inner_text()
    album.click()
    page.wait_for_url("**/products")
    reload_until(page, "tbody tr", timeout=120)  # the album is created first, its items follow
    page.screenshot(path=str(tmp_path / "vk-catalog.png"), full_page=True)
    vk = httpx.get(f"{product}/sandbox/_control/state", params={"service": "vk", "token": creds["vk_token"]}).json()
    assert "items" in str(vk)
