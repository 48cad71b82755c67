"""Catalog pages: the account's Evotor stores and groups with their sync switches, and product listings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from marketsync.catalog.service import PRODUCT_SORTS, SALE_FILTER, groups_of, product_key, store_of
from marketsync.connections.service import get_connection
from marketsync.db import session_scope
from marketsync.sync import service as sync_service
from marketsync.sync.publishing import (
    group_of_store,
    product_rules,
    store_groups,
    store_rows,
    switch_group,
    switch_store,
    switch_ungrouped,
)
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.tables import TableQuery, TableSpec, parse_table, table_for
from marketsync.web.templating import flash, render

if TYPE_CHECKING:
    from marketsync.catalog.models import ProductGroup, Store
    from marketsync.sync.service import ProductRow

router = APIRouter(tags=["catalog"])


def _store(session: DbSession, account_id: int, store_id: int) -> Store:
    store = store_of(session, account_id, store_id)
    if store is None:
        raise HTTPException(status_code=404)
    return store


def _switch(value: str) -> bool:
    if value not in {"0", "1"}:
        raise HTTPException(status_code=400, detail="enabled must be 1 or 0")
    return value == "1"


@router.get("/catalog", include_in_schema=False)
def catalog_root(_user: CurrentUser) -> RedirectResponse:
    """Open the store list."""
    return RedirectResponse("/catalog/stores", status_code=303)


@router.get("/catalog/stores", response_class=HTMLResponse)
def stores_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the Evotor stores with a sync switch, product and group counts, and the unpaid badge."""
    return render(request, "catalog/stores.html", {
        "rows": store_rows(session, account_id=account_id),
        "evotor_connected": get_connection(session, account_id, "evotor") is not None,
    })


@router.post("/catalog/refresh")
def refresh_catalog(request: Request, session: DbSession, account_id: AccountId) -> RedirectResponse:
    """Read the Evotor catalog again on the worker (stores, groups, products; nothing is published)."""
    refresh = sync_service.request_source_refresh(session, account_id=account_id)
    if not refresh.accepted:
        flash(request, _("Connect Evotor first."), "warning")
        return RedirectResponse("/connections", status_code=303)
    session.commit()  # the read is queued once this commit is done
    if not refresh.queued:  # the broker is down: say so instead of a server error
        flash(request, _("The catalog could not be read now: the task queue is not available."), "danger")
    else:
        flash(request, _("Reading your Evotor catalog: stores and groups appear in a few seconds."))
    return RedirectResponse("/catalog/stores", status_code=303)


@router.get("/catalog/stores/{store_id}/groups", response_class=HTMLResponse)
def groups_page(request: Request, session: DbSession, account_id: AccountId, store_id: int) -> HTMLResponse:
    """List a store's product groups with their sync switches and product counts."""
    store = _store(session, account_id, store_id)
    groups = store_groups(session, account_id=account_id, store=store)
    return render(request, "catalog/groups.html", {
        "store": store, "rows": groups.rows, "store_enabled": groups.store_enabled, "ungrouped": groups.ungrouped,
        "ungrouped_enabled": groups.ungrouped_enabled,
    })


def _products_table(request: Request, session: DbSession, account_id: int,
                    store: Store) -> tuple[TableQuery, TableSpec, list[ProductGroup]]:
    groups = groups_of(session, account_id, store.external_id)
    spec = TableSpec(sorts=PRODUCT_SORTS, default_sort="name", filters={
        "group": {g.external_id for g in groups}, "sale": SALE_FILTER, "vk": sync_service.CHANNEL_STATES})
    return parse_table(request.query_params, spec), spec, groups


@router.get("/catalog/stores/{store_id}/products", response_class=HTMLResponse)
def products_listing(request: Request, session: DbSession, account_id: AccountId, store_id: int) -> HTMLResponse:
    """List a store's products: search by name, article or barcode, sort, filter (?group=, ?sale=, ?vk=), page."""
    store = _store(session, account_id, store_id)
    table, spec, groups = _products_table(request, session, account_id, store)
    rows, page = sync_service.channel_products_page(session, account_id, store.external_id, table)
    base = f"/catalog/stores/{store.id}/products"
    rules = product_rules(session, account_id=account_id, keys=[product_key(r.product) for r in rows])
    return render(request, "catalog/products.html", {
        "rules": rules, "product_key": product_key, "here": str(request.url.path) + (
            f"?{request.url.query}" if request.url.query else ""),
        "store": store, "group_options": [(g.external_id, g.name) for g in groups],
        "selected_group": next((g for g in groups if g.external_id == table.filter("group")), None),
        "rows": rows, "t": table_for(table, spec, total=page.total, page=page.page, base_url=base,
                                    export_url_base=f"{base}/export"),
        "vk_connected": sync_service.channel_connection(session, account_id) is not None,
    })


