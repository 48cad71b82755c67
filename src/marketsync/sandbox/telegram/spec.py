"""The Telegram emulator against the published spec (`api-specs/telegram/openapi.json`, Bot API 8.1): a method's
parameters read from a form or a query as the Bot API reads them (typed by the spec), and validators of its
request body, its `{ok, result}` answer and the error envelope (components.schemas.Error)."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from marketsync.sandbox.contract import ContractViolationError, SpecsNotFoundError, find_specs_dir

SPEC_URI = "urn:marketsync:telegram-openapi"


class TelegramSpec:
    """openapi.json in a `referencing` registry; validators built once per method."""

    def __init__(self, path: Path) -> None:
        self.document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self.registry: Registry = Registry().with_resource(SPEC_URI, DRAFT7.create_resource(self.document))
        self._validators: dict[tuple[str, str], Draft7Validator] = {}
        self._lock = threading.Lock()

    def _operation(self, method: str) -> dict[str, Any]:
        return dict(self.document["paths"][f"/{method}"]["post"])

    def _validator(self, method: str, part: str, pointer: str) -> Draft7Validator:
        with self._lock:
            if (method, part) not in self._validators:
                self._validators[(method, part)] = Draft7Validator({"$ref": f"{SPEC_URI}#{pointer}"},
                                                                   registry=self.registry)
            return self._validators[(method, part)]

    def _content_type(self, method: str) -> str | None:
        # JSON where the spec offers it; multipart where it is the only body (setWebhook, sendPhoto: uploads).
        body = self._operation(method).get("requestBody")
        if not body:
            return None
        return next((kind for kind in ("application/json", "multipart/form-data") if kind in body["content"]), None)

    def params_schema(self, method: str) -> dict[str, Any]:
        """Return the request body's schema of a method ({} for a method without parameters)."""
        kind = self._content_type(method)
        return dict(self._operation(method)["requestBody"]["content"][kind]["schema"]) if kind else {}

    def request_validator(self, method: str) -> Draft7Validator:
        """Return the validator of a method's parameters (its application/json, else multipart, request body)."""
        if not self.params_schema(method):
            return Draft7Validator({"type": "object", "maxProperties": 0})
        kind = str(self._content_type(method)).replace("/", "~1")
        return self._validator(method, "request", f"/paths/~1{method}/post/requestBody/content/{kind}/schema")

    def response_validator(self, method: str) -> Draft7Validator:
        """Return the validator of a method's success envelope `{"ok": true, "result": ...}`."""
        return self._validator(method, "response",
                               f"/paths/~1{method}/post/responses/200/content/application~1json/schema")

    def error_validator(self) -> Draft7Validator:
        """Return the validator of the error envelope."""
        return self._validator("", "error", "/components/schemas/Error")


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(path: Path) -> TelegramSpec:
    return TelegramSpec(path)


def load_telegram_spec(spec_dir: Path | str | None = None) -> TelegramSpec:
    """Load (once) openapi.json from `api-specs` (found as sandbox.contract finds it) or its `telegram` folder."""
    folder = Path(spec_dir) if spec_dir is not None else find_specs_dir()
    if folder is None:
        raise SpecsNotFoundError("no api-specs folder found: set SANDBOX_SPECS_DIR to shared/api-specs")
    path = folder / "telegram" / "openapi.json" if (folder / "telegram").is_dir() else folder / "openapi.json"
    with _lock:
        return _load(path)


def _typed(value: str, schema: dict[str, Any]) -> Any:
    """Read one form or query value as the spec types the parameter: numbers, booleans, JSON-serialized objects."""
    kinds = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
    refs = "$ref" in schema or any("$ref" in option for option in schema.get("anyOf", []))
    if kinds & {"integer", "number"} and value.lstrip("-").isdigit():
        return int(value)
    if "boolean" in kinds and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if refs or kinds & {"object", "array"}:
        try:
            return json.loads(value)
        except ValueError:
            return value  # the schema then refuses it, as Telegram would
    return value


def typed_params(method: str, raw: dict[str, str], spec: TelegramSpec | None = None) -> dict[str, Any]:
    """Type the string parameters of a form or query by the method's declared parameters."""
    properties = (spec or load_telegram_spec()).params_schema(method).get("properties", {})
    return {name: _typed(value, properties[name]) if name in properties else value for name, value in raw.items()}


def _raise_first(validator: Draft7Validator, instance: Any, what: str) -> None:
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda err: list(err.path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise ContractViolationError(f"{what} violates the spec at {where}: {error.message}")


def validate_telegram_request(method: str, params: dict[str, Any], spec: TelegramSpec | None = None) -> None:
    """Check a method's (typed) parameters against its request body schema; raise ContractViolationError."""
    _raise_first((spec or load_telegram_spec()).request_validator(method), params, f"Telegram {method} request")


def validate_telegram_answer(method: str, payload: dict[str, Any], spec: TelegramSpec | None = None) -> None:
    """Check an answer, success or error envelope, against the spec; raise ContractViolationError."""
    spec = spec or load_telegram_spec()
    if payload.get("ok") is True:
        _raise_first(spec.response_validator(method), payload, f"Telegram {method} answer")
    else:
        _raise_first(spec.error_validator(), payload, f"Telegram {method} error")
