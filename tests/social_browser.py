"""Play a person through a social sign-in: our app in a TestClient (http://testserver), the sandbox providers over
real HTTP; the consent page is read and its form submitted as a browser would."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
from fastapi.testclient import TestClient

APP = "http://testserver"


def start(client: TestClient, provider: str) -> str:
    """Press the provider's button; return the authorize URL our app redirected to."""
    response = client.get(f"/auth/{provider}/login")
    assert response.status_code == 302, response.text
    return str(response.headers["location"])


def with_params(url: str, **changes: str) -> str:
    """Return the URL with some query parameters replaced (what a tamperer does)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def consent(authorize_url: str, decision: str = "allow") -> str:
    """Open the provider's consent page and press "allow" or "deny"; return where the provider sends us."""
    page = httpx.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text)
    assert action and request_id, page.text
    answer = httpx.post(action.group(1).replace("&amp;", "&"), timeout=10,
                        data={"request_id": request_id.group(1), "decision": decision})
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"])


def arrive(client: TestClient, callback_url: str) -> Any:
    """Follow the provider's redirect back to our app (a URL on http://testserver)."""
    assert callback_url.startswith(APP), callback_url
    return client.get(callback_url[len(APP):])


def sign_in_with(client: TestClient, provider: str, decision: str = "allow") -> Any:
    """Do the whole round trip; return our callback's response."""
    return arrive(client, consent(start(client, provider), decision))


def set_person(sandbox_url: str, provider: str, subject: str, email: str | None = None, *,
               verified: bool = False, name: str = "Пётр Тестов") -> None:
    """Choose who the sandbox provider signs in as."""
    httpx.post(f"{sandbox_url}/_control/oauth/person", timeout=10, json={
        "provider": provider, "subject": subject, "email": email, "email_verified": verified,
        "name": name}).raise_for_status()


def query_of(url: str) -> dict[str, str]:
    """Return a URL's query parameters (first values)."""
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