@router.get("/catalog/stores/{store_id}/products/export.csv", include_in_schema=False)
@router.get("/catalog/stores/{store_id}/products/export.xlsx", include_in_schema=False)
def products_export(request: Request, session: DbSession, account_id: AccountId, store_id: int) -> StreamingResponse:
    """Download every product the table shows (all pages, same search, filters and order) as CSV or XLSX."""
    fmt = export_format(request)
    store = _store(session, account_id, store_id)
    table, _spec, group_rows = _products_table(request, session, account_id, store)
    store_external_id = store.external_id
    groups = {g.external_id: g.name for g in group_rows}
    states = {"visible": _("Visible to buyers"), "hidden": _("Hidden from buyers"), "absent": _("Not in VK")}

    def state(row: ProductRow) -> str:
        return states["absent"] if row.channel is None else states["hidden" if row.channel.hidden else "visible"]

    columns: list[Column[ProductRow]] = [
        Column(_("Name"), lambda r: r.product.name),
        Column(_("Article"), lambda r: r.product.sku),
        Column(_("Barcodes"), lambda r: r.product.barcodes or []),
        Column(_("Product group"), lambda r: groups.get(r.product.group_external_id or "", "")),
        Column(_("Stock"), lambda r: r.quantity),
        Column(_("Price in Evotor"), lambda r: r.product.price),
        Column(_("Price in VK"), lambda r: r.channel.price if r.channel else None),
        Column(_("In VK"), state),
        Column(_("Link to VK"), lambda r: r.channel.url if r.channel else None),
    ]

    def rows() -> Iterator[ProductRow]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            yield from sync_service.channel_products_export(export_session, account_id, store_external_id, table)

    return export_response(fmt, "products", columns, rows)


@router.post("/catalog/stores/{store_id}/toggle")
def toggle_store(request: Request, session: DbSession, account_id: AccountId, store_id: int,
                 enabled: Annotated[str, Form()] = "", all_groups: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Switch a store's sync on or off (all_groups=1 also switches every group of it)."""
    store = _store(session, account_id, store_id)
    on = _switch(enabled)
    switch_store(session, account_id=account_id, store=store, enabled=on, all_groups=all_groups == "1")
    if on:
        flash(request, _("«%(name)s» will be published to VK.", name=store.name))
    else:
        flash(request, _("«%(name)s» will no longer be published to VK.", name=store.name), "info")
    return RedirectResponse(local_path(next, "/catalog/stores"), status_code=303)


@router.post("/catalog/stores/{store_id}/groups/{group_id}/toggle")
def toggle_group(request: Request, session: DbSession, account_id: AccountId, store_id: int, group_id: int,
                 enabled: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Switch one product group's sync on or off (switching a group on also switches its store on)."""
    store = _store(session, account_id, store_id)
    group = group_of_store(session, account_id=account_id, store=store, group_id=group_id)
    if group is None:
        raise HTTPException(status_code=404)
    on = _switch(enabled)
    switch_group(session, account_id=account_id, group=group, enabled=on)
    if on:
        flash(request, _("Group «%(name)s» will be published to VK.", name=group.name))
    else:
        flash(request, _("Group «%(name)s» will no longer be published to VK.", name=group.name), "info")
    return RedirectResponse(local_path(next, f"/catalog/stores/{store.id}/groups"), status_code=303)


@router.post("/catalog/stores/{store_id}/ungrouped/toggle")
def toggle_ungrouped(request: Request, session: DbSession, account_id: AccountId, store_id: int,
                     enabled: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Switch the publishing of a store's products without a group (VK items need no album)."""
    store = _store(session, account_id, store_id)
    on = _switch(enabled)
    switch_ungrouped(session, account_id=account_id, store=store, enabled=on)
    if on:
        flash(request, _("Products without a group will be published to VK."))
    else:
        flash(request, _("Products without a group will no longer be published to VK."), "info")
    return RedirectResponse(local_path(next, f"/catalog/stores/{store.id}/groups"), status_code=303)
