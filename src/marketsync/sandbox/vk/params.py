"""VK method parameters as the 5.199 schema declares them, and their coercion from the wire.

The table copies the constraint keys of `vk/<section>/methods.json` for the methods we emulate (a contract
test compares them), so the sandbox validates without the spec folder being deployed. Values arrive as
strings (query or form; arrays comma-separated) or, inside execute, as JSON-like literals.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from marketsync.sandbox.vk.errors import param_error

Spec = dict[str, Any]

_INT_ITEMS: Spec = {"type": "integer", "minimum": 0}
_PRICE: Spec = {"type": "number", "minimum": 0, "maximum": 999999999999}


def _item_fields(required: bool) -> list[Spec]:
    name: Spec = {"name": "name", "type": "string", "minLength": 4, "maxLength": 100}
    description: Spec = {"name": "description", "type": "string", "minLength": 10}
    category: Spec = {"name": "category_id", "type": "integer", "minimum": 0}
    if required:
        for spec in (name, description, category):
            spec["required"] = True
    return [
        name,
        description,
        category,
        {"name": "price", **_PRICE},
        {"name": "old_price", **_PRICE},
        {"name": "deleted", "type": "boolean"},
        {"name": "main_photo_id", "type": "integer", "minimum": 0},
        {"name": "photo_ids", "type": "array", "maxItems": 4, "items": _INT_ITEMS},
        {"name": "video_ids", "type": "array", "maxItems": 2, "items": _INT_ITEMS},
        {"name": "url", "type": "string", "minLength": 0, "maxLength": 320},
        {"name": "variant_ids", "type": "array", "maxItems": 2, "items": _INT_ITEMS},
        {"name": "is_main_variant", "type": "boolean"},
        {"name": "dimension_width", "type": "integer", "minimum": 0, "maximum": 100000},
        {"name": "dimension_height", "type": "integer", "minimum": 0, "maximum": 100000},
        {"name": "dimension_length", "type": "integer", "minimum": 0, "maximum": 100000},
        {"name": "weight", "type": "integer", "minimum": 0, "maximum": 100000000},
        {"name": "sku", "type": "string", "maxLength": 50},
        {"name": "stock_amount", "type": "integer", "minimum": -1, "maximum": 999999},
    ]


_OWNER: Spec = {"name": "owner_id", "type": "integer", "required": True}

PARAMS: dict[str, list[Spec]] = {
    "groups.getById": [
        {"name": "group_ids", "type": "array", "items": {"type": ["integer", "string"]}},
        {"name": "group_id", "type": ["integer", "string"]},
        {"name": "fields", "type": "array", "items": {"type": "string"}},
    ],
    "market.get": [
        _OWNER,
        {"name": "album_id", "type": "integer", "default": 0},
        {"name": "count", "type": "integer", "minimum": 0, "maximum": 200, "default": 100},
        {"name": "offset", "type": "integer", "minimum": 0},
        {"name": "extended", "type": "boolean"},
        {"name": "date_from", "type": "string"},
        {"name": "date_to", "type": "string"},
        {"name": "need_variants", "type": "boolean"},
        {"name": "with_disabled", "type": "boolean"},
        {"name": "fields", "type": "array", "items": {"type": "string"}},
    ],
    "market.getAlbums": [
        _OWNER,
        {"name": "offset", "type": "integer", "minimum": 0},
        {"name": "count", "type": "integer", "minimum": 0, "maximum": 100, "default": 50},
    ],
    "market.add": [_OWNER, *_item_fields(required=True)],
    "market.edit": [
        _OWNER,
        {"name": "item_id", "type": "integer", "required": True, "minimum": 0},
        *_item_fields(required=False),
    ],
    "market.delete": [_OWNER, {"name": "item_id", "type": "integer", "required": True, "minimum": 0}],
    "market.deleteAlbum": [_OWNER, {"name": "album_id", "type": "integer", "required": True, "minimum": 0}],
    "market.addAlbum": [
        _OWNER,
        {"name": "title", "type": "string", "required": True, "maxLength": 128},
        {"name": "photo_id", "type": "integer", "minimum": 0},
        {"name": "main_album", "type": "boolean"},
        {"name": "is_hidden", "type": "boolean"},
    ],
    "market.addToAlbum": [
        _OWNER,
        {"name": "item_ids", "type": "array", "required": True, "items": _INT_ITEMS},
        {"name": "album_ids", "type": "array", "required": True, "items": _INT_ITEMS},
    ],
    "market.getProductPhotoUploadServer": [
        {"name": "group_id", "type": "integer", "required": True, "minimum": 1},
        {"name": "bulk", "type": "boolean", "default": False},
    ],
    "market.saveProductPhoto": [{"name": "upload_response", "type": "string", "required": True}],
    # execute declares no parameters in the schema; `code` is from dev.vk.com/ru/method/execute.
    "execute": [{"name": "code", "type": "string", "required": True}],
}


def coerce_params(method: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Return the declared parameters of `method` typed and range-checked; unknown ones are dropped."""
    clean: dict[str, Any] = {}
    for spec in PARAMS.get(method, []):
        name = spec["name"]
        value = raw.get(name)
        if value is None or value == "" or value == []:
            if spec.get("required"):
                raise param_error(f"{name} is undefined")
            if "default" in spec:
                clean[name] = spec["default"]
            continue
        clean[name] = _coerce(name, spec, value)
    return clean


def _coerce(name: str, spec: Spec, value: Any) -> Any:
    kind = spec.get("type")
    if kind == "array":
        parts = value if isinstance(value, list) else [part.strip() for part in str(value).split(",") if part]
        if "maxItems" in spec and len(parts) > spec["maxItems"]:
            raise param_error(f"{name} should contain no more than {spec['maxItems']} items")
        item_spec = spec.get("items", {"type": "string"})
        return [_coerce(name, item_spec, part) for part in parts]
    if isinstance(kind, list):  # ["integer", "string"]: a numeric id or a screen name
        text = str(value).strip()
        return int(text) if text.lstrip("-").isdigit() else text
    if kind == "integer":
        typed: Any = _integer(name, value)
    elif kind == "number":
        typed = _number(name, value)
    elif kind == "boolean":
        typed = _boolean(name, value)
    else:
        typed = _string(name, value)
        length = len(typed)
        if length < spec.get("minLength", 0):
            raise param_error(f"{name} should be at least {spec['minLength']} characters long")
        if "maxLength" in spec and length > spec["maxLength"]:
            raise param_error(f"{name} should be no longer than {spec['maxLength']} characters")
        return typed
    if "minimum" in spec and typed < spec["minimum"]:
        raise param_error(f"{name} should be not less than {spec['minimum']}")
    if "maximum" in spec and typed > spec["maximum"]:
        raise param_error(f"{name} should be not more than {spec['maximum']}")
    return typed


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    raise param_error(f"{name} not integer")


def _number(name: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise param_error(f"{name} not number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise param_error(f"{name} not number") from None
    if not number.is_finite():
        raise param_error(f"{name} not number")
    return number


def _boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise param_error(f"{name} not boolean")


def _string(name: str, value: Any) -> str:
    if isinstance(value, list | dict):
        raise param_error(f"{name} not string")
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
