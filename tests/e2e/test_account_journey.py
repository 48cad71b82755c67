"""Accounts in Chromium: register, confirm from the sandbox mailbox, sign in, change the password; an admin
suspends a seller whose open session stops working at once."""

from __future__ import annotations

import pytest
from journey import ADMIN_EMAIL, ADMIN_PASSWORD, OVERVIEW, register_and_confirm, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]


def test_register_confirm_sign_in_and_change_the_password(product, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    register_and_confirm(page, product, "anna@example.ru", "first-password-1")
    assert "anna@example.ru" in page.content()

    page.goto(f"{product.url}/profile/change-password")
    assert page.locator("#current_password").get_attribute("autocomplete") == "current-password"
    page.fill("#current_password", "first-password-1")
    page.fill("#password", "second-password-2")
    page.fill("#password_confirm", "second-password-2")
    page.locator('form[action="/profile/change-password"] button[type=submit]').click()
    page.wait_for_url("**/profile")

    page.goto(f"{product.url}/logout")
    page.locator('form[action="/logout"] button[type=submit]').last.click()
    page.wait_for_url("**/login")
    sign_in(page, product.url, "anna@example.ru", "first-password-1")
    assert page.locator("#login-error").count() == 1
    sign_in(page, product.url, "anna@example.ru", "second-password-2")
    page.wait_for_url(OVERVIEW)
    context.close()


def test_an_admin_suspends_a_seller_whose_open_session_stops_working(product, browser) -> None:  # type: ignore[no-untyped-def]
    seller_context = browser.new_context()
    seller = seller_context.new_page()
    register_and_confirm(seller, product, "boris@example.ru", "boris-password-1")

    admin_context = browser.new_context()
    admin = admin_context.new_page()
    sign_in(admin, product.url, ADMIN_EMAIL, ADMIN_PASSWORD)
    admin.wait_for_url(OVERVIEW)
    admin.goto(f"{product.url}/admin/users?q=boris")
    admin.locator('a[href^="/admin/users/"]:has-text("boris@example.ru")').first.click()
    admin.wait_for_url("**/admin/users/*")
    admin.locator('form[action$="/suspend"] button[type=submit]').click()
    admin.wait_for_load_state()
    assert "suspended" in admin.content() or "заблокирован" in admin.content().lower()

    seller.goto(f"{product.url}/profile")
    seller.wait_for_url("**/login**")
    sign_in(seller, product.url, "boris@example.ru", "boris-password-1")
    assert seller.locator("#login-error").count() == 1
    seller_context.close()
    admin_context.close()
