"""What a provider tells about the person who signed in, and why a sign-in failed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FailureKind(StrEnum):
    """Why a provider sign-in failed; each maps to one message on /login."""

    CANCELLED = "cancelled"  # the person pressed "deny" (error=access_denied)
    STATE = "state"  # the state does not match this browser's (tampered, replayed or from another browser)
    REFUSED = "refused"  # the provider refused the code (used, expired, for another redirect, PKCE mismatch)
    INVALID = "invalid"  # the answer did not verify (id_token signature, issuer, audience, nonce) or lacks an id
    UNAVAILABLE = "unavailable"  # the provider did not answer or answered with an error page


class ProviderError(Exception):
    """A provider sign-in that cannot go on; `kind` says which message the person sees."""

    def __init__(self, kind: FailureKind, detail: str = ""):
        super().__init__(f"{kind.value}: {detail}" if detail else kind.value)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class ProviderIdentity:
    """A person as a provider vouches for them: a stable subject, and an e-mail only with its verified flag."""

    provider: str
    subject: str
    email: str | None = None
    email_verified: bool = False
    name: str | None = None
