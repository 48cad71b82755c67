"""Import one supplier file into the supplier's offers, with its report.

Two phases. Read: the file is streamed row by row, each row validated (hub/offer_rows.py) and parked in a
scratch SQLite file (hub/staging.py); a file that breaks at any point (malformed or truncated XML, an entity
declaration, a wrong format, a damaged workbook) ends here, refused, with nothing written but its report. Write:
only then are the parked offers compared with supplier_offers in batches, by content hash, and the new and changed
ones upserted: a second import of the same file writes nothing. Offers the file no longer names are withdrawn
(stock 0, unavailable) so a dropped line never keeps selling; they count as updated. Memory stays flat at any file
size. The service flushes; the entry point commits. Merging into hub_products is the caller's next step
(hub/merge.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from marketsync.db import upsert, utcnow
from marketsync.hub.merge import merge_supplier
from marketsync.hub.models import ImportReport, Supplier, SupplierOffer
from marketsync.hub.offer_rows import OfferRecord, RejectedRowError, validate_offer
from marketsync.hub.sources import FORMATS, SourceRefusedError, SourceRow, guess_format, read_rows
from marketsync.hub.staging import Staging

REJECTS_KEPT = 1000
BATCH = 1000
_CONTENT = ("name", "description", "vendor", "vendor_code", "barcodes", "category", "price", "stock", "available",
            "pictures", "params", "weight_kg", "length_cm", "width_cm", "height_cm")


class HubImportError(ValueError):
    """An import asked for with arguments that cannot work (no supplier name, an unknown format)."""


def supplier_for(session: Session, *, account_id: int, name: str) -> Supplier:
    """Return the cabinet's supplier of this name, created on first use."""
    name = " ".join(name.split())
    if not name or len(name) > 255:
        raise HubImportError("a supplier name of 1 to 255 characters is needed")
    supplier = session.scalar(select(Supplier).where(Supplier.account_id == account_id, Supplier.name == name))
    if supplier is None:
        supplier = Supplier(account_id=account_id, name=name, column_mapping={})
        session.add(supplier)
        session.flush()
    return supplier


def sniff_format(path: Path) -> str:
    """Return yml, xlsx or csv from the first bytes of a file whose name says nothing."""
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xlsx" if head.startswith(b"PK\x03\x04") else "yml" if head.startswith(b"<") else "csv"


def import_catalog(session: Session, *, account_id: int, supplier_name: str, source: Path | str,
                   file_format: str | None = None, mapping: dict[str, str] | None = None) -> ImportReport:
    """Import a supplier's file (a path, or an http(s) URL downloaded first); return its report, `refused` with
    the reason when the file could not be read as a whole (then no offer was touched)."""
    if file_format is not None and file_format not in FORMATS:
        raise HubImportError(f"unknown format {file_format!r}: yml, csv or xlsx")
    supplier = supplier_for(session, account_id=account_id, name=supplier_name)
    label = str(source)
    report = ImportReport(account_id=account_id, supplier_id=supplier.id, source=label[:2000],
                          file_format=file_format or "", status="running", read=0, created=0, updated=0,
                          unchanged=0, rejected=0, rejects=[])
    session.add(report)
    session.flush()
    try:
        with _local_file(label) as path:
            fmt = file_format or _guess(label, path)
            report.file_format = fmt
            columns = mapping if mapping is not None else (supplier.column_mapping or None)
            with Staging() as staging:
                rejects = _stage(read_rows(path, fmt, columns), staging, report)
                _write(session, supplier, staging, report)
    except SourceRefusedError as exc:
        report.status, report.error = "refused", " ".join(str(exc).split())[:1000]
        report.read = report.created = report.updated = report.unchanged = report.rejected = 0
        report.finished_at = utcnow()
        session.flush()
        return report
    report.rejects = rejects
    if mapping is not None and fmt in ("csv", "xlsx"):
        supplier.column_mapping = dict(mapping)  # a mapping that read a file is the one to keep
    supplier.last_import_at = report.finished_at = utcnow()
    report.status = "done"
    session.flush()
    # In the same transaction: the canonical catalog never shows offers its products do not reflect yet. A file that
    # changed no offer changes no product either (the merge ran with the import that last did), so it is skipped.
    if report.created or report.updated:
        merge_supplier(session, account_id=account_id, supplier_id=supplier.id)
    return report


