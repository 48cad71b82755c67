"""Checks of the emulators against the published specs: VK's JSON schema (5.199) and Evotor's fixture shapes.

VK's schema files are split and use the draft-03 style `"required": true` on properties; they are loaded
through a `referencing` retriever and rewritten to draft-07 `required` arrays so required fields are really
enforced. With SANDBOX_VALIDATE_CONTRACT=1 the sandbox checks every answer it produces against them.
"""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from urllib.request import url2pathname

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

# `inner_type` is a discriminator of VK's code generators, marked required but never sent on the wire.
IGNORED_REQUIRED = frozenset({"inner_type"})
METHOD_FILES = ("market/methods.json", "groups/methods.json", "execute/methods.json")

_DATE = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$"}
_ID = {"type": "string", "minLength": 1}
_NUMBER = {"type": "number"}
# Shapes seen in evotor/cloud-sdk-fixtures (stores/GET 1.json, GET stores.json, stores/*/GET products.json);
# the fields some fixtures lack are optional. Groups have no fixture: fields from the v2 docs.
EVOTOR_SCHEMAS: dict[str, dict[str, Any]] = {
    "store": {
        "type": "object",
        "required": ["id", "name", "created_at", "updated_at"],
        "properties": {
            "id": _ID,
            "name": {"type": "string"},
            "address": {"type": "string"},
            "created_at": _DATE,
            "updated_at": _DATE,
        },
        "additionalProperties": False,
    },
    "group": {
        "type": "object",
        "required": ["id", "name", "created_at", "updated_at"],
        "properties": {
            "id": _ID,
            "name": {"type": "string"},
            "parent_id": _ID,
            "store_id": _ID,
            "user_id": {"type": "string"},
            "created_at": _DATE,
            "updated_at": _DATE,
        },
        "additionalProperties": False,
    },
    "product": {
        "type": "object",
        "required": [
            "id",
            "name",
            "type",
            "price",
            "cost_price",
            "quantity",
            "tax",
            "allow_to_sell",
            "created_at",
            "updated_at",
        ],
        "properties": {
            "id": _ID,
            "name": {"type": "string", "minLength": 1},
            "code": {"type": "string"},
            "article_number": {"type": "string"},
            "barcodes": {"type": "array", "items": {"type": "string"}},
            "price": _NUMBER,
            "cost_price": _NUMBER,
            "quantity": _NUMBER,
            "measure_name": {"type": "string"},
            "tax": {
                "enum": [
                    "NO_VAT",
                    "VAT_0",
                    "VAT_10",
                    "VAT_18",
                    "VAT_10_110",
                    "VAT_18_118",
                    "VAT_20",
                    "VAT_20_120",
                ]
            },
            "type": {
                "enum": [
                    "NORMAL",
                    "SERVICE",
                    "ALCOHOL_MARKED",
                    "ALCOHOL_NOT_MARKED",
                    "TOBACCO_MARKED",
                    "SHOES_MARKED",
                ]
            },
            "allow_to_sell": {"type": "boolean"},
            "description": {"type": "string"},
            "parent_id": _ID,
            "store_id": _ID,
            "user_id": {"type": "string"},
            "created_at": _DATE,
            "updated_at": _DATE,
        },
        "additionalProperties": False,
    },
    "error": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {
                        "code": {"type": "integer"},
                        "reason": {"type": "string"},
                        "subject": {"type": "string"},
                        "value": {},
                    },
                },
            }
        },
    },
}


class ContractViolationError(Exception):
    """An emulator answer (or request) does not match the published spec."""


class SpecsNotFoundError(ContractViolationError):
    """The spec folder could not be found."""


def validation_enabled() -> bool:
    """Return whether SANDBOX_VALIDATE_CONTRACT=1 asks the sandbox to check its own answers."""
    return os.environ.get("SANDBOX_VALIDATE_CONTRACT") == "1"


def find_specs_dir() -> Path | None:
    """Return SANDBOX_SPECS_DIR, else the nearest `shared/api-specs` beside an ancestor of this file."""
    configured = os.environ.get("SANDBOX_SPECS_DIR")
    if configured:
        return Path(configured) if Path(configured).is_dir() else None
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "api-specs"
        if candidate.is_dir():
            return candidate
    return None


