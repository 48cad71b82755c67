"""Download a product picture from its public URL and measure it: `GET <url>` through http.py, at most
`max_bytes` read (a Content-Length above it is refused before the body, a body growing past it is cut off), up to
three redirects followed, then Pillow reads the format and the size from the image's header (nothing decoded).

Refusals are RejectedError with a key the moderation explains: picture_too_large, picture_missing (HTTP 4xx),
not_a_picture (Pillow cannot read it), picture_redirects; a 5xx, a timeout or no connection stay
TransientError (http.py), so the caller can tell a bad picture from a host that is down for now.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from PIL import Image

from marketsync.connectors.errors import RejectedError
from marketsync.http import HttpClient, HttpConfig

SYSTEM = "pictures"
MAX_REDIRECTS = 3


@dataclass(frozen=True, slots=True)
class PictureFacts:
    """What the header of a downloaded picture says."""

    width: int
    height: int
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF, BMP...
    size_bytes: int


def _refused(key: str, detail: str, **params: str | int) -> RejectedError:
    return RejectedError(f"{SYSTEM}: {detail}", key=key, params={"system": SYSTEM, "detail": detail, **params})


class _CappedStream(httpx.SyncByteStream):
    """A response body that stops with picture_too_large once it grows past the cap."""

    def __init__(self, inner: httpx.SyncByteStream, limit: int) -> None:
        self._inner, self._limit = inner, limit

    def __iter__(self) -> Iterator[bytes]:
        total = 0
        for chunk in self._inner:
            total += len(chunk)
            if total > self._limit:
                raise _refused("picture_too_large", f"more than {self._limit} bytes", limit=self._limit)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _CappedTransport(httpx.BaseTransport):
    """httpx's transport with every response body capped: memory stays bounded whatever a URL serves."""

    def __init__(self, limit: int, inner: httpx.BaseTransport | None = None) -> None:
        self._limit, self._inner = limit, inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._limit:
            response.close()
            raise _refused("picture_too_large", f"{declared} bytes declared", limit=self._limit)
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(response.status_code, headers=response.headers, extensions=response.extensions,
                              stream=_CappedStream(response.stream, self._limit))

    def close(self) -> None:
        self._inner.close()


class PictureClient:
    """Downloads pictures from any host, one at a time, within a byte cap."""

    def __init__(self, *, max_bytes: int, timeout: float | None = None, max_attempts: int | None = 2,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.http = HttpClient(HttpConfig(
            system=SYSTEM, base_url="", credential="public", rate_per_second=None, breaker_key=SYSTEM,
            transport=_CappedTransport(max_bytes, transport), timeout=timeout, max_attempts=max_attempts,
        ))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.http.close()

    def measure(self, url: str) -> PictureFacts:
        """GET one picture (redirects followed) and return its format and size in pixels."""
        if not url.startswith(("http://", "https://")):
            raise _refused("picture_missing", "not an http(s) address", status=0)
        for _hop in range(MAX_REDIRECTS + 1):
            response = self.http.request("GET", url, idempotent=True)
            if response.is_redirect and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            if response.status_code >= 400:
                raise _refused("picture_missing", f"HTTP {response.status_code}", status=response.status_code)
            try:
                with Image.open(io.BytesIO(response.content)) as image:
                    width, height = image.size
                    return PictureFacts(width, height, str(image.format or "").upper(), len(response.content))
            except Exception as exc:  # Pillow raises many kinds for a file that is not a picture it knows
                raise _refused("not_a_picture", f"not a picture ({type(exc).__name__})") from exc
        raise _refused("picture_redirects", f"more than {MAX_REDIRECTS} redirects")
