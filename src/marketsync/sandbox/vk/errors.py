"""VK API errors: codes from vk/errors.json and the messages VK prefixes them with."""

from __future__ import annotations

UNKNOWN_METHOD = 3
AUTH_FAILED = 5
TOO_MANY_REQUESTS = 6
INVALID_REQUEST = 8
INTERNAL_ERROR = 10
COMPILE_ERROR = 12
RUNTIME_ERROR = 13
ACCESS_DENIED = 15
PARAM_ERROR = 100
ALBUM_NOT_FOUND = 1402
ITEM_NOT_FOUND = 1403
TOO_MANY_ITEMS = 1405
TOO_MANY_ITEMS_IN_ALBUM = 1406
TOO_MANY_ALBUMS = 1407
MARKET_NOT_ENABLED = 1438
MAIN_ALBUM_HIDDEN = 1446

MESSAGES = {
    UNKNOWN_METHOD: "Unknown method passed",
    AUTH_FAILED: "User authorization failed",
    TOO_MANY_REQUESTS: "Too many requests per second",
    INVALID_REQUEST: "Invalid request",
    INTERNAL_ERROR: "Internal server error",
    COMPILE_ERROR: "Unable to compile code",
    RUNTIME_ERROR: "Runtime error occurred during code invocation",
    ACCESS_DENIED: "Access denied",
    PARAM_ERROR: "One of the parameters specified was missing or invalid",
    ALBUM_NOT_FOUND: "Album not found",
    ITEM_NOT_FOUND: "Item not found",
    TOO_MANY_ITEMS: "Too many items",
    TOO_MANY_ITEMS_IN_ALBUM: "Too many items in album",
    TOO_MANY_ALBUMS: "Too many albums",
    MARKET_NOT_ENABLED: "Market not enabled",
    MAIN_ALBUM_HIDDEN: "Main album can not be hidden",
}


class VkApiError(Exception):
    """An error VK answers inside an HTTP 200 envelope: `{"error": {"error_code", "error_msg", ...}}`."""

    def __init__(self, code: int, detail: str | None = None) -> None:
        base = MESSAGES.get(code, "Unknown error occurred")
        self.code = code
        self.msg = f"{base}: {detail}" if detail else base
        super().__init__(self.msg)


def param_error(detail: str) -> VkApiError:
    """Return error 100 naming the parameter at fault, worded as VK does."""
    return VkApiError(PARAM_ERROR, detail)
