"""Logs a person can read: at LOG_LEVEL=INFO a terminal shows one line per sync run (started; finished with its
counts; failed with its reason) and no request-level line (httpx's "HTTP Request", uvicorn's access log,
Celery's task lines); LOG_LEVEL=DEBUG shows them, and LOG_FILE receives them at any level."""

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
from typer.testing import CliRunner

import marketsync
from builders import seed_catalog
from marketsync.cli.app import app
from marketsync.sandbox.server import free_port

pytestmark = pytest.mark.timeout(120)
EMAIL = "logs@example.ru"
SRC = str(Path(marketsync.__file__).resolve().parents[1])
STARTED = re.compile(r"INFO marketsync\.sync\.chain: sync run (\d+) started: account \d+, pipeline catalog\n")
FINISHED = re.compile(r"INFO marketsync\.sync\.chain: sync run (\d+) finished: read 3 products, "
                      r"created 2, updated 0, hidden 0, skipped 1, failed 0\n")


def _env(**values: str) -> dict[str, str]:
    # The test's settings (sandbox URLs, database) travel in the environment; the child imports these sources.
    return {**os.environ, "PYTHONPATH": SRC, **values}


def _marketsync(*args: str, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "marketsync", *args], env=_env(**values), capture_output=True,
                          text=True, timeout=90)


def _cli(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture
def connected(sqlite_engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    """A user with Evotor and VK connected to the sandbox and one group (2 products on sale, 1 not) chosen."""
    catalog = seed_catalog(sandbox_state, groups=1, per_group=3, not_for_sale=1)
    store = catalog.stores[0]
    _cli("user", "create", EMAIL, "--password", "password123")
    _cli("connect", "evotor", "--user", EMAIL, "--token", catalog.evotor_token)
    _cli("connect", "vk", "--user", EMAIL, "--token", catalog.vk_token, "--group-id", str(catalog.vk_group_id))
    _cli("filters", "enable", "--user", EMAIL, "--store", store, "--group", catalog.groups[store][0])


def test_at_info_a_sync_prints_its_start_and_counts_and_no_request(connected: None, tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "marketsync.log"
    result = _marketsync("sync", "catalog", "--user", EMAIL, LOG_LEVEL="INFO", LOG_FILE=str(log_file))
    assert result.returncode == 0, result.stderr
    started, finished = STARTED.search(result.stderr), FINISHED.search(result.stderr)
    assert started and finished and started.group(1) == finished.group(1), result.stderr
    assert "HTTP Request" not in result.stderr and "sandbox" not in result.stderr
    # The file has everything: the requests the run made and the run's own lines.
    kept = log_file.read_text(encoding="utf-8")
    assert re.search(r"INFO httpx: HTTP Request: GET http://127\.0\.0\.1:\d+/evotor/stores", kept)
    assert STARTED.search(kept) and FINISHED.search(kept)


def test_at_debug_the_terminal_shows_every_request(connected: None) -> None:
    result = _marketsync("sync", "catalog", "--user", EMAIL, LOG_LEVEL="debug", LOG_FILE="")
    assert result.returncode == 0, result.stderr
    assert re.search(r"INFO httpx: HTTP Request: POST http://127\.0\.0\.1:\d+/vk/method/market\.getAlbums",
                     result.stderr)
    assert FINISHED.search(result.stderr)


def test_at_warning_the_terminal_is_silent_about_a_good_run(connected: None) -> None:
    result = _marketsync("sync", "catalog", "--user", EMAIL, LOG_LEVEL="WARNING", LOG_FILE="")
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_a_failed_run_prints_its_reason(sqlite_engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1, not_for_sale=0)
    _cli("user", "create", EMAIL, "--password", "password123")
    _cli("connect", "evotor", "--user", EMAIL, "--token", catalog.evotor_token)
    result = _marketsync("sync", "catalog", "--user", EMAIL, LOG_LEVEL="INFO", LOG_FILE="")
    assert result.returncode == 1
    assert re.search(r"WARNING marketsync\.sync\.chain: sync run \d+ failed: VK is not connected: connect it on "
                     r"the connections page first \(", result.stderr), result.stderr


def _serve_and_get_health(level: str, log_file: Path, stderr: Path) -> int:
    """Start `marketsync web`, ask /health once, stop it; return the port it served."""
    port = free_port()
    with stderr.open("w") as err:
        server = subprocess.Popen([sys.executable, "-m", "marketsync", "web", "--port", str(port)],
                                  env=_env(LOG_LEVEL=level, LOG_FILE=str(log_file)), stderr=err,
                                  stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None and time.monotonic() < deadline, stderr.read_text()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            server.send_signal(signal.SIGTERM)  # uvicorn finishes the request log and exits
            server.wait(timeout=20)
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
    return port


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_the_web_servers_access_log_shows_on_the_terminal_only_at_debug(sqlite_engine, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                        level: str) -> None:
    log_file, stderr = tmp_path / "web.log", tmp_path / "stderr.txt"
    port = _serve_and_get_health(level, log_file, stderr)
    terminal = stderr.read_text()
    assert f"Uvicorn running on http://127.0.0.1:{port}" in terminal
    assert ('"GET /health HTTP/1.1" 200' in terminal) is (level == "DEBUG"), terminal
    assert '"GET /health HTTP/1.1" 200' in log_file.read_text(encoding="utf-8")


CELERY_PROCESS = """
import logging
from marketsync.worker import celery_app
celery_app.log.setup(loglevel="INFO")  # what `celery worker` and `celery beat` do at start
logging.getLogger("celery.app.trace").info("Task marketsync.sync.mirror_to_vk[1] succeeded in 0.1s: 1")
logging.getLogger("marketsync.sync.chain").info("sync run 7 finished: counts")
logging.getLogger("marketsync.sync.chain").debug("a detail")
"""


@pytest.mark.parametrize("level", ["INFO", "WARNING"])
def test_celery_logs_at_the_products_level_not_its_own(sqlite_engine, level: str) -> None:  # type: ignore[no-untyped-def]
    result = subprocess.run([sys.executable, "-c", CELERY_PROCESS], env=_env(LOG_LEVEL=level, LOG_FILE=""),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "succeeded in" not in result.stderr and "a detail" not in result.stderr
    assert ("sync run 7 finished" in result.stderr) is (level == "INFO"), result.stderr
