"""VK API client: one method per endpoint, `v` and the token on every call, VK's in-200 error envelope.

VK answers errors with HTTP 200 and `{"error": {...}}`; `classify` maps the codes (errors.json): 5 → the
token is dead; 6/9/29 → slow down and retry; 10 → VK's own failure, outcome unknown; 15/27/203 → no access
to the community; anything else → this call was refused. `execute` runs up to 25 calls in one request and
answers `false` for each failed call, with the reasons in `execute_errors` in the same order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import (
    ConfigError,
    MalformedResponseError,
    OutcomeUnknownError,
    Param,
    RateLimited,
    RejectedError,
)
from marketsync.connectors.vk.mapping import execute_code
from marketsync.connectors.vk.schemas import (
    ExecuteError,
    GroupsById,
    MarketAlbumList,
    MarketItemList,
    SavedPhoto,
    UploadServer,
    VkError,
)
from marketsync.http import HttpClient, parse_json

SYSTEM = "vk"
EXECUTE_MAX_CALLS = 25
ITEMS_PAGE = 200
ALBUMS_PAGE = 100
AUTH_ERRORS = {5}
ACCESS_ERRORS = {15, 27, 203}
RATE_ERRORS = {6: 1.0, 9: 5.0, 29: 60.0}
ModelT = TypeVar("ModelT", bound=BaseModel)


def classify(response: httpx.Response) -> None:
    """Raise the ConnectorError that a VK error envelope stands for."""
    try:
        body = response.json()
    except ValueError as exc:
        raise MalformedResponseError(f"VK answered something that is not JSON (HTTP {response.status_code})") \
            from exc
    if not isinstance(body, dict) or "error" not in body:
        return
    try:
        error = VkError.model_validate(body["error"])
    except ValidationError as exc:
        raise MalformedResponseError("VK answered an error without a code") from exc
    raise_for_code(error.error_code, error.error_msg)


def raise_for_code(code: int, message: str) -> None:
    """Map one VK error code to our error tree."""
    text = f"VK error {code}: {message}"
    params: dict[str, Param] = {"system": SYSTEM, "code": code, "detail": message}
    if code in AUTH_ERRORS:
        raise ConfigError(text, code=code, key="token_rejected", params=params)
    if code in RATE_ERRORS:
        raise RateLimited(text, retry_after=RATE_ERRORS[code], code=code, params=params)
    if code == 10:
        raise OutcomeUnknownError(text, code=code, key="no_answer", params=params)
    if code in ACCESS_ERRORS:
        raise ConfigError(text, code=code, key="no_access", params=params)
    raise RejectedError(text, code=code, key="refused", params=params)


class VkClient:
    """Calls `{VK_API_URL}/method/<name>` with one access token."""

    def __init__(self, http: HttpClient, version: str) -> None:
        self.http = http
        self.version = version

    def call(self, method: str, params: dict[str, Any], *, write: bool) -> Any:
        """Call one method (form-encoded POST) and return its `response`."""
        data = {k: _form_value(v) for k, v in params.items() if v is not None}
        data["v"] = self.version
        response = self.http.request("POST", f"/method/{method}", data=data, idempotent=not write,
                                     classify=classify)
        body = parse_json(response, SYSTEM)
        if "response" not in body:
            raise MalformedResponseError(f"VK {method}: the answer has neither response nor error")
        return body

    def _model(self, method: str, params: dict[str, Any], model: type[ModelT]) -> ModelT:
        body = self.call(method, params, write=False)
        try:
            return model.model_validate(body["response"])
        except ValidationError as exc:
            raise MalformedResponseError(f"VK {method}: unexpected answer: {exc.errors()[0]['msg']}") from exc

    def groups_get_by_id(self, group_id: int) -> GroupsById:
        """groups.getById with fields=market."""
        return self._model("groups.getById", {"group_id": group_id, "fields": "market"}, GroupsById)

    def market_get_albums(self, owner_id: int) -> Iterator[MarketAlbumList]:
        """market.getAlbums, offset-paged by 100 (the documented maximum)."""
        offset = 0
        while True:
            page = self._model("market.getAlbums", {"owner_id": owner_id, "offset": offset,
                                                    "count": ALBUMS_PAGE}, MarketAlbumList)
            yield page
            offset += len(page.items)
            if not page.items or offset >= page.count:
                return

    def market_get(self, owner_id: int) -> Iterator[MarketItemList]:
        """market.get extended=1 with_disabled=1, offset-paged by 200 (the documented maximum)."""
        offset = 0
        while True:
            page = self._model("market.get", {"owner_id": owner_id, "offset": offset, "count": ITEMS_PAGE,
                                              "extended": 1, "with_disabled": 1}, MarketItemList)
            yield page
            offset += len(page.items)
            if not page.items or offset >= page.count:
                return

    def execute(self, calls: list[tuple[str, dict[str, Any]]]) -> list[tuple[Any, ExecuteError | None]]:
        """execute: run ≤ 25 write calls in one request; one (result, error) per call in order."""
        if not 0 < len(calls) <= EXECUTE_MAX_CALLS:
            raise ValueError(f"execute takes 1..{EXECUTE_MAX_CALLS} calls, got {len(calls)}")
        body = self.call("execute", {"code": execute_code(calls)}, write=True)
        results = body["response"]
        if not isinstance(results, list) or len(results) != len(calls):
            raise MalformedResponseError("VK execute: the answer does not hold one result per call")
        errors = iter([ExecuteError.model_validate(e) for e in body.get("execute_errors") or []])
        out: list[tuple[Any, ExecuteError | None]] = []
        for (method, _params), result in zip(calls, results, strict=True):
            if result is False:
                error = next(errors, None) or ExecuteError(method=method, error_code=0, error_msg="failed")
                out.append((None, error))
            else:
                out.append((result, None))
        return out

    def get_product_photo_upload_server(self, group_id: int) -> str:
        """market.getProductPhotoUploadServer: where to upload a product photo."""
        return self._model("market.getProductPhotoUploadServer", {"group_id": group_id}, UploadServer).upload_url

    def upload(self, upload_url: str, content: bytes, filename: str) -> str:
        """POST the image (multipart field `file`) to the upload server; return its raw answer."""
        response = self.http.request("POST", upload_url, files={"file": (filename, content, "image/png")},
                                     idempotent=True, write=True)
        text = response.text
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise MalformedResponseError("VK upload server answered something that is not JSON") from exc
        if isinstance(body, dict) and body.get("error"):
            raise RejectedError(f"VK refused the photo: {body['error']}", key="photo_refused",
                                params={"system": SYSTEM, "detail": str(body["error"])})
        return text

    def save_product_photo(self, upload_response: str) -> SavedPhoto:
        """market.saveProductPhoto: turn an upload into a photo id."""
        # Saving the same upload twice only makes an unused photo, so a retry is harmless.
        body = self.call("market.saveProductPhoto", {"upload_response": upload_response}, write=False)
        try:
            return SavedPhoto.model_validate(body["response"])
        except ValidationError as exc:
            raise MalformedResponseError("VK market.saveProductPhoto: unexpected answer") from exc


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)
