"""The hub's import pages: /hub/imports (upload a supplier's file, the recent reports), the column mapping step of
a CSV/XLSX upload, one report with its rejected rows, and a supplier's feed URL and schedule (on /hub/suppliers).

The upload's body is read here, as it streams in (hub/upload_stream.py), rather than by FastAPI's form parsing,
which would spool the whole file before the size limit could be checked. asgi-csrf has checked the form's
token (its first field) before this code runs."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.hub import upload_service as service
from marketsync.hub.upload_stream import ReceivedUpload, UploadRefusedError, receive_upload
from marketsync.settings import get_settings
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import Pager, csrf_token, flash, page_number, render

router = APIRouter(tags=["hub"])
REPORTS_PER_PAGE = 50
REJECTS_PER_PAGE = 50


def _size(limit: int) -> str:
    """A byte count as the seller reads it: MB, or KB under a megabyte."""
    if limit >= 1024 * 1024:
        return _("%(n)s MB", n=f"{limit / (1024 * 1024):.1f}".removesuffix(".0"))
    return _("%(n)s KB", n=f"{limit / 1024:.1f}".removesuffix(".0"))


def _words(message: str) -> str:
    """A service's one-line reason in the page's language (the fixed ones are translated; a file's own reason is
    shown as the reader said it)."""
    return _(message)


@router.get("/hub/imports", response_class=HTMLResponse)
def imports_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """The upload form and the cabinet's recent import reports (optionally one supplier's), newest first."""
    supplier = request.query_params.get("supplier", "")
    supplier_id = int(supplier) if supplier.isdigit() else None
    page = page_number(request.query_params.get("page"))
    rows, total = service.reports(session, account_id, supplier_id=supplier_id, page=page,
                                  per_page=REPORTS_PER_PAGE)
    return render(request, "hub/imports.html", {
        "rows": rows, "pager": Pager(page, REPORTS_PER_PAGE, total, "/hub/imports",
                                     (("supplier", str(supplier_id or "")),)),
        "suppliers": service.supplier_names(session, account_id),
        "max_size": _size(get_settings().HUB_IMPORT_MAX_BYTES), "tab": "imports",
    })


@router.post("/hub/imports")
async def upload(request: Request, session: DbSession, account_id: AccountId) -> RedirectResponse:
    """Take an uploaded file: a YML file is imported at once; a CSV or XLSX one goes to its mapping step. The
    CSRF token is checked as the form streams in (web/app.py: STREAMED_UPLOADS)."""
    limit = get_settings().HUB_IMPORT_MAX_BYTES
    try:
        received = await receive_upload(request.headers.get("content-type", ""),
                                        request.headers.get("content-length"), request.stream(), max_bytes=limit,
                                        token_ok=lambda token: secrets.compare_digest(token, csrf_token(request)))
    except UploadRefusedError as exc:
        if exc.forbidden:
            raise HTTPException(status_code=403) from exc  # as asgi-csrf answers every other forged form
        if exc.too_large:
            flash(request, _("The file is larger than the limit of %(size)s and was not imported.",
                             size=_size(limit)), "danger")
        else:
            flash(request, _("The file was not imported: %(reason)s.", reason=_words(str(exc))), "danger")
        return RedirectResponse("/hub/imports", status_code=303)
    try:
        return _take(request, session, account_id, received)
    finally:
        received.discard()  # parked or imported by now: the temporary file is no longer needed


def _take(request: Request, session: DbSession, account_id: int, received: ReceivedUpload) -> RedirectResponse:
    supplier = " ".join(received.fields.get("supplier", "").split())
    if not supplier or len(supplier) > 255:
        flash(request, _("Name the supplier (an existing one or a new one)."), "danger")
        return RedirectResponse("/hub/imports", status_code=303)
    assert received.path is not None  # receive_upload returns a file or refuses
    try:
        fmt = service.choose_format(received.filename, received.fields.get("format", ""), received.path)
    except service.UploadError:
        flash(request, _("Choose the format: YML, CSV or XLSX."), "danger")
        return RedirectResponse("/hub/imports", status_code=303)
    if fmt in ("csv", "xlsx"):
        parked = service.park(account_id=account_id, supplier_name=supplier, path=received.path,
                              filename=received.filename, file_format=fmt)
        return RedirectResponse(f"/hub/imports/map/{parked.token}", status_code=303)
    report = service.import_file(session, account_id=account_id, supplier_name=supplier, path=received.path,
                                 filename=received.filename, file_format=fmt)
    session.commit()
    return RedirectResponse(f"/hub/imports/{report.id}", status_code=303)


@router.get("/hub/imports/map/{token}", response_class=HTMLResponse, response_model=None)
def mapping_page(request: Request, session: DbSession, account_id: AccountId,
                 token: str) -> HTMLResponse | RedirectResponse:
    """The mapping step: each header column of the uploaded file with a choice of our field, prefilled from the
    supplier's saved mapping."""
    parked = service.parked(account_id=account_id, token=token)
    if parked is None:
        raise HTTPException(status_code=404)
    try:
        columns = service.columns_of(parked)
    except service.UploadError as exc:
        service.forget(parked)
        flash(request, _("The file was not imported: %(reason)s.", reason=_words(str(exc))), "danger")
        return RedirectResponse("/hub/imports", status_code=303)
    return render(request, "hub/import_mapping.html", {
        "upload": parked, "columns": columns, "fields": service.field_choices(), "tab": "imports",
        "chosen": service.suggested_mapping(session, account_id=account_id, supplier_name=parked.supplier,
                                            columns=columns),
    })


