"""The product started as a user starts it (`marketsync run`, sandbox and mail sink on) and one Chromium,
shared by every browser test of the session."""

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
from journey import ADMIN_EMAIL, ADMIN_PASSWORD, Product

from marketsync.cli.demo import social_login_environment
from marketsync.sandbox.server import free_port
from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN

REQUIRE = os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Product]:
    """`marketsync run` on a fresh SQLite database, with the sandbox and its SMTP sink on the same host."""
    workdir = tmp_path_factory.mktemp("e2e")
    port, smtp_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'marketsync.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SANDBOX_ENABLED": "true", "BASE_URL": base, "SECRET_KEY": "e2e-secret",
        "EVOTOR_API_URL": f"{base}/sandbox/evotor", "VK_API_URL": f"{base}/sandbox/vk",
        "SANDBOX_SMTP_PORT": str(smtp_port), "SANDBOX_MAIL_DIR": str(workdir / "mail"),
        "EMAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_TLS": "none",
        **social_login_environment(f"{base}/sandbox/oauth"),  # the sign-in buttons lead to the sandbox providers
        # The Telegram Login Widget names the demo bot, whose token signs the sandbox login page's answer (the
        # bot itself then polls the sandbox Telegram, as in demo mode).
        "BOT_TOKEN": DEMO_BOT_TOKEN, "TELEGRAM_BOT_USERNAME": "marketsync_demo_bot",
        "TELEGRAM_API_URL": f"{base}/sandbox/telegram",
    })
    running = Product(url=base, env=env, workdir=workdir)
    running.cli("migrate")
    running.cli("user", "create", ADMIN_EMAIL, "--password", ADMIN_PASSWORD, "--admin")
    # A file, not a pipe: nobody reads a pipe while the tests run, and a full one would freeze the product.
    log = (workdir / "product.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "marketsync", "run", "--port", str(port)], env=env, cwd=workdir,
                            stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.3)
    else:
        proc.kill()
        proc.wait()
        raise AssertionError(f"the product did not start:\n{(workdir / 'product.log').read_text()[-3000:]}")
    yield running
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=40)
    log.close()


@pytest.fixture(scope="session")
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