def to_draft7(node: Any) -> Any:
    """Rewrite draft-03 `"required": true` on properties into draft-07 `required` arrays, recursively.

    Also drops `additionalProperties: false`: VK extends such objects through `allOf` (groups_group_full
    adds `market` to the closed groups_group), which a draft-07 validator would then always reject.
    """
    if isinstance(node, list):
        return [to_draft7(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: to_draft7(value)
        for key, value in node.items()
        if key != "$schema"
        and not (key == "required" and isinstance(value, bool))
        and not (key == "additionalProperties" and value is False)
    }
    properties = node.get("properties")
    if isinstance(properties, dict):
        required = [
            name
            for name, sub in properties.items()
            if isinstance(sub, dict) and sub.get("required") is True and name not in IGNORED_REQUIRED
        ]
        if isinstance(node.get("required"), list):
            required = [*node["required"], *(name for name in required if name not in node["required"])]
        if required:
            out["required"] = required
    return out


def _absolute_refs(node: Any, base: str) -> Any:
    if isinstance(node, list):
        return [_absolute_refs(item, base) for item in node]
    if isinstance(node, dict):
        return {
            key: urljoin(base, value)
            if key == "$ref" and isinstance(value, str)
            else _absolute_refs(value, base)
            for key, value in node.items()
        }
    return node


class VkSchema:
    """VK's split schema with a file retriever; validators per method are built once and cached."""

    def __init__(self, vk_dir: Path) -> None:
        self.vk_dir = vk_dir
        self.registry: Registry = Registry(retrieve=lru_cache(maxsize=None)(self._retrieve))  # type: ignore[call-arg]
        self.methods: dict[str, tuple[str, dict[str, Any]]] = {}
        for relative in METHOD_FILES:
            uri = (vk_dir / relative).as_uri()
            for method in json.loads((vk_dir / relative).read_text(encoding="utf-8"))["methods"]:
                self.methods[method["name"]] = (uri, method)
        self._validators: dict[tuple[str, str], Draft7Validator] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _retrieve(uri: str) -> Resource:
        path = Path(url2pathname(uri.removeprefix("file://")))
        return DRAFT7.create_resource(to_draft7(json.loads(path.read_text(encoding="utf-8"))))

    def _validator(self, key: tuple[str, str], schema: dict[str, Any]) -> Draft7Validator:
        with self._lock:
            if key not in self._validators:
                self._validators[key] = Draft7Validator(schema, registry=self.registry)
            return self._validators[key]

    def response_validator(self, method: str, *, extended: bool = False) -> Draft7Validator:
        """Return the validator of a method's success envelope `{"response": ...}`."""
        uri, spec = self._method(method)
        responses = spec["responses"]
        name = (
            "extendedResponse"
            if extended and "extendedResponse" in responses
            else ("response" if "response" in responses else next(iter(responses)))
        )
        return self._validator((method, name), {"$ref": urljoin(uri, responses[name]["$ref"])})

    def error_validator(self) -> Draft7Validator:
        """Return the validator of VK's error envelope `{"error": base_error}`."""
        base_error = (self.vk_dir / "base/objects.json").as_uri() + "#/definitions/base_error"
        schema = {"type": "object", "required": ["error"], "properties": {"error": {"$ref": base_error}}}
        return self._validator(("", "error"), schema)

    def params_validator(self, method: str) -> Draft7Validator:
        """Return a validator of a method's typed parameters, built from its `parameters` list."""
        uri, spec = self._method(method)
        properties, required = {}, []
        for param in spec.get("parameters", []):
            if param.get("required") is True:
                required.append(param["name"])
            sub = {key: value for key, value in param.items() if key not in ("name", "description")}
            properties[param["name"]] = _absolute_refs(to_draft7(sub), uri)
        schema = {"type": "object", "properties": properties, "required": required}
        return self._validator((method, "params"), schema)

    def _method(self, method: str) -> tuple[str, dict[str, Any]]:
        if method not in self.methods:
            raise ContractViolationError(f"VK method {method} is not in the schema files")
        return self.methods[method]


_schemas: dict[Path, VkSchema] = {}
_schemas_lock = threading.Lock()


def load_vk_schema(spec_dir: Path | str) -> VkSchema:
    """Load (once per folder) VK's schema from `api-specs` or from its `vk` subfolder."""
    path = Path(spec_dir)
    vk_dir = path / "vk" if (path / "vk").is_dir() else path
    with _schemas_lock:
        if vk_dir not in _schemas:
            _schemas[vk_dir] = VkSchema(vk_dir)
        return _schemas[vk_dir]


def _default_schema() -> VkSchema:
    spec_dir = find_specs_dir()
    if spec_dir is None:
        raise SpecsNotFoundError("no api-specs folder found: set SANDBOX_SPECS_DIR to shared/api-specs")
    return load_vk_schema(spec_dir)


def _raise_first(validator: Draft7Validator, instance: Any, what: str) -> None:
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda err: list(err.path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise ContractViolationError(f"{what} violates the spec at {where}: {error.message}")


def validate_vk_response(
    method: str, payload: dict[str, Any], *, extended: bool = False, schema: VkSchema | None = None
) -> None:
    """Check a VK answer (success or error envelope) against the schema; raise ContractViolationError."""
    schema = schema or _default_schema()
    if "error" in payload:
        _raise_first(schema.error_validator(), payload, f"VK {method} error")
    elif method != "execute":
        _raise_first(schema.response_validator(method, extended=extended), payload, f"VK {method} response")


def validate_vk_params(method: str, params: dict[str, Any], *, schema: VkSchema | None = None) -> None:
    """Check typed VK call parameters against the method's declared parameters."""
    schema = schema or _default_schema()
    _raise_first(schema.params_validator(method), params, f"VK {method} parameters")


def validate_evotor(kind: str, payload: Any) -> None:
    """Check an Evotor object (`store`, `group`, `product`, `error`) or list page (`stores`, ...)."""
    if kind.endswith("s") and kind[:-1] in EVOTOR_SCHEMAS:
        schema: dict[str, Any] = {
            "type": "object",
            "required": ["items", "paging"],
            "properties": {
                "items": {"type": "array", "items": EVOTOR_SCHEMAS[kind[:-1]]},
                "paging": {
                    "type": "object",
                    "properties": {"next_cursor": {"type": "string", "minLength": 1}},
                    "additionalProperties": False,
                },
            },
            "additionalProperties": False,
        }
    else:
        schema = EVOTOR_SCHEMAS[kind]
    _raise_first(Draft7Validator(schema), payload, f"Evotor {kind}")
