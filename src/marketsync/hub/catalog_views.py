"""The hub's catalog pages: /hub/products (the canonical catalog with each product's offers and the one that won),
/hub/suppliers (their priority and pack size, and the cabinet's price rule)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.hub import catalog_service as service
from marketsync.hub import schedule_service
from marketsync.hub.merge import HubError, HubNotFoundError, price_rule
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import flash, render

router = APIRouter(tags=["hub"])
SPEC = TableSpec(sorts=service.PRODUCT_SORTS, default_sort="sku", filters={"kind": service.KINDS})


def kind_words() -> dict[str, str]:
    """Name each kind of product in the page's language."""
    return {"single": _("Product"), "pack": _("Pack"), "bundle": _("Bundle")}


def rule_words() -> dict[str, str]:
    """Name each price rule in the page's language."""
    return {"cheapest": _("The cheapest offer in stock"), "priority": _("The first supplier in stock by priority")}


@router.get("/hub", include_in_schema=False)
def hub_root(_user: CurrentUser) -> RedirectResponse:
    """Open the canonical catalog."""
    return RedirectResponse("/hub/products", status_code=303)


@router.get("/hub/products", response_class=HTMLResponse)
def products_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the canonical catalog: each product with its suppliers' offers and the one whose price won."""
    table = parse_table(request.query_params, SPEC)
    rows, total, page = service.product_lines(session, account_id, table)
    return render(request, "hub/products.html", {
        "rows": rows, "t": table_for(table, SPEC, total=total, page=page, base_url="/hub/products"),
        "kinds": kind_words(), "kind_options": list(kind_words().items()),
        "rule": rule_words()[price_rule(session, account_id)],
    })


@router.get("/hub/suppliers", response_class=HTMLResponse)
def suppliers_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the suppliers with their priority and pack size, and the cabinet's price rule."""
    return render(request, "hub/suppliers.html", {
        "rows": service.supplier_lines(session, account_id), "rule": price_rule(session, account_id),
        "rules": rule_words(), "failing": schedule_service.feed_alerts(session, account_id),
    })


@router.post("/hub/suppliers/{supplier_id}")
def save_supplier(request: Request, session: DbSession, account_id: AccountId, supplier_id: int,
                  priority: Annotated[str, Form()] = "", pack_size: Annotated[str, Form()] = "") -> RedirectResponse:
    """Save a supplier's priority and pack size and recompute its products; bad input saves nothing."""
    if not service.has_supplier(session, account_id=account_id, supplier_id=supplier_id):
        raise HTTPException(status_code=404)  # another cabinet's supplier is no supplier here
    rank, size = _whole(priority), _whole(pack_size) if pack_size.strip() else None
    if rank is None or (pack_size.strip() and size is None):
        flash(request, _("Priority and pack size are whole numbers."), "danger")
        return RedirectResponse("/hub/suppliers", status_code=303)
    try:
        counts = service.update_supplier(session, account_id=account_id, supplier_id=supplier_id, priority=rank,
                                         pack_size=size)
    except HubNotFoundError as exc:
        raise HTTPException(status_code=404) from exc
    except HubError:
        flash(request, _("Priority is from 0 to 1000000, pack size from 1 to 10000."), "danger")
        return RedirectResponse("/hub/suppliers", status_code=303)
    flash(request, _("Saved. Products recomputed: %(n)s changed.", n=counts.updated + counts.created))
    return RedirectResponse("/hub/suppliers", status_code=303)


@router.post("/hub/settings/price-rule")
def save_price_rule(request: Request, session: DbSession, account_id: AccountId,
                    rule: Annotated[str, Form()] = "") -> RedirectResponse:
    """Switch whose price and stock win and recompute the catalog."""
    try:
        counts = service.set_price_rule(session, account_id=account_id, rule=rule)
    except HubError:
        flash(request, _("Choose one of the price rules."), "danger")
        return RedirectResponse("/hub/suppliers", status_code=303)
    flash(request, _("Price rule saved: %(rule)s. Products changed: %(n)s.", rule=rule_words()[rule],
                     n=counts.updated + counts.created))
    return RedirectResponse("/hub/suppliers", status_code=303)


def _whole(raw: str) -> int | None:
    try:
        return int(raw.strip())
    except ValueError:
        return None
