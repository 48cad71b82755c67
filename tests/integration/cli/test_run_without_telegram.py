"""`marketsync run` with BOT_TOKEN set while Telegram cannot be reached (a closed port): the web keeps serving,
/login still offers the Telegram Login Widget, and a seller signs in with a password as ever."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from marketsync.sandbox.server import free_port

pytestmark = pytest.mark.timeout(120)


def test_run_keeps_serving_when_telegram_is_unreachable(tmp_path: Path, env: dict[str, str]) -> None:
    port, dead = free_port(), free_port()  # nothing listens on `dead`
    base = f"http://127.0.0.1:{port}"
    environment = {**os.environ, **env, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
                   "BROKER_DATABASE_URL": f"sqlite:///{tmp_path / 'broker.db'}",
                   "BOT_TOKEN": "7200000002:unreachable-telegram-AAAAAAAAAAAAAAAAAA",
                   "TELEGRAM_BOT_USERNAME": "marketsync_bot", "TELEGRAM_API_URL": f"http://127.0.0.1:{dead}",
                   "BOT_POLL_TIMEOUT_SECONDS": "1", "LOG_LEVEL": "WARNING"}
    for name in ("BASE_URL", "DOMAIN", "REDIS_URL", "TELEGRAM_WEBHOOK_URL"):
        environment.pop(name, None)
    subprocess.run([sys.executable, "-m", "marketsync", "migrate"], cwd=tmp_path, env=environment, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "marketsync", "user", "create", "seller@example.com", "--password",
                    "correct-horse-9"], cwd=tmp_path, env=environment, check=True, capture_output=True)
    run = subprocess.Popen([sys.executable, "-m", "marketsync", "run", "--host", "127.0.0.1", "--port", str(port)],
                           cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert run.poll() is None, "marketsync run exited"
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the web did not come up"
            time.sleep(0.3)
        time.sleep(5)  # the bot has tried Telegram and failed by now, more than once

        with httpx.Client(base_url=base, timeout=10) as client:
            page = client.get("/login")
            assert page.status_code == 200 and 'id="social-telegram"' in page.text
            token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
            assert token is not None
            signed_in = client.post("/login", data={"email": "seller@example.com", "password": "correct-horse-9",
                                                    "csrftoken": token.group(1)})
            assert signed_in.status_code == 303 and client.get("/profile").status_code == 200
        assert run.poll() is None, "marketsync run is still up"
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=40)
