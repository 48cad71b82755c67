"""The header row of a CSV or XLSX file (its column names), for the page's column mapping step; read the same way
the import reads the file, so the columns shown are the columns the import will find."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from marketsync.hub.sources import SourceRefusedError
from marketsync.hub.sources.csv_rows import detect_encoding, sniff_delimiter

MAX_COLUMNS = 200  # a header wider than this is no price list; the page would be unusable


def header_columns(path: Path, file_format: str) -> list[str]:
    """Return the non-empty column names of the file's first row; SourceRefusedError when it has none."""
    columns = _xlsx_header(path) if file_format == "xlsx" else _csv_header(path)
    names = [" ".join(str(c).split()) for c in columns if c is not None and str(c).strip()]
    if not names:
        raise SourceRefusedError("the file's first row has no column names (it should be the header)")
    return names[:MAX_COLUMNS]


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding=detect_encoding(path), newline="") as handle:
            first = handle.readline()
            if first.lstrip().startswith("<"):
                raise SourceRefusedError("not a CSV file (it looks like XML: choose YML)")
            handle.seek(0)
            return next(csv.reader(handle, delimiter=sniff_delimiter(first)), [])
    except csv.Error as exc:
        raise SourceRefusedError(f"broken CSV header: {exc}") from None
    except OSError as exc:
        raise SourceRefusedError(f"cannot read the file: {exc}") from None


def _xlsx_header(path: Path) -> list[str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceRefusedError(f"not a readable XLSX workbook: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # openpyxl's own InvalidFileException
        raise SourceRefusedError(f"not a readable XLSX workbook: {exc}") from None
    try:
        row = next(workbook.worksheets[0].iter_rows(values_only=True, max_row=1), None)
        return [str(cell) if cell is not None else "" for cell in (row or ())]
    except Exception as exc:  # a damaged first sheet
        raise SourceRefusedError(f"the workbook is damaged: {type(exc).__name__}: {exc}") from None
    finally:
        workbook.close()
