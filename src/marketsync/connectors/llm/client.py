"""OpenAI-compatible chat completions: `POST {base_url}/chat/completions` with `Authorization: Bearer <key>`.

One method per use: `moderate` asks for a JSON verdict (JSON mode, temperature 0) and validates it against
ModerationAnswer; `describe` asks for plain text. Errors map to the ConnectorError tree: 401/403 → ConfigError
(a wrong key or model access), other 4xx → RejectedError (the request was refused), 429 → RateLimited and 5xx,
timeouts and lost answers → TransientError (http.py). A completion changes nothing remotely, so a failed one may
be asked again (idempotent); an answer that is not the JSON asked for → MalformedResponseError. The caller
decides what a failure means: the moderation never lets one block a product.
"""

from __future__ import annotations

import json
import re

import httpx
from pydantic import ValidationError

from marketsync.connectors.errors import ConfigError, MalformedResponseError, RejectedError
from marketsync.connectors.llm.schemas import ChatMessage, ChatRequest, ChatResponse, ErrorBody, ModerationAnswer
from marketsync.http import HttpClient, HttpConfig, Recorder, parse_json
from marketsync.security import sha256_hex

SYSTEM = "llm"
# ```json ... ``` around the object: models add it even in JSON mode; the object inside is what counts.
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def classify(response: httpx.Response) -> None:
    """Raise the ConnectorError an error answer stands for (nothing for a 2xx)."""
    status = response.status_code
    if status < 400:
        return
    try:
        detail = ErrorBody.model_validate(response.json()).error.message
    except (ValueError, ValidationError):
        detail = response.text[:200]
    text = f"{SYSTEM}: HTTP {status}: {detail}"
    if status in (401, 403):
        raise ConfigError(text, code=status, key="token_rejected", params={"system": SYSTEM, "code": status,
                                                                            "detail": detail})
    raise RejectedError(text, code=status, key="refused", params={"system": SYSTEM, "code": status,
                                                                  "detail": detail})


def parse_moderation(content: str) -> ModerationAnswer:
    """Read the model's text as the moderation JSON; raise MalformedResponseError saying what is wrong."""
    match = _FENCE.match(content)
    text = match.group(1) if match else content.strip()
    try:
        return ModerationAnswer.model_validate(json.loads(text))
    except ValueError as exc:  # json.JSONDecodeError and pydantic's ValidationError are both ValueErrors
        reason = "not JSON" if isinstance(exc, json.JSONDecodeError) else "not a {verdict, reasons} object"
        raise MalformedResponseError(f"{SYSTEM}: the model's answer is {reason}: {text[:120]!r}",
                                     key="malformed", params={"system": SYSTEM, "detail": reason}) from exc


class LlmClient:
    """Talks to one OpenAI-compatible endpoint with one key and one model."""

    def __init__(self, base_url: str, model: str, key: str, *, timeout: float | None = None,
                 max_attempts: int | None = None, recorder: Recorder | None = None) -> None:
        self.model = model
        self.http = HttpClient(HttpConfig(
            system=SYSTEM, base_url=base_url, credential=key or "no-key", rate_per_second=None,
            breaker_key=f"{SYSTEM}:{sha256_hex(base_url + key)[:16]}",
            headers={"Authorization": f"Bearer {key}"} if key else {},
            recorder=recorder, timeout=timeout, max_attempts=max_attempts,
        ))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.http.close()

    def complete(self, messages: list[ChatMessage], *, json_answer: bool = False) -> str:
        """POST /chat/completions: return the first choice's text (JSON mode when `json_answer`)."""
        body = ChatRequest(model=self.model, messages=messages,
                           response_format={"type": "json_object"} if json_answer else None)
        response = self.http.request("POST", "/chat/completions", idempotent=True, classify=classify,
                                     json=body.model_dump(exclude_none=True))
        try:
            answer = ChatResponse.model_validate(parse_json(response, SYSTEM))
        except ValidationError as exc:
            raise MalformedResponseError(f"{SYSTEM}: the answer is not a chat completion",
                                         params={"system": SYSTEM, "detail": "not a chat completion"}) from exc
        content = answer.choices[0].message.content
        if not content or not content.strip():
            raise MalformedResponseError(f"{SYSTEM}: the answer has no text",
                                         params={"system": SYSTEM, "detail": "empty answer"})
        return content

    def moderate(self, instructions: str, product: str) -> ModerationAnswer:
        """Ask for a moderation verdict on a product's text; return it validated."""
        content = self.complete([ChatMessage(role="system", content=instructions),
                                 ChatMessage(role="user", content=product)], json_answer=True)
        return parse_moderation(content)

    def describe(self, instructions: str, product: str) -> str:
        """Ask for a product description written from its attributes; return the text."""
        return self.complete([ChatMessage(role="system", content=instructions),
                              ChatMessage(role="user", content=product)]).strip()
