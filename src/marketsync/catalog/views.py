"""Catalog pages: the account's Evotor stores and groups with their sync switches, and product listings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.catalog.service import groups_of, products_page, store_of
from marketsync.connections.service import get_connection
from marketsync.sync import service as sync_service
from marketsync.sync.publishing import (
    group_of_store,
    store_groups,
    store_rows,
    switch_group,
    switch_store,
    switch_ungrouped,
)
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.templating import Pager, flash, page_number, render

if TYPE_CHECKING:
    from marketsync.catalog.models import Store

router = APIRouter(tags=["catalog"])
PER_PAGE = 50


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


@router.get("/catalog/stores/{store_id}/products", response_class=HTMLResponse)
def products_listing(request: Request, session: DbSession, account_id: AccountId, store_id: int,
                     group: str | None = None, page: str | None = None) -> HTMLResponse:
    """List a store's products, 50 a page, optionally of one group (?group=<external id>)."""
    store = _store(session, account_id, store_id)
    groups = groups_of(session, account_id, store.external_id)
    selected = next((g for g in groups if g.external_id == group), None) if group else None
    number = page_number(page)
    products, total = products_page(session, account_id, store.external_id, group=group or None, page=number,
                                    per_page=PER_PAGE)
    pager = Pager(page=number, per_page=PER_PAGE, total=total, base_url=f"/catalog/stores/{store.id}/products",
                  params=(("group", group or ""),))
    return render(request, "catalog/products.html", {
        "store": store, "groups": groups, "group": group or "", "selected_group": selected,
        "products": products, "pager": pager,
    })


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
