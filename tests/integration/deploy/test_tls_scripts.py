"""The TLS scripts: shellcheck-clean, the punycode helper agreeing with the app's own conversion, and
init-letsencrypt.sh's order of work (placeholder certificate, site, certbot, reload, renewal cron line)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from marketsync.domains import domain_to_ascii

ROOT = next(parent for parent in Path(__file__).resolve().parents if (parent / "pyproject.toml").is_file())
SCRIPTS = ROOT / "deploy" / "scripts"
DOMAINS = ["мои-товары.рф", "МОИ-ТОВАРЫ.РФ", "shop.example.ru", "пример.испытание", "straße.de", "товары.рф."]


def test_every_shell_script_is_shellcheck_clean(tool: Callable[[str], str]) -> None:
    shellcheck = tool("shellcheck")
    standins = Path(__file__).resolve().parent / "standins"
    scripts = [*sorted(SCRIPTS.glob("*.sh")), ROOT / ".ci" / "run", ROOT / ".ci" / "docker-engine",
               *sorted(standins.glob("*/entrypoint.sh"))]
    result = subprocess.run([shellcheck, "--severity=style", *map(str, scripts)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def idn_script(domain: str, path: str) -> subprocess.CompletedProcess[str]:
    """Run idn-to-ascii.sh with the given PATH (which decides whether idn2 or python3's idna does the work)."""
    return subprocess.run([str(SCRIPTS / "idn-to-ascii.sh"), domain], env={**os.environ, "PATH": path},
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_shell_helper_with_idn2_gives_the_apps_punycode(domain: str, tool: Callable[[str], str]) -> None:
    idn2 = Path(tool("idn2"))
    result = idn_script(domain, f"{idn2.parent}:{os.environ['PATH']}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == domain_to_ascii(domain)


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_shell_helper_without_idn2_falls_back_to_pythons_idna(domain: str, tmp_path: Path) -> None:
    # A PATH holding only a python3 that has `idna` (this venv's) and the basic tools: no idn2 to be found.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    for name in ("grep", "bash", "env"):
        (bin_dir / name).symlink_to(shutil.which(name) or f"/bin/{name}")
    result = idn_script(domain, str(bin_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == domain_to_ascii(domain)


def test_init_letsencrypt_gets_a_certificate_per_domain_and_installs_the_renewal(tmp_path: Path,
                                                                               tool: Callable[[str], str]) -> None:
    tool("idn2")
    tool("openssl")
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    for name in ("certbot", "nginx"):  # stand-ins that record their arguments
        (bin_dir / name).write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\n', encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "LETSENCRYPT_EMAIL": "ops@example.ru",
           "NGINX_DIR": str(tmp_path / "nginx"), "CERT_ROOT": str(tmp_path / "live"),
           "ACME_ROOT": str(tmp_path / "acme"), "CRON_FILE": str(tmp_path / "cron")}
    result = subprocess.run([str(SCRIPTS / "init-letsencrypt.sh"), "мои-товары.рф", "shop.example.ru"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    certbot = [line for line in calls.read_text(encoding="utf-8").splitlines() if line.startswith("certbot")]
    assert [line.split(" -d ")[1].split()[0] for line in certbot] == ["xn----8sbfwtmcso8g.xn--p1ai", "shop.example.ru"]
    assert all(f"--webroot -w {tmp_path}/acme" in line and "--email ops@example.ru" in line for line in certbot)
    # The placeholder certificate is gone before certbot runs: certbot refuses a live/ folder it did not create.
    assert not (tmp_path / "live").exists() or not any((tmp_path / "live").iterdir())
    assert (tmp_path / "nginx" / "sites-enabled" / "xn----8sbfwtmcso8g.xn--p1ai.conf").is_symlink()
    assert "BASE_URL=https://xn----8sbfwtmcso8g.xn--p1ai" in result.stdout
    assert "certbot renew --quiet --deploy-hook 'nginx -t && nginx -s reload'" in (tmp_path / "cron").read_text()


def test_init_letsencrypt_refuses_to_start_without_an_email(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "LETSENCRYPT_EMAIL"}
    result = subprocess.run([str(SCRIPTS / "init-letsencrypt.sh"), "shop.example.ru"], env=env, capture_output=True,
                            text=True, timeout=30)
    assert result.returncode != 0 and "LETSENCRYPT_EMAIL" in result.stderr
