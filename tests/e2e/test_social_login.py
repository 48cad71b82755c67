"""Signing in with a provider in Chromium: the button on /login leads to the sandbox's Yandex ID consent page;
"deny" comes back to /login with a message, "allow" signs a new person in, and the profile lists Yandex ID."""

from __future__ import annotations

import httpx
import pytest
from journey import OVERVIEW

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


def test_a_person_signs_in_with_yandex_through_its_consent_page(product, browser) -> None:  # type: ignore[no-untyped-def]
    httpx.post(f"{product.url}/sandbox/_control/oauth/person", timeout=10, json={
        "provider": "yandex", "subject": "1130000099990001", "email": "vera.e2e@yandex.ru",
        "email_verified": True, "name": "Вера Яндексова"}).raise_for_status()
    context = browser.new_context()
    page = context.new_page()

    page.goto(f"{product.url}/login")
    page.click("#social-yandex")
    page.wait_for_url("**/sandbox/oauth/yandex/authorize?**")
    assert "Вера Яндексова" in page.content()
    page.get_by_role("button", name="Отказать").click()
    page.wait_for_url("**/login")
    assert page.locator(".alert-danger, .alert").filter(has_text="Яндекс ID").count() >= 1

    page.click("#social-yandex")
    page.get_by_role("button", name="Разрешить").click()
    page.wait_for_url(OVERVIEW)
    page.goto(f"{product.url}/profile")
    assert "vera.e2e@yandex.ru" in page.content() and "Вера Яндексова" in page.content()
    assert page.locator("li.identity-yandex").count() == 1
    context.close()
