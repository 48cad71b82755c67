"""A parser for the small subset of VKScript our client sends to execute.

Accepted: `return API.a.b({...});` and `return [API.a.b({...}), API.c.d({...}), ...];`, where each argument
is an object literal with bare or quoted keys and literal values (numbers, strings in double or single
quotes, true/false/null, arrays and objects of those). Anything else is a compile error (VK error 12).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*)
  | (?P<number>-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>[\[\]{}(),.:;])
    """,
    re.VERBOSE,
)
_LITERALS = {"true": True, "false": False, "null": None}


class VkScriptError(ValueError):
    """The code is outside the supported subset or malformed."""


@dataclass(frozen=True)
class ApiCall:
    """One `API.<method>({...})` call."""

    method: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Program:
    """The calls of a `return` statement; `returns_list` when they were written as an array."""

    calls: tuple[ApiCall, ...]
    returns_list: bool


def parse(code: str) -> Program:
    """Parse VKScript code into its API calls; raise VkScriptError when it cannot be compiled."""
    parser = _Parser(_tokenize(code))
    program = parser.program()
    return program


def _tokenize(code: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(code):
        match = _TOKEN.match(code, position)
        if match is None:
            raise VkScriptError(f"unexpected character {code[position]!r} at {position}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append((kind, match.group()))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.index] if self.index < len(self.tokens) else ("end", "")

    def take(self, text: str | None = None, kind: str | None = None) -> str:
        token_kind, token = self.peek()
        if (text is not None and token != text) or (kind is not None and token_kind != kind):
            expected = text or kind
            raise VkScriptError(f"expected {expected!r}, found {token or 'end of code'!r}")
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        if self.peek()[1] == text and self.peek()[0] in ("punct", "name"):
            self.index += 1
            return True
        return False

    def program(self) -> Program:
        self.take("return")
        if self.accept("["):
            calls: list[ApiCall] = []
            while not self.accept("]"):
                calls.append(self.call())
                if not self.accept(","):
                    self.take("]")
                    break
            program = Program(tuple(calls), True)
        else:
            program = Program((self.call(),), False)
        self.accept(";")
        if self.peek()[0] != "end":
            raise VkScriptError(f"unexpected {self.peek()[1]!r} after the return statement")
        return program

    def call(self) -> ApiCall:
        self.take("API")
        parts = []
        while self.accept("."):
            parts.append(self.take(kind="name"))
        if len(parts) < 2:
            raise VkScriptError("expected API.<section>.<method>")
        self.take("(")
        args = {} if self.peek()[1] == ")" else self.object()
        self.take(")")
        return ApiCall(".".join(parts), args)

    def object(self) -> dict[str, Any]:
        self.take("{")
        result: dict[str, Any] = {}
        while not self.accept("}"):
            kind, token = self.peek()
            if kind == "name":
                key = self.take()
            elif kind == "string":
                key = _string(self.take())
            else:
                raise VkScriptError(f"expected a key, found {token or 'end of code'!r}")
            self.take(":")
            result[key] = self.value()
            if not self.accept(","):
                self.take("}")
                break
        return result

    def value(self) -> Any:
        kind, token = self.peek()
        if token == "{" and kind == "punct":
            return self.object()
        if token == "[" and kind == "punct":
            self.take("[")
            items: list[Any] = []
            while not self.accept("]"):
                items.append(self.value())
                if not self.accept(","):
                    self.take("]")
                    break
            return items
        self.index += 1
        if kind == "number":
            return json.loads(token)
        if kind == "string":
            return _string(token)
        if kind == "name" and token in _LITERALS:
            return _LITERALS[token]
        raise VkScriptError(f"unsupported value {token or 'end of code'!r}")


def _string(token: str) -> str:
    if token.startswith("'"):
        # Re-quote a single-quoted literal so JSON decodes its escapes the same way.
        token = '"' + token[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
    try:
        return str(json.loads(token))
    except json.JSONDecodeError as error:
        raise VkScriptError(f"bad string literal {token}") from error
