"""VK's execute: run the parsed VKScript calls in order, a failed call leaving `false` and an error entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marketsync.sandbox.stats import RequestStats
from marketsync.sandbox.vk import errors as e
from marketsync.sandbox.vk.errors import VkApiError
from marketsync.sandbox.vk.methods import WRITE_METHODS, CallContext, call_method
from marketsync.sandbox.vkscript import VkScriptError, parse

MAX_CALLS = 25  # dev.vk.com/ru/method/execute: at most 25 API calls per execute

ResultCheck = Callable[[str, dict[str, Any], Any], None]  # (method, arguments, result)


def run_execute(
    ctx: CallContext, code: str, stats: RequestStats, check: ResultCheck | None = None
) -> tuple[Any, list[dict[str, Any]]]:
    """Run `code`; return what its `return` yields and the `execute_errors` list (empty if none failed)."""
    try:
        program = parse(code)
    except VkScriptError as error:
        raise VkApiError(e.COMPILE_ERROR, str(error)) from None
    if len(program.calls) > MAX_CALLS:
        raise VkApiError(e.RUNTIME_ERROR, f"too many API calls ({len(program.calls)} > {MAX_CALLS})")
    results: list[Any] = []
    failures: list[dict[str, Any]] = []
    for call in program.calls:
        stats.record_call("vk", call.method, write=call.method in WRITE_METHODS)
        try:
            if call.method == "execute":
                raise VkApiError(e.UNKNOWN_METHOD, "execute cannot be called from execute")
            result = call_method(ctx, call.method, call.args)
        except VkApiError as error:
            results.append(False)
            failures.append({"method": call.method, "error_code": error.code, "error_msg": error.msg})
            continue
        if check is not None:
            check(call.method, call.args, result)
        results.append(result)
    return (results if program.returns_list else results[0]), failures
