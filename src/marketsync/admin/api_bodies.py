"""The API log's bodies made readable: JSON indented, form bodies (VK's `code=...&v=5.199`) split into decoded
fields, anything else as stored. Every body is redacted before it is decoded and its decoded parts again after,
so a secret hidden by percent- or \\u-escapes is caught once it is readable."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from marketsync.security import REDACTED, redact

PREVIEW = 120
# name=value pairs joined by &, names without spaces or quotes: what httpx sends for data={...}
_FORM = re.compile(r"[^=&\s\"'{}\[\]]+=[^&\s]*(?:&[^=&\s\"'{}\[\]]+=[^&\s]*)*")


@dataclass(frozen=True)
class Body:
    """A stored body as shown: "json" (decoded, on one line; `indented` for the call's page), "form" (decoded
    fields) or "text" (as stored)."""

    kind: str
    text: str
    fields: tuple[tuple[str, str], ...] = ()
    data: Any = field(default=None, compare=False)  # the parsed JSON

    @property
    def indented(self) -> str:
        """Return the whole body as the call's page shows it: JSON indented two spaces, anything else as text."""
        if self.kind != "json":
            return self.text
        # Indenting runs json's pure-Python encoder (ten times the C one's time): only for the one call shown.
        return redact(json.dumps(self.data, ensure_ascii=False, indent=2)) or ""

    @property
    def preview(self) -> str:
        """Return one line of the decoded body for a collapsed row."""
        shown = " & ".join(f"{name}={value}" for name, value in self.fields) if self.fields else self.text
        line = " ".join(shown.split())
        return line if len(line) <= PREVIEW else line[:PREVIEW] + "…"

    @property
    def plain(self) -> str:
        """Return the whole decoded body as text for a download: form fields one per line, JSON on one line."""
        return "\n".join(f"{name}={value}" for name, value in self.fields) if self.fields else self.text


def _secret_name(name: str) -> bool:
    return redact(f"{name}=x") == f"{name}={REDACTED}"


def _json(text: str) -> Body | None:
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        parsed: Any = json.loads(text)
    except ValueError:  # cut at the stored length, or not JSON at all
        return None
    return Body("json", redact(json.dumps(parsed, ensure_ascii=False)) or "", data=parsed)


def _form_fields(text: str) -> tuple[tuple[str, str], ...] | None:
    if not _FORM.fullmatch(text.strip()):
        return None
    fields = parse_qsl(text.strip(), keep_blank_values=True, errors="replace")
    return tuple((name, REDACTED if _secret_name(name) else redact(value) or "") for name, value in fields)


def readable(stored: str | None) -> Body | None:
    """Decode a stored request or response body for display; None when there is none."""
    text = redact(stored)
    if not text:
        return None
    decoded = _json(text)
    if decoded is not None:
        return decoded
    fields = _form_fields(text)
    if fields:
        return Body("form", text, fields)
    return Body("text", text)
