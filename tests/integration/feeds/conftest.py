"""Feed fixtures: the feed files in this test's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketsync.settings import get_settings


@pytest.fixture(autouse=True)
def feeds_dir(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """FEEDS_DIR in this test's temporary folder, and BASE_URL as the test client's host."""
    folder = tmp_path / "feeds"
    monkeypatch.setenv("FEEDS_DIR", str(folder))
    monkeypatch.setenv("BASE_URL", "http://testserver")
    get_settings.cache_clear()
    return folder