@router.post("/hub/imports/map/{token}")
async def import_mapped(request: Request, session: DbSession, account_id: AccountId,
                        token: str) -> RedirectResponse:
    """Import a parked CSV/XLSX upload with the mapping chosen; a mapping that misses a required field shows the
    step again, nothing imported."""
    parked = service.parked(account_id=account_id, token=token)
    if parked is None:
        raise HTTPException(status_code=404)
    form = await request.form()
    if form.get("action") == "cancel":
        service.forget(parked)
        return RedirectResponse("/hub/imports", status_code=303)
    columns = service.columns_of(parked)
    chosen = {int(key[4:]): str(value) for key, value in form.items()
              if key.startswith("col-") and key[4:].isdigit()}
    try:
        mapping = service.mapping_from_form(columns, chosen)
    except service.UploadError as exc:
        flash(request, _("Check the mapping: %(reason)s.", reason=_words(str(exc))), "danger")
        return RedirectResponse(f"/hub/imports/map/{token}", status_code=303)
    report = service.import_file(session, account_id=account_id, supplier_name=parked.supplier, path=parked.path,
                                 filename=parked.filename, file_format=parked.file_format, mapping=mapping)
    session.commit()
    service.forget(parked)
    return RedirectResponse(f"/hub/imports/{report.id}", status_code=303)


@router.get("/hub/imports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, session: DbSession, account_id: AccountId, report_id: int) -> HTMLResponse:
    """One import report: its counts, why a refused file was refused, the rejected rows with their reasons."""
    line = service.report_of(session, account_id=account_id, report_id=report_id)
    if line is None:
        raise HTTPException(status_code=404)  # another cabinet's report is no report here
    rejects = list(line.report.rejects or [])
    page = min(page_number(request.query_params.get("page")), max(1, -(-len(rejects) // REJECTS_PER_PAGE)))
    return render(request, "hub/import_report.html", {
        "line": line, "r": line.report, "tab": "imports",
        "rejects": rejects[(page - 1) * REJECTS_PER_PAGE: page * REJECTS_PER_PAGE],
        "pager": Pager(page, REJECTS_PER_PAGE, len(rejects), f"/hub/imports/{report_id}"),
    })


@router.post("/hub/suppliers/{supplier_id}/feed")
def save_feed(request: Request, session: DbSession, account_id: AccountId, supplier_id: int,
              feed_url: Annotated[str, Form()] = "", feed_format: Annotated[str, Form()] = "",
              refresh_minutes: Annotated[str, Form()] = "") -> RedirectResponse:
    """Save where and how often a supplier's catalog is fetched (an empty URL stops the fetching)."""
    try:
        supplier = service.set_feed(session, account_id=account_id, supplier_id=supplier_id, url=feed_url,
                                    file_format=feed_format, minutes=refresh_minutes)
    except LookupError as exc:
        raise HTTPException(status_code=404) from exc
    except service.UploadError as exc:
        flash(request, _("The feed was not saved: %(reason)s.", reason=_words(str(exc))), "danger")
        return RedirectResponse("/hub/suppliers", status_code=303)
    session.commit()
    if supplier.feed_url:
        flash(request, _("Saved: «%(name)s» is fetched every %(n)s min.", name=supplier.name,
                         n=supplier.refresh_minutes))
    else:
        flash(request, _("Saved: «%(name)s» is no longer fetched.", name=supplier.name))
    return RedirectResponse("/hub/suppliers", status_code=303)
