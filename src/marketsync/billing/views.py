"""The /billing page: the cabinet's balance, the top-up form (its POST answers the page that opens YooKassa's
widget with the payment's confirmation token), the payment history, the ledger (filters, CSV/Excel export) and a
chart of money in and out per month. Only this page's CSP admits the widget."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from marketsync.billing import service
from marketsync.db import get_engine, session_scope
from marketsync.settings import get_settings
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.export import Column, export_format, export_response
from marketsync.web.i18n import gettext as _
from marketsync.web.middleware import content_security_policy
from marketsync.web.tables import TableSpec, parse_table, table_for
from marketsync.web.templating import render

if TYPE_CHECKING:
    from marketsync.billing.models import LedgerEntry

router = APIRouter(tags=["billing"])
LEDGER_SPEC = TableSpec(sorts=service.LEDGER_SORTS, default_sort="created_at", default_dir="desc",
                        filters={"kind": ("payment", "refund", "charge", "adjustment"), "from": None, "to": None})


def kind_words() -> dict[str, str]:
    """Name each ledger entry kind in the page's language."""
    return {"payment": _("Top-up"), "refund": _("Refund"), "charge": _("Charge"), "adjustment": _("Adjustment")}


def status_words() -> dict[str, str]:
    """Name each payment status in the page's language."""
    return {"new": _("Being created"), "pending": _("Awaiting payment"), "waiting_for_capture": _("Authorized"),
            "succeeded": _("Paid"), "canceled": _("Canceled"), "failed": _("Not created")}


def amount_message(error: service.AmountError) -> str:
    """Say why a top-up amount was refused."""
    settings = get_settings()
    limits = {"min": f"{settings.TOPUP_MIN_RUB:.2f}", "max": f"{settings.TOPUP_MAX_RUB:.2f}"}
    if error.key == "too_small":
        return _("The smallest top-up is %(min)s ₽.") % limits
    if error.key == "too_large":
        return _("The largest top-up is %(max)s ₽.") % limits
    if error.key == "empty":
        return _("Enter the amount to top up.")
    return _("Enter the amount in rubles as a number with at most two decimals, e.g. 1500 or 1500.50.")


def topup_message(error: service.TopupError) -> str:
    """Say why a top-up could not start."""
    return {"not_configured": _("Payments are not set up on this server yet."),
            "refused": _("YooKassa refused this payment. Try another amount or later."),
            }.get(error.key, _("YooKassa did not answer. Try again in a minute: you will not be charged twice."))


def widget_origin() -> str:
    """Return the origin of the checkout widget's script (the CSP admits it on this page)."""
    parts = urlsplit(get_settings().YOOKASSA_WIDGET_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _page(request: Request, account_id: int, *, status_code: int = 200, error: str = "", amount: str = "",
          widget: dict[str, str] | None = None) -> Response:
    settings = get_settings()
    table = parse_table(request.query_params, LEDGER_SPEC)
    with session_scope() as session:  # the request's session may hold the rolled-back top-up: read afresh
        page = service.ledger_page(session, account_id=account_id, table=table)
        bars = service.month_bars(session, account_id=account_id)
        context = {
            "balance": service.balance(session, account_id),
            "daily_fee": (fee := service.daily_fee(session, account_id)),
            "lasts_until": service.lasts_until(service.balance(session, account_id), fee),
            "payments": service.recent_payments(session, account_id=account_id),
            "entries": [row[0] for row in page.rows],
            "bars": bars,
        }
    top = max([Decimal(1), *(max(b.paid_in, b.spent) for b in bars)])
    response = render(request, "billing/index.html", {
        **context, "top": top, "error": error, "amount": amount, "widget": widget,
        "enabled": service.payments_enabled(), "widget_url": settings.YOOKASSA_WIDGET_URL,
        "min_amount": settings.TOPUP_MIN_RUB, "max_amount": settings.TOPUP_MAX_RUB,
        "kinds": kind_words(), "statuses": status_words(), "kind_options": list(kind_words().items()),
        "t": table_for(table, LEDGER_SPEC, total=page.total, page=page.page, base_url="/billing",
                       export_url_base="/billing/ledger"),
    }, status_code=status_code)
    response.headers["content-security-policy"] = content_security_policy(
        bool(settings.JIVOSITE_WIDGET_ID), widget_origin())
    return response


@router.get("/billing", response_class=HTMLResponse)
def billing_page(request: Request, account_id: AccountId, user: CurrentUser) -> Response:
    """Show the balance, the top-up form, payments, the ledger and the chart."""
    return _page(request, account_id)


@router.post("/billing/topup", response_class=HTMLResponse)
def topup(request: Request, session: DbSession, account_id: AccountId, user: CurrentUser,
          amount: Annotated[str, Form(max_length=64)] = "") -> Response:
    """Start a top-up: check the amount, create the payment at YooKassa, answer the page that opens its widget."""
    try:
        payment_id = service.begin_topup(session, account_id=account_id, user_id=user.id, amount_text=amount)
    except service.AmountError as exc:
        return _page(request, account_id, status_code=422, error=amount_message(exc), amount=amount)
    except service.TopupError as exc:
        return _page(request, account_id, status_code=409, error=topup_message(exc), amount=amount)
    session.commit()  # the row and its Idempotence-Key exist before YooKassa is asked: every retry reuses them
    try:
        started = service.submit_topup(get_engine(), payment_id=payment_id)
    except service.TopupError as exc:
        return _page(request, account_id, status_code=409, error=topup_message(exc), amount=amount)
    widget = {"token": started.confirmation_token, "payment_id": str(started.payment_id),
              "return_url": f"{get_settings().BASE_URL.rstrip('/')}/billing?payment={started.payment_id}"}
    return _page(request, account_id, widget=widget)


@router.get("/billing/ledger.csv")
@router.get("/billing/ledger.xlsx")
def export_ledger(request: Request, account_id: AccountId, user: CurrentUser) -> Response:
    """Download the ledger rows the filters select."""
    fmt = export_format(request)
    table = parse_table(request.query_params, LEDGER_SPEC)
    kinds = kind_words()
    columns: list[Column[LedgerEntry]] = [
        Column(_("Time"), lambda e: e.created_at), Column(_("Kind"), lambda e: kinds.get(e.kind, e.kind)),
        Column(_("Amount, ₽"), lambda e: e.amount), Column(_("Balance after, ₽"), lambda e: e.balance_after),
        Column(_("Reason"), lambda e: e.reason or ""), Column(_("Payment"), lambda e: e.payment_id or ""),
    ]

    def rows() -> Iterator[LedgerEntry]:
        with session_scope() as session:
            yield from service.ledger_rows(session, account_id=account_id, table=table)

    return export_response(fmt, "ledger", columns, rows)
