"""The webhooks the Evotor cloud calls when a seller installs MarketSync from the Evotor app market.

- `POST /user/create` `{userId, email?, name?, phone?, ...}` → `{userId, token}`: a new user with their own
  cabinet (an invite mail when an e-mail was given); a replay answers the same token and creates nothing.
- `POST /user/verify` `{userId, username, password}` → `{userId, hasBilling, token}`: links an existing user.
- `POST /user/token` `{userId, token}` → `{}`: the Evotor cloud token becomes the cabinet's Evotor connection,
  then the catalog is read in the background.

Every call carries `Authorization: Bearer <EVOTOR_WEBHOOK_SECRET>` (the app token set in the Evotor developer
console). These are machine endpoints: every answer is JSON, errors in Evotor's envelope
`{"errors": [{"code", "reason"?, "subject"?}]}` (documentation-api/responses.yaml), never an HTML page.
They are documented in the OpenAPI schema under the tag "evotor-webhooks".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.responses import Response

from marketsync.accounts import evotor_app
from marketsync.accounts.evotor_app import SYNTAX_ERROR, WRONG_TOKEN, EvotorAppError
from marketsync.accounts.mail import send_token_mail
from marketsync.security import constant_time_equals
from marketsync.settings import get_settings
from marketsync.web.deps import DbSession

log = logging.getLogger(__name__)
TAG = "evotor-webhooks"
PATHS = ("/user/create", "/user/verify", "/user/token")  # web.app.EVOTOR_WEBHOOKS keeps them CSRF-exempt
METHODS_REFUSED = ["GET", "PUT", "PATCH", "DELETE"]


class _EvotorJsonRoute(APIRoute):
    """Answers every refusal (from the secret check or the handler) and every crash in Evotor's JSON envelope.

    The site's error handlers turn a 401 into the login page and other errors into HTML pages, which a
    server calling a webhook cannot read: these routes never let an exception reach them."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except EvotorAppError as error:
                _roll_back(request)
                response = error_response(error)
            except Exception:
                log.exception("evotor webhook %s %s failed", request.method, request.url.path)
                _roll_back(request)
                response = internal_error()
            # Never the body: it carries passwords and tokens. The userId is Evotor's public account number.
            log.info("evotor webhook %s %s userId=%s -> %s", request.method, request.url.path,
                     getattr(request.state, "evotor_user_id", None), response.status_code)
            return response

        return route


def _roll_back(request: Request) -> None:
    """Undo what a failed webhook wrote: the error is answered here, so the request's session would commit."""
    session = getattr(request.state, "webhook_db", None)
    if session is not None:
        session.rollback()


def internal_error() -> JSONResponse:
    """Return an unexpected failure in Evotor's envelope."""
    return JSONResponse({"errors": [{"code": 500, "reason": "internal error"}]}, status_code=500)


def webhook_session(request: Request, session: DbSession) -> Session:
    """Return the request's database session, kept where the route can roll it back on an error."""
    request.state.webhook_db = session
    return session


WebhookDb = Annotated[Session, Depends(webhook_session)]
router = APIRouter(route_class=_EvotorJsonRoute, tags=[TAG])
_bearer = HTTPBearer(auto_error=False, scheme_name="EvotorWebhookSecret",
                     description="The app token set in the Evotor developer console (EVOTOR_WEBHOOK_SECRET).")


def error_response(error: EvotorAppError) -> JSONResponse:
    """Return a refusal as Evotor's error JSON."""
    return JSONResponse(error.body(), status_code=error.status)


