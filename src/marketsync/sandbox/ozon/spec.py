"""Ozon's OpenAPI 3.0 file (api-specs/ozon/swagger.json) as JSON-schema validators of our paths' bodies.

The document is loaded once, its OpenAPI-only keywords rewritten for a draft-4 validator (`nullable`, the
draft-03 style `"required": true` a few properties carry), and registered with `referencing`, so the
internal `#/components/...` refs resolve. Two upstream defects are mended (SOURCES.md "Known defects"): the
`/v2/products/stocks` item still requires `quant_size` (switched off on 26 June 2025) and `product_id`,
though the text allows `offer_id` instead. The emulator uses the request validators to refuse what Ozon's
gateway would (400), and, with SANDBOX_VALIDATE_CONTRACT=1, checks every answer it gives.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from marketsync.sandbox.contract import ContractViolationError, SpecsNotFoundError, find_specs_dir

URI = "urn:marketsync:ozon-swagger"
STOCKS_ITEM = "productv2ProductsStocksRequestStock"


def _json_pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _to_draft4(node: Any) -> Any:
    """Rewrite OpenAPI 3.0 schema keywords a JSON-schema validator does not know, recursively."""
    if isinstance(node, list):
        return [_to_draft4(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_draft4(value) for key, value in node.items()
           if key not in ("example", "examples", "nullable", "discriminator", "xml", "externalDocs")
           and not (key == "required" and isinstance(value, bool))}
    properties = node.get("properties")
    if isinstance(properties, dict):
        flagged = [name for name, sub in properties.items() if isinstance(sub, dict) and sub.get("required") is True]
        if flagged:
            out["required"] = [*node.get("required", []), *flagged] if isinstance(node.get("required"), list) \
                else flagged
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        out["type"] = [node["type"], "null"]
    return out


def _mend(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    item = schemas.get(STOCKS_ITEM)
    if item is not None:
        # Known defect: quant_size is gone from the properties; offer_id or product_id addresses the product.
        item["required"] = [name for name in item.get("required", []) if name not in ("quant_size", "product_id")]
        item["anyOf"] = [{"required": ["offer_id"]}, {"required": ["product_id"]}]
    return document


class OzonSpec:
    """Validators of one operation's request body and 200 answer, and of the rpcStatus error body."""

    def __init__(self, path: Path) -> None:
        raw = json.loads(path.read_text(encoding="utf-8"))
        self.document = _mend(_to_draft4(copy.deepcopy(raw)))
        self.registry: Registry = Registry().with_resource(URI, DRAFT4.create_resource(self.document))
        self._validators: dict[str, Draft4Validator] = {}
        self._lock = threading.Lock()

    def _validator(self, pointer: str) -> Draft4Validator:
        with self._lock:
            if pointer not in self._validators:
                self._validators[pointer] = Draft4Validator({"$ref": f"{URI}#/{pointer}"}, registry=self.registry)
            return self._validators[pointer]

    def _operation(self, path: str) -> dict[str, Any]:
        operation = self.document["paths"].get(path, {}).get("post")
        if operation is None:
            raise ContractViolationError(f"Ozon POST {path} is not in the spec")
        return operation  # type: ignore[no-any-return]

    def request_errors(self, path: str, body: Any) -> list[str]:
        """Return what is wrong with a request body, as readable lines (empty: valid)."""
        if "requestBody" not in self._operation(path):
            return []  # /v1/warehouse/list declares no body
        pointer = _json_pointer("paths", path, "post", "requestBody", "content", "application/json", "schema")
        return _errors(self._validator(pointer), body)

    def response_errors(self, path: str, body: Any, status: int = 200) -> list[str]:
        """Return what is wrong with an answer of `path` (200) or an error body (rpcStatus)."""
        if status != 200:
            return _errors(self._validator("components/schemas/rpcStatus"), body)
        self._operation(path)
        pointer = _json_pointer("paths", path, "post", "responses", "200", "content", "application/json", "schema")
        return _errors(self._validator(pointer), body)


def _errors(validator: Draft4Validator, instance: Any) -> list[str]:
    found = sorted(validator.iter_errors(instance), key=lambda err: [str(p) for p in err.absolute_path])
    return [f"{'/'.join(str(p) for p in err.absolute_path) or '(root)'}: {err.message}" for err in found]


_spec: OzonSpec | None = None
_spec_lock = threading.Lock()


def ozon_spec() -> OzonSpec:
    """Return the Ozon spec found beside the repository (SANDBOX_SPECS_DIR overrides), loaded once."""
    global _spec
    with _spec_lock:
        if _spec is None:
            specs = find_specs_dir()
            if specs is None or not (specs / "ozon" / "swagger.json").is_file():
                raise SpecsNotFoundError("no api-specs/ozon/swagger.json found: set SANDBOX_SPECS_DIR")
            _spec = OzonSpec(specs / "ozon" / "swagger.json")
        return _spec


def check_response(path: str, body: Any, status: int = 200) -> None:
    """Raise ContractViolationError when an answer of ours does not match the spec."""
    errors = ozon_spec().response_errors(path, body, status)
    if errors:
        raise ContractViolationError(f"Ozon {path} answer (HTTP {status}) violates the spec at {errors[0]}")
