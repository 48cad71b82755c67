"""What the model answers is validated before it counts: only {verdict, reasons} JSON (fences tolerated), and a
rejection must say why; anything else is a malformed answer, which the moderation records and ignores."""

from __future__ import annotations

import pytest

from marketsync.connectors.errors import MalformedResponseError
from marketsync.connectors.llm.client import parse_moderation


@pytest.mark.parametrize(("content", "verdict", "reasons"), [
    ('{"verdict": "approve", "reasons": []}', "approve", []),
    ('{"verdict": "approve"}', "approve", []),
    ('```json\n{"verdict": "reject", "reasons": ["Реплика бренда"]}\n```', "reject", ["Реплика бренда"]),
    ('{"verdict": "reject", "reasons": ["  Оружие  ", ""]}', "reject", ["Оружие"]),
])
def test_a_well_formed_answer_is_read(content: str, verdict: str, reasons: list[str]) -> None:
    answer = parse_moderation(content)
    assert (answer.verdict, answer.reasons) == (verdict, reasons)


@pytest.mark.parametrize("content", [
    "Конечно! Товар выглядит хорошо.",
    '{"verdict": "maybe", "reasons": []}',
    '{"verdict": "reject", "reasons": []}',
    '["approve"]',
    '{"reasons": ["x"]}',
])
def test_anything_else_is_a_malformed_answer(content: str) -> None:
    with pytest.raises(MalformedResponseError):
        parse_moderation(content)
