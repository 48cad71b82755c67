"""No page of the cabinet or the admin panel is wider than a phone (375 px) or a laptop (1366 px), and at
1366 px the header's menu stays on one line, even for an administrator with a long e-mail."""

from __future__ import annotations

import pytest
from journey import ADMIN_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PAGES = ("/profile", "/connections", "/catalog/stores", "/sync", "/stocks", "/stocks/unmatched", "/stocks/mappings",
         "/monitor", "/monitor/report", "/orders", "/notifications", "/admin/users", "/admin/users/1", "/admin/logs")
LONG_EMAIL = "ivan.petrovich.sidorov-shop@example-company.ru"
ONE_LINE = """() => {
  const boxes = [...document.querySelectorAll('header a, header button')].filter(e => e.offsetParent)
    .map(e => e.getBoundingClientRect());
  const brand = document.querySelector('.navbar-brand').getBoundingClientRect();
  return [brand.height, Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top))];
}"""


@pytest.fixture(scope="module")
def long_admin(product) -> str:  # type: ignore[no-untyped-def]
    """An administrator whose e-mail is long enough to push a header off one line."""
    product.cli("user", "create", LONG_EMAIL, "--password", ADMIN_PASSWORD, "--admin")
    return LONG_EMAIL


@pytest.mark.parametrize("width", [375, 1366])
def test_pages_fit_the_screen_without_sideways_scrolling(product, browser, long_admin, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{product.url}/login")
    page.fill("#email", long_admin)
    page.fill("#password", ADMIN_PASSWORD)
    page.locator('form[action="/login"] button[type=submit]').click()
    page.wait_for_load_state()
    for path in PAGES:
        response = page.goto(f"{product.url}{path}")
        assert response is not None and response.status == 200, path
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{path} at {width} px is {scroll} px wide"
        if width == 1366:
            # one line: every link and button of the header lies within the height of the brand beside them
            brand, span = page.evaluate(ONE_LINE)
            assert span <= brand + 1, f"the header wraps on {path}: {span} px high for a {brand} px line"
    context.close()
