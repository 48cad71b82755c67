"""The providers' world: registered clients, the person each provider signs in as (set through the control API),
pending consent requests, single-use codes, access tokens, Google's RSA signing key and the Telegram bots."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from joserfc.jwk import RSAKey

from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN

CODE_TTL_SECONDS = 600  # VK ID's code lives 10 minutes; Google's and Yandex's are shorter or alike
TOKEN_TTL_SECONDS = 3600
PROVIDERS = ("vk", "yandex", "google", "telegram")

# The clients the sandbox knows (client id → secret): what demo mode and the tests configure.
SANDBOX_CLIENTS: dict[str, tuple[str, str]] = {
    "vk": ("51900001", "vk-sandbox-secret"),
    "yandex": ("sandbox-yandex-client", "yandex-sandbox-secret"),
    "google": ("sandbox-google-client.apps.googleusercontent.com", "google-sandbox-secret"),
}


@dataclass
class Person:
    """Who a provider signs in as: its stable id, an e-mail and whether the provider confirmed it, a name."""

    subject: str
    email: str | None
    email_verified: bool
    name: str
    username: str | None = None


DEMO_PEOPLE: dict[str, Person] = {
    "vk": Person("100500700", "ivan.petrov@vk.example", False, "Иван Петров"),
    "yandex": Person("1130000041234567", "anna.smirnova@yandex.ru", True, "Анна Смирнова", "anna.smirnova"),
    "google": Person("104560000000000000001", "olga.ivanova@gmail.example", True, "Ольга Иванова"),
    "telegram": Person("700000002", None, False, "Демо-продавец", "demo_seller"),
}


@dataclass
class Grant:
    """An authorization request the person answered: what the code was issued for."""

    provider: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    state: str
    scope: str
    nonce: str | None
    person: Person
    device_id: str = ""
    created_at: float = field(default_factory=time.time)
    used: bool = False


def s256(verifier: str) -> str:
    """Return the PKCE S256 challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuthSandboxState:
    """The providers' data behind one lock (uvicorn serves from another thread)."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._key: RSAKey | None = None
        self.reset()

    def reset(self) -> None:
        """Forget codes, tokens and pending requests; people and clients back to the demo ones."""
        with self.lock:
            self.clients = {provider: dict([pair]) for provider, pair in SANDBOX_CLIENTS.items()}
            self.people = {provider: Person(**vars(person)) for provider, person in DEMO_PEOPLE.items()}
            self.pending: dict[str, dict[str, Any]] = {}
            self.codes: dict[str, Grant] = {}
            self.tokens: dict[str, tuple[Grant, float]] = {}
            self.bot_tokens = {DEMO_BOT_TOKEN.split(":", 1)[0]: DEMO_BOT_TOKEN}

    @property
    def key(self) -> RSAKey:
        """Return Google's signing key (made once per process: generating RSA keys is slow)."""
        with self.lock:
            if self._key is None:
                self._key = RSAKey.generate_key(2048, parameters={"kid": f"sandbox-{secrets.token_hex(4)}",
                                                                  "use": "sig", "alg": "RS256"})
            return self._key

    def set_person(self, provider: str, person: Person) -> None:
        """Make the provider sign in as this person from now on."""
        with self.lock:
            self.people[provider] = person

    def add_bot(self, token: str) -> None:
        """Let the Telegram login page sign for this bot (its id is the token's part before the colon)."""
        with self.lock:
            self.bot_tokens[token.split(":", 1)[0]] = token

    def park(self, params: dict[str, Any]) -> str:
        """Keep an authorization request until the person answers the consent page; return its id."""
        with self.lock:
            request_id = secrets.token_urlsafe(16)
            self.pending[request_id] = params
            return request_id

    def take_pending(self, request_id: str) -> dict[str, Any] | None:
        """Return and forget a pending request (a consent form answers once)."""
        with self.lock:
            return self.pending.pop(request_id, None)

    def issue_code(self, grant: Grant) -> str:
        """Store a granted request under a fresh single-use code."""
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.codes[code] = grant
            return code

    def redeem(self, code: str) -> Grant | None:
        """Mark a code used and return its grant; a used or expired code answers None every time after."""
        with self.lock:
            grant = self.codes.get(code)
            if grant is None or grant.used or time.time() - grant.created_at > CODE_TTL_SECONDS:
                return None
            grant.used = True
            return grant

    def issue_token(self, grant: Grant) -> str:
        """Return a new access token for a redeemed grant."""
        with self.lock:
            token = secrets.token_urlsafe(32)
            self.tokens[token] = (grant, time.time() + TOKEN_TTL_SECONDS)
            return token

    def grant_of(self, token: str) -> Grant | None:
        """Return the grant behind a live access token."""
        with self.lock:
            found = self.tokens.get(token)
            return found[0] if found and found[1] > time.time() else None
