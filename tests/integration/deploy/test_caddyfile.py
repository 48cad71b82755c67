"""deploy/caddy/Caddyfile, the Caddy alternative to nginx + certbot, validated by Debian's caddy for a Latin and a
Cyrillic domain (punycode, as BASE_URL has it): it proxies to web's published port, and a typo would be refused."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

CADDYFILE = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file()) / "deploy" / \
    "caddy" / "Caddyfile"
DOMAINS = "shop.example.ru, xn----8sbfwtmcso8g.xn--p1ai"


def caddy(binary: str, verb: str, config: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Run `caddy <verb>` on a Caddyfile with the environment the file reads, its state kept in a temp home."""
    env = {**os.environ, "MARKETSYNC_DOMAINS": DOMAINS, "LETSENCRYPT_EMAIL": "ops@example.ru", "HOME": str(home),
           "XDG_DATA_HOME": str(home), "XDG_CONFIG_HOME": str(home)}
    return subprocess.run([binary, verb, "--config", str(config), "--adapter", "caddyfile"], env=env,
                          capture_output=True, text=True, timeout=60)


def test_caddy_validates_the_caddyfile_for_both_domains(tool: Callable[[str], str], tmp_path: Path) -> None:
    binary = tool("caddy")
    assert caddy(binary, "validate", CADDYFILE, tmp_path).returncode == 0
    adapted = json.loads(caddy(binary, "adapt", CADDYFILE, tmp_path).stdout)
    (route,) = adapted["apps"]["http"]["servers"]["srv0"]["routes"]
    assert route["match"] == [{"host": ["shop.example.ru", "xn----8sbfwtmcso8g.xn--p1ai"]}]
    assert '"dial": "127.0.0.1:8080"' in json.dumps(route)


def test_caddy_refuses_a_mistyped_directive(tool: Callable[[str], str], tmp_path: Path) -> None:
    broken = tmp_path / "Caddyfile"
    broken.write_text(CADDYFILE.read_text(encoding="utf-8").replace("reverse_proxy", "reverse_proxyy"),
                      encoding="utf-8")
    refused = caddy(tool("caddy"), "validate", broken, tmp_path)
    assert refused.returncode != 0 and "unrecognized directive" in refused.stderr
