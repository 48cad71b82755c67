"""The whole sandbox's mutable world: Evotor, VK, Ozon, Wildberries, Yandex Market, Telegram, YooKassa, Casdoor and
the fake language model's data, faults, rate windows and request counters."""

from __future__ import annotations

import threading
from typing import Any

from marketsync.sandbox.casdoor.state import CasdoorState
from marketsync.sandbox.demo_data import seed_demo
from marketsync.sandbox.dump import dump_state
from marketsync.sandbox.evotor.state import EvotorState
from marketsync.sandbox.faults import Faults
from marketsync.sandbox.llm.state import LlmState
from marketsync.sandbox.oauth.state import OAuthSandboxState
from marketsync.sandbox.ozon.state import OzonState
from marketsync.sandbox.ratelimit import FixedWindowLimiter
from marketsync.sandbox.stats import RequestStats
from marketsync.sandbox.telegram.state import TelegramState
from marketsync.sandbox.vk.state import VkState
from marketsync.sandbox.wildberries.state import WbState
from marketsync.sandbox.yandex_market.state import YandexMarketState
from marketsync.sandbox.yookassa.state import YooKassaState


class SandboxState:
    """One sandbox: the emulators share one re-entrant lock, since uvicorn serves from another thread."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.evotor = EvotorState(self.lock)
        self.vk = VkState(self.lock)
        self.yandex_market = YandexMarketState(self.lock)
        self.wildberries = WbState(self.lock)
        self.ozon = OzonState(self.lock)
        self.telegram = TelegramState(self.lock)
        self.yookassa = YooKassaState(self.lock)
        self.oauth = OAuthSandboxState(self.lock)
        self.casdoor = CasdoorState(self.lock)
        self.llm = LlmState(self.lock)
        self.faults = Faults()
        self.stats = RequestStats()
        self.evotor_limiter = FixedWindowLimiter()
        self.vk_limiter = FixedWindowLimiter()

    def reset(self) -> None:
        """Forget data, faults, rate windows and counters; the objects stay, so running apps keep working."""
        with self.lock:
            self.evotor.reset()
            self.vk.reset()
            self.yandex_market.reset()
            self.wildberries.reset()
            self.ozon.reset()
            self.telegram.reset()
            self.yookassa.reset()
            self.oauth.reset()
            self.casdoor.reset()
            self.llm.reset()
            self.faults.clear()
            self.stats.reset()
            self.evotor_limiter.reset()
            self.vk_limiter.reset()

    def seed(self, products: int = 2000, seed: int = 42, *, reset: bool = True) -> dict[str, Any]:
        """Load the deterministic demo catalog (after a reset by default) and return its credentials."""
        with self.lock:
            if reset:
                self.reset()
            return {**seed_demo(self, products=products, seed=seed), **self.telegram.seed_demo(),
                    **self.yookassa.seed_demo(), **self.casdoor.seed_demo()}

    def dump(self, service: str, token: str | None = None) -> dict[str, Any]:
        """Return counts and objects of one emulator, for one token or summarised for all."""
        return dump_state(self, service, token)


_default: SandboxState | None = None
_default_lock = threading.Lock()


def default_state() -> SandboxState:
    """Return the process-wide sandbox used when an app is created without its own state."""
    global _default
    with _default_lock:
        if _default is None:
            _default = SandboxState()
        return _default
