"""VK market pages: the albums and items cached from the account's VK community (as of the last sync)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.sync import service
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import render

if TYPE_CHECKING:
    from marketsync.sync.models import ChannelItem


router = APIRouter(tags=["vk-catalog"])


@router.get("/vk-catalog", include_in_schema=False)
def vk_catalog_root(_user: CurrentUser) -> RedirectResponse:
    """Open the album list."""
    return RedirectResponse("/vk-catalog/albums", status_code=303)


@router.get("/vk-catalog/albums", response_class=HTMLResponse)
def albums_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the VK market albums of the connected community with their item counts."""
    conn = service.channel_connection(session, account_id)
    albums: list[ChannelItem] = []
    counts: dict[str, int] = {}
    total = 0
    if conn is not None:
        albums, counts, total = service.channel_albums(session, conn)
    return render(request, "vk_catalog/albums.html",
                  {"connection": conn, "albums": albums, "counts": counts, "total_items": total})


ITEMS_SPEC = TableSpec(sorts=service.ITEM_SORTS, default_sort="name", filters={"vk": ("visible", "hidden")})


@router.get("/vk-catalog/albums/{album_id}/products", response_class=HTMLResponse)
def album_products(request: Request, session: DbSession, account_id: AccountId, album_id: str) -> HTMLResponse:
    """List the cached items of one VK album (by its VK id): search by name or article, sort, filter, page."""
    conn = service.channel_connection(session, account_id)
    if conn is None or not album_id.lstrip("-").isdigit():
        raise HTTPException(status_code=404)
    album = service.channel_album(session, conn, album_id)
    if album is None:
        raise HTTPException(status_code=404)
    table = parse_table(request.query_params, ITEMS_SPEC)
    items, page, articles = service.channel_album_items(session, conn, album_id, table)
    base = f"/vk-catalog/albums/{album_id}/products"
    return render(request, "vk_catalog/products.html", {
        "connection": conn, "album": album, "items": items, "articles": articles,
        "urls": {i.external_id: service.channel_item_url(conn, i.external_id) for i in items},
        "t": table_for(table, ITEMS_SPEC, total=page.total, page=page.page, base_url=base),
    })
