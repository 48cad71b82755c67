"""generate-nginx-conf.sh's fixed interface, and `nginx -t` accepting the sites it writes for a Latin and a
Cyrillic domain together, with self-signed certificates where the script points."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

SCRIPTS = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file()) / "deploy" / "scripts"

CYRILLIC, CYRILLIC_ASCII = "мои-товары.рф", "xn----8sbfwtmcso8g.xn--p1ai"
LATIN = "shop.example.ru"


def generate(domain: str, root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run generate-nginx-conf.sh for a domain into a temp NGINX_DIR/CERT_ROOT."""
    full = {**os.environ, "NGINX_DIR": str(root / "nginx"), "CERT_ROOT": str(root / "live"), "NGINX_RELOAD": "0",
            **env}
    return subprocess.run([str(SCRIPTS / "generate-nginx-conf.sh"), domain], env=full, capture_output=True,
                          text=True, timeout=60)


def self_signed(openssl: str, folder: Path, domain: str) -> None:
    """A one-day self-signed certificate and key where Let's Encrypt would put them."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([openssl, "req", "-x509", "-nodes", "-newkey", "rsa:2048", "-days", "1", "-subj", f"/CN={domain}",
                    "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)


def nginx_test(nginx: str, root: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a throwaway main config that includes every enabled site, as Debian's nginx.conf does."""
    conf = root / "nginx.conf"
    conf.write_text(f"pid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  include {root}/nginx/sites-enabled/*.conf;\n}}\n", encoding="utf-8")
    return subprocess.run([nginx, "-t", "-e", str(root / "error.log"), "-p", str(root), "-c", str(conf)],
                          capture_output=True, text=True, timeout=60)


def test_the_site_is_written_under_its_punycode_name_and_enabled_by_a_symlink(tmp_path: Path,
                                                                            tool: Callable[[str], str]) -> None:
    tool("idn2")
    result = generate(CYRILLIC, tmp_path)
    assert result.returncode == 0, result.stderr
    available = tmp_path / "nginx" / "sites-available" / f"{CYRILLIC_ASCII}.conf"
    enabled = tmp_path / "nginx" / "sites-enabled" / f"{CYRILLIC_ASCII}.conf"
    assert enabled.is_symlink() and enabled.resolve() == available.resolve()
    site = available.read_text(encoding="utf-8")
    assert f"server_name {CYRILLIC_ASCII};" in site and CYRILLIC not in site
    assert f"ssl_certificate {tmp_path}/live/{CYRILLIC_ASCII}/fullchain.pem;" in site
    assert f"ssl_certificate_key {tmp_path}/live/{CYRILLIC_ASCII}/privkey.pem;" in site
    assert "proxy_pass http://127.0.0.1:8080;" in site and "X-Forwarded-For" in site


def test_reload_runs_only_when_nginx_reload_is_not_0(tmp_path: Path, tool: Callable[[str], str]) -> None:
    tool("idn2")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    fake = bin_dir / "nginx"
    fake.write_text(f'#!/bin/sh\necho "nginx $*" >> {calls}\n', encoding="utf-8")
    fake.chmod(0o755)
    path = f"{bin_dir}:{os.environ['PATH']}"
    assert generate(LATIN, tmp_path, PATH=path).returncode == 0
    assert not calls.exists()  # NGINX_RELOAD=0: nginx untouched
    assert generate(LATIN, tmp_path, PATH=path, NGINX_RELOAD="1").returncode == 0
    assert calls.read_text(encoding="utf-8").splitlines() == ["nginx -t", "nginx -s reload"]


def test_an_invalid_domain_writes_nothing(tmp_path: Path, tool: Callable[[str], str]) -> None:
    tool("idn2")
    result = generate("not a domain", tmp_path)
    assert result.returncode != 0 and "not a valid domain name" in result.stderr
    assert not (tmp_path / "nginx").exists()


def test_nginx_accepts_the_sites_of_a_latin_and_a_cyrillic_domain(tmp_path: Path, tool: Callable[[str], str]) -> None:
    nginx, openssl = tool("nginx"), tool("openssl")
    tool("idn2")
    for domain, ascii_name in ((LATIN, LATIN), (CYRILLIC, CYRILLIC_ASCII)):
        assert generate(domain, tmp_path).returncode == 0
        self_signed(openssl, tmp_path / "live" / ascii_name, ascii_name)
    result = nginx_test(nginx, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_refuses_a_site_whose_certificate_is_missing(tmp_path: Path, tool: Callable[[str], str]) -> None:
    # The control of the test above: nginx -t really reads the certificate paths the script wrote.
    nginx = tool("nginx")
    tool("idn2")
    assert generate(CYRILLIC, tmp_path).returncode == 0
    result = nginx_test(nginx, tmp_path)
    assert result.returncode != 0 and f"{CYRILLIC_ASCII}/fullchain.pem" in result.stderr
