"""The providers' server side: token endpoints (client authentication, the code used once, redirect_uri equal to
the authorize request's, the PKCE verifier; VK ID's device_id), user info and Google's JWKS, each at its real
path with its own answer shapes: VK ID /vk/oauth2/auth and POST /vk/oauth2/user_info; Yandex /yandex/token and
/yandex/info (`Authorization: OAuth`); Google /google/token, /google/v1/userinfo, /google/oauth2/v3/certs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any

from fastapi import APIRouter, Request
from joserfc import jwt
from starlette.responses import JSONResponse, Response

from marketsync.sandbox.oauth.state import Grant, OAuthSandboxState, s256

TOKEN_PATHS = {"vk": "/vk/oauth2/auth", "yandex": "/yandex/token", "google": "/google/token"}


def _error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status,
                        headers={"Cache-Control": "no-store"})


def _client(request: Request, form: dict[str, str]) -> tuple[str, str | None]:
    """Return (client id, secret) from HTTP Basic or the form (RFC 6749 §2.3.1)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id, secret
        except ValueError:
            return "", None
    return form.get("client_id", ""), form.get("client_secret")


def _at_hash(access_token: str) -> str:
    digest = hashlib.sha256(access_token.encode()).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()


def oauth_token_router(oauth: OAuthSandboxState) -> APIRouter:
    """Build the router of the providers' token, user-info and key endpoints."""
    router = APIRouter(prefix="/oauth")

    def exchange(provider: str) -> Any:
        async def endpoint(request: Request) -> Response:
            form = {key: str(value) for key, value in (await request.form()).items()}
            if form.get("grant_type") != "authorization_code":
                return _error("unsupported_grant_type", "only authorization_code is emulated")
            client_id, secret = _client(request, form)
            known = oauth.clients[provider]
            # VK ID's web flow is a public client (PKCE, no secret); Yandex and Google check the secret.
            if client_id not in known or (provider != "vk" and not hmac.compare_digest(
                    (secret or "").encode(), known[client_id].encode())):
                return _error("invalid_client", "client authentication failed", 401)
            grant = oauth.redeem(form.get("code", ""))
            if grant is None or grant.provider != provider or grant.client_id != client_id:
                return _error("invalid_grant", "code is invalid, expired or already used")
            # RFC 6749 §4.1.3: the redirect_uri must be the one the code was issued for.
            if form.get("redirect_uri", "") != grant.redirect_uri:
                return _error("invalid_grant", "redirect_uri does not match the authorization request")
            if s256(form.get("code_verifier", "")) != grant.code_challenge:
                return _error("invalid_grant", "code_verifier does not match code_challenge")
            if provider == "vk" and form.get("device_id", "") != grant.device_id:
                return _error("invalid_grant", "device_id does not match")
            return JSONResponse(_token_answer(provider, grant, oauth, request),
                                headers={"Cache-Control": "no-store"})
        return endpoint

    for provider, path in TOKEN_PATHS.items():
        router.add_api_route(path, exchange(provider), methods=["POST"], include_in_schema=False)

    @router.post("/vk/oauth2/user_info", include_in_schema=False)
    async def vk_user_info(request: Request) -> Response:
        """VK ID: the person behind an access token (form fields client_id and access_token)."""
        form = await request.form()
        grant = oauth.grant_of(str(form.get("access_token", "")))
        if grant is None or grant.provider != "vk" or str(form.get("client_id", "")) != grant.client_id:
            return _error("invalid_token", "access_token is missing or invalid", 401)
        person = grant.person
        first, _, last = person.name.partition(" ")
        user = {"user_id": person.subject, "first_name": first, "last_name": last, "avatar": "", "sex": 0,
                "verified": False, "birthday": ""}
        if person.email and "email" in grant.scope.split():
            user["email"] = person.email
        return JSONResponse({"user": user})

    @router.get("/yandex/info", include_in_schema=False)
    def yandex_info(request: Request) -> Response:
        """Yandex ID: login.yandex.ru/info with `Authorization: OAuth <token>`."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = oauth.grant_of(token) if scheme.lower() in {"oauth", "bearer"} else None
        if grant is None or grant.provider != "yandex":
            return Response("invalid token", status_code=401)
        person = grant.person
        body: dict[str, Any] = {"id": person.subject, "login": person.username or person.subject,
                                "client_id": grant.client_id, "display_name": person.name,
                                "real_name": person.name, "psuid": f"1.sandbox.{person.subject}"}
        # Yandex lists only addresses it has confirmed: an unconfirmed one is not in the answer at all.
        if person.email and person.email_verified:
            body.update(default_email=person.email, emails=[person.email])
        return JSONResponse(body)

    @router.get("/google/v1/userinfo", include_in_schema=False)
    def google_userinfo(request: Request) -> Response:
        """Google: the OIDC userinfo of a Bearer token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        grant = oauth.grant_of(token) if scheme.lower() == "bearer" else None
        if grant is None or grant.provider != "google":
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse(_google_claims(grant))

    @router.get("/google/oauth2/v3/certs", include_in_schema=False)
    def google_certs() -> dict[str, Any]:
        """Google: the JWKS its id_tokens are signed with."""
        return {"keys": [oauth.key.as_dict(private=False)]}

    return router


def _google_claims(grant: Grant) -> dict[str, Any]:
    person = grant.person
    claims: dict[str, Any] = {"sub": person.subject, "name": person.name}
    if person.email:
        claims.update(email=person.email, email_verified=person.email_verified)
    return claims


def _token_answer(provider: str, grant: Grant, oauth: OAuthSandboxState, request: Request) -> dict[str, Any]:
    access_token = oauth.issue_token(grant)
    if provider == "vk":
        return {"access_token": access_token, "refresh_token": f"vk2.r.{access_token[:16]}", "token_type": "Bearer",
                "expires_in": 3600, "user_id": int(grant.person.subject) if grant.person.subject.isdigit()
                else grant.person.subject, "state": grant.state, "scope": grant.scope}
    if provider == "yandex":
        return {"access_token": access_token, "expires_in": 31536000, "refresh_token": f"1:{access_token[:20]}",
                "token_type": "bearer"}
    now = int(time.time())
    # The issuer is this Google's base URL (where /token is served), mounted under /sandbox or not.
    issuer = str(request.url.replace(query="")).removesuffix("/token")
    claims = {"iss": issuer, "azp": grant.client_id, "aud": grant.client_id, "iat": now, "exp": now + 3600,
              "at_hash": _at_hash(access_token), **_google_claims(grant)}
    if grant.nonce:
        claims["nonce"] = grant.nonce
    key = oauth.key
    id_token = jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)
    return {"access_token": access_token, "expires_in": 3599, "id_token": id_token, "scope": grant.scope,
            "token_type": "Bearer"}
