"""Supplier files read as a stream of rows: YML (yml.py), CSV (csv_rows.py) and XLSX (xlsx_rows.py), each row a
RawOffer with its position; what makes a row an offer is decided in hub/offer_rows.py. A file that cannot be read
as a whole raises SourceRefusedError, at whatever point of the stream that turns out."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from marketsync.hub.offer_rows import RawOffer

FORMATS = ("yml", "csv", "xlsx")
_SUFFIXES = {".yml": "yml", ".xml": "yml", ".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx"}


class SourceRefusedError(Exception):
    """The file cannot be read as a whole (malformed, an entity declaration, truncated, another format): nothing
    of it may be imported. The message is the one-line reason a seller reads."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One offer as found: where (the row number, or the YML offer id / `#n` when it has none) and what."""

    position: str
    raw: RawOffer


def guess_format(name: str) -> str:
    """Return yml, csv or xlsx from a file name or URL path; raise SourceRefusedError when it tells nothing."""
    path = name.split("?", 1)[0].split("#", 1)[0].lower()
    for suffix, file_format in _SUFFIXES.items():
        if path.endswith(suffix):
            return file_format
    raise SourceRefusedError(f"cannot tell the format from the name {Path(path).name or name!r}: "
                             "give it (yml, csv or xlsx)")


def read_rows(path: Path, file_format: str, mapping: dict[str, str] | None) -> Iterator[SourceRow]:
    """Stream the rows of a supplier file; CSV and XLSX need the column mapping."""
    if file_format == "yml":
        from marketsync.hub.sources.yml import read_yml

        return read_yml(path)
    if file_format not in ("csv", "xlsx"):
        raise SourceRefusedError(f"unknown format {file_format!r}: yml, csv or xlsx")
    if not mapping:
        raise SourceRefusedError("a CSV or XLSX file needs a column mapping ({\"column\": \"field\", ...})")
    if file_format == "csv":
        from marketsync.hub.sources.csv_rows import read_csv

        return read_csv(path, mapping)
    from marketsync.hub.sources.xlsx_rows import read_xlsx

    return read_xlsx(path, mapping)
