"""VK market pages: the albums and items cached from the account's VK community (as of the last sync)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse

from marketsync.db import session_scope
from marketsync.sync import albums, service
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import render

if TYPE_CHECKING:
    from marketsync.connections.models import Connection
    from marketsync.sync.models import ChannelItem


router = APIRouter(tags=["vk-catalog"])


@router.get("/vk-catalog", include_in_schema=False)
def vk_catalog_root(_user: CurrentUser) -> RedirectResponse:
    """Open the album list."""
    return RedirectResponse("/vk-catalog/albums", status_code=303)


ALBUMS_SPEC = TableSpec(sorts=albums.ALBUM_SORTS, default_sort="name")


@router.get("/vk-catalog/albums", response_class=HTMLResponse)
def albums_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the VK market albums of the connected community with their item counts (?q=&sort=&page=)."""
    conn = service.channel_connection(session, account_id)
    table = parse_table(request.query_params, ALBUMS_SPEC)
    page = albums.albums_page(session, conn, table) if conn is not None else None
    return render(request, "vk_catalog/albums.html", {
        "connection": conn, "rows": page.rows if page else [], "total_items": page.items_total if page else 0,
        "t": table_for(table, ALBUMS_SPEC, total=page.total if page else 0, page=page.page if page else 1,
                       base_url="/vk-catalog/albums",
                       # Not under /vk-catalog/albums/: every link there opens an album.
                       export_url_base="/vk-catalog/albums"),
    })


@router.get("/vk-catalog/albums.csv", include_in_schema=False)
@router.get("/vk-catalog/albums.xlsx", include_in_schema=False)
def albums_export(request: Request, session: DbSession, account_id: AccountId) -> StreamingResponse:
    """Download every album the list's search matches, in its order, with item counts and VK ids."""
    fmt = export_format(request)
    conn = service.channel_connection(session, account_id)
    # A community holds at most about a hundred albums: read now, while the request's session is open.
    rows = albums.export_albums(session, conn, parse_table(request.query_params, ALBUMS_SPEC)) if conn else []
    columns: list[Column[albums.AlbumRow]] = [
        Column(_("Album"), lambda r: r.album.name),
        Column(_("Items"), lambda r: r.items),
        Column(_("Updated"), lambda r: r.album.refreshed_at),
        Column(_("Album id in VK"), lambda r: r.album.external_id),
    ]
    return export_response(fmt, "vk-albums", columns, lambda: rows)


ITEMS_SPEC = TableSpec(sorts=service.ITEM_SORTS, default_sort="name", filters={"vk": ("visible", "hidden")})


def _album(session: DbSession, account_id: int, album_id: str) -> tuple[Connection, ChannelItem]:
    conn = service.channel_connection(session, account_id)
    if conn is None or not album_id.lstrip("-").isdigit():
        raise HTTPException(status_code=404)
    album = service.channel_album(session, conn, album_id)
    if album is None:
        raise HTTPException(status_code=404)
    return conn, album


@router.get("/vk-catalog/albums/{album_id}/products", response_class=HTMLResponse)
def album_products(request: Request, session: DbSession, account_id: AccountId, album_id: str) -> HTMLResponse:
    """List the cached items of one VK album (by its VK id): search by name or article, sort, filter, page."""
    conn, album = _album(session, account_id, album_id)
    table = parse_table(request.query_params, ITEMS_SPEC)
    items, page, articles = service.channel_album_items(session, conn, album_id, table)
    base = f"/vk-catalog/albums/{album_id}/products"
    return render(request, "vk_catalog/products.html", {
        "connection": conn, "album": album, "items": items, "articles": articles,
        "urls": {i.external_id: i.url for i in items},
        "t": table_for(table, ITEMS_SPEC, total=page.total, page=page.page, base_url=base,
                       export_url_base=f"{base}/export"),
    })


@router.get("/vk-catalog/albums/{album_id}/products/export.csv", include_in_schema=False)
@router.get("/vk-catalog/albums/{album_id}/products/export.xlsx", include_in_schema=False)
def album_products_export(request: Request, session: DbSession, account_id: AccountId,
                          album_id: str) -> StreamingResponse:
    """Download every item of the album the table shows (all pages, same search, filter and order)."""
    fmt = export_format(request)
    conn, _album_row = _album(session, account_id, album_id)
    table = parse_table(request.query_params, ITEMS_SPEC)
    connection_id = conn.id
    visibility = {True: _("Hidden from buyers"), False: _("Visible to buyers")}
    columns: list[Column[tuple[ChannelItem, str | None]]] = [
        Column(_("Name"), lambda r: r[0].name),
        Column(_("Article"), lambda r: r[1]),
        Column(_("Price"), lambda r: r[0].price),
        Column(_("Stock"), lambda r: r[0].stock_amount),
        Column(_("Visibility"), lambda r: visibility[bool(r[0].hidden)]),
        Column(_("Link to VK"), lambda r: r[0].url),
    ]

    def rows() -> Iterator[tuple[ChannelItem, str | None]]:
        with session_scope() as export_session:  # the request's session is closed while the body streams
            export_conn = service.channel_connection(export_session, account_id)
            if export_conn is not None and export_conn.id == connection_id:
                yield from service.channel_album_items_export(export_session, export_conn, album_id, table)

    return export_response(fmt, "vk-items", columns, rows)
