"""Fixtures of the deployment tests: the repository root, and the Debian tools they run (shellcheck, nginx,
openssl, idn2), skipped with a printed reason when absent, failing instead under MARKETSYNC_REQUIRE_SERVICES=1 (CI,
whose .ci/run installs them)."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from absent import unavailable


@pytest.fixture
def tool() -> Callable[[str], str]:
    """Return a tool's path; a missing one skips the test locally and fails it in CI."""

    def find(name: str) -> str:
        path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
        if path:
            return path
        unavailable(f"{name} is not installed (Debian: apt-get install {name}; .ci/run installs it)")

    return find
