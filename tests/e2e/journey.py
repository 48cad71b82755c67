"""Helpers of the browser tests: the running product, waiting for the worker, reading the sandbox mailbox."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ADMIN_EMAIL = "admin@example.ru"
ADMIN_PASSWORD = "admin-password-1"

OVERVIEW = re.compile(r"^https?://[^/]+/$")  # where signing in lands: the overview


@dataclass(frozen=True)
class Product:
    """A running product: its address and the environment its commands use."""

    url: str
    env: dict[str, str]
    workdir: Path

    def cli(self, *args: str) -> str:
        """Run a `marketsync` command against this product's database; return its output."""
        done = subprocess.run([sys.executable, "-m", "marketsync", *args], env=self.env, cwd=self.workdir,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def reload_until(page, selector: str, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    """Reload a page until `selector` appears (work done by the worker shows up after a while)."""
    deadline = time.monotonic() + timeout
    while page.locator(selector).count() == 0:
        if time.monotonic() > deadline:
            raise AssertionError(f"{selector} did not appear on {page.url}")
        time.sleep(1)
        page.reload()


def open_mail(page, product: Product, to: str) -> None:  # type: ignore[no-untyped-def]
    """Open the newest mail to `to` in the sandbox mail sink (as a person opens their mailbox)."""
    page.goto(f"{product.url}/sandbox/mail")
    link = f'tr:has(td:text-is("{to}")) a[href^="/sandbox/mail/"]'
    reload_until(page, link, timeout=30)
    page.locator(link).first.click()


def register_and_confirm(page, product: Product, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Register, confirm through the mailed link and sign in."""
    page.goto(f"{product.url}/register")
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#password_confirm", password)
    page.locator('form[action="/register"] button[type=submit]').click()
    page.wait_for_load_state()
    open_mail(page, product, email)
    page.locator('a[href*="/confirm-email?token="]').first.click()
    page.wait_for_url("**/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator('form[action="/login"] button[type=submit]').click()
    page.wait_for_url(OVERVIEW)


def sign_in(page, url: str, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the login form."""
    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator('form[action="/login"] button[type=submit]').click()
