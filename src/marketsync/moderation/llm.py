"""The language model path: the cabinet's prompts (files), a product said as text, and the model's verdict or
description, with every failure caught and returned as a reason that the rules' verdict stood.

The model is optional: without MODERATION_LLM_URL nothing here is called. Prompts are read from
`{MODERATION_PROMPTS_DIR}/<account id>/moderate.txt` and `describe.txt` when the cabinet has its own, else from
the package's defaults (moderation/prompts/).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType

from marketsync.connectors.errors import ConnectorError
from marketsync.connectors.llm.client import LlmClient
from marketsync.moderation.rules import ProductText
from marketsync.settings import get_settings

PROMPT_NAMES = ("moderate", "describe")
PROMPT_MAX_CHARS = 20_000
MODEL_ATTEMPTS = 2  # one retry of a 5xx or a lost answer; a model that is down must not hold a catalog up


def enabled() -> bool:
    """Whether a language model is configured (MODERATION_LLM_URL set)."""
    return bool(get_settings().MODERATION_LLM_URL.strip())


def label() -> str:
    """Name the configured model as a verdict's judge ("model <name>"), "" without one."""
    return f"model {get_settings().MODERATION_LLM_MODEL}" if enabled() else ""


def prompt(account_id: int, name: str) -> str:
    """Return a cabinet's prompt `name` (moderate, describe): its own file, else the shipped default."""
    if name not in PROMPT_NAMES:
        raise ValueError(f"unknown prompt {name!r}")
    own = Path(get_settings().MODERATION_PROMPTS_DIR) / str(int(account_id)) / f"{name}.txt"
    if own.is_file():
        text = own.read_text(encoding="utf-8")[:PROMPT_MAX_CHARS].strip()
        if text:
            return text
    return (resources.files("marketsync.moderation") / "prompts" / f"{name}.txt").read_text(encoding="utf-8").strip()


def product_text(product: ProductText, vendor: str | None = None) -> str:
    """Say a product as the user message: one "field: value" line each (the describe prompt reads attributes)."""
    lines = [f"Название: {product.name}"]
    if vendor:
        lines.append(f"Бренд: {vendor}")
    lines.append(f"Цена: {product.price} ₽")
    if (product.description or "").strip():
        lines.append(f"Описание: {' '.join((product.description or '').split())}")
    lines += [f"{name}: {value}" for name, value in product.params if str(value).strip()]
    return "\n".join(lines)


@dataclass(frozen=True)
class ModelVerdict:
    """The model's verdict and reasons, or why there is none (`error`)."""

    verdict: str | None
    reasons: tuple[str, ...] = ()
    error: str | None = None


class Model:
    """One connection to the configured model for a batch of products; a context manager."""

    def __init__(self) -> None:
        settings = get_settings()
        self.label = label()
        self._client = LlmClient(settings.MODERATION_LLM_URL.strip(), settings.MODERATION_LLM_MODEL,
                                 settings.MODERATION_LLM_KEY, timeout=settings.MODERATION_LLM_TIMEOUT_SECONDS,
                                 max_attempts=MODEL_ATTEMPTS)

    def __enter__(self) -> Model:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._client.close()

    def judge(self, account_id: int, text: str) -> ModelVerdict:
        """Ask the model about one product; a failure comes back as `error`, never raised."""
        try:
            answer = self._client.moderate(prompt(account_id, "moderate"), text)
        except ConnectorError as exc:
            return ModelVerdict(None, error=exc.message[:1000])
        return ModelVerdict(answer.verdict, tuple(answer.reasons))

    def describe(self, account_id: int, text: str) -> tuple[str | None, str | None]:
        """Ask the model for a description from the attributes: (text, None), or (None, why not)."""
        try:
            return self._client.describe(prompt(account_id, "describe"), text)[:5000], None
        except ConnectorError as exc:
            return None, exc.message[:1000]