def require_evotor_secret(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    """Let through only calls carrying `Authorization: Bearer <EVOTOR_WEBHOOK_SECRET>` (401 code 1001 else).

    With no secret configured nothing gets in: the app is not registered with Evotor on this instance."""
    given = credentials.credentials if credentials is not None else None
    if not constant_time_equals(given, get_settings().EVOTOR_WEBHOOK_SECRET):
        raise EvotorAppError(401, WRONG_TOKEN, "wrong app token")


async def json_body(request: Request) -> dict[str, Any]:
    """Return the request's JSON object, or raise the 400 code 2001 Evotor sends for a syntax error."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise EvotorAppError(400, SYNTAX_ERROR, "malformed JSON") from None
    if not isinstance(body, dict):
        raise EvotorAppError(400, SYNTAX_ERROR, "expected a JSON object")
    user_id = body.get("userId")
    request.state.evotor_user_id = user_id[:40].encode("unicode_escape").decode() if isinstance(user_id, str) else None
    return body


Secret = Depends(require_evotor_secret)
JsonObject = Annotated[dict[str, Any], Depends(json_body)]


def _schema(required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    # Evotor adds the custom fields set up in its developer console: other properties are allowed and ignored.
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": properties, "additionalProperties": True}}}}}


_USER_ID = {"type": "string", "pattern": "^[0-9]{2}-[0-9]{15}$", "example": "01-000000000000001"}
_ERRORS = {"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "object", "properties": {
    "code": {"type": "integer"}, "reason": {"type": "string"}, "subject": {"type": "string"}}}}}}


def _answers(ok: dict[str, Any], errors: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    texts = {400: "2001 malformed JSON; 2002 missing or incorrect field (`subject` names it)",
             401: "1001 wrong or missing app token", **errors}
    answers: dict[int | str, dict[str, Any]] = {200: {"description": "OK", "content": {"application/json": {
        "schema": ok}}}}
    for status, text in texts.items():
        answers[status] = {"description": text, "content": {"application/json": {"schema": _ERRORS}}}
    return answers


@router.post("/user/create", dependencies=[Secret], summary="Evotor: register a seller",
             openapi_extra=_schema(["userId"], {"userId": _USER_ID, "email": {"type": "string"},
                                                "name": {"type": "string"}, "phone": {"type": "string"}}),
             responses=_answers({"type": "object", "properties": {"userId": _USER_ID, "token": {"type": "string"}}},
                                {409: "2005 the e-mail already belongs to a user (link through /user/verify)"}))
def user_create(body: JsonObject, session: WebhookDb, background: BackgroundTasks) -> JSONResponse:
    """Create a pending user with their own cabinet for an Evotor userId and answer the token Evotor keeps.

    With an e-mail, an invite lets the seller set a password; a replay answers the same token."""
    link = evotor_app.register(session, body)
    if evotor_app.wants_invite(link):
        # Evotor's servers are the client of every call: the limit is per recipient only.
        send_token_mail(background, session, link.user, "invite", client=None)
    return JSONResponse({"userId": link.evotor_user_id, "token": link.token})


@router.post("/user/verify", dependencies=[Secret], summary="Evotor: link an existing seller",
             openapi_extra=_schema(["userId", "username", "password"], {
                 "userId": _USER_ID, "username": {"type": "string", "description": "the MarketSync e-mail"},
                 "password": {"type": "string"}}),
             responses=_answers({"type": "object", "properties": {
                 "userId": _USER_ID, "hasBilling": {"type": "boolean"}, "token": {"type": "string"}}},
                 {401: "1001 wrong app token; 1006 wrong e-mail or password, suspended user, too many attempts",
                  409: "2005 this userId is linked to another user"}))
def user_verify(body: JsonObject, session: WebhookDb) -> JSONResponse:
    """Check a seller's MarketSync e-mail and password and link their Evotor userId to them."""
    link = evotor_app.verify(session, body)
    # hasBilling false: MarketSync takes no payment of its own, so Evotor bills the seller for the app.
    return JSONResponse({"userId": link.evotor_user_id, "hasBilling": False, "token": link.token})


@router.post("/user/token", dependencies=[Secret], summary="Evotor: deliver the cloud token",
             openapi_extra=_schema(["userId", "token"], {"userId": _USER_ID, "token": {"type": "string"}}),
             responses=_answers({"type": "object"}, {404: "404 unknown userId"}))
def user_token(body: JsonObject, session: WebhookDb, background: BackgroundTasks) -> JSONResponse:
    """Store the Evotor cloud token as the seller's Evotor connection, then read their catalog."""
    account_id, user = evotor_app.store_cloud_token(session, body)
    if user.status != "suspended":  # a suspended seller's cabinet does not sync; their token is kept for later
        # Background tasks run after the response, so after the request committed the connection.
        background.add_task(_refresh_catalog, account_id)
    return JSONResponse({})


def other_methods() -> JSONResponse:
    """Answer other methods in JSON too (the site would show its HTML 405 page)."""
    return JSONResponse({"errors": [{"code": 405, "reason": "method not allowed"}]}, status_code=405,
                        headers={"Allow": "POST"})


for _path in PATHS:
    router.add_api_route(_path, other_methods, methods=METHODS_REFUSED, include_in_schema=False)


def _refresh_catalog(account_id: int) -> None:
    """Start reading the seller's Evotor catalog on the worker; a queue outage only delays it to the next sync."""
    from marketsync.sync.service import enqueue_source_refresh

    try:
        enqueue_source_refresh(account_id)
    except Exception:
        log.warning("account %s: the catalog refresh could not be queued", account_id, exc_info=True)
