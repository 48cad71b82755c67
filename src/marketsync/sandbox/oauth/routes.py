"""The providers' browser side under /oauth: each authorize endpoint at its real path (VK ID /vk/authorize,
Yandex /yandex/authorize, Google /google/o/oauth2/v2/auth, Telegram /telegram/auth), the consent answer, and
/_control/oauth/person to choose who each provider signs in as."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from marketsync.sandbox.oauth.consent import consent_page, error_page
from marketsync.sandbox.oauth.state import Grant, OAuthSandboxState, Person
from marketsync.sandbox.oauth.telegram_sign import signed_fields

AUTHORIZE_PATHS = {"vk": "/vk/authorize", "yandex": "/yandex/authorize", "google": "/google/o/oauth2/v2/auth"}


def _back(redirect_uri: str, params: dict[str, str]) -> RedirectResponse:
    glue = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(f"{redirect_uri}{glue}{urlencode(params)}", status_code=302)


def oauth_router(oauth: OAuthSandboxState) -> APIRouter:
    """Build the router of the providers' authorize and consent pages and their control endpoint."""
    router = APIRouter(prefix="/oauth")

    def authorize(provider: str) -> Any:
        def endpoint(request: Request) -> Response:
            query = request.query_params
            client_id = query.get("client_id", "")
            if client_id not in oauth.clients[provider]:
                return error_page(f"Unknown client_id «{client_id}».")
            redirect_uri = query.get("redirect_uri", "")
            if not redirect_uri.startswith(("http://", "https://")):
                return error_page("redirect_uri is missing or not absolute.")
            state = query.get("state", "")
            if query.get("response_type") != "code":
                return _back(redirect_uri, {"error": "unsupported_response_type", "state": state})
            challenge, method = query.get("code_challenge", ""), query.get("code_challenge_method", "")
            # VK ID's docs write the method as "s256"; every provider here takes S256 only, in either case.
            if not challenge or method.upper() != "S256":
                return _back(redirect_uri, {"error": "invalid_request", "state": state,
                                            "error_description": "code_challenge with S256 is required"})
            params = {"provider": provider, "client_id": client_id, "redirect_uri": redirect_uri, "state": state,
                      "challenge": challenge, "scope": query.get("scope", ""), "nonce": query.get("nonce")}
            request_id = oauth.park(params)
            return consent_page(provider, request_id, oauth.people[provider], client=client_id,
                                action=str(request.url_for(f"oauth_consent_{provider}")))
        return endpoint

    def consent(provider: str) -> Any:
        def endpoint(request_id: str = Form(""), decision: str = Form("")) -> Response:
            params = oauth.take_pending(request_id)
            if params is None or params["provider"] != provider:
                return error_page("This consent request has expired. Start the sign-in again.")
            redirect_uri, state = params["redirect_uri"], params["state"]
            if decision != "allow":
                return _back(redirect_uri, {"error": "access_denied", "state": state,
                                            "error_description": "The user denied access"})
            grant = Grant(provider=provider, client_id=params["client_id"], redirect_uri=redirect_uri,
                          code_challenge=params["challenge"], state=state, scope=params["scope"],
                          nonce=params["nonce"], person=Person(**vars(oauth.people[provider])))
            answer = {"code": "", "state": state}
            if provider == "vk":  # VK ID names the device the code is bound to; the token request sends it back
                grant.device_id = secrets.token_urlsafe(24)
                answer.update(device_id=grant.device_id, type="code_v2", expires_in="600")
            answer["code"] = oauth.issue_code(grant)
            if provider == "google":
                answer["scope"] = grant.scope
            return _back(redirect_uri, answer)
        return endpoint

    for provider, path in AUTHORIZE_PATHS.items():
        router.add_api_route(path, authorize(provider), methods=["GET"], include_in_schema=False)
        router.add_api_route(f"/{provider}/consent", consent(provider), methods=["POST"],
                             name=f"oauth_consent_{provider}", include_in_schema=False)

    @router.get("/telegram/auth", include_in_schema=False)
    def telegram_auth(request: Request, bot_id: str = "", origin: str = "", return_to: str = "") -> Response:
        """oauth.telegram.org/auth: the widget's login page for a bot, answering to return_to."""
        if bot_id not in oauth.bot_tokens or not return_to.startswith(origin or "\0"):
            return error_page("Bot domain invalid")
        request_id = oauth.park({"provider": "telegram", "bot_id": bot_id, "origin": origin,
                                 "return_to": return_to})
        return consent_page("telegram", request_id, oauth.people["telegram"], client=f"bot {bot_id}",
                            action=str(request.url_for("oauth_consent_telegram")))

    @router.post("/telegram/consent", name="oauth_consent_telegram", include_in_schema=False)
    def telegram_consent(request_id: str = Form(""), decision: str = Form("")) -> Response:
        """Send the person back to the widget's auth URL with the signed fields (or home when they refused)."""
        params = oauth.take_pending(request_id)
        if params is None or params["provider"] != "telegram":
            return error_page("This login request has expired.")
        if decision != "allow":
            return RedirectResponse(params["origin"] or "/", status_code=302)
        fields = signed_fields(oauth.people["telegram"], oauth.bot_tokens[params["bot_id"]], int(time.time()))
        return _back(params["return_to"], fields)

    return router


def oauth_control_router(oauth: OAuthSandboxState) -> APIRouter:
    """Build `/_control/oauth/...`: who each provider signs in as, and the bots Telegram's login page signs for."""
    router = APIRouter(prefix="/_control/oauth")

    @router.post("/person", include_in_schema=False)
    def set_person(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Choose who a provider signs in as: {provider, subject, email, email_verified, name, username}."""
        provider = str(body.get("provider", ""))
        if provider not in oauth.people or not body.get("subject"):
            raise HTTPException(400, "provider (vk, yandex, google, telegram) and subject are required")
        person = Person(subject=str(body["subject"]), email=body.get("email") or None,
                        email_verified=bool(body.get("email_verified")), name=str(body.get("name") or "Тест"),
                        username=body.get("username"))
        oauth.set_person(provider, person)
        return {"ok": True, "provider": provider, **vars(person)}

    @router.post("/bot", include_in_schema=False)
    def add_bot(body: dict[str, Any] = Body(...)) -> dict[str, bool]:
        """Let the Telegram login page sign for another bot token."""
        oauth.add_bot(str(body.get("token", "")))
        return {"ok": True}

    return router
