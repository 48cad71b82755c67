"""One rule for a test whose server or tool is missing: skipped locally with the reason printed, failed under
MARKETSYNC_REQUIRE_SERVICES=1 (CI, whose .ci/run provides everything)."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def unavailable(message: str) -> NoReturn:
    """Skip (locally) or fail (in CI) because `message` says what is missing."""
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        pytest.fail(f"MARKETSYNC_REQUIRE_SERVICES=1 but {message}")
    print(f"\nSKIP reason: {message}")
    pytest.skip(message)
