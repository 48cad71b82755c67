"""Stopping `marketsync run` leaves no process behind, even when the worker outlives its grace period or leaves
a child (the embedded beat) running."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marketsync.cli.serve import stop_process_group

pytestmark = pytest.mark.timeout(60)

# A parent that ignores SIGTERM (a worker still finishing a task) with a child that does too (the beat).
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(600)
"""
# A parent that quits on SIGTERM but whose child ignores it: the orphaned beat seen before this fix.
ORPHANING = STUBBORN.replace('signal.signal(signal.SIGTERM, signal.SIG_IGN)\nchild', "child", 1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose: it holds no resources but its table entry.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def _start(script: str, tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    pid_file = tmp_path / "grandchild.pid"
    proc = subprocess.Popen([sys.executable, "-c", script, str(pid_file)], start_new_session=True)
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline, "the test process did not start"
        time.sleep(0.05)
    return proc, int(pid_file.read_text())


@pytest.mark.parametrize("script", [STUBBORN, ORPHANING], ids=["worker-past-grace", "worker-leaves-child"])
def test_stopping_the_worker_leaves_no_process_of_its_group(script: str, tmp_path: Path) -> None:
    proc, grandchild = _start(script, tmp_path)
    stop_process_group(proc, grace=0.5)
    assert proc.poll() is not None
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)
