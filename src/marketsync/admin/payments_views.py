"""Admin page of payments: every cabinet's payments (search by e-mail, cabinet, YooKassa id; filter by status),
a manual balance adjustment with its reason, and a refund of a paid payment through YooKassa's API."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts.rbac import user_permissions
from marketsync.billing import service
from marketsync.billing.views import status_words
from marketsync.db import get_engine
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import flash, render

router = APIRouter()
SPEC = TableSpec(sorts=service.PAYMENT_SORTS, default_sort="created_at", default_dir="desc",
                 filters={"status": service.PAYMENT_STATUSES})
PAGE = "/admin/payments"


def billing_message(error: service.BillingError) -> str:
    """Say why an adjustment or a refund was refused."""
    return {
        "amount": _("Enter a non-zero amount in rubles with at most two decimals (a minus for a debit)."),
        "reason": _("Say why the balance changes (up to 500 characters)."),
        "no_cabinet": _("No cabinet with this number and no user with this e-mail."),
        "not_refundable": _("Only a paid payment with money left to refund can be refunded."),
        "refund_failed": _("YooKassa refused the refund: %(detail)s") % {"detail": error.detail},
    }.get(error.key, error.key)


@router.get("/payments", response_class=HTMLResponse,
            dependencies=[require_permission("payments.read")])
def payments_page(request: Request, session: DbSession, actor: CurrentUser) -> Response:
    """List every payment, with the adjustment form and a refund form per paid payment."""
    table = parse_table(request.query_params, SPEC)
    page = service.payments_page(session, table)
    perms = user_permissions(session, actor.id)
    return render(request, "admin/payments.html", {
        "rows": page.rows, "section": "payments", "perms": perms, "statuses": status_words(),
        "status_options": list(status_words().items()), "nonce": uuid.uuid4().hex,
        "t": table_for(table, SPEC, total=page.total, page=page.page, base_url=PAGE),
    })


@router.post("/payments/adjust", dependencies=[require_permission("payments.write")])
def adjust(request: Request, session: DbSession, actor: CurrentUser, target: Annotated[str, Form()] = "",
           amount: Annotated[str, Form(max_length=64)] = "", reason: Annotated[str, Form(max_length=2000)] = "",
           nonce: Annotated[str, Form(max_length=64)] = "") -> RedirectResponse:
    """Add a manual adjustment to a cabinet's balance, with the reason and the admin recorded."""
    try:
        account_id = service.account_for_target(session, target)
        entry = service.adjust_balance(session, account_id=account_id, amount_text=amount, reason=reason,
                                       admin_id=actor.id, nonce=nonce or None)
    except service.BillingError as exc:
        flash(request, billing_message(exc), "danger")
        return RedirectResponse(PAGE, status_code=303)
    if entry is not None:
        flash(request, _("The balance of cabinet %(id)s is now %(balance)s ₽.")
              % {"id": account_id, "balance": f"{entry.balance_after:.2f}"})
    return RedirectResponse(PAGE, status_code=303)


@router.post("/payments/{payment_id}/refund", dependencies=[require_permission("payments.write")])
def refund(request: Request, payment_id: int, amount: Annotated[str, Form(max_length=64)] = "",
           key: Annotated[str, Form(max_length=64)] = "") -> RedirectResponse:
    """Refund (part of) a paid payment through YooKassa; the same form sent twice refunds once (its key)."""
    try:
        state = service.refund_payment(get_engine(), payment_id=payment_id, amount_text=amount,
                                       idempotence_key=key or uuid.uuid4().hex)
    except service.BillingError as exc:
        flash(request, billing_message(exc), "danger")
        return RedirectResponse(PAGE, status_code=303)
    flash(request, _("The refund is done.") if state in ("debited", "already_debited")
          else _("The refund is being processed by YooKassa."))
    return RedirectResponse(PAGE, status_code=303)
