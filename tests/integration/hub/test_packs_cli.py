"""`marketsync catalog pack` and `catalog bundle`: a pack of N and a bundle of several products made from the
terminal, with their prices and stocks as the rules say; a bad part or an unknown article exits 1 in one line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from marketsync.accounts.service import create_user
from marketsync.cli.app import app
from marketsync.db import session_scope
from marketsync.hub.models import HubProduct

EMAIL = "packs@example.ru"


CSV = "sku;name;price;stock;barcode\nT-1;Чай чёрный;100;10;4600000000015\nS-1;Сахар;50;3;\n"


def cli(*args: str) -> tuple[int, str, str]:
    """Run one command; return its exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_pack_and_a_bundle_are_made_from_the_terminal(sqlite_engine: Engine, tmp_path: Path) -> None:
    with session_scope(sqlite_engine) as session:
        create_user(session, email=EMAIL, password="password123", name="Продавец")
    source = tmp_path / "prices.csv"
    source.write_text(CSV, encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"sku": "sku", "name": "name", "price": "price", "stock": "stock", "barcode": "barcode"}',
                       encoding="utf-8")
    code, _out, err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Чайный", "--file", str(source),
                          "--mapping", str(mapping))
    assert code == 0, err
    with session_scope(sqlite_engine) as session:
        skus = dict(session.execute(select(HubProduct.name, HubProduct.sku)).all())

    code, out, err = cli("catalog", "pack", "--user", EMAIL, "--of", skus["Чай чёрный"], "--count", "4",
                         "--sku", "TEA-X4")
    assert (code, out.strip()) == (0, f"pack TEA-X4: 4 × {skus['Чай чёрный']}, price 400.00, stock 2"), err
    code, out, err = cli("catalog", "bundle", "--user", EMAIL, "--sku", "TEA-SET", "--name", "Чай с сахаром",
                         "--part", skus["Чай чёрный"], "--part", f"{skus['Сахар']}:2", "--price", "139,90")
    assert (code, out.strip()) == (0, "bundle TEA-SET: 2 products, price 139.90, stock 1"), err

    code, _out, err = cli("catalog", "bundle", "--user", EMAIL, "--sku", "BAD", "--name", "Плохой",
                          "--part", "NOPE:1", "--price", "10")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "NOPE" in err
    code, _out, err = cli("catalog", "pack", "--user", EMAIL, "--of", "NOPE", "--count", "2", "--sku", "P")
    assert code == 1 and "NOPE" in err
