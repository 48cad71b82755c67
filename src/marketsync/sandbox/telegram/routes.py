"""The HTTP face of the Telegram Bot API: `/bot<token>/<method>` (GET or POST; query, form, multipart or JSON
parameters; method names case-insensitive), the `{ok, result}` envelope and Telegram's error answers. getMe,
sendMessage and sendPhoto (photos.py) are emulated here, with per-chat flood control when armed (flood.py), the
update side (getUpdates, webhooks, callbacks, edits, commands) in methods.py; any other method answers 404 as an
unknown one does, until an issue needs it. The spec is read only under SANDBOX_VALIDATE_CONTRACT=1, so the demo
runs without the api-specs folder."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from marketsync.sandbox import contract
from marketsync.sandbox.faults import gateway_failure, lost_write_response, wait_latency
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.telegram.methods import (
    UPDATE_METHODS,
    call_update_method,
    message_wire,
    reply_markup_of,
    wait_for_updates,
)
from marketsync.sandbox.telegram.photos import send_photo
from marketsync.sandbox.telegram.spec import typed_params, validate_telegram_answer, validate_telegram_request
from marketsync.sandbox.telegram.state import TEXT_MAX, TelegramApiError, TgBot

TOKEN_FORMAT = re.compile(r"\d+:[A-Za-z0-9_-]+")
EMULATED = {"getme": "getMe", "sendmessage": "sendMessage", "sendphoto": "sendPhoto"}  # case-insensitive names
EMULATED.update({name.lower(): name for name in UPDATE_METHODS})
WRITE_METHODS = frozenset({"sendMessage", "sendPhoto"})
PARSE_MODES = ("HTML", "Markdown", "MarkdownV2")


def _answer(payload: dict[str, Any], status: int = 200) -> Response:
    # Telegram answers UTF-8 JSON, Cyrillic unescaped, errors with the HTTP status equal to error_code.
    return Response(json.dumps(payload, ensure_ascii=False).encode(), status_code=status,
                    media_type="application/json")


def _error(error: TelegramApiError) -> Response:
    return _answer(error.body(), error.code)


async def _raw_params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise TelegramApiError(400, "Bad Request: can't parse JSON object") from None
        if not isinstance(body, dict):
            raise TelegramApiError(400, "Bad Request: can't parse JSON object")
        params.update(body)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/")):
        form = await request.form()
        params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return params


def _chat_id(value: Any) -> int | str:
    if isinstance(value, bool) or value in (None, ""):
        raise TelegramApiError(400, "Bad Request: chat_id is empty")
    if isinstance(value, int) or (isinstance(value, str) and re.fullmatch(r"-?\d+", value)):
        return int(value)
    return str(value)


def _safe(run: Any) -> dict[str, Any]:
    try:
        return dict(run())
    except TelegramApiError as error:
        return error.body()


def telegram_router(sandbox: SandboxState) -> APIRouter:
    """Build the router serving `/telegram/...` from `sandbox`."""
    router = APIRouter(prefix="/telegram")
    telegram = sandbox.telegram

    def send_message(bot: TgBot, params: dict[str, Any]) -> dict[str, Any]:
        chat = telegram.find_chat(bot.token, _chat_id(params.get("chat_id")))
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise TelegramApiError(400, "Bad Request: message text is empty")
        if len(text) > TEXT_MAX:
            raise TelegramApiError(400, "Bad Request: message is too long")
        if params.get("parse_mode") not in (None, "", *PARSE_MODES):
            raise TelegramApiError(400, f"Bad Request: unsupported parse_mode \"{params['parse_mode']}\"")
        quiet = params.get("disable_notification") in (True, "true", "True", "1")
        message = telegram.send_message(bot.token, chat, text, disable_notification=quiet,
                                        reply_markup=reply_markup_of(params))
        return message_wire(bot, chat.wire(), message)

    def call(token: str, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        bot = telegram.bot(token)
        if bot is None:
            raise TelegramApiError(401, "Unauthorized")
        if contract.validation_enabled():
            # Form and query values are strings; the Bot API reads them by each parameter's type.
            strings = {k: v for k, v in raw.items() if isinstance(v, str)}
            validate_telegram_request(method, {**raw, **typed_params(method, strings)})
        if method == "getMe":
            return {"ok": True, "result": bot.user()}
        if method in WRITE_METHODS and (wait := _flood_wait(bot, raw)) is not None:
            raise TelegramApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if method == "sendPhoto":
            chat = telegram.find_chat(bot.token, _chat_id(raw.get("chat_id")))
            return {"ok": True, "result": send_photo(telegram, bot, chat, raw)}
        if method in UPDATE_METHODS:
            return {"ok": True, "result": call_update_method(telegram, bot, method, raw)}
        return {"ok": True, "result": send_message(bot, raw)}

    def _flood_wait(bot: TgBot, raw: dict[str, Any]) -> int | None:
        chat_id = raw.get("chat_id")
        if isinstance(chat_id, bool) or not re.fullmatch(r"-?\d+", str(chat_id or "")):
            return None
        return telegram.flood.check(bot.token, int(str(chat_id)))

    @router.api_route("/bot{token}/{method_name}", methods=["GET", "POST"])
    async def method_endpoint(token: str, method_name: str, request: Request) -> Response:
        """Call a Bot API method."""
        method = EMULATED.get(method_name.lower(), method_name)
        sandbox.stats.record_request("telegram", method, write=method in WRITE_METHODS)
        fault = sandbox.faults.draw("telegram", write=method in WRITE_METHODS)
        await wait_latency(sandbox.faults, "telegram")
        if fault is not None and fault.kind == "429":  # Telegram's flood control: the wait only in the body
            return _error(TelegramApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                                           retry_after=fault.retry_after))
        if fault is not None and fault.kind not in ("lost_write", "lost_write_504"):
            failure = await gateway_failure(fault)
            if failure is not None:
                return failure
        try:
            if not TOKEN_FORMAT.fullmatch(token) or method_name.lower() not in EMULATED:
                raise TelegramApiError(404, "Not Found")
            raw = await _raw_params(request)
            payload = call(token, method, raw)
            if method == "getUpdates":  # the long poll: an empty answer waits for an update up to `timeout`
                payload = await wait_for_updates(raw, payload, lambda: _safe(lambda: call(token, method, raw)),
                                                 request.is_disconnected)
        except TelegramApiError as error:
            payload = error.body()
        if contract.validation_enabled():
            validate_telegram_answer(method, payload)
        if fault is not None and fault.kind in ("lost_write", "lost_write_504"):
            return lost_write_response(fault)
        return _answer(payload, 200 if payload["ok"] else int(payload["error_code"]))

    return router
