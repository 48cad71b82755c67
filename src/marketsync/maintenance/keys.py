"""Re-encrypt every stored secret under the newest key of ENCRYPTION_KEYS, so older keys can then be dropped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.accounts.models import OAuthIdentity
from marketsync.connections.models import Connection
from marketsync.connections.service import credential_fingerprint
from marketsync.feeds.models import Feed
from marketsync.security import decrypt_json, reencrypt

Row = TypeVar("Row", Connection, OAuthIdentity, Feed)
BATCH = 500  # rows loaded at a time: memory stays flat whatever the number of cabinets


class RotationError(Exception):
    """Some stored secrets cannot be opened with the configured keys; nothing was changed."""


@dataclass(frozen=True)
class RotationReport:
    """How many secrets of each kind were re-encrypted."""

    connections: int
    identities: int
    feeds: int = 0  # the feed URLs' tokens (the page shows them from this copy)


def _batches(session: Session, model: type[Row]) -> Iterator[list[Row]]:
    last = 0
    while True:
        rows = list(session.scalars(select(model).where(model.id > last).order_by(model.id).limit(BATCH)))
        if not rows:
            return
        yield rows
        last = rows[-1].id


def rotate_secrets(session: Session) -> RotationReport:
    """Re-encrypt every connection's credentials and every identity's secret with the newest key and refresh the
    credentials' fingerprints under the current SECRET_KEY. Raises RotationError, before the caller commits
    anything, when a secret opens with none of the keys (the old key is missing from ENCRYPTION_KEYS)."""
    failed: list[str] = []
    connections = identities = 0
    for batch in _batches(session, Connection):
        for conn in batch:
            try:
                conn.credentials_encrypted = reencrypt(conn.credentials_encrypted)
            except ValueError:
                failed.append(f"connection {conn.id} ({conn.system})")
                continue
            # The fingerprint is keyed by SECRET_KEY: recomputed here, a changed SECRET_KEY still finds the cabinet
            # an API key belongs to.
            conn.credential_fingerprint = credential_fingerprint(conn.system, decrypt_json(conn.credentials_encrypted))
            connections += 1
        session.flush()
    for identities_batch in _batches(session, OAuthIdentity):
        for identity in identities_batch:
            if not identity.secret:
                continue
            try:
                identity.secret = reencrypt(identity.secret)
            except ValueError:
                failed.append(f"identity {identity.id} ({identity.provider})")
                continue
            identities += 1
        session.flush()
    feeds = 0
    for feeds_batch in _batches(session, Feed):
        for feed in feeds_batch:
            try:
                feed.token_encrypted = reencrypt(feed.token_encrypted)
            except ValueError:
                failed.append(f"feed {feed.id} ({feed.name})")
                continue
            feeds += 1
        session.flush()
    if failed:
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise RotationError(f"{len(failed)} stored secret(s) open with none of ENCRYPTION_KEYS: {shown}; add the key "
                            "they were written with (the former SECRET_KEY if ENCRYPTION_KEYS was never set) after "
                            "the new one, then run the rotation again. Nothing was changed.")
    return RotationReport(connections=connections, identities=identities, feeds=feeds)
