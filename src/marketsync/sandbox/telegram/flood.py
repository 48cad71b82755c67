"""Telegram's flood control per chat, switchable for tests and the demo: after a given number of accepted writes
to a chat the next one answers 429 with `parameters.retry_after`, and every write to that chat before the wait
has run out is refused again and counted as early (a sender that respects retry_after makes none); other chats
are not affected. Real Telegram does this per chat; the emulator only when armed."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class ChatFlood:
    """One chat's armed flood control."""

    retry_after: int
    after: int  # accepted writes still let through before the 429
    times: int  # how many 429 waits are left to start
    until: float = 0.0  # monotonic time the current wait ends
    refused: int = 0
    early: int = 0


class FloodControl:
    """The armed chats of every bot, by (token, chat id); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chats: dict[tuple[str, int], ChatFlood] = {}

    def reset(self) -> None:
        """Disarm every chat."""
        with self._lock:
            self._chats.clear()

    def arm(self, token: str, chat_id: int, *, retry_after: int, after: int = 0, times: int = 1) -> None:
        """Make the write to a chat after `after` accepted ones answer 429 with `retry_after`, `times` times."""
        with self._lock:
            self._chats[(token, chat_id)] = ChatFlood(retry_after=retry_after, after=after, times=times)

    def check(self, token: str, chat_id: int) -> int | None:
        """Return the seconds to wait when a write to this chat is refused now, else None (and count it)."""
        with self._lock:
            flood = self._chats.get((token, chat_id))
            if flood is None:
                return None
            now = time.monotonic()
            if now < flood.until:
                flood.refused += 1
                flood.early += 1
                return max(1, int(flood.until - now + 0.999))
            if flood.times <= 0:
                return None
            if flood.after > 0:
                flood.after -= 1
                return None
            flood.times -= 1
            flood.refused += 1
            flood.until = now + flood.retry_after
            return flood.retry_after

    def stats(self, token: str, chat_id: int) -> dict[str, int]:
        """Return how many writes to a chat were refused, and how many of them came before the wait ran out."""
        with self._lock:
            flood = self._chats.get((token, chat_id))
            return {"refused": flood.refused if flood else 0, "early": flood.early if flood else 0}
