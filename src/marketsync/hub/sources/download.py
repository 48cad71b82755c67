"""A supplier's file fetched from its URL into a temporary file through the project's HTTP client, with the size
cap (HUB_IMPORT_MAX_BYTES) and time limit (HUB_IMPORT_TIMEOUT_SECONDS) of the settings."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from marketsync.connectors.errors import ConnectorError
from marketsync.http import HttpClient, HttpConfig
from marketsync.hub.sources import SourceRefusedError
from marketsync.settings import get_settings


@contextmanager
def downloaded(url: str) -> Iterator[Path]:
    """Download `url` into a temporary file, yield its path, delete it afterwards; SourceRefusedError on failure."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceRefusedError(f"not an http(s) URL: {url[:200]}")
    settings = get_settings()
    base = f"{parts.scheme}://{parts.netloc}"
    client = HttpClient(HttpConfig(system="supplier_feed", base_url=base, credential=parts.netloc,
                                   rate_per_second=None, breaker_key=f"supplier_feed:{parts.netloc}",
                                   timeout=min(settings.HTTP_TIMEOUT_SECONDS, settings.HUB_IMPORT_TIMEOUT_SECONDS)))
    handle, name = tempfile.mkstemp(prefix="marketsync-feed-", suffix=Path(parts.path).suffix[:8])
    path = Path(name)
    try:
        try:
            with os.fdopen(handle, "wb") as sink:
                client.download(url, sink, max_bytes=settings.HUB_IMPORT_MAX_BYTES,
                                max_seconds=settings.HUB_IMPORT_TIMEOUT_SECONDS)
        except ConnectorError as exc:
            raise SourceRefusedError(f"cannot download the file: {exc.message}") from None
        finally:
            client.close()
        yield path
    finally:
        path.unlink(missing_ok=True)
