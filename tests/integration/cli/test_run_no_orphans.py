"""`marketsync run` with BOT_TOKEN set starts the web server, the worker with its embedded beat and the bot, tells
its children its real address as BASE_URL, and when it is killed with SIGKILL (no chance to stop anything) none of
them keeps running: nothing goes on syncing or sending behind the operator's back."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from marketsync.sandbox.server import ServerThread, free_port

pytestmark = pytest.mark.timeout(120)
BOT_TOKEN = "7200000001:orphan-test-bot-token-AAAAAAAAAAAAAA"


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_killing_run_with_sigkill_leaves_no_process_behind(tmp_path: Path, sandbox: ServerThread,
                                                            sandbox_state, env: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    sandbox_state.telegram.add_bot(BOT_TOKEN)
    port = free_port()
    environment = {**os.environ, **env, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
                   "BROKER_DATABASE_URL": f"sqlite:///{tmp_path / 'broker.db'}", "BOT_TOKEN": BOT_TOKEN,
                   "TELEGRAM_API_URL": f"{sandbox.url}/telegram", "BOT_POLL_TIMEOUT_SECONDS": "1",
                   "LOG_LEVEL": "WARNING"}
    for name in ("BASE_URL", "DOMAIN", "REDIS_URL", "TELEGRAM_WEBHOOK_URL"):
        environment.pop(name, None)
    run = subprocess.Popen([sys.executable, "-m", "marketsync", "run", "--host", "127.0.0.1", "--port", str(port)],
                           cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while True:
            assert run.poll() is None, "marketsync run exited"
            started |= _descendants(run.pid)
            commands = [_command(pid) for pid in started if _alive(pid)]
            bot = [pid for pid in started if "marketsync bot" in _command(pid)]
            polled = sandbox_state.stats.snapshot().get("telegram", {}).get("by_method", {}).get("getUpdates")
            web = False
            with contextlib.suppress(httpx.HTTPError):
                web = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code < 500
            # The worker, its embedded beat (a fork of the worker) and the bot, the bot already polling.
            if web and polled and bot and len(commands) >= 3:
                break
            assert time.monotonic() < deadline, f"not everything started: {commands}"
            time.sleep(0.3)
        bot_env = Path(f"/proc/{bot[0]}/environ").read_bytes().split(b"\0")
        assert f"BASE_URL=http://127.0.0.1:{port}".encode() in bot_env

        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 15
        while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = {pid: _command(pid) for pid in started if _alive(pid)}
        assert survivors == {}, f"outlived marketsync run: {survivors}"
    finally:
        if run.poll() is None:
            run.kill()
        for pid in started:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
