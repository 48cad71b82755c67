"""The connections page: save, test and remove the Evotor token, the VK community link and the marketplaces'
credentials (Ozon, Wildberries, Yandex Market), each checked live before it is stored."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from marketsync.connections.service import (
    SYSTEMS,
    ConnectionSetupError,
    check_stored_connection,
    connections_of,
    disconnect,
    save_connection,
    token_hint,
    with_stored_secrets,
)
from marketsync.notices import of_check
from marketsync.sync import service as sync_service
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, label, render

router = APIRouter(tags=["connections"])
# A community as sellers copy it: 123, -123, club123, public123 or its vk.com address.
_GROUP_ID = re.compile(r"^(?:https?://)?(?:m\.)?(?:vk\.com/)?(?:club|public|-)?(\d{1,12})/?$", re.IGNORECASE)


def parse_group_id(raw: str) -> int | None:
    """Return the community's positive id from what the seller typed, or None."""
    match = _GROUP_ID.match(raw.strip())
    if not match:
        return None
    value = int(match.group(1))
    return value if value > 0 else None


def _page(request: Request, session: DbSession, account_id: int, *, status_code: int = 200,
          errors: dict[str, str] | None = None, values: dict[str, Any] | None = None) -> HTMLResponse:
    connections = connections_of(session, account_id=account_id)
    return render(request, "connections/index.html", {
        "connections": connections,
        "hints": {system: token_hint(conn) for system, conn in connections.items()},
        "errors": errors or {},
        "values": values or {},
    }, status_code=status_code)


def _system(system: str) -> str:
    if system not in SYSTEMS:
        raise HTTPException(status_code=404)
    return system


@router.get("/connections", response_class=HTMLResponse)
def connections_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show the state of the Evotor and VK connections with their forms."""
    return _page(request, session, account_id)


def _save(request: Request, session: DbSession, account_id: int, system: str,
          credentials: dict[str, Any], values: dict[str, Any]) -> Response:
    try:
        _conn, result = save_connection(session, account_id=account_id, system=system, credentials=credentials)
    except ConnectionSetupError as exc:
        message = _("%(system)s did not accept the connection: %(reason)s", system=label(system, "system"),
                    reason=exc.notice.say())
        return _page(request, session, account_id, status_code=400, errors={system: message}, values=values)
    detail = f" {of_check(result).say()}" if result is not None and result.message else ""
    flash(request, _("%(system)s is connected.", system=label(system, "system")) + detail)
    if system == "evotor":
        # Read stores and groups right away, so the seller can choose what to publish.
        refresh = sync_service.request_source_refresh(session, account_id=account_id)
        session.commit()  # the read is queued once this commit is done
        if not refresh.queued:  # the broker is down: the first sync reads the catalog instead
            flash(request, _("The catalog could not be read now: the task queue is not available."), "warning")
        else:
            flash(request, _("Reading your Evotor catalog: stores and groups appear in a few seconds."))
    return RedirectResponse("/connections", status_code=303)


@router.post("/connections/evotor", response_class=HTMLResponse)
def save_evotor(request: Request, session: DbSession, account_id: AccountId,
                token: Annotated[str, Form()] = "") -> Response:
    """Check the Evotor token against the cloud and store it (nothing is stored when it is refused)."""
    token = token.strip()
    if not token:
        return _page(request, session, account_id, status_code=400,
                     errors={"evotor": _("Paste the Evotor token.")})
    return _save(request, session, account_id, "evotor", {"token": token}, {})


@router.post("/connections/vk", response_class=HTMLResponse)
def save_vk(request: Request, session: DbSession, account_id: AccountId, token: Annotated[str, Form()] = "",
            group_id: Annotated[str, Form()] = "") -> Response:
    """Check the VK token and community against VK and store them (nothing is stored when refused)."""
    token, values = token.strip(), {"group_id": group_id.strip()}
    group = parse_group_id(group_id)
    if not token:
        error = _("Paste the VK access token.")
    elif group is None:
        error = _("Enter the community id as a positive number, for example 123456789.")
    else:
        return _save(request, session, account_id, "vk", {"token": token, "group_id": group}, values)
    return _page(request, session, account_id, status_code=400, errors={"vk": error}, values=values)


def _positive_id(raw: str) -> int | None:
    """Return a marketplace id typed as a positive whole number, or None."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**20 else None


