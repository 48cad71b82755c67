"""Each provider's endpoints and client credentials (built from the settings by the caller) and its wire
specifics: scopes, how the client authenticates at the token endpoint."""

from __future__ import annotations

from dataclasses import dataclass

PROVIDERS = ("vk", "yandex", "google")

# VK ID takes the code with PKCE and no client secret (a public client), Yandex and Google the secret in the form.
TOKEN_AUTH = {"vk": "none", "yandex": "client_secret_post", "google": "client_secret_post"}
SCOPES = {"vk": "vkid.personal_info email", "yandex": "login:info login:email", "google": "openid email profile"}


@dataclass(frozen=True)
class ProviderConfig:
    """One provider's client id and secret and its endpoints (GOOGLE_JWKS_URL / GOOGLE_ISSUER for Google only)."""

    name: str
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str = ""
    issuer: str = ""
    timeout: float = 15.0
