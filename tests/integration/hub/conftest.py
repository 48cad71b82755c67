"""Fixtures of the hub import tests: a seller's cabinet on each database, and supplier files written to disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.sandbox.suppliers.feeds import FeedOffer, pool_offers, write_yml

SELLER = "hub-seller@example.ru"


@pytest.fixture
def cabinet(engine: Engine) -> int:
    """An active seller (SELLER) on the parametrised database; returns their account id."""
    with session_scope(engine) as session:
        user = create_user(session, email=SELLER, password="password123", name="Продавец")
        return primary_account_id(session, user.id)


@pytest.fixture
def yml_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a YML file of `count` pool offers (edited by `tweak`, if given); return its path."""

    def write(count: int, name: str = "catalog.yml", tweak: Callable[[FeedOffer], None] | None = None) -> Path:
        """Write the file."""
        path = tmp_path / name

        def offers():  # type: ignore[no-untyped-def]
            for offer in pool_offers(count):
                if tweak:
                    tweak(offer)
                yield offer

        with path.open("w", encoding="utf-8") as sink:
            write_yml(sink, offers(), shop="Поставщик")
        return path

    return write
