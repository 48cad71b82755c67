"""A table's whole filtered set as a download: CSV (UTF-8 with a BOM, so Excel reads Cyrillic) streamed as the
rows come, or XLSX written row by row with openpyxl's write-only workbook to a temporary file that is then
streamed back and deleted. Either way only a chunk of rows is ever held in memory."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from marketsync.db import utcnow
from marketsync.web.templating import MOSCOW

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
LINES_PER_WRITE = 500  # CSV lines sent at a time: few network writes, little memory
FILE_CHUNK = 64 * 1024
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell (its own pattern)
XLSX_CELL_MAX = 32_767  # characters Excel holds in one cell; a longer text makes it call the file corrupt

T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of an export: its heading and how a row gives its value."""

    label: str
    value: Callable[[T], Any]


def export_format(request: Request) -> str:
    """Return the format an export route was asked in, from its path's extension ("csv" or "xlsx")."""
    fmt = request.url.path.rsplit(".", 1)[-1]
    if fmt not in FORMATS:
        raise HTTPException(status_code=404)
    return fmt


def filename(stem: str, fmt: str) -> str:
    """Return a download's name with today's date in Moscow: "products-2025-11-25.csv"."""
    return f"{stem}-{utcnow().astimezone(MOSCOW):%Y-%m-%d}.{fmt}"


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(MOSCOW).replace(tzinfo=None)  # Excel has no time zones: local time, as pages show
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


def _csv_lines(columns: Sequence[Column[T]], rows: Iterable[T]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([c.label for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if (v := _cell(c.value(row))) is None else
                         (f"{v:%d.%m.%Y %H:%M}" if isinstance(v, datetime) else v) for c in columns])
        if n % LINES_PER_WRITE == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_xlsx(path: str, columns: Sequence[Column[T]], rows: Iterable[T], *, title: str) -> None:
    """Write the rows to an XLSX file row by row (openpyxl's write-only mode keeps no rows in memory)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])  # Excel's limit for a sheet name
    sheet.append([c.label for c in columns])
    for row in rows:
        sheet.append([_xlsx_value(_cell(c.value(row))) for c in columns])
    workbook.save(path)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        # Control characters (a raw API answer may hold some) are refused by openpyxl mid-file: drop them.
        value = XLSX_ILLEGAL.sub("", value)
        return value if len(value) <= XLSX_CELL_MAX else value[:XLSX_CELL_MAX - 1] + "…"
    return value


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _file_chunks(path: str) -> Iterator[bytes]:
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(FILE_CHUNK):
                yield chunk
    finally:
        _remove(path)


def export_response(fmt: str, stem: str, columns: Sequence[Column[T]],
                    rows: Callable[[], Iterable[T]]) -> StreamingResponse:
    """Return the download of every row `rows()` yields, as CSV (streamed while read) or XLSX (written, then sent).

    `rows` is called when the body is produced: it opens its own session, as the request's is closed by then."""
    headers = {"Content-Disposition": f'attachment; filename="{filename(stem, fmt)}"',
               "Cache-Control": "no-store"}
    if fmt == "csv":
        return StreamingResponse(_csv_lines(columns, _lazy(rows)), media_type=FORMATS[fmt], headers=headers)
    handle, path = tempfile.mkstemp(prefix="marketsync-export-", suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(path, columns, rows(), title=stem)
    except BaseException:
        _remove(path)
        raise
    # The file goes once sent; the background task also catches a body never read (HEAD, a client gone early).
    return StreamingResponse(_file_chunks(path), media_type=FORMATS[fmt], headers=headers,
                             background=BackgroundTask(_remove, path))


def _lazy(rows: Callable[[], Iterable[T]]) -> Iterator[T]:
    yield from rows()
