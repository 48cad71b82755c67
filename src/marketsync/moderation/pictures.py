"""Measure product pictures for the photo rule, once per URL: the size and format of a downloaded picture (or why
it could not be used) are kept in `moderation_pictures` and read back on later checks, so a catalog judged again
downloads nothing it has already measured. A host that is down for now caches nothing: the picture is measured
at the next check, and until then it is not judged."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.connectors.errors import RejectedError, TransientError
from marketsync.connectors.pictures.client import PictureClient
from marketsync.db import upsert, utcnow
from marketsync.moderation.models import PictureCheck
from marketsync.moderation.rules import Picture
from marketsync.security import sha256_hex
from marketsync.settings import get_settings

# A picture measured is read again after this long (a supplier may replace the file behind its URL).
FRESH_FOR = timedelta(days=7)
CHUNK = 500
COLUMNS = ["url", "width", "height", "format", "size_bytes", "error_key", "error", "checked_at"]


def _picture(row: PictureCheck) -> Picture:
    return Picture(width=row.width, height=row.height, format=row.format, error_key=row.error_key)


def cached(session: Session, urls: Iterable[str]) -> dict[str, Picture]:
    """Return what is known of each URL and still fresh."""
    by_hash = {sha256_hex(url): url for url in urls}
    found: dict[str, Picture] = {}
    hashes = list(by_hash)
    since = utcnow() - FRESH_FOR
    for start in range(0, len(hashes), CHUNK):
        rows = session.scalars(select(PictureCheck).where(PictureCheck.url_hash.in_(hashes[start:start + CHUNK]),
                                                          PictureCheck.checked_at >= since))
        found.update({by_hash[row.url_hash]: _picture(row) for row in rows})
    return found


def measure(session: Session, urls: Iterable[str], *, client: PictureClient | None = None) -> dict[str, Picture]:
    """Return each picture's size and format (or why it cannot be used), downloading only the ones not cached."""
    wanted = list(dict.fromkeys(u for u in urls if u))
    known = cached(session, wanted)
    missing = [url for url in wanted if url not in known]
    if not missing:
        return known
    settings = get_settings()
    own = client is None
    client = client or PictureClient(max_bytes=settings.MODERATION_PICTURE_MAX_BYTES,
                                     timeout=min(settings.HTTP_TIMEOUT_SECONDS, 30.0))
    rows = []
    try:
        for url in missing:
            try:
                facts = client.measure(url)
                picture, error = Picture(facts.width, facts.height, facts.format[:16]), None
                size: int | None = facts.size_bytes
            except RejectedError as exc:  # the picture itself is bad: remembered like a good one
                picture, error, size = Picture(error_key=exc.key or "not_a_picture"), exc.message[:255], None
            except TransientError:  # the host is down for now: nothing remembered, measured next time
                continue
            rows.append({"url_hash": sha256_hex(url), "url": url[:2000], "width": picture.width,
                         "height": picture.height, "format": picture.format, "size_bytes": size,
                         "error_key": picture.error_key, "error": error, "checked_at": utcnow()})
            known[url] = picture
    finally:
        if own:
            client.close()
    upsert(session, PictureCheck, rows, keys=["url_hash"], update=COLUMNS)
    return known
