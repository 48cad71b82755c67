"""What the imports pages do: import an uploaded file for a supplier (named or new), park a CSV/XLSX upload while
the seller maps its columns, list the import reports and open one, and save a supplier's feed URL and schedule.

A parked upload is a file in the system's temporary folder named after its cabinet and a random token, with a
small JSON beside it (supplier, format, file name): the mapping step of another cabinet cannot name it, and what
is never mapped is swept after PARKED_HOURS. The service flushes; the pages commit."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.hub.import_service import HubImportError, import_catalog, sniff_format, supplier_for
from marketsync.hub.models import ImportReport, Supplier
from marketsync.hub.sources import FORMATS, SourceRefusedError, guess_format
from marketsync.hub.sources.header import header_columns
from marketsync.hub.sources.mapping import FIELDS, check_mapping

PARKED_HOURS = 24
MIN_REFRESH, MAX_REFRESH = 1, 7 * 24 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadError(ValueError):
    """What the seller asked cannot be done; the message is one line the page shows (English, translated)."""


@dataclass(frozen=True)
class ParkedUpload:
    """A CSV/XLSX upload waiting for its column mapping."""

    token: str
    path: Path
    supplier: str
    file_format: str
    filename: str


def parked_dir() -> Path:
    """The folder of the uploads waiting for their mapping."""
    folder = Path(tempfile.gettempdir()) / "marketsync-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def choose_format(filename: str, chosen: str, path: Path) -> str:
    """Return the format the seller chose, else the one the file's name says, else the one its first bytes say."""
    if chosen in FORMATS:
        return chosen
    if chosen:
        raise UploadError("unknown format")
    try:
        return guess_format(filename)
    except SourceRefusedError:
        return sniff_format(path)


def import_file(session: Session, *, account_id: int, supplier_name: str, path: Path, filename: str,
                file_format: str, mapping: dict[str, str] | None = None) -> ImportReport:
    """Import an uploaded file for a supplier (created on first use); the report names the file as uploaded."""
    try:
        report = import_catalog(session, account_id=account_id, supplier_name=supplier_name, source=path,
                                file_format=file_format, mapping=mapping)
    except HubImportError as exc:
        raise UploadError(str(exc)) from None
    report.source = filename[:2000] or path.name
    session.flush()
    return report


def park(*, account_id: int, supplier_name: str, path: Path, filename: str, file_format: str) -> ParkedUpload:
    """Keep a CSV/XLSX upload for its mapping step (the file is moved, not copied); return it with its token."""
    _sweep()
    token = uuid.uuid4().hex
    target = parked_dir() / f"{account_id}-{token}.data"
    shutil.move(str(path), target)
    meta = {"supplier": supplier_name, "format": file_format, "filename": filename}
    target.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return ParkedUpload(token, target, supplier_name, file_format, filename)


def parked(*, account_id: int, token: str) -> ParkedUpload | None:
    """Return this cabinet's parked upload of this token, None when there is none (gone, or another's)."""
    if not _TOKEN.match(token):
        return None
    path = parked_dir() / f"{account_id}-{token}.data"
    try:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not path.is_file():
        return None
    return ParkedUpload(token, path, str(meta["supplier"]), str(meta["format"]), str(meta["filename"]))


def forget(upload: ParkedUpload) -> None:
    """Delete a parked upload (imported, or dropped by the seller)."""
    upload.path.unlink(missing_ok=True)
    upload.path.with_suffix(".json").unlink(missing_ok=True)


