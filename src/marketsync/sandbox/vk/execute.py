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
    ctx: CallContext, code: str, stats: RequestStats, check: ResultCheck | None = None,
    fail_pick: float | None = None,
) -> tuple[Any, list[dict[str, Any]]]:
    """Run `code`; return what its `return` yields and the `execute_errors` list (empty if none failed).

    `fail_pick` (0..1, an injected fault) chooses one write call that fails with VK's internal error 10,
    unapplied, as VK reports a call that broke inside an otherwise successful execute.
    """
    try:
        program = parse(code)
    except VkScriptError as error:
        raise VkApiError(e.COMPILE_ERROR, str(error)) from None
    if len(program.calls) > MAX_CALLS:
        raise VkApiError(e.RUNTIME_ERROR, f"too many API calls ({len(program.calls)} > {MAX_CALLS})")
    writes = [i for i, call in enumerate(program.calls) if call.method in WRITE_METHODS]
    doomed = writes[min(int(fail_pick * len(writes)), len(writes) - 1)] if fail_pick is not None and writes \
        else None
    results: list[Any] = []
    failures: list[dict[str, Any]] = []
    for index, call in enumerate(program.calls):
        stats.record_call("vk", call.method, write=call.method in WRITE_METHODS)
        try:
            if call.method == "execute":
                raise VkApiError(e.UNKNOWN_METHOD, "execute cannot be called from execute")
            if index == doomed:
                raise VkApiError(e.INTERNAL_ERROR)
            result = call_method(ctx, call.method, call.args)
        except VkApiError as error:
            results.append(False)
            failures.append({"method": call.method, "error_code": error.code, "error_msg": error.msg})
            continue
        if check is not None:
            check(call.method, call.args, result)
        results.append(result)
    return (results if program.returns_list else results[0]), failures
