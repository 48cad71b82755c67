"""Act like a browser on the pages: read the CSRF token a form carries, submit forms, sign in."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

PASSWORD = "correct-horse-42"


def csrf_token(client: TestClient) -> str:
    """Return the CSRF token a page form would carry (loading a page first when there is none yet)."""
    if not client.cookies.get("ms_csrf"):
        page = client.get("/login")
        match = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
        assert match, "the login page has no CSRF field"
    return str(client.cookies.get("ms_csrf"))


def submit(client: TestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """POST a form the way a page does: with the CSRF field."""
    return client.post(url, data={"csrftoken": csrf_token(client), **(data or {})}, **kwargs)


def sign_in(client: TestClient, email: str = "seller@example.ru", password: str = PASSWORD) -> None:
    """Sign in through the login form."""
    response = submit(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
