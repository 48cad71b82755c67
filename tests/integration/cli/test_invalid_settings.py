"""An operator who forgets SECRET_KEY in production gets one line saying so, not a traceback, from any command."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_production_start_without_secret_key_says_why_in_one_line() -> None:
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "MARKETSYNC_ENV")}
    env["MARKETSYNC_ENV"] = "production"
    result = subprocess.run([sys.executable, "-m", "marketsync", "migrate"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: invalid settings: Value error, SECRET_KEY must be set in production (it still has the default value)"]
    assert "Traceback" not in result.stdout + result.stderr
