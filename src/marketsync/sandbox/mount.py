"""Where the sandbox is reachable: absolute URLs built from the incoming request, mount point included."""

from __future__ import annotations

from starlette.requests import Request


def sandbox_base_url(request: Request) -> str:
    """Return the sandbox's own base URL (e.g. `http://127.0.0.1:8000/sandbox`), without a trailing slash."""
    # Starlette's request.base_url is the *top-level* app's root; a Mount puts its own prefix in root_path.
    root_path = request.scope.get("root_path", "")
    return f"{request.url.scheme}://{request.url.netloc}{root_path}".rstrip("/")
