"""Casdoor users API client (CONTRACTS.md §8): the application's client id and secret as HTTP Basic auth (never
in the query, where logs would keep them), JSON bodies, and Casdoor's envelope `{status, msg, data}`.

Casdoor answers its errors with HTTP 200 and `status: "error"`: those become RejectedError carrying `msg`. A
5xx or an unreachable server goes through http.py (OutcomeUnknownError / NotSentError / TransientError), so a
caller can tell "Casdoor refused this" from "Casdoor is not there". 401/403 (a proxy in front) → ConfigError.
Every write here is idempotent on Casdoor's side (add of a taken name is refused, update sets values), so
http.py may repeat them."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from marketsync.connectors.errors import ConfigError, MalformedResponseError, RejectedError
from marketsync.http import HttpClient, HttpConfig, Recorder, parse_json
from marketsync.security import sha256_hex

SYSTEM = "casdoor"


class CasdoorError(RejectedError):
    """Casdoor's envelope said `status: "error"`; the message is Casdoor's `msg`."""


def classify(response: httpx.Response) -> None:
    """Raise the ConnectorError of a non-200 answer (the envelope is judged by the caller)."""
    if response.status_code in (401, 403):
        raise ConfigError(f"{SYSTEM}: HTTP {response.status_code}", key="token_rejected")


def envelope_data(response: httpx.Response) -> Any:
    """Return the envelope's `data`, raising CasdoorError when its status is not "ok"."""
    body = parse_json(response, SYSTEM)
    if not isinstance(body, dict) or "status" not in body:
        raise MalformedResponseError(f"{SYSTEM}: not Casdoor's envelope")
    if body["status"] != "ok":
        raise CasdoorError(f"{SYSTEM}: {str(body.get('msg') or 'error')[:300]}", code="error")
    return body.get("data")


class CasdoorClient:
    """Calls Casdoor's users API as one application of one organization."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, organization: str, *,
                 recorder: Recorder | None = None, transport: httpx.BaseTransport | None = None,
                 max_attempts: int | None = None, timeout: float | None = None) -> None:
        if not client_id or not client_secret:
            raise ConfigError(f"{SYSTEM}: CASDOOR_CLIENT_ID and CASDOOR_CLIENT_SECRET must be set",
                              key="token_rejected")
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.organization = organization
        self.http = HttpClient(HttpConfig(
            system=SYSTEM, base_url=base_url.rstrip("/"), credential=client_secret, rate_per_second=None,
            breaker_key=f"{SYSTEM}:{sha256_hex(client_id)[:16]}", headers={"Authorization": f"Basic {basic}"},
            recorder=recorder, transport=transport, max_attempts=max_attempts, timeout=timeout))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.http.close()

    def user_id(self, name: str) -> str:
        """Return Casdoor's `owner/name` id of a user of our organization."""
        return f"{self.organization}/{name}"

    def get_user(self, name: str) -> dict[str, Any] | None:
        """GET /api/get-user: the user as Casdoor has it, or None when there is none."""
        response = self.http.request("GET", "/api/get-user", params={"id": self.user_id(name)}, idempotent=True,
                                     classify=classify)
        data = envelope_data(response)
        if data is not None and not isinstance(data, dict):
            raise MalformedResponseError(f"{SYSTEM}: get-user data is not a user")
        return data or None

    def add_user(self, user: dict[str, Any]) -> str:
        """POST /api/add-user; return Casdoor's "Affected" / "Unaffected"."""
        response = self.http.request("POST", "/api/add-user", json=user, idempotent=True, write=True,
                                     classify=classify)
        return str(envelope_data(response))

    def update_user(self, name: str, user: dict[str, Any], columns: list[str]) -> str:
        """POST /api/update-user?id=owner/name&columns=…: change only these columns; return "Affected"/…"""
        params = {"id": self.user_id(name), "columns": ",".join(columns)}
        response = self.http.request("POST", "/api/update-user", params=params, json=user, idempotent=True, write=True,
                                     classify=classify)
        return str(envelope_data(response))
