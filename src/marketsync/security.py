"""Password hashing, encryption of stored secrets, signed tokens, constant-time checks and redaction."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from pwdlib import PasswordHash

from marketsync.settings import get_settings

REDACTED = "***"
_SECRET_KEYS = re.compile(
    r"(?i)(access_token|api[_-]?key|token|password|secret|authorization|x-authorization|client[_-]secret)"
)

# A name that ends in token, secret, password or key (refresh_token, client_secret, api_key, X-Api-Key, ...).
_SECRET_NAME = r"[A-Za-z0-9_.\-]*(?:token|secret|password|passwd|key)|authorization"
_FORM_SECRET = re.compile(rf"(?i)((?<![A-Za-z0-9_.\-])(?:{_SECRET_NAME})=)[^&\s\"']+")
# The same inside a percent-encoded URL (a `next=` parameter holding a link with its token). Only the name's
# ending is matched: its start is kept as it stands either way, and matching `[A-Za-z0-9_.-]*` from every
# position made a long run of letters (a base64 blob in a body) take seconds.
_ENCODED_FORM_SECRET = re.compile(r"(?i)((?:token|secret|password|passwd|key|authorization)%3D)[^&%\s\"']+")
_JSON_SECRET = re.compile(rf'(?i)("(?:{_SECRET_NAME})"\s*:\s*)("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)')
# Every pattern above needs one of these words. casefold() matches them as (?i) does ("ſ" is an "s", the Kelvin
# sign a "k"), and none holds an "i", which (?i) also matches to "İ" and "ı": a text without them (most answers)
# skips the three scans, which cost a quarter of a millisecond a kilobyte.
_SECRET_WORDS = ("token", "secret", "passw", "key", "author")
# A Telegram bot token is a path segment of every Bot API URL (/bot<id>:<secret>/<method>), as httpx logs it.
_BOT_PATH = re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+")


def is_secret_name(name: str) -> bool:
    """Say whether a field or header name holds a secret (token, api_key, client_secret, password…)."""
    return re.fullmatch(rf"(?i){_SECRET_NAME}", name) is not None


@lru_cache
def _hasher() -> PasswordHash:
    return PasswordHash.recommended()


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password against its hash; a missing hash never matches."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password, password_hash)
    except Exception:  # a malformed hash is a mismatch, not a crash
        return False


def constant_time_equals(given: str | None, expected: str | None) -> bool:
    """Compare two secrets in constant time; None never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def new_token(nbytes: int = 32) -> str:
    """Return a random URL-safe token."""
    return secrets.token_urlsafe(nbytes)


def sha256_hex(value: str) -> str:
    """Return the hex sha256 of a string (session ids, limiter keys)."""
    return hashlib.sha256(value.encode()).hexdigest()


def fingerprint(value: str, *, purpose: str = "credential") -> str:
    """Return the keyed fingerprint of a secret: HMAC-SHA256 under a key derived from SECRET_KEY (hex).

    The same secret always gives the same fingerprint (so it can be looked up by an index) while a stolen database
    without SECRET_KEY cannot test guesses against it."""
    key = hashlib.sha256(f"marketsync-fingerprint:{purpose}:{get_settings().SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.strip().encode(), hashlib.sha256).hexdigest()


def _fernet_key(material: str) -> bytes:
    # A Fernet key is 32 url-safe base64 bytes; derive one deterministically from arbitrary text.
    if len(material) == 44:
        try:
            Fernet(material.encode())
            return material.encode()
        except ValueError:
            pass
    digest = hashlib.sha256(("marketsync-secrets:" + material).encode()).digest()
    return base64.urlsafe_b64encode(digest)


def _cipher() -> MultiFernet:
    # ENCRYPTION_KEYS, newest first, is the explicit key list; without it the one key is derived from SECRET_KEY
    # (so a database written before ENCRYPTION_KEYS existed lists the old SECRET_KEY there to stay readable).
    settings = get_settings()
    keys = [k.strip() for k in (settings.ENCRYPTION_KEYS or "").split(",") if k.strip()]
    if not keys:
        keys = [settings.SECRET_KEY]
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def encrypt_json(data: dict[str, Any]) -> str:
    """Encrypt a JSON-serialisable dict with the newest key."""
    return _cipher().encrypt(json.dumps(data, sort_keys=True).encode()).decode()


def decrypt_json(token: str) -> dict[str, Any]:
    """Decrypt a dict encrypted by encrypt_json with any configured key."""
    try:
        return dict(json.loads(_cipher().decrypt(token.encode())))
    except InvalidToken as exc:
        raise ValueError("stored credentials cannot be decrypted with the configured keys") from exc


def reencrypt(token: str) -> str:
    """Re-encrypt a stored secret under the newest key of ENCRYPTION_KEYS (MultiFernet.rotate); the plaintext
    never leaves this function. ValueError when none of the configured keys opens it."""
    try:
        return _cipher().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("a stored secret cannot be decrypted with the configured keys") from exc


def redact(text: str | None, secret_values: Iterable[str] = ()) -> str | None:
    """Replace known secret values and secret-looking fields in text (URLs, JSON, forms)."""
    if text is None:
        return None
    for value in secret_values:
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    if "/bot" in text:  # a Telegram bot token holds none of the secret words below
        text = _BOT_PATH.sub(rf"\g<1>{REDACTED}", text)
    folded = text.casefold()
    if not any(word in folded for word in _SECRET_WORDS):
        return text
    return _redact_fields(text)


def _redact_fields(text: str) -> str:
    # key=value in query strings and forms: every name ending in token, secret, password or key
    text = _FORM_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    text = _ENCODED_FORM_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    # "key": "value" (or a bare number) in JSON, the same names and Authorization
    return _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{REDACTED}"', text)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Return headers with credential-carrying values replaced."""
    return {k: (REDACTED if _SECRET_KEYS.search(k) else v) for k, v in headers.items()}


class RedactingFilter(logging.Filter):
    """A logging filter redacting a record's string arguments (the access log's path carries link tokens)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the arguments in place; never drop the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