def _sweep() -> None:
    """Delete the parked uploads nobody mapped within PARKED_HOURS."""
    limit = time.time() - PARKED_HOURS * 3600
    for path in parked_dir().glob("*-*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


def columns_of(upload: ParkedUpload) -> list[str]:
    """Return the header columns of a parked upload; UploadError when the file has no readable header."""
    try:
        return header_columns(upload.path, upload.file_format)
    except SourceRefusedError as exc:
        raise UploadError(str(exc)) from None


def field_choices() -> list[str]:
    """Our fields a column can be mapped to (param:<column> is offered per column on the page)."""
    return list(FIELDS)


def suggested_mapping(session: Session, *, account_id: int, supplier_name: str, columns: list[str]) -> dict[str, str]:
    """Return column → field for the columns the supplier's saved mapping names (case and spaces aside), else for
    the columns named after a field itself."""
    name = " ".join(supplier_name.split())
    saved = session.scalar(select(Supplier.column_mapping).where(Supplier.account_id == account_id,
                                                                 Supplier.name == name)) or {}
    known = {_fold(column): field for column, field in saved.items()}
    fields = {_fold(f): f for f in FIELDS}
    result = {}
    for column in columns:
        found = known.get(_fold(column)) or fields.get(_fold(column))
        if found:
            result[column] = found
    return result


def mapping_from_form(columns: list[str], chosen: dict[int, str]) -> dict[str, str]:
    """Build the column mapping from the page's choices (column index → field, "" for none); UploadError when it
    names a field we do not have or misses a required one."""
    mapping = {columns[i]: field for i, field in chosen.items() if 0 <= i < len(columns) and field}
    if not mapping:
        raise UploadError("the column mapping names no column for sku, name, price")
    try:
        return check_mapping(mapping)
    except SourceRefusedError as exc:
        raise UploadError(str(exc)) from None


def _fold(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def supplier_names(session: Session, account_id: int) -> list[str]:
    """The cabinet's suppliers' names, alphabetically."""
    return list(session.scalars(select(Supplier.name).where(Supplier.account_id == account_id)
                                .order_by(Supplier.name)))


@dataclass(frozen=True)
class ReportLine:
    """One import report as the pages show it."""

    report: ImportReport
    supplier: str


def reports(session: Session, account_id: int, *, supplier_id: int | None = None, page: int = 1,
            per_page: int = 50) -> tuple[list[ReportLine], int]:
    """Return one page of the cabinet's import reports, newest first (optionally one supplier's), and the total."""
    where = [ImportReport.account_id == account_id]
    if supplier_id is not None:
        where.append(ImportReport.supplier_id == supplier_id)
    total = session.scalar(select(func.count()).select_from(ImportReport).where(*where)) or 0
    rows = session.execute(select(ImportReport, Supplier.name).join(Supplier, Supplier.id == ImportReport.supplier_id)
                           .where(*where).order_by(ImportReport.id.desc())
                           .offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
    return [ReportLine(report, name) for report, name in rows], total


def report_of(session: Session, *, account_id: int, report_id: int) -> ReportLine | None:
    """Return one of the cabinet's reports, None when it is not the cabinet's."""
    row = session.execute(select(ImportReport, Supplier.name).join(Supplier, Supplier.id == ImportReport.supplier_id)
                          .where(ImportReport.id == report_id, ImportReport.account_id == account_id)).first()
    return ReportLine(row[0], row[1]) if row else None


def set_feed(session: Session, *, account_id: int, supplier_id: int, url: str, file_format: str,
             minutes: str) -> Supplier:
    """Save (or, with an empty URL, clear) where and how often a supplier's catalog is fetched; UploadError names
    what is wrong and nothing is saved."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.account_id != account_id:
        raise LookupError(f"no supplier {supplier_id}")
    url = url.strip()
    if not url:
        supplier.feed_url = supplier.feed_format = supplier.refresh_minutes = None
        session.flush()
        return supplier
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000:
        raise UploadError("the feed URL must be an http(s) address")
    if file_format and file_format not in FORMATS:
        raise UploadError("unknown format")
    if not minutes.strip().isdigit() or not MIN_REFRESH <= int(minutes) <= MAX_REFRESH:
        raise UploadError("the interval is a whole number of minutes from 1 to 10080")
    if file_format in ("csv", "xlsx") and not supplier.column_mapping:
        raise UploadError("a CSV or XLSX feed needs the supplier's column mapping: upload its file once first")
    supplier.feed_url, supplier.feed_format, supplier.refresh_minutes = url, file_format or None, int(minutes)
    session.flush()
    return supplier


def add_feed_supplier(session: Session, *, account_id: int, name: str, url: str, file_format: str, minutes: int,
                      mapping: dict[str, str] | None = None) -> int:
    """Create (or update) a supplier fetched from a URL, with its column mapping; return its id (the demo's)."""
    supplier = supplier_for(session, account_id=account_id, name=name)
    if mapping is not None:
        supplier.column_mapping = dict(mapping)
    session.flush()
    set_feed(session, account_id=account_id, supplier_id=supplier.id, url=url, file_format=file_format,
             minutes=str(minutes))
    return supplier.id
