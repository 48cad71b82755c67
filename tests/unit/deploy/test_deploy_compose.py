"""deploy/compose.yaml: valid Compose (the specification's JSON schema; `docker compose config` too where the
plugin exists) and shaped as an operator relies on: web checked, workers scalable, one beat, data in volumes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import check_jsonschema
import jsonschema
import pytest
import yaml

ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").is_file())
COMPOSE = ROOT / "deploy" / "compose.yaml"
# The Compose Specification's schema as check-jsonschema (a dev dependency) ships it, refreshed with its releases.
SCHEMA = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
APP_SERVICES = ("web", "worker", "beat", "bot", "flower")


def _validator(schema: dict[str, Any]) -> Any:
    """The validator class of the draft the schema names (2020-12 today; draft-07 in older releases)."""
    return jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_the_compose_file_is_valid_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = _validator(schema)
    validator.check_schema(schema)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(schema).iter_errors(compose)]
    assert not errors, "\n".join(errors)


def test_the_schema_check_catches_a_mistake(compose: dict[str, Any]) -> None:
    # The control: a misspelt key in a service is refused, so the test above is not vacuous.
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**compose, "services": {**compose["services"], "web": {**compose["services"]["web"], "restrat": "no"}}}
    assert not _validator(schema)(schema).is_valid(broken)


def test_docker_compose_config_accepts_it_where_the_plugin_exists(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    has_plugin = docker and subprocess.run([docker, "compose", "version"], capture_output=True,
                                           timeout=30).returncode == 0
    if not has_plugin:
        pytest.skip("no Docker CLI with the compose plugin here: the JSON-schema test above stands in for it")
    # A copy laid out as on a server: deploy/compose.yaml with .env beside deploy/ (compose's env_file ../.env).
    (tmp_path / "deploy").mkdir()
    compose_copy = tmp_path / "deploy" / "compose.yaml"
    shutil.copy(COMPOSE, compose_copy)
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    for profile in ("postgres", "mariadb"):
        result = subprocess.run([docker, "compose", "-f", str(compose_copy), "--env-file", str(env_file),
                                 "--profile", profile, "config", "--quiet"], capture_output=True, text=True,
                                timeout=60, env={**os.environ, "COMPOSE_PROFILES": profile})
        assert result.returncode == 0, result.stderr


def test_web_migrates_then_serves_on_8080_and_is_health_checked(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    command = " ".join(web["entrypoint"] + web["command"])
    assert re.search(r"marketsync migrate && exec marketsync web --host 0\.0\.0\.0", command)
    assert any(port.endswith(":${WEB_PORT:-8080}:8000") for port in web["ports"])
    assert "/health" in " ".join(web["healthcheck"]["test"])


def test_workers_scale_and_beat_is_one(compose: dict[str, Any]) -> None:
    services = compose["services"]
    worker, beat = services["worker"], services["beat"]
    # `--scale worker=N` fails on a fixed container name or a published port.
    assert "container_name" not in worker and "ports" not in worker
    assert worker["command"] == ["worker"]
    assert beat["command"] == ["beat"] and beat["deploy"]["replicas"] == 1


def test_every_service_restarts_and_has_a_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert service.get("restart") in ("unless-stopped", "always"), name
        assert service.get("healthcheck", {}).get("test"), name


def test_app_services_wait_for_healthy_dependencies(compose: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        depends = compose["services"][name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy", name
        if name != "flower":
            # The database of the active profile; the other one is absent, hence not required.
            for database in ("postgres", "mariadb"):
                assert depends[database] == {"condition": "service_healthy", "required": False}, name
        if name in ("worker", "beat", "bot"):
            assert depends["web"]["condition"] == "service_healthy", name  # web has run the migrations


def test_databases_are_profiles_and_data_lives_in_named_volumes(compose: dict[str, Any]) -> None:
    services, volumes = compose["services"], compose["volumes"]
    assert services["postgres"]["profiles"] == ["postgres"] and services["mariadb"]["profiles"] == ["mariadb"]
    mounts = {name: [m.split(":")[0] for m in service.get("volumes", [])] for name, service in services.items()}
    assert "postgres-data" in mounts["postgres"] and "mariadb-data" in mounts["mariadb"]
    assert "redis-data" in mounts["redis"]
    for name in ("web", "worker", "beat", "bot"):
        assert mounts[name] == ["app-var"], name  # var/: rate-limit state, beat's schedule
    assert {"app-var", "postgres-data", "mariadb-data", "redis-data"} <= set(volumes)


def test_forwarded_addresses_are_trusted_only_from_the_proxys_network(compose: dict[str, Any]) -> None:
    web = compose["services"]["web"]
    # One network with a fixed subnet: the host's proxy arrives from its gateway, containers from their own address.
    assert {network for service in compose["services"].values() for network in service["networks"]} == {"backend"}
    backend = compose["networks"]["backend"]["ipam"]["config"][0]
    assert web["environment"]["FORWARDED_ALLOW_IPS"] == backend["gateway"]
    assert web["environment"]["FORWARDED_ALLOW_IPS"] not in ("*", "0.0.0.0/0")
    # The published ports listen on the host's loopback unless the operator says otherwise.
    for name in ("web", "flower"):
        assert all(port.startswith("${") and ":-127.0.0.1}" in port for port in compose["services"][name]["ports"])


def test_flower_is_behind_basic_auth_on_5555(compose: dict[str, Any]) -> None:
    flower = compose["services"]["flower"]
    assert flower["command"] == ["flower", "--port", "5555"]
    assert any(port.endswith(":${FLOWER_PORT:-5555}:5555") for port in flower["ports"])
    serve = (ROOT / "src" / "marketsync" / "cli" / "serve.py").read_text(encoding="utf-8")
    assert "--basic-auth={settings.FLOWER_USER}:{settings.FLOWER_PASSWORD}" in serve


def test_env_example_names_every_variable_the_compose_file_reads() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))
    needed = used | {"COMPOSE_PROFILES", "POSTGRES_PASSWORD", "MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD",
                     "FLOWER_USER", "FLOWER_PASSWORD", "DATABASE_URL", "SECRET_KEY", "DOMAIN"}
    assert needed <= named, f"missing from .env.example: {sorted(needed - named)}"
