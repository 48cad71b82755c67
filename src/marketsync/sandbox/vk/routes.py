"""The HTTP face of VK: /method/<name> with VK's envelope, the photo upload server and photo downloads."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response

from marketsync.sandbox import contract
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.mount import sandbox_base_url
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.vk import errors as e
from marketsync.sandbox.vk.errors import VkApiError
from marketsync.sandbox.vk.execute import run_execute
from marketsync.sandbox.vk.methods import WRITE_METHODS, CallContext, call_method
from marketsync.sandbox.vk.params import PARAMS, coerce_params
from marketsync.sandbox.vk.render import photo_sizes

MIN_VERSION = (5, 81)  # VK refuses older versions with error 8
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MIN_SIDE, MAX_SIDES_SUM = 400, 14000  # market photos: at least 400x400, width + height at most 14000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def _envelope_error(error: VkApiError, method: str, raw: dict[str, str]) -> dict[str, Any]:
    # VK echoes the request back, without the token, as a list of string pairs.
    echoed = [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
    echoed += [{"key": k, "value": str(v)} for k, v in raw.items() if k != "access_token"]
    return {"error": {"error_code": error.code, "error_msg": error.msg, "request_params": echoed}}


def _vk_json(envelope: dict[str, Any]) -> Response:
    # VK answers UTF-8 JSON with the charset spelled out, Cyrillic unescaped.
    content = json.dumps(envelope, ensure_ascii=False).encode()
    return Response(content, media_type="application/json; charset=utf-8")


def _check_version(version: str | None) -> None:
    if not version:
        raise VkApiError(e.INVALID_REQUEST, "v (version) is required")
    try:
        parsed = tuple(int(part) for part in version.split("."))
    except ValueError:
        raise VkApiError(e.INVALID_REQUEST, f"v (version) {version!r} is invalid") from None
    if parsed < MIN_VERSION:
        raise VkApiError(e.INVALID_REQUEST, "versions below 5.81 are deprecated")


async def _request_params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    # JSON bodies are not part of VK's protocol: only form-urlencoded and multipart fields count.
    if request.method == "POST" and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/")
    ):
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


def _token(request: Request, raw: dict[str, str]) -> str | None:
    if raw.get("access_token"):
        return raw["access_token"]
    authorization = request.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer " and authorization[7:].strip():
        return authorization[7:].strip()
    return None


def vk_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/vk/...` from `sandbox`."""
    router = APIRouter(prefix="/vk")
    vk = sandbox.vk

    def check(method: str, envelope: dict[str, Any], extended: bool = False) -> None:
        if contract.validation_enabled():
            contract.validate_vk_response(method, envelope, extended=extended)

    def answer(method: str, raw: dict[str, str], request: Request, fail_pick: float | None) -> dict[str, Any]:
        try:
            _check_version(raw.get("v"))
            token = _token(request, raw)
            user = vk.user_for(token)
            if token is None or user is None:
                detail = "invalid access_token (4)." if token else "no access_token passed."
                raise VkApiError(e.AUTH_FAILED, detail)
            if not sandbox.vk_limiter.hit(token, vk.rate_limit).allowed:
                raise VkApiError(e.TOO_MANY_REQUESTS)
            ctx = CallContext(vk, user, sandbox_base_url(request))
            if method == "execute":
                code = coerce_params("execute", raw)["code"]
                result, failures = run_execute(
                    ctx,
                    code,
                    sandbox.stats,
                    lambda m, a, r: check(m, {"response": r}, a.get("extended") in (1, True)),
                    fail_pick,
                )
                envelope: dict[str, Any] = {"response": result}
                if failures:
                    envelope["execute_errors"] = failures
                return envelope
            if contract.validation_enabled() and method in PARAMS:
                contract.validate_vk_params(method, coerce_params(method, raw))
            envelope = {"response": call_method(ctx, method, raw)}
            check(method, envelope, extended=raw.get("extended") in ("1", "true"))
            return envelope
        except VkApiError as error:
            envelope = _envelope_error(error, method, raw)
            check(method, envelope)
            return envelope

    @router.api_route("/method/{method}", methods=["GET", "POST"])
    async def method_endpoint(method: str, request: Request) -> Response:
        """Call a VK API method with query or form parameters."""
        raw = await _request_params(request)
        sandbox.stats.record_request("vk", method, write=method in WRITE_METHODS)
        fault = sandbox.faults.draw("vk", write=method in WRITE_METHODS or method == "execute")
        await wait_latency(sandbox.faults, "vk")
        if fault is not None and fault.kind in ("429", "error10"):
            code = e.TOO_MANY_REQUESTS if fault.kind == "429" else e.INTERNAL_ERROR
            return _vk_json(_envelope_error(VkApiError(code), method, raw))
        if fault is not None and fault.kind not in ("lost_write", "lost_write_504"):
            failure = await gateway_failure(fault)
            if failure is not None:
                return failure
        # Only an execute can fail one call inside and answer the rest; other requests drawing it go through.
        fail_pick = fault.pick if fault is not None and fault.kind == "execute_false" else None
        envelope = answer(method, raw, request, fail_pick)
        if fault is not None and fault.kind in ("lost_write", "lost_write_504"):
            return lost_write_response(fault)
        return _vk_json(envelope)

    @router.post("/upload/{key}")
    async def upload_endpoint(key: str, request: Request) -> Response:
        """Receive a market photo (multipart field `file`) and answer the opaque JSON to save it with."""
        sandbox.stats.record_request("vk", "upload", write=False)
        fault = sandbox.faults.draw("vk", write=False)
        await wait_latency(sandbox.faults, "vk")
        if fault is not None:
            # The upload server is plain HTTP: VK's in-envelope error 6 does not exist there.
            failure = await gateway_failure(replace(fault, kind="http429") if fault.kind == "429" else fault)
            if failure is not None:
                return failure
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return JSONResponse({"error": "ERR_UPLOAD_NO_FILE: multipart field 'file' is missing"})
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        problem, image = _inspect_image(data)
        if image is None:
            return JSONResponse({"error": problem})
        try:
            pending = vk.receive_upload(key, data, FORMATS[image.format or ""], image.width, image.height)
        except KeyError:
            return JSONResponse({"error": "ERR_UPLOAD_BAD_URL: unknown upload address"}, status_code=404)
        # VK's upload servers answer an opaque object; the client passes it as a string to saveProductPhoto.
        return JSONResponse({"server": 852731, "photo": pending.id, "hash": pending.hash})

    @router.get("/photo/{name}")
    async def photo_endpoint(name: str, size: str | None = None) -> Response:
        """Serve a saved photo (any of its sizes) so pages can show it; not counted, no faults."""
        stem = name.rsplit(".", 1)[0]
        owner, _, photo_id = stem.partition("_")
        photo = vk.photo(int(photo_id)) if photo_id.isdigit() else None
        if photo is None or str(photo.owner_id) != owner:
            return Response(status_code=404)
        content, media_type = photo.data, photo.content_type
        wanted = next(((w, h) for letter, w, h in photo_sizes(photo) if letter == size), None)
        if wanted is not None and wanted != (photo.width, photo.height):
            with Image.open(io.BytesIO(photo.data)) as image:
                resized = image.convert("RGB").resize(wanted)
                buffer = io.BytesIO()
                resized.save(buffer, format="JPEG", quality=85)
            content, media_type = buffer.getvalue(), "image/jpeg"
        return Response(content, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})

    return router


def _inspect_image(data: bytes) -> tuple[str, Image.Image | None]:
    if len(data) > MAX_UPLOAD_BYTES:
        return "ERR_UPLOAD_FILE_TOO_BIG: the file is larger than 10 MB", None
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "ERR_UPLOAD_BAD_IMAGE: the file is not an image", None
    if image.format not in FORMATS:
        return f"ERR_UPLOAD_BAD_IMAGE: format {image.format} is not accepted", None
    if min(image.size) < MIN_SIDE:
        return f"ERR_UPLOAD_BAD_IMAGE_SIZE: market photos must be at least {MIN_SIDE}x{MIN_SIDE}", None
    if sum(image.size) > MAX_SIDES_SUM:
        return "ERR_UPLOAD_BAD_IMAGE_SIZE: width + height must not exceed 14000", None
    return "", image
