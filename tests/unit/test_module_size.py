"""The 400-line cap per module (DESIGN §2): a module that outgrows it is split by responsibility, not trimmed.
`make lint` runs this file on its own; `make test` (and so CI) runs it with the rest."""

from __future__ import annotations

from pathlib import Path

MAX_LINES = 400
# The checkout's root, found by walking up, so the test may move within tests/.
ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").is_file())
CHECKED = ("src", "tests", "benchmarks")


def test_no_module_is_over_400_lines() -> None:
    oversized = sorted(f"{path.relative_to(ROOT)}: {count} lines"
                       for folder in CHECKED for path in (ROOT / folder).rglob("*.py")
                       if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES)
    assert not oversized, f"modules over {MAX_LINES} lines (split them):\n" + "\n".join(oversized)
