"""The CI/CD workflow: tests through .ci/run, the image built from deploy/Dockerfile, and only main deployed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").is_file())
WORKFLOW = ROOT / ".github" / "workflows" / "ci-cd.yml"


@pytest.fixture(scope="module")
def jobs() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]


def runs(job: dict[str, Any]) -> str:
    """Every shell line of a job."""
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_the_suite_runs_through_ci_run(jobs: dict[str, Any]) -> None:
    assert any(line.strip() == ".ci/run" for line in runs(jobs["test"]).splitlines())


def test_the_image_is_built_after_the_tests_and_pushed_only_from_main(jobs: dict[str, Any]) -> None:
    image = jobs["image"]
    assert image["needs"] == "test"
    (build,) = [step for step in image["steps"] if str(step.get("uses", "")).startswith("docker/build-push-action")]
    assert build["with"]["file"] == "deploy/Dockerfile"
    assert "refs/heads/main" in build["with"]["push"] and "push" in build["with"]["push"]


def test_only_a_push_to_main_deploys_over_ssh(jobs: dict[str, Any]) -> None:
    deploy = jobs["deploy"]
    assert deploy["needs"] == "image"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    script = runs(deploy)
    assert "StrictHostKeyChecking yes" in script  # the server's key is checked against a secret, never trusted blind
    assert "secrets.PRODUCTION_ENV" in str(deploy["steps"]) and "umask 077" in script
    for needed in ("pull", "up -d --no-build", "docker image prune"):
        assert needed in script, needed
