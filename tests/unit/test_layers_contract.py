"""The import contract that keeps entry points on services (pyproject.toml) names every page and task module:
import-linter's wildcards match whole names only, so a new `*_views.py` would otherwise go unchecked."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

# The checkout's root, found by walking up, so the test may move within tests/.
ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").is_file())
PACKAGE = ROOT / "src" / "marketsync"


def _entry_point_sources() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    found = [c for c in contracts if c["type"] == "forbidden" and c["name"].startswith("Entry points call services")]
    assert len(found) == 1
    return list(found[0]["source_modules"])


def _covers(expression: str, module: str) -> bool:
    # As import-linter reads a source: `*` one name, `**` any depth, and a package covers its modules.
    pattern = re.escape(expression).replace(r"\*\*", ".+").replace(r"\*", "[^.]+")
    return re.fullmatch(rf"{pattern}(\..+)?", module) is not None


def test_every_page_and_task_module_is_held_to_the_services_contract() -> None:
    modules = sorted("marketsync." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
                     for path in PACKAGE.rglob("*.py")
                     if path.stem in {"views", "tasks"} or path.stem.endswith("_views"))
    # The sandbox emulates other companies' APIs; its pages are not the product's layers.
    modules = [m for m in modules if not m.startswith("marketsync.sandbox.")]
    assert "marketsync.catalog.views" in modules and "marketsync.sync.tasks" in modules
    sources = _entry_point_sources()
    assert [m for m in modules if not any(_covers(s, m) for s in sources)] == []
