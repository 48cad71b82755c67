"""The HTTP face of a fake OpenAI-compatible model under /llm/v1: `POST /llm/v1/chat/completions` with
`Authorization: Bearer <key>`, OpenAI's request (`model`, `messages` of `{role, content}`) and response shape
(`choices[0].message.content`, `usage`), the model name echoed, and OpenAI's error envelope
`{"error": {"message", "type", "param", "code"}}` (401 invalid_api_key, 400 invalid_request_error).

A request whose messages mention `verdict` is a moderation request and gets the JSON text
`{"verdict", "reasons"}` (state.py's word list decides); any other gets a description written from the product's
attribute lines. Faults (service "llm"): "500" answers OpenAI's server_error, "429"/"http429" a rate limit with
Retry-After, "502" and "timeout" gateway failures, "invalid_json" a 200 whose content is not JSON.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from marketsync.sandbox.faults import gateway_failure, wait_latency
from marketsync.sandbox.llm.state import description_answer, moderation_answer
from marketsync.sandbox.state import SandboxState

SERVICE = "llm"
ROLES = frozenset({"system", "developer", "user", "assistant"})
_ids = itertools.count(1)


def _error(status: int, message: str, kind: str, code: str | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": code}},
                        status_code=status, headers=headers)


def _invalid(body: Any) -> str | None:
    """Say what is wrong with a chat completion request, None when it is well formed."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "you must provide a model parameter"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty array"
    for n, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ROLES \
                or not isinstance(message.get("content"), str):
            return f"Invalid value for 'messages[{n}]': expected {{role, content}} with a known role"
    return None


def _completion(model: str, content: str, prompt: str) -> dict[str, Any]:
    prompt_tokens, completion_tokens = len(prompt.split()), len(content.split())
    return {
        "id": f"chatcmpl-sandbox-{next(_ids)}", "object": "chat.completion", "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def llm_router(sandbox: SandboxState) -> APIRouter:
    """Build the /llm/v1 routes and /_control/llm over the sandbox's state."""
    router = APIRouter()
    state = sandbox.llm

    @router.post("/llm/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        """POST /v1/chat/completions."""
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not state.authenticate(key.strip()):
            return _error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.", "invalid_request_error")
        if (problem := _invalid(body)) is not None:
            return _error(400, problem, "invalid_request_error")
        sandbox.stats.record_request(SERVICE, "/v1/chat/completions", write=False)
        state.remember(body)
        await wait_latency(sandbox.faults, SERVICE)
        fault = sandbox.faults.draw(SERVICE, write=False)
        if fault is not None and fault.kind == "500":
            return _error(500, "The server had an error while processing your request.", "server_error")
        if fault is not None and fault.kind in ("429", "http429"):
            return _error(429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded",
                          {"Retry-After": str(fault.retry_after)})
        messages = body["messages"]
        prompt = "\n".join(m["content"] for m in messages)
        product = "\n".join(m["content"] for m in messages if m["role"] == "user")
        if fault is not None and fault.kind == "invalid_json":
            return JSONResponse(_completion(body["model"], "Конечно! Товар выглядит хорошо, я бы его одобрил.",
                                            prompt))
        if fault is not None and (failure := await gateway_failure(fault)) is not None:
            return failure
        if "verdict" in prompt.lower():
            content = json.dumps(moderation_answer(product), ensure_ascii=False)
        else:
            content = description_answer(product)
        return JSONResponse(_completion(body["model"], content, prompt))

    @router.post("/_control/llm/keys")
    def add_key(body: dict[str, Any]) -> dict[str, Any]:
        """Accept one more API key: {"key"}."""
        state.add_key(str(body["key"]))
        return {"ok": True}

    @router.get("/_control/llm/requests")
    def requests() -> dict[str, Any]:
        """Return every chat completion request seen since the last reset."""
        return state.snapshot()

    return router
