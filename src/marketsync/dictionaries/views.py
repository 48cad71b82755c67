"""The categories page, /hub/categories: our categories with their mapping per marketplace; for one category a
search over the cached dictionary to map it, and for a mapped one how its first product's attributes match,
with suggestions, and the overrides form. Every query is the signed-in cabinet's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.dictionaries.mappings import (
    category_line,
    category_lines,
    delete_override,
    find_state_fetched,
    map_category,
    overrides_list,
    refresh_now,
    sample_product,
    save_override,
    unmap_category,
)
from marketsync.dictionaries.service import (
    CHANNELS,
    TITLES,
    DictionaryError,
    ensure_categories,
    match_category,
    product_fields,
    search_categories,
)
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.templating import flash, render

router = APIRouter(tags=["hub"])
PAGE = "/hub/categories"


def _channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise HTTPException(status_code=404)
    return channel


def _matching(session: DbSession, account_id: int, hub_category_id: int,
              mappings: dict[str, tuple[str, str]]) -> tuple[Any, dict[str, Any]]:
    """How the category's first product matches each mapped channel (an error text where it could not)."""
    product = sample_product(session, account_id=account_id, hub_category_id=hub_category_id)
    found: dict[str, Any] = {}
    if product is None:
        return None, found
    for channel, (target, _path) in mappings.items():
        try:
            found[channel] = match_category(session, account_id=account_id, channel=channel, category_id=target,
                                            fields=product_fields(product))
        except DictionaryError as exc:
            found[channel] = str(exc)
    return product, found


@router.get(PAGE, response_class=HTMLResponse)
def categories_page(request: Request, session: DbSession, account_id: AccountId, category: int | None = None,
                    channel: str = "ozon", q: str = "") -> HTMLResponse:
    """List our categories and their mappings; with `category`, its mapping form and attribute matching."""
    channel = _channel(channel)
    context: dict[str, Any] = {"lines": category_lines(session, account_id=account_id), "channels": TITLES,
                               "channel": channel, "q": q, "chosen": None, "found": [], "error": None}
    if category is not None:
        line = category_line(session, account_id=account_id, hub_category_id=category)
        if line is None:
            raise HTTPException(status_code=404)
        context["chosen"] = line
        if q.strip():
            try:
                ensure_categories(session, account_id=account_id, channel=channel)
                context["found"] = search_categories(session, account_id=account_id, channel=channel, text=q)
            except DictionaryError as exc:
                context["error"] = str(exc)
        context["cached"] = find_state_fetched(session, account_id=account_id, channel=channel)
        context["product"], context["matching"] = _matching(session, account_id, line.id, line.mappings)
        context["overrides"] = {c: overrides_list(session, account_id=account_id, channel=c) for c in line.mappings}
    return render(request, "dictionaries/categories.html", context)


@router.post(PAGE + "/{hub_category_id}/map")
def map_one(request: Request, session: DbSession, account_id: AccountId, hub_category_id: int,
            channel: Annotated[str, Form()] = "", target: Annotated[str, Form()] = "") -> RedirectResponse:
    """Map one of our categories to the chosen marketplace category."""
    line = category_line(session, account_id=account_id, hub_category_id=hub_category_id)
    if line is None:
        raise HTTPException(status_code=404)
    try:
        mapped = map_category(session, account_id=account_id, category_name=line.name, channel=channel, target=target)
    except DictionaryError as exc:
        flash(request, _("Not mapped: %(reason)s", reason=str(exc)), "danger")
    else:
        flash(request, _("«%(category)s» is mapped to %(channel)s «%(path)s».", category=mapped.category,
                         channel=TITLES[mapped.channel], path=mapped.path))
    return RedirectResponse(f"{PAGE}?category={hub_category_id}&channel={channel if channel in CHANNELS else 'ozon'}",
                            status_code=303)


@router.post(PAGE + "/{hub_category_id}/unmap")
def unmap_one(request: Request, session: DbSession, account_id: AccountId, hub_category_id: int,
              channel: Annotated[str, Form()] = "") -> RedirectResponse:
    """Remove one of our categories' mapping to a marketplace."""
    if not unmap_category(session, account_id=account_id, hub_category_id=hub_category_id, channel=_channel(channel)):
        raise HTTPException(status_code=404)
    flash(request, _("The mapping is removed: the category's products are not published there."), "info")
    return RedirectResponse(f"{PAGE}?category={hub_category_id}&channel={channel}", status_code=303)


@router.post(PAGE + "/refresh")
def refresh(request: Request, session: DbSession, account_id: AccountId, channel: Annotated[str, Form()] = "",
            next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Fetch a marketplace's category tree again (no sooner than the marketplace allows)."""
    try:
        fetched = refresh_now(session, account_id=account_id, channel=_channel(channel))
    except DictionaryError as exc:
        flash(request, _("The dictionary was not refreshed: %(reason)s", reason=str(exc)), "danger")
    else:
        flash(request, _("The %(channel)s dictionary is refreshed.", channel=TITLES[channel]) if fetched else
              _("The %(channel)s dictionary was refreshed a short while ago; it is fetched again later.",
                channel=TITLES[channel]), "info")
    return RedirectResponse(local_path(next, PAGE), status_code=303)


@router.post("/hub/overrides")
def add_override(request: Request, session: DbSession, account_id: AccountId, channel: Annotated[str, Form()] = "",
                 kind: Annotated[str, Form()] = "", source: Annotated[str, Form()] = "",
                 target: Annotated[str, Form()] = "", attribute_id: Annotated[str, Form()] = "",
                 next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Save a correction of the matching: a param → an attribute, or a value → a dictionary value."""
    try:
        save_override(session, account_id=account_id, channel=_channel(channel), kind=kind, source=source,
                      target=target, attribute_id=attribute_id)
    except DictionaryError as exc:
        flash(request, _("Not saved: %(reason)s", reason=str(exc)), "danger")
    else:
        flash(request, _("The correction is saved and applies to every product of this marketplace."))
    return RedirectResponse(local_path(next, PAGE), status_code=303)


@router.post("/hub/overrides/{override_id}/delete")
def remove_override(request: Request, session: DbSession, account_id: AccountId, override_id: int,
                    next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Remove one correction of the matching."""
    if not delete_override(session, account_id=account_id, override_id=override_id):
        raise HTTPException(status_code=404)
    flash(request, _("The correction is removed."), "info")
    return RedirectResponse(local_path(next, PAGE), status_code=303)
