"""One import's offers parked in a temporary SQLite file while the supplier's file is read to its end: only a file
read whole reaches supplier_offers, so a parse error on the last line changes nothing, and memory stays flat
however many offers the file holds (the file also answers "was this offer id seen?" for duplicates)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from types import TracebackType

from marketsync.hub.offer_rows import OfferRecord


class Staging:
    """A scratch table of offer ids (unique) and their records (NULL for a rejected row whose id was known)."""

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(prefix="marketsync-import-", suffix=".sqlite")
        os.close(handle)
        # Scratch data: no journal, no fsync; the file is deleted when the import ends either way.
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE staged (offer_id TEXT PRIMARY KEY, record TEXT)")
        self._db.execute("BEGIN")

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def add(self, offer_id: str, record: OfferRecord | None) -> bool:
        """Park an offer (None: only its id, for a rejected row); False when the id was already parked."""
        try:
            self._db.execute("INSERT INTO staged (offer_id, record) VALUES (?, ?)",
                             (offer_id, record.to_json() if record is not None else None))
        except sqlite3.IntegrityError:
            return False
        return True

    def records(self, batch: int) -> Iterator[list[OfferRecord]]:
        """Yield the parked records in file order, `batch` at a time."""
        last = 0
        while True:
            rows = self._db.execute("SELECT rowid, record FROM staged WHERE rowid > ? AND record IS NOT NULL "
                                    "ORDER BY rowid LIMIT ?", (last, batch)).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            yield [OfferRecord.from_json(text) for _rowid, text in rows]

    def known(self, offer_ids: list[str]) -> set[str]:
        """Return those of `offer_ids` the file named (valid or rejected)."""
        found: set[str] = set()
        for start in range(0, len(offer_ids), 500):  # SQLite's bound-parameter limit
            chunk = offer_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self._db.execute(f"SELECT offer_id FROM staged WHERE offer_id IN ({marks})",
                                                         chunk))
        return found

    def close(self) -> None:
        """Drop the scratch file."""
        self._db.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