def _save_marketplace(request: Request, session: DbSession, account_id: int, system: str,
                      credentials: dict[str, Any], values: dict[str, Any], error: str | None) -> Response:
    credentials = with_stored_secrets(session, account_id=account_id, system=system, credentials=credentials)
    if error is None and any(not value for value in credentials.values()):
        error = _("Paste the key: it is not stored yet.")
    if error is not None:
        return _page(request, session, account_id, status_code=400, errors={system: error}, values=values)
    return _save(request, session, account_id, system, credentials, values)


@router.post("/connections/ozon", response_class=HTMLResponse)
def save_ozon(request: Request, session: DbSession, account_id: AccountId, client_id: Annotated[str, Form()] = "",
              api_key: Annotated[str, Form()] = "", warehouse_id: Annotated[str, Form()] = "") -> Response:
    """Check the Ozon Client-Id, API key and FBS warehouse against Ozon and store them (the key encrypted)."""
    values = {"ozon": {"client_id": client_id.strip(), "warehouse_id": warehouse_id.strip()}}
    client, warehouse = _positive_id(client_id), _positive_id(warehouse_id)
    error = None
    if client is None:
        error = _("Enter the Client-Id as a positive number, as Ozon shows it in Settings → Seller API.")
    elif warehouse is None:
        error = _("Enter the id of your FBS warehouse as a positive number.")
    return _save_marketplace(request, session, account_id, "ozon", {
        "client_id": str(client), "api_key": api_key.strip(), "warehouse_id": str(warehouse)}, values, error)


@router.post("/connections/wildberries", response_class=HTMLResponse)
def save_wildberries(request: Request, session: DbSession, account_id: AccountId,
                     token: Annotated[str, Form()] = "", warehouse_id: Annotated[str, Form()] = "") -> Response:
    """Check the Wildberries token and seller warehouse against WB and store them (the token encrypted)."""
    values = {"wildberries": {"warehouse_id": warehouse_id.strip()}}
    warehouse = _positive_id(warehouse_id)
    error = None if warehouse is not None else _("Enter the id of your seller warehouse as a positive number.")
    return _save_marketplace(request, session, account_id, "wildberries",
                             {"token": token.strip(), "warehouse_id": warehouse}, values, error)


@router.post("/connections/yandex_market", response_class=HTMLResponse)
def save_yandex_market(request: Request, session: DbSession, account_id: AccountId,
                       token: Annotated[str, Form()] = "", business_id: Annotated[str, Form()] = "",
                       campaign_id: Annotated[str, Form()] = "") -> Response:
    """Check the Yandex Market Api-Key, business and FBS/DBS shop against Market and store them (key encrypted)."""
    values = {"yandex_market": {"business_id": business_id.strip(), "campaign_id": campaign_id.strip()}}
    business, campaign = _positive_id(business_id), _positive_id(campaign_id)
    error = None
    if business is None:
        error = _("Enter the business (cabinet) id as a positive number.")
    elif campaign is None:
        error = _("Enter the campaign (shop) id as a positive number.")
    return _save_marketplace(request, session, account_id, "yandex_market", {
        "token": token.strip(), "business_id": business, "campaign_id": campaign}, values, error)


def _test_answer(request: Request, system: str, ok: bool, message: str) -> Response:
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JSONResponse({"ok": ok, "message": message})
    if request.headers.get("hx-request"):
        return render(request, "connections/_test_result.html", {"result": {"ok": ok, "message": message}})
    flash(request, f"{label(system, 'system')}: {message}", "success" if ok else "danger")
    return RedirectResponse("/connections", status_code=303)


@router.post("/connections/{system}/test")
def test_connection(request: Request, session: DbSession, account_id: AccountId, system: str) -> Response:
    """Test the stored credentials live; JSON {ok, message} when asked, else back to the page."""
    system = _system(system)
    result = check_stored_connection(session, account_id=account_id, system=system)
    if result is None:
        name = label(system, "system")
        return _test_answer(request, system, False, _("%(system)s is not connected yet.", system=name))
    return _test_answer(request, system, result.ok, of_check(result).say())


@router.post("/connections/{system}/disconnect")
def disconnect_system(request: Request, session: DbSession, account_id: AccountId, system: str) -> RedirectResponse:
    """Remove a connection and what was cached from it."""
    system = _system(system)
    if disconnect(session, account_id=account_id, system=system):
        flash(request, _("%(system)s is disconnected.", system=label(system, "system")), "info")
    return RedirectResponse("/connections", status_code=303)
