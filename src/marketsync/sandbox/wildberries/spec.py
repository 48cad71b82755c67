"""Checks of WB requests and answers against WB's own OpenAPI 3.0.1 files (shared/api-specs/wildberries).

Each YAML is loaded once, its OpenAPI-only keywords turned into JSON Schema (`nullable: true` → a "null"
type), and registered with `referencing` under its file URI, so `#/components/...` refs resolve inside it.
A validator is built per (path, method, request | status) and cached.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from marketsync.sandbox.contract import ContractViolationError, SpecsNotFoundError, find_specs_dir

# Which YAML documents each path we emulate (the statistics stocks live in the reports section).
SPEC_FILES = {"/api/v1/supplier/stocks": "12-reports.yaml", "/api/v1/supplier/orders": "12-reports.yaml",
              "/api/v1/supplier/sales": "12-reports.yaml", "/api/v1/feedbacks": "09-communications.yaml",
              "/ping": "01-general.yaml", "/api/v1/seller-info": "01-general.yaml"}
DEFAULT_FILE = "02-products.yaml"


def to_json_schema(node: Any) -> Any:
    """Rewrite OpenAPI 3.0 schema keywords JSON Schema lacks: `nullable: true` allows null."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        elif "type" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class WbSpec:
    """One WB YAML as a registry of JSON Schemas, with cached validators of request bodies and answers."""

    def __init__(self, path: Path) -> None:
        self.uri = path.resolve().as_uri()
        self.document = to_json_schema(yaml.safe_load(path.read_text(encoding="utf-8")))
        self.registry: Registry = Registry().with_resource(self.uri, DRAFT7.create_resource(self.document))
        self._validators: dict[tuple[str, str, str], Draft7Validator | None] = {}
        self._lock = threading.Lock()

    def _follow(self, parts: list[str]) -> tuple[list[str], dict[str, Any]]:
        node: Any = self.document
        for part in parts:
            node = node[part]
        if "$ref" in node:  # a whole response object by reference (components/responses/401)
            ref = [p.replace("~1", "/").replace("~0", "~") for p in node["$ref"].removeprefix("#/").split("/")]
            return self._follow(ref)
        return parts, node

    def validator(self, path: str, method: str, what: str) -> Draft7Validator | None:
        """Return the validator of a request body (`what` = "request") or of an answer with status `what`
        (None when the spec gives that answer no JSON body)."""
        key = (path, method, what)
        with self._lock:
            if key not in self._validators:
                operation = self.document["paths"].get(path, {}).get(method)
                if operation is None:
                    raise ContractViolationError(f"WB {method.upper()} {path} is not in the spec")
                if what == "request":
                    parts, node = self._follow(["paths", path, method])
                    parts, node = ([*parts, "requestBody"], node.get("requestBody", {}))
                    if "$ref" in node:  # a shared request body (components/requestBodies/SupplierTaskRequest)
                        parts, node = self._follow(parts)
                elif what in operation.get("responses", {}):
                    parts, node = self._follow(["paths", path, method, "responses", what])
                else:
                    raise ContractViolationError(f"WB {method.upper()} {path} declares no {what} answer")
                found = "application/json" in node.get("content", {})
                schema = {"$ref": f"{self.uri}#/{_pointer(*parts, 'content', 'application/json', 'schema')}"}
                self._validators[key] = Draft7Validator(schema, registry=self.registry) if found else None
            return self._validators[key]


_specs: dict[Path, WbSpec] = {}
_lock = threading.Lock()


def _spec_dir() -> Path:
    found = find_specs_dir()
    if found is None:
        raise SpecsNotFoundError("no api-specs folder found: set SANDBOX_SPECS_DIR to shared/api-specs")
    return found / "wildberries"


def load_spec(path: str) -> WbSpec:
    """Return (loading once) the spec that documents `path`."""
    file = _spec_dir() / SPEC_FILES.get(path, DEFAULT_FILE)
    with _lock:
        if file not in _specs:
            _specs[file] = WbSpec(file)
        return _specs[file]


def _raise_first(validator: Draft7Validator, instance: Any, what: str) -> None:
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda err: list(err.path))), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise ContractViolationError(f"{what} violates the spec at {where}: {error.message}")


def validate_request(path: str, method: str, body: Any) -> None:
    """Check a request body against the operation's requestBody schema."""
    validator = load_spec(path).validator(path, method.lower(), "request")
    if validator is not None:
        _raise_first(validator, body, f"WB {method.upper()} {path} request")


def _query_value_fits(schema: dict[str, Any], value: str) -> bool:
    kind = schema.get("type")
    try:
        if kind == "integer":
            int(value)
        elif kind == "number":
            float(value)
    except ValueError:
        return False
    if kind == "boolean" and value not in ("true", "false"):
        return False
    return "enum" not in schema or value in [str(v) for v in schema["enum"]]


def validate_query(path: str, method: str, query: dict[str, str]) -> None:
    """Check a request's query against the operation's parameters: each one declared, typed as declared, and
    every required one present."""
    wb_spec = load_spec(path)
    operation = wb_spec.document["paths"].get(path, {}).get(method.lower())
    if operation is None:
        raise ContractViolationError(f"WB {method.upper()} {path} is not in the spec")
    declared: dict[str, dict[str, Any]] = {}
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = wb_spec._follow(parameter["$ref"].removeprefix("#/").split("/"))[1]
        if parameter.get("in") == "query":
            declared[parameter["name"]] = parameter
    for name, value in query.items():
        if name not in declared:
            raise ContractViolationError(f"WB {method.upper()} {path}: query parameter {name!r} is not in the spec")
        if not _query_value_fits(declared[name].get("schema", {}), value):
            raise ContractViolationError(f"WB {method.upper()} {path}: {name}={value!r} does not fit its schema")
    missing = sorted(name for name, p in declared.items() if p.get("required") and name not in query)
    if missing:
        raise ContractViolationError(f"WB {method.upper()} {path}: required query parameters missing: {missing}")


def validate_response(path: str, method: str, status: int, body: Any) -> None:
    """Check an answer (its status must be declared; its JSON body, if it has one, must match)."""
    validator = load_spec(path).validator(path, method.lower(), str(status))
    if validator is None:
        if body is not None:
            raise ContractViolationError(f"WB {method.upper()} {path} {status} has a body the spec does not give it")
        return
    _raise_first(validator, body, f"WB {method.upper()} {path} {status} answer")
