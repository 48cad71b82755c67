"""The import contracts (pyproject.toml): the one that keeps entry points on services names every page and task
module (import-linter's wildcards match whole names only, so a new `*_views.py` would otherwise go unchecked), and
no service or page imports one system's connector package (the sync layer asks for capabilities)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

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


def _system_contract() -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = [c for c in config["tool"]["importlinter"]["contracts"]
             if c["name"].startswith("Above the connectors, code asks for a capability")]
    assert len(found) == 1
    return found[0]


def test_no_service_or_page_imports_a_systems_connector_package() -> None:
    import grimp

    from marketsync.connectors import REGISTRY

    contract = _system_contract()
    systems = sorted({module.rsplit(".", 1)[0] for module, _cls, _creds in REGISTRY.values()})
    assert systems and set(systems) <= set(contract["forbidden_modules"]), "every system of the registry is walled"
    assert "marketsync.sync" in contract["source_modules"]
    graph = grimp.build_graph("marketsync")
    chains = [(source, system) for source in contract["source_modules"] for system in systems
              if graph.chain_exists(importer=source, imported=system, as_packages=True)]
    assert chains == [], "import a capability (connectors/capabilities.py), not a system's package"
    # The check sees what it must: the registry's own connector modules do import their package.
    assert graph.chain_exists(importer="marketsync.connectors.vk.connector",
                              imported="marketsync.connectors.vk.mapping")
