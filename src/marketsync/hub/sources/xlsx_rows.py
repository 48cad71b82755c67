"""Read a supplier's XLSX as a stream of offers: the first sheet, the header in its first row, openpyxl in
read-only mode (rows streamed from the zip, never the whole workbook in memory)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from marketsync.hub.sources import SourceRefusedError, SourceRow
from marketsync.hub.sources.mapping import check_mapping, column_plan, offer_from_cells


def read_xlsx(path: Path, mapping: dict[str, str]) -> Iterator[SourceRow]:
    """Stream the offers of an XLSX workbook's first sheet; raise SourceRefusedError when it cannot be read."""
    from openpyxl import load_workbook

    mapping = check_mapping(mapping)
    try:
        # openpyxl reads the sheet XML with the standard library's expat: no external entity is ever fetched.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceRefusedError(f"not a readable XLSX workbook: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # openpyxl's own InvalidFileException and parse errors of a damaged sheet
        raise SourceRefusedError(f"not a readable XLSX workbook: {exc}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SourceRefusedError("the workbook's first sheet is empty (its first row should be the header)")
        plan = column_plan(header, mapping)
        for number, cells in enumerate(rows, start=2):
            if not any(cell not in (None, "") for cell in cells):
                continue
            yield SourceRow(position=str(number), raw=offer_from_cells(cells, plan))
    except SourceRefusedError:
        raise
    except Exception as exc:  # a sheet damaged past its first rows: the zip or its XML breaks mid-stream
        raise SourceRefusedError(f"the workbook is damaged: {type(exc).__name__}: {exc}") from None
    finally:
        workbook.close()