def _local_file(source: str) -> Any:
    if source.startswith(("http://", "https://")):
        from marketsync.hub.sources.download import downloaded

        return downloaded(source)
    path = Path(source)
    if not path.is_file():
        raise SourceRefusedError(f"no such file: {source}")
    return nullcontext(path)


def _guess(label: str, path: Path) -> str:
    try:
        return guess_format(label)
    except SourceRefusedError:
        return sniff_format(path)


def _stage(rows: Iterator[SourceRow], staging: Staging, report: ImportReport) -> list[dict[str, str]]:
    """Read the whole file into the staging file; return the first REJECTS_KEPT rejects (all are counted)."""
    rejects: list[dict[str, str]] = []

    def reject(position: str, reason: str) -> None:
        report.rejected += 1
        if len(rejects) < REJECTS_KEPT:
            rejects.append({"row": position, "reason": reason})

    for row in rows:
        report.read += 1
        try:
            record = validate_offer(row.raw)
        except RejectedRowError as exc:
            reject(row.position, str(exc))
            offer_id = (row.raw.offer_id or "").strip()
            if offer_id:
                staging.add(offer_id, None)  # named by the file, so not withdrawn; its last good state stays
            continue
        if not staging.add(record.offer_id, record):
            reject(row.position, f"offer id {record.offer_id} appears again (its first row is kept)")
    return rejects


def _values(record: OfferRecord) -> dict[str, Any]:
    return {"name": record.name, "description": record.description, "vendor": record.vendor,
            "vendor_code": record.vendor_code, "barcodes": record.barcodes, "category": record.category,
            "price": record.price, "stock": record.stock, "available": record.available,
            "pictures": record.pictures, "params": record.params, "weight_kg": record.weight_kg,
            "length_cm": record.length_cm, "width_cm": record.width_cm, "height_cm": record.height_cm}


def _write(session: Session, supplier: Supplier, staging: Staging, report: ImportReport) -> None:
    """Upsert the new and changed offers batch by batch; count the unchanged; withdraw those no longer named."""
    now = utcnow()
    for batch in staging.records(BATCH):
        ids = [r.offer_id for r in batch]
        known = dict(session.execute(select(SupplierOffer.offer_id, SupplierOffer.content_hash).where(
            SupplierOffer.supplier_id == supplier.id, SupplierOffer.offer_id.in_(ids))).all())
        rows = []
        for record in batch:
            digest = record.content_hash()
            if known.get(record.offer_id) == digest:
                report.unchanged += 1
                continue
            if record.offer_id in known:
                report.updated += 1
            else:
                report.created += 1
            rows.append({"account_id": supplier.account_id, "supplier_id": supplier.id,
                         "offer_id": record.offer_id, **_values(record), "content_hash": digest, "updated_at": now})
        upsert(session, SupplierOffer, rows, keys=["supplier_id", "offer_id"],
               update=[*_CONTENT, "content_hash", "updated_at"])
    if report.created + report.updated + report.unchanged:
        # Only a file with at least one good offer withdraws the rest: a mapping that misses the id column (every
        # row "no offer id") or an empty <offers/> must not empty the supplier's catalog.
        report.updated += _withdraw(session, supplier, staging, now)


def _withdraw(session: Session, supplier: Supplier, staging: Staging, now: Any) -> int:
    """Set stock 0 and unavailable on the supplier's offers the file did not name; return how many."""
    withdrawn, last_id = 0, 0
    while True:
        page = session.execute(
            select(SupplierOffer.id, SupplierOffer.offer_id)
            .where(SupplierOffer.supplier_id == supplier.id, SupplierOffer.id > last_id,
                   or_(SupplierOffer.available.is_(True), SupplierOffer.stock != 0))
            .order_by(SupplierOffer.id).limit(BATCH)).all()
        if not page:
            return withdrawn
        last_id = page[-1][0]
        named = staging.known([offer_id for _id, offer_id in page])
        gone = [row_id for row_id, offer_id in page if offer_id not in named]
        if gone:
            # An empty hash differs from any real one: the offer counts as updated when the file names it again.
            session.execute(update(SupplierOffer).where(SupplierOffer.id.in_(gone)).values(
                available=False, stock=0, content_hash="", updated_at=now))
            withdrawn += len(gone)
