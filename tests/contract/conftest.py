"""The contract tests' shared fixture: every request our clients send and the answer they get, captured at
httpx's transport so the test can check each against the published spec."""

from __future__ import annotations

import httpx
import pytest


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[tuple[httpx.Request, httpx.Response]]:
    """Record every (request, answer) our HTTP clients exchange during the test, answers read in full."""
    pairs: list[tuple[httpx.Request, httpx.Response]] = []
    original = httpx.Client.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: object) -> httpx.Response:
        response = original(self, request, **kwargs)  # type: ignore[arg-type]
        response.read()
        pairs.append((request, response))
        return response

    monkeypatch.setattr(httpx.Client, "send", send)
    return pairs
