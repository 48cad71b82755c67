"""Signing in with a provider in Chromium: the button on /login leads to the sandbox provider's consent page;
"deny" comes back to /login with a message, "allow" signs a new person in, and the profile lists the service."""

from __future__ import annotations

import httpx
import pytest
from journey import OVERVIEW

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

CASES = {  # provider: (its consent page's path, the title the pages show, whether its e-mail is taken)
    "vk": ("/sandbox/oauth/vk/authorize", "VK ID", False),
    "yandex": ("/sandbox/oauth/yandex/authorize", "Яндекс ID", True),
    "google": ("/sandbox/oauth/google/o/oauth2/v2/auth", "Google", True),
}


@pytest.mark.parametrize("provider", list(CASES))
def test_a_person_signs_in_through_the_providers_consent_page(product, browser, provider: str) -> None:  # type: ignore[no-untyped-def]
    consent_path, title, email_taken = CASES[provider]
    email = f"vera.{provider}.e2e@example.ru"
    httpx.post(f"{product.url}/sandbox/_control/oauth/person", timeout=10, json={
        "provider": provider, "subject": f"e2e-{provider}-1", "email": email, "email_verified": True,
        "name": "Вера Провайдерова"}).raise_for_status()
    context = browser.new_context()
    page = context.new_page()

    page.goto(f"{product.url}/login")
    page.click(f"#social-{provider}")
    page.wait_for_url(f"**{consent_path}?**")
    assert "Вера Провайдерова" in page.content()
    page.get_by_role("button", name="Отказать").click()
    page.wait_for_url("**/login")
    assert page.locator(".alert").filter(has_text=title).count() >= 1

    page.click(f"#social-{provider}")
    page.get_by_role("button", name="Разрешить").click()
    page.wait_for_url(OVERVIEW)
    page.goto(f"{product.url}/profile")
    assert "Вера Провайдерова" in page.content()
    assert (email in page.content()) is email_taken  # VK ID never says an address is confirmed
    assert page.locator(f"li.identity-{provider}").count() == 1
    context.close()


def test_a_person_signs_in_with_the_telegram_login_widget(product, browser) -> None:  # type: ignore[no-untyped-def]
    httpx.post(f"{product.url}/sandbox/_control/oauth/person", timeout=10, json={
        "provider": "telegram", "subject": "700000555", "name": "Тимур Телеграмов"}).raise_for_status()
    context = browser.new_context()
    page = context.new_page()

    page.goto(f"{product.url}/login")
    page.click("#social-telegram")
    page.wait_for_url("**/sandbox/oauth/telegram/auth?**")
    page.get_by_role("button", name="Отказать").click()
    page.wait_for_url("**/login**")
    page.click("#social-telegram")
    page.get_by_role("button", name="Разрешить").click()
    # Telegram returns the signed fields in the fragment; our page moves them into the query, the server checks
    # their hash with the bot's token and signs the person in.
    page.wait_for_url(OVERVIEW)
    page.goto(f"{product.url}/profile")
    assert "Тимур Телеграмов" in page.content()
    assert page.locator("li.identity-telegram").count() == 1
    context.close()
