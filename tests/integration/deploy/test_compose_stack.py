"""The production start as the seeds had it: `docker compose up -d --build` builds our image from deploy/Dockerfile
and runs web, two workers, beat, the bot and Flower on PostgreSQL and Redis; then the product answers as an operator
expects. Docker Hub is out of reach here, so the base image and the two third-party images are built from Debian's
packages (.ci/docker-engine, standins/README.md); everything of ours is exactly what production runs."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from absent import unavailable

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
HERE = Path(__file__).resolve().parent
BASE_IMAGE = os.environ.get("MARKETSYNC_CI_BASE_IMAGE", "marketsync-ci/python:3.11-bookworm")
# What the image's build context needs (deploy/Dockerfile), and deploy/ itself: a checkout as on a server.
CHECKOUT = ("pyproject.toml", "README.md", "alembic.ini", "babel.cfg", ".dockerignore", "src", "migrations", "deploy")


@dataclass(frozen=True)
class Stack:
    """A running compose project: how to drive it and where it listens."""

    compose: list[str]
    web: str
    flower: str
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run `docker compose <args>` on this project."""
        return subprocess.run([*self.compose, *args], capture_output=True, text=True, timeout=timeout)

    def exec(self, service: str, *command: str) -> str:
        """Run a command in a service's container and return what it printed."""
        result = self.run("exec", "-T", service, *command)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lay_out_checkout(root: Path) -> None:
    """Copy what a server holds of the repository, plus the stand-ins' override beside compose.yaml."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in CHECKOUT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    # Compose resolves every file's relative paths against the first file's folder: deploy/.
    shutil.copy2(HERE / "compose.standins.yaml", root / "deploy" / "compose.standins.yaml")
    shutil.copytree(HERE / "standins", root / "deploy" / "standins")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Build and start the whole production stack once for this module; take it down with its volumes after."""
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "info"], capture_output=True, timeout=60).returncode != 0:
        unavailable("no Docker engine answers here (.ci/docker-engine installs and starts one)")
    assert docker
    if subprocess.run([docker, "compose", "version"], capture_output=True, timeout=60).returncode != 0:
        unavailable("the Docker CLI has no compose plugin (.ci/docker-engine installs it)")
    if subprocess.run([docker, "image", "inspect", BASE_IMAGE], capture_output=True, timeout=60).returncode != 0:
        unavailable(f"the base image {BASE_IMAGE} is not built (.ci/docker-engine builds it)")
    root = tmp_path_factory.mktemp("server")
    lay_out_checkout(root)
    web_port, flower_port = free_port(), free_port()
    env = {
        "MARKETSYNC_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(32),
        "BASE_URL": f"http://127.0.0.1:{web_port}", "COMPOSE_PROFILES": "postgres",
        "DATABASE_URL": "postgresql+psycopg://marketsync:db-secret@postgres:5432/marketsync",
        "POSTGRES_DB": "marketsync", "POSTGRES_USER": "marketsync", "POSTGRES_PASSWORD": "db-secret",
        "FLOWER_USER": "ops", "FLOWER_PASSWORD": secrets.token_urlsafe(12),
        "METRICS_USER": "prometheus", "METRICS_PASSWORD": secrets.token_urlsafe(12),
        "WEB_PORT": str(web_port), "FLOWER_PORT": str(flower_port), "PYTHON_IMAGE": BASE_IMAGE,
        "MARKETSYNC_IMAGE": f"marketsync-ci/app:{os.getpid()}",
        # Off the default subnet, so a stack an operator runs on this machine is left alone.
        "EDGE_SUBNET": "172.31.251.0/24", "PROXY_ADDRESS": "172.31.251.1",
    }
    (root / ".env").write_text("".join(f"{key}={value}\n" for key, value in env.items()), encoding="utf-8")
    compose = [docker, "compose", "-p", f"marketsync-ci-{os.getpid()}", "-f", str(root / "deploy" / "compose.yaml"),
               "-f", str(root / "deploy" / "compose.standins.yaml"), "--env-file", str(root / ".env")]
    running = Stack(compose, f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{flower_port}", env)
    try:
        started = running.run("up", "-d", "--build", "--wait", "--scale", "worker=2", timeout=1200)
        if started.returncode != 0:
            logs = running.run("logs", "--no-color", "--tail", "40").stdout
            pytest.fail(f"docker compose up failed:\n{started.stderr[-4000:]}\n{logs[-6000:]}")
        yield running
    finally:
        running.run("down", "--volumes", "--remove-orphans", "--rmi", "local", timeout=300)
        subprocess.run([docker, "image", "rm", "-f", env["MARKETSYNC_IMAGE"]], capture_output=True, timeout=120)
        # Each of the five services built the one image under the same tag: the earlier copies are left untagged.
        subprocess.run([docker, "image", "prune", "--force"], capture_output=True, timeout=120)


def test_every_service_runs_and_its_health_check_passes(stack: Stack) -> None:
    listed = stack.run("ps", "--format", "json").stdout
    rows = [json.loads(line) for line in listed.splitlines() if line.strip()]
    if len(rows) == 1 and isinstance(rows[0], list):  # older compose prints one JSON array
        rows = rows[0]
    by_service: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_service.setdefault(row["Service"], []).append(row)
    assert sorted(by_service) == ["beat", "bot", "flower", "postgres", "redis", "web", "worker"]
    assert len(by_service["worker"]) == 2 and len(by_service["beat"]) == 1
    for service, containers in by_service.items():
        for container in containers:
            assert container["State"] == "running", (service, container)
            assert container["Health"] == "healthy", (service, container)


def test_web_migrated_the_database_to_the_newest_revision(stack: Stack) -> None:
    head = ScriptDirectory.from_config(Config(str(ROOT / "alembic.ini"))).get_current_head()
    stored = stack.exec("postgres", "psql", "-U", "marketsync", "-d", "marketsync", "-tAc",
                        "SELECT version_num FROM alembic_version")
    assert stored.strip() == head


def test_the_published_port_serves_the_product_with_the_image_health_check(stack: Stack) -> None:
    assert httpx.get(f"{stack.web}/health", timeout=10).status_code == 200
    login = httpx.get(f"{stack.web}/login", timeout=10)
    assert login.status_code == 200 and "MarketSync" in login.text
    image = json.loads(subprocess.run(["docker", "image", "inspect", stack.env["MARKETSYNC_IMAGE"]],
                                      capture_output=True, text=True, timeout=60).stdout)[0]
    assert "http://127.0.0.1:8000/health" in " ".join(image["Config"]["Healthcheck"]["Test"])


def test_the_services_run_as_the_unprivileged_user(stack: Stack) -> None:
    for service in ("web", "worker", "beat", "flower"):
        assert stack.exec(service, "id", "-u").strip() == "10001", service


def test_flower_and_metrics_ask_for_their_credentials(stack: Stack) -> None:
    assert httpx.get(f"{stack.flower}/", timeout=10).status_code == 401
    flower = httpx.get(f"{stack.flower}/", auth=(stack.env["FLOWER_USER"], stack.env["FLOWER_PASSWORD"]), timeout=10)
    assert flower.status_code == 200
    assert httpx.get(f"{stack.web}/metrics", timeout=10).status_code == 401
    metrics = httpx.get(f"{stack.web}/metrics", auth=(stack.env["METRICS_USER"], stack.env["METRICS_PASSWORD"]),
                        timeout=10)
    assert metrics.status_code == 200 and "marketsync_http_request" in metrics.text


def test_beat_schedules_tasks_that_the_workers_run(stack: Stack) -> None:
    deadline, done = time.monotonic() + 120, 0
    while time.monotonic() < deadline:
        stats = stack.run("exec", "-T", "worker", "celery", "-A", "marketsync.worker:celery_app", "inspect", "stats",
                          "--json", timeout=60)
        if stats.returncode == 0 and stats.stdout.strip():
            replies = json.loads(stats.stdout.strip().splitlines()[-1])
            done = sum(sum(reply.get("total", {}).values()) for reply in replies.values())
            if len(replies) == 2 and done:
                break
        time.sleep(5)
    assert done > 0, "no task reached a worker within two minutes"


def test_a_backup_of_the_production_database_is_made_inside_the_image(stack: Stack) -> None:
    dump = stack.exec("web", "marketsync", "backup", "create").strip()
    sizes = dict(line.split("\t") for line in stack.exec("web", "marketsync", "backup", "list").splitlines())
    assert dump.startswith(("var/backups/", "/app/var/backups/")) and int(sizes[dump]) > 0  # the app-var volume
