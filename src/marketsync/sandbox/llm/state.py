"""The fake OpenAI-compatible model's behaviour: which Bearer keys it accepts, and its deterministic answers.

A moderation request (one whose messages ask for a JSON `verdict`) is answered by a fixed word list: a product
text holding one of STOP_WORDS (whole words, any case, ё read as е) is rejected with one reason per word found,
anything else approved. Any other request is a description request: the attribute lines of the user message
("name: value") are put together into a short Russian description. Every request is remembered for tests.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

DEMO_KEY = "sk-sandbox-moderation-demo"
DEMO_MODEL = "sandbox-moderator"
# The fake model's own idea of what is not allowed: counterfeits and prohibited goods.
STOP_WORDS = ("реплика", "копия", "подделка", "контрафакт", "оружие", "replica", "counterfeit")


def _plain(text: str) -> str:
    return text.lower().replace("ё", "е")


@dataclass
class LlmState:
    """Accepted keys and the requests seen; guarded by the sandbox's lock."""

    lock: threading.RLock
    keys: set[str] = field(default_factory=lambda: {DEMO_KEY})
    requests: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        """Forget added keys and the requests seen."""
        with self.lock:
            self.keys = {DEMO_KEY}
            self.requests.clear()

    def add_key(self, key: str) -> None:
        """Accept one more API key."""
        with self.lock:
            self.keys.add(key)

    def authenticate(self, key: str) -> bool:
        """Whether the key is one the fake model accepts."""
        with self.lock:
            return key in self.keys

    def remember(self, body: dict[str, Any]) -> None:
        """Keep one request's body for the tests to read."""
        with self.lock:
            self.requests.append(body)

    def snapshot(self) -> dict[str, Any]:
        """Return the requests seen, newest last."""
        with self.lock:
            return {"requests": list(self.requests), "count": len(self.requests)}


def moderation_answer(text: str) -> dict[str, Any]:
    """Judge a product text by the fixed word list: reject with a reason per word found, else approve."""
    plain = _plain(text)
    found = [word for word in STOP_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", plain)]
    if not found:
        return {"verdict": "approve", "reasons": []}
    return {"verdict": "reject",
            "reasons": [f"Текст содержит недопустимое слово «{word}»: товар похож на подделку или запрещён"
                        for word in found]}


def description_answer(text: str) -> str:
    """Write a short description from the "name: value" lines of a product text."""
    title, attributes = "", []
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        key, value = key.strip().lstrip("-• ").strip(), value.strip()
        if not colon or not value:
            continue
        if key.lower() in ("название", "name"):
            title = value
        elif key.lower() not in ("описание", "description", "цена", "price"):
            attributes.append(f"{key.lower()} — {value}")
    head = f"{title}." if title else "Товар."
    return f"{head} Характеристики: {'; '.join(attributes)}." if attributes else head
