"""The official Yandex Market Partner API spec (OpenAPI 3.0.3 split into files linked by relative $ref) as
jsonschema validators of request bodies and answers, one per (method, path template[, status]).

Each YAML file is loaded through a `referencing` retriever, its $refs made absolute against the file's URI,
and OpenAPI's `nullable: true` rewritten as JSON Schema (a "null" type), so Draft 4 (whose boolean
`exclusiveMinimum` the spec uses) checks it; `format`, `x-*` and `example` are not checked.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin
from urllib.request import url2pathname

import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from marketsync.sandbox.contract import ContractViolationError, SpecsNotFoundError, find_specs_dir

SPEC_SUBDIR = Path("yandex-market") / "partner-api" / "openapi"


def _openapi_to_jsonschema(node: Any, base: str) -> Any:
    """Make $refs absolute and `nullable` explicit, recursively."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item, base) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: (urljoin(base, value) if key == "$ref" and isinstance(value, str)
                 else _openapi_to_jsonschema(value, base))
           for key, value in node.items() if key not in ("nullable", "example", "examples")}
    if node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


class YmSpec:
    """The spec tree under `root` (…/openapi); validators are built once and cached."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths: dict[str, Any] = yaml.safe_load((root / "openapi.yaml").read_text(encoding="utf-8"))["paths"]
        self.registry: Registry = Registry(retrieve=lru_cache(maxsize=None)(self._retrieve))  # type: ignore[call-arg]
        self._validators: dict[tuple[str, ...], Draft4Validator] = {}
        self._lock = threading.Lock()

    @staticmethod
    @cache
    def _file(uri: str) -> Any:
        path = Path(url2pathname(uri.split("#", 1)[0].removeprefix("file://")))
        return _openapi_to_jsonschema(yaml.safe_load(path.read_text(encoding="utf-8")), uri.split("#", 1)[0])

    def _retrieve(self, uri: str) -> Resource:
        return DRAFT4.create_resource(self._file(uri))

    def operation(self, method: str, template: str) -> dict[str, Any]:
        """Return the operation object of `METHOD /path/{template}`."""
        item = self.paths.get(template)
        if item is None:
            raise ContractViolationError(f"Yandex Market: {template} is not in the spec")
        path_item = self._file((self.root / item["$ref"]).as_uri()) if "$ref" in item else item
        operation = path_item.get(method.lower())
        if operation is None:
            raise ContractViolationError(f"Yandex Market: {method} {template} is not in the spec")
        return dict(operation)

    def _validator(self, key: tuple[str, ...], schema: dict[str, Any]) -> Draft4Validator:
        with self._lock:
            if key not in self._validators:
                self._validators[key] = Draft4Validator(schema, registry=self.registry)
            return self._validators[key]

    def request_validator(self, method: str, template: str) -> Draft4Validator | None:
        """Return the validator of the operation's JSON request body, or None when it takes none."""
        body = self.operation(method, template).get("requestBody")
        if not body:
            return None
        schema = body["content"]["application/json"]["schema"]
        return self._validator((method, template, "request"), schema)

    def parameters(self, method: str, template: str) -> dict[str, dict[str, Any]]:
        """Return the operation's query parameters by name (aliases included), each with its schema."""
        out: dict[str, dict[str, Any]] = {}
        for param in self.operation(method, template).get("parameters", []):
            resolved = self._file(param["$ref"]) if "$ref" in param else param
            if resolved.get("in") == "query":
                for name in [resolved["name"], *resolved.get("x-aliases", [])]:
                    out[name] = resolved
        return out

    def response_validator(self, method: str, template: str, status: int) -> Draft4Validator:
        """Return the validator of the operation's answer with this HTTP status."""
        responses = self.operation(method, template)["responses"]
        response = responses.get(str(status))
        if response is None:
            raise ContractViolationError(f"Yandex Market: {method} {template} documents no HTTP {status}")
        if "$ref" in response:
            response = self._file(response["$ref"])
        schema = response["content"]["application/json"]["schema"]
        return self._validator((method, template, str(status)), schema)


_specs: dict[Path, YmSpec] = {}
_specs_lock = threading.Lock()


def load_spec(spec_dir: Path | str | None = None) -> YmSpec:
    """Load (once per folder) the spec from `api-specs` (SANDBOX_SPECS_DIR or the nearest shared/ folder)."""
    base = Path(spec_dir) if spec_dir else find_specs_dir()
    if base is None:
        raise SpecsNotFoundError("no api-specs folder found: set SANDBOX_SPECS_DIR to shared/api-specs")
    root = base / SPEC_SUBDIR if (base / SPEC_SUBDIR).is_dir() else base
    with _specs_lock:
        if root not in _specs:
            _specs[root] = YmSpec(root)
        return _specs[root]


def first_error(validator: Draft4Validator, instance: Any) -> str | None:
    """Return the first violation as "at <path>: <message>", or None when the instance is valid."""
    error = next(iter(sorted(validator.iter_errors(instance), key=lambda err: list(err.path))), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path) or "(root)"
    return f"at {where}: {error.message}"


def check_response(method: str, template: str, status: int, body: Any) -> None:
    """Raise ContractViolationError when an answer does not match the spec."""
    problem = first_error(load_spec().response_validator(method, template, status), body)
    if problem:
        raise ContractViolationError(f"Yandex Market {method} {template} HTTP {status} answer {problem}")
