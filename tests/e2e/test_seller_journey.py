"""A new seller in Chromium, against the product started as a user starts it (`marketsync run`, sandbox on).

Register (confirming the e-mail through the sandbox mail sink), connect the sandbox Evotor and VK, publish
one product group, press "sync now" and watch the run's progress appear without a reload, then its row in the
history; read on the run's page why products were skipped; see the products in the VK catalog pages.
"""

from __future__ import annotations

import httpx
import pytest
from journey import register_and_confirm, reload_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


def test_new_seller_connects_publishes_a_group_and_sees_it_in_vk(product, browser, tmp_path):  # type: ignore[no-untyped-def]
    creds = httpx.post(f"{product.url}/sandbox/_control/seed", json={"products": 80}, timeout=60).json()
    page = browser.new_page()  # type: ignore[attr-defined]

    register_and_confirm(page, product, "new-seller@example.ru", "a-good-password")
    page.goto(f"{product.url}/connections")

    page.fill("#evotor-token", creds["evotor_token"])
    page.locator('form[action="/connections/evotor"] button[type=submit]').click()
    page.wait_for_url("**/connections")
    page.fill("#vk-token", creds["vk_token"])
    page.fill("#vk-group", str(creds["vk_group_id"]))
    page.locator('form[action="/connections/vk"] button[type=submit]').click()
    page.wait_for_url("**/connections")
    assert page.locator("#vk-error").count() == 0 and page.locator("#evotor-error").count() == 0

    page.goto(f"{product.url}/catalog/stores")
    reload_until(page, 'a[href$="/groups"]')
    page.locator('a[href$="/groups"]').first.click()
    page.wait_for_url("**/groups")
    group_name = page.locator("tbody tr td").first.inner_text().strip()
    page.locator('button[role="switch"][aria-checked="false"]').first.click()
    page.wait_for_url("**/groups")
    assert page.locator('button[role="switch"][aria-checked="true"]').count() >= 1

    page.locator('form[action$="/toggle"]:has(input[name="all_groups"][value="1"]) '
                 'input[name="enabled"][value="1"] ~ button').click()  # "publish all groups" of this store
    page.wait_for_url("**/groups")

    page.goto(f"{product.url}/sync")
    page.locator('form[action="/sync/now"] button[type=submit]').click()
    page.wait_for_url("**/sync")
    page.wait_for_selector("#run-progress", timeout=3000)  # at once: the page knows the queued run
    page.wait_for_selector('#run-history a[href^="/sync/runs/"]', timeout=150_000)  # swapped in, no reload
    page.wait_for_selector("#run-progress:not([hx-get])", timeout=150_000)
    page.screenshot(path=str(tmp_path / "sync.png"), full_page=True)
    page.locator('#run-history a[href^="/sync/runs/"]').first.click()
    page.wait_for_url("**/sync/runs/*")
    page.locator('a.nav-link[href*="outcome=skipped"]').click()
    page.wait_for_url("**outcome=skipped*")
    assert page.locator("tbody tr", has_text="не продаётся в Эвоторе").count() >= 1

    page.goto(f"{product.url}/vk-catalog/albums")
    reload_until(page, 'a[href^="/vk-catalog/albums/"]', timeout=120)
    album = page.locator('a[href^="/vk-catalog/albums/"]').first
    assert group_name.split("\n")[0] in album.inner_text()
    album.click()
    page.wait_for_url("**/products")
    reload_until(page, "tbody tr", timeout=120)  # the album is created first, its items follow
    page.screenshot(path=str(tmp_path / "vk-catalog.png"), full_page=True)
    vk = httpx.get(f"{product.url}/sandbox/_control/state", params={"service": "vk", "token": creds["vk_token"]}).json()
    assert "items" in str(vk)
