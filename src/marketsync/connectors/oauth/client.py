"""The three OAuth providers through Authlib's Starlette client: state and PKCE (S256) kept in the browser's
signed session cookie, a nonce for Google; each provider's token and user-info calls as it really works:

- VK ID (id.vk.com): the callback brings `device_id`, sent back with the code to /oauth2/auth; user info is a
  POST of client_id and access_token to /oauth2/user_info, answering {"user": {...}}.
- Yandex ID: user info at login.yandex.ru/info?format=json with `Authorization: OAuth <token>`; it lists only
  addresses Yandex has confirmed, so its default_email counts as verified.
- Google: the id_token is verified against GOOGLE_JWKS_URL (signature), GOOGLE_ISSUER, our client id and the
  nonce; its `email_verified` claim is the only word on the e-mail.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse

from marketsync.connectors.oauth.config import SCOPES, TOKEN_AUTH, ProviderConfig
from marketsync.connectors.oauth.identity import FailureKind, ProviderError, ProviderIdentity

try:  # Authlib talks through httpx2 where it is installed, through httpx otherwise: a provider away is either's
    import httpx2

    HTTP_ERRORS: tuple[type[Exception], ...] = (httpx.HTTPError, httpx2.HTTPError)
except ImportError:  # pragma: no cover - depends on what else is installed
    HTTP_ERRORS = (httpx.HTTPError,)
# A provider away or answering nonsense: the callback lands on /login saying so.
UNAVAILABLE: tuple[type[Exception], ...] = (*HTTP_ERRORS, ValueError, KeyError, TypeError)

log = logging.getLogger(__name__)


def _app(config: ProviderConfig) -> Any:
    # A registry per call: settings may change between requests (tests, demo), and nothing is cached across them.
    extra: dict[str, Any] = {}
    if config.name == "google":
        extra = {"jwks_uri": config.jwks_url, "issuer": config.issuer}
    registry = OAuth()
    return registry.register(
        name=config.name, client_id=config.client_id, client_secret=config.client_secret or None,
        authorize_url=config.authorize_url, access_token_url=config.token_url,
        userinfo_endpoint=config.userinfo_url,
        client_kwargs={"scope": SCOPES[config.name], "code_challenge_method": "S256",
                       "token_endpoint_auth_method": TOKEN_AUTH[config.name], "timeout": config.timeout},
        **extra)


async def authorize_redirect(request: Request, config: ProviderConfig, redirect_uri: str) -> RedirectResponse:
    """Answer the 302 to the provider's consent page; state, PKCE verifier (and nonce) go to the session."""
    response: RedirectResponse = await _app(config).authorize_redirect(request, redirect_uri)
    return response


async def complete(request: Request, config: ProviderConfig) -> ProviderIdentity:
    """Finish the callback: check the state, trade the code (with the PKCE verifier) and read who signed in."""
    app = _app(config)
    extra = {"device_id": request.query_params.get("device_id", "")} if config.name == "vk" else {}
    try:
        token = await app.authorize_access_token(request, **extra)
        return await _identity(app, config, token)
    except OAuthError as exc:
        raise _classify(exc.error, exc.description) from exc
    except (AuthlibBaseError, JoseError) as exc:  # id_token signature, issuer, audience, nonce, expiry
        raise ProviderError(FailureKind.INVALID, f"{type(exc).__name__}: {exc}") from exc
    except UNAVAILABLE as exc:
        raise ProviderError(FailureKind.UNAVAILABLE, f"{type(exc).__name__}: {exc}") from exc


def _classify(error: str | None, description: str | None) -> ProviderError:
    if error == "access_denied":
        return ProviderError(FailureKind.CANCELLED, description or "")
    if error == "mismatching_state":
        return ProviderError(FailureKind.STATE, description or "")
    if error in {"invalid_grant", "invalid_request", "invalid_client", "unauthorized_client"}:
        return ProviderError(FailureKind.REFUSED, f"{error}: {description or ''}")
    return ProviderError(FailureKind.UNAVAILABLE, f"{error}: {description or ''}")


async def _identity(app: Any, config: ProviderConfig, token: dict[str, Any]) -> ProviderIdentity:
    if config.name == "vk":
        return await _vk_identity(app, config, token)
    if config.name == "yandex":
        return await _yandex_identity(app, config, token)
    return _google_identity(token)


async def _vk_identity(app: Any, config: ProviderConfig, token: dict[str, Any]) -> ProviderIdentity:
    # VK ID: POST form (client_id, access_token), never the token in a header.
    response = await app.post(config.userinfo_url, token=token, withhold_token=True,
                              data={"client_id": config.client_id, "access_token": token["access_token"]})
    body = _json(response)
    if "error" in body:
        raise _classify(str(body.get("error")), str(body.get("error_description") or ""))
    user = body.get("user") or {}
    subject = str(user.get("user_id") or token.get("user_id") or "")
    if not subject:
        raise ProviderError(FailureKind.INVALID, "VK ID named no user_id")
    name = " ".join(str(user[key]) for key in ("first_name", "last_name") if user.get(key)) or None
    # VK ID says nothing about whether the address was confirmed: never treated as verified.
    return ProviderIdentity("vk", subject, _email(user.get("email")), False, name)


async def _yandex_identity(app: Any, config: ProviderConfig, token: dict[str, Any]) -> ProviderIdentity:
    response = await app.get(config.userinfo_url, token=token, withhold_token=True, params={"format": "json"},
                             headers={"Authorization": f"OAuth {token['access_token']}"})
    body = _json(response)
    subject = str(body.get("id") or "")
    if not subject:
        raise ProviderError(FailureKind.INVALID, "Yandex ID named no id")
    email = _email(body.get("default_email"))
    name = body.get("real_name") or body.get("display_name") or body.get("login")
    return ProviderIdentity("yandex", subject, email, email is not None, str(name) if name else None)


def _google_identity(token: dict[str, Any]) -> ProviderIdentity:
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise ProviderError(FailureKind.INVALID, "Google sent no verifiable id_token")
    email = _email(claims.get("email"))
    verified = claims.get("email_verified") is True or claims.get("email_verified") == "true"
    name = claims.get("name")
    return ProviderIdentity("google", str(claims["sub"]), email, bool(email and verified),
                            str(name) if name else None)


def _json(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500:
        raise ProviderError(FailureKind.UNAVAILABLE, f"user info answered {response.status_code}")
    body = response.json()
    if not isinstance(body, dict):
        raise ProviderError(FailureKind.INVALID, "user info is not an object")
    if response.status_code >= 400 and "error" not in body:
        raise ProviderError(FailureKind.REFUSED, f"user info answered {response.status_code}")
    return body


def _email(value: object) -> str | None:
    return value.strip().lower() if isinstance(value, str) and "@" in value else None
