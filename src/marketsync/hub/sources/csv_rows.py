"""Read a supplier's CSV as a stream of offers: UTF-8 (with or without a BOM) or Windows-1251, `;`, `,` or tab
between cells (sniffed from the header), the header in the first row, columns mapped to our fields."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path

from marketsync.hub.sources import SourceRefusedError, SourceRow
from marketsync.hub.sources.mapping import check_mapping, column_plan, offer_from_cells

DELIMITERS = (";", ",", "\t")
CHUNK = 1 << 20
csv.field_size_limit(10 * 1024 * 1024)  # a description may be long; a 10 MB cell is not a catalog any more


def detect_encoding(path: Path) -> str:
    """Return utf-8-sig when the whole file decodes as UTF-8, else cp1251 (read in chunks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        if b"\x00" in handle.read(4096):
            raise SourceRefusedError("not a CSV file (binary data; UTF-16 is not read, save as UTF-8)")
        handle.seek(0)
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1251"
    return "utf-8-sig"


def sniff_delimiter(header_line: str) -> str:
    """Return the delimiter among `;`, `,` and tab that splits the header into the most cells."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv(path: Path, mapping: dict[str, str]) -> Iterator[SourceRow]:
    """Stream the offers of a CSV file; raise SourceRefusedError when it cannot be read as a whole."""
    mapping = check_mapping(mapping)
    row = 1
    try:
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
            if not first.strip():
                raise SourceRefusedError("the CSV file is empty (its first row should be the header)")
            if first.lstrip().startswith("<"):
                raise SourceRefusedError("not a CSV file (it looks like XML: give --format yml)")
            handle.seek(0)
            reader = csv.reader(handle, delimiter=sniff_delimiter(first), strict=True)
            plan = column_plan(next(reader), mapping)
            for row, cells in enumerate(reader, start=2):  # the row number a spreadsheet shows: header = 1
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines between rows are common in exported price lists
                yield SourceRow(position=str(row), raw=offer_from_cells(cells, plan))
    except csv.Error as exc:
        raise SourceRefusedError(f"broken CSV near row {row}: {exc}") from None
    except OSError as exc:
        raise SourceRefusedError(f"cannot read the file: {exc}") from None
