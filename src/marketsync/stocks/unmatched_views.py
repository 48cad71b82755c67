"""The unmatched pages: marketplace offers without a product of ours (with the reason in words) and a form
per offer to map it to a product key or mark it "not ours"; our products without an offer per marketplace;
and the seller's mappings, each removable. Mappings apply at the next stock push."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.stocks import service
from marketsync.stocks.unmatched_service import (
    MAPPING_SORTS,
    NOT_YET,
    OFFER_SORTS,
    PRODUCT_SORTS,
    MappingError,
    map_offer,
    mappings_page,
    remove_mapping,
    unmatched_offers_page,
    unoffered_products_page,
)
from marketsync.stocks.views import product_url
from marketsync.sync.matching import Unmatched
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import flash, label, render

router = APIRouter(tags=["stocks"])
OFFERS_SPEC = TableSpec(sorts=OFFER_SORTS, default_sort="marketplace", filters={"marketplace": service.MARKETPLACES})
MAPPINGS_SPEC = TableSpec(sorts=MAPPING_SORTS, default_sort="marketplace",
                          filters={"marketplace": service.MARKETPLACES})


def reason_words() -> dict[str, str]:
    """Say in the page's language why matching left an offer without a product (keyed by the stored reason)."""
    return {
        Unmatched.NO_PRODUCT: _("No product of ours has this offer id or one of its barcodes"),
        Unmatched.SIZE_WITHOUT_BARCODE: _("A size of a card with several sizes: sizes match by barcode only, "
                                          "and no product of ours has its barcode"),
        Unmatched.AMBIGUOUS_BARCODE: _("Its barcode belongs to several of our products"),
        Unmatched.TAKEN: _("Its product is already matched to another offer of this marketplace"),
        Unmatched.MAPPED_TO_MISSING: _("Mapped by hand to a product that is no longer in the enabled stores"),
        Unmatched.IGNORED: _("Marked by you as not ours"),
        NOT_YET: _("Not matched yet: it is matched at the next stock sync"),
    }


def _marketplaces(session: DbSession, account_id: int) -> list[tuple[str, str]]:
    return [(conn.system, label(conn.system, "system")) for conn in service.connected_marketplaces(session, account_id)]


@router.get("/stocks/unmatched", response_class=HTMLResponse)
def unmatched_offers(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the offers no product of ours is matched to, with the reason and a mapping form for each."""
    table = parse_table(request.query_params, OFFERS_SPEC)
    rows, page = unmatched_offers_page(session, account_id, table)
    return render(request, "stocks/unmatched.html", {
        "rows": rows,
        "t": table_for(table, OFFERS_SPEC, total=page.total, page=page.page, base_url="/stocks/unmatched"),
        "reasons": reason_words(), "marketplace_options": _marketplaces(session, account_id), "tab": "offers",
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    })


@router.get("/stocks/unmatched/products", response_class=HTMLResponse)
def unoffered_products(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the products of the enabled stores that no offer of the chosen marketplace is matched to."""
    conns = {conn.system: conn.id for conn in service.connected_marketplaces(session, account_id)}
    spec = TableSpec(sorts=PRODUCT_SORTS, default_sort="key", filters={"marketplace": tuple(conns)})
    table = parse_table(request.query_params, spec)
    chosen = table.filter("marketplace") or next(iter(conns), "")
    rows, page = unoffered_products_page(session, account_id, conns[chosen], table) if chosen else ([], None)
    return render(request, "stocks/unoffered.html", {
        "rows": rows, "chosen": chosen, "marketplace_options": _marketplaces(session, account_id), "tab": "products",
        "t": table_for(table, spec, total=page.total if page else 0, page=page.page if page else 1,
                       base_url="/stocks/unmatched/products"),
        "product_url": product_url,
    })


@router.get("/stocks/mappings", response_class=HTMLResponse)
def mappings(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the seller's manual mappings with how the last stock sync applied each, and remove buttons."""
    table = parse_table(request.query_params, MAPPINGS_SPEC)
    rows, page = mappings_page(session, account_id, table)
    return render(request, "stocks/mappings.html", {
        "rows": rows,
        "t": table_for(table, MAPPINGS_SPEC, total=page.total, page=page.page, base_url="/stocks/mappings"),
        "reasons": reason_words(), "marketplace_options": _marketplaces(session, account_id), "tab": "mappings",
        "product_url": product_url,
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    })


def _refusal(error: MappingError) -> str:
    if error.code == "empty_key":
        return _("Enter the product key (article or code) to map the offer to, or mark it as not ours.")
    if error.code == "unknown_key":
        return _("No product with the key «%(key)s» is sold in your enabled stores.", key=error.values["key"])
    if error.code == "key_taken":
        return _("The product «%(key)s» is already mapped to the offer %(offer)s of this marketplace: remove that "
                 "mapping first.", key=error.values["key"], offer=error.values["offer"])
    return _("The offer was not found.")


@router.post("/stocks/offers/{offer_id}/map")
def map_one_offer(request: Request, session: DbSession, account_id: AccountId, offer_id: int,
                  product_key: Annotated[str, Form()] = "", not_ours: Annotated[str, Form()] = "",
                  next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Map one offer to a product key of the enabled stores, or mark it not ours (applied at the next push)."""
    back = local_path(next, "/stocks/unmatched")
    try:
        mapping = map_offer(session, account_id=account_id, offer_id=offer_id,
                            product_key=None if not_ours == "1" else product_key)
    except MappingError as exc:
        if exc.code == "unknown_offer":
            raise HTTPException(status_code=404) from exc
        flash(request, _refusal(exc), "danger")
        return RedirectResponse(back, status_code=303)
    if mapping.product_key:
        flash(request, _("The offer is mapped to «%(key)s»; the next stock sync pushes its stock.",
                         key=mapping.product_key))
    else:
        flash(request, _("The offer is marked as not ours: its stock is never written."), "info")
    return RedirectResponse(back, status_code=303)


@router.post("/stocks/mappings/{mapping_id}/delete")
def delete_mapping(request: Request, session: DbSession, account_id: AccountId, mapping_id: int,
                   next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Remove a mapping: the offer is matched automatically again at the next stock sync."""
    if not remove_mapping(session, account_id=account_id, mapping_id=mapping_id):
        raise HTTPException(status_code=404)
    flash(request, _("The mapping is removed: the offer is matched automatically at the next stock sync."), "info")
    return RedirectResponse(local_path(next, "/stocks/mappings"), status_code=303)
