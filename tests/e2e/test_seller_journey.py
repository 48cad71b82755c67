"""A new seller in Chromium, against the product started as a user starts it (`marketsync run`, sandbox on).

Register (confirming the e-mail through the sandbox mail sink), connect the sandbox Evotor and VK, publish
one product group, press "sync now" and watch the run's progress appear without a reload, then its row in the
history; read on the run's page why products were skipped; see the products in the VK catalog pages; search
the products table by article and by barcode, sort it by price, export it; exclude one product and see it
hidden in the VK sandbox after the next run. Screenshots of the pages a seller sees most land in
docs/screenshots/ at 1366 and 375 px.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from journey import ADMIN_EMAIL, ADMIN_PASSWORD, OVERVIEW, register_and_confirm, reload_until, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save the page as a seller sees it on a laptop (1366 px) and on a phone (375 px)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=False)
    page.set_viewport_size({"width": 1366, "height": 900})


def prices(page) -> list[Decimal]:  # type: ignore[no-untyped-def]
    """Read the Evotor prices column of the products table."""
    cells = page.locator("tbody tr td:nth-child(7)").all_inner_texts()
    return [Decimal(c.replace("\u00a0", "").replace(" ", "").replace("₽", "").replace(",", ".")) for c in cells]


def wait_for_the_run(page, product) -> None:  # type: ignore[no-untyped-def]
    """Press "sync now" and wait for the run to finish, watching the page (never reloading it)."""
    page.goto(f"{product.url}/sync")
    page.locator('form[action="/sync/now"] button[type=submit]').click()
    page.wait_for_url("**/sync")
    page.wait_for_selector("#run-progress", timeout=3000)
    page.wait_for_selector("#run-progress:not([hx-get])", timeout=150_000)


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
    products_url = page.url.replace("/groups", "/products")
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
    shoot(page, "vk-items")

    # The products table: search by article and by barcode, sort by price, export the filtered set.
    page.goto(products_url + "?vk=visible")
    first = page.locator("tbody tr").first
    article = first.locator("td:nth-child(4)").inner_text().strip()
    barcode = first.locator("td:nth-child(5)").inner_text().strip().split("\n")[0]
    page.fill("#table-q", article)
    page.locator("#table-q").press("Enter")
    page.wait_for_url("**q=*")
    assert page.locator("tbody tr td:nth-child(4)", has_text=article).count() >= 1
    if barcode != "—":
        page.fill("#table-q", barcode)
        page.locator("#table-q").press("Enter")
        page.wait_for_url(f"**q={barcode}*")
        assert page.locator("tbody tr").count() >= 1
    page.goto(products_url)
    page.locator("thead a", has_text="Цена в Эвоторе").click()
    page.wait_for_url("**sort=price*")
    shown = prices(page)
    assert shown == sorted(shown) and len(shown) > 1
    with page.expect_download() as download:
        page.locator("a", has_text="CSV").first.click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) > 1 and len(rows) - 1 >= len(shown)
    shoot(page, "products")

    # Exclude one published product: hidden in VK after the next run, with the reason on the run page.
    page.goto(products_url + "?vk=visible")
    row = page.locator("tbody tr").first
    excluded = row.locator("td:nth-child(4)").inner_text().strip()
    row.locator('input[name="product_ids"]').check()
    page.locator('button[name="rule"][value="exclude"]').click()
    page.wait_for_url("**/products*")
    assert page.locator(".rule-badge", has_text="Исключён вами").count() >= 1
    wait_for_the_run(page, product)
    vk = httpx.get(f"{product.url}/sandbox/_control/state", params={"service": "vk", "token": creds["vk_token"]}).json()
    items = [i for g in vk["groups"] for i in g["items"] if i["sku"] == excluded]
    assert items and all(i["deleted"] for i in items), "the excluded product is hidden in VK"
    page.locator('#run-history a[href^="/sync/runs/"]').first.click()
    page.wait_for_url("**/sync/runs/*")
    shoot(page, "run")
    page.locator('a.nav-link[href*="outcome=hidden"]').click()
    page.wait_for_url("**outcome=hidden*")
    assert page.locator("tbody tr", has_text=excluded).filter(has_text="исключён вами").count() == 1

    page.goto(f"{product.url}/")
    shoot(page, "overview")

    admin = browser.new_page()  # type: ignore[attr-defined]
    sign_in(admin, product.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.wait_for_url(OVERVIEW)
    admin.goto(f"{product.url}/admin/logs")
    assert admin.locator("tbody tr").count() >= 1
    shoot(admin, "api-log")
