"""Judging a cabinet's catalog on each database: what passes is approved with no person involved, what breaks a
rule is rejected and never publishable, a changed product or changed rules are judged again, a person's verdict
stands until the product changes, and the pictures are measured over HTTP once per URL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.hub.models import HubProduct
from marketsync.moderation import service
from marketsync.moderation.models import PictureCheck
from marketsync.moderation.queue_service import decide
from moderation_builders import hub_product


def _cabinet(engine: Engine, email: str = "seller@example.ru") -> int:
    with session_scope(engine) as session:
        return primary_account_id(session, create_user(session, email=email, password="password123").id)


def _judge(engine: Engine, account_id: int, **kwargs: Any) -> dict[str, service.Verdict]:
    with session_scope(engine) as session:
        return {v.sku: v for v in service.judge(session, account_id=account_id, **kwargs)}


def test_passing_products_publish_and_rejected_ones_never_do(engine: Engine) -> None:
    account = _cabinet(engine)
    good = hub_product(engine, account, sku="GOOD")
    bad = hub_product(engine, account, sku="BAD", description="")
    long_title = hub_product(engine, account, sku="LONG", name="Кружка " + "очень " * 12 + "большая")
    with session_scope(engine) as session:
        service.save_settings(session, account_id=account, forbidden_words=[], price_min=None, price_max=None,
                              enabled_rules=["title_length", "empty_description"], channels=["ozon", "wb", "ym"])
    with session_scope(engine) as session:
        verdicts = service.publishable(session, account_id=account, product_ids=[good, bad, long_title])
    assert verdicts[good].verdict == "approve" and verdicts[good].source == "rule"
    assert verdicts[good].judged_by == "rules" and verdicts[good].allows() and verdicts[good].allows("wb")
    assert verdicts[bad].verdict == "reject" and not verdicts[bad].allows("ozon") and not verdicts[bad].allows()
    assert [r["key"] for r in verdicts[bad].reasons] == ["empty_description"]
    # Too long for Wildberries only: held back from WB, publishable on Ozon and Yandex Market.
    assert verdicts[long_title].verdict == "reject"
    assert not verdicts[long_title].allows("wb") and verdicts[long_title].allows("ozon")
    # Another cabinet's product is never answered for.
    other = hub_product(engine, _cabinet(engine, "other@example.ru"), sku="OTHER")
    with session_scope(engine) as session:
        assert other not in service.publishable(session, account_id=account, product_ids=[other])


def test_a_changed_product_or_changed_rules_are_judged_again(engine: Engine) -> None:
    account = _cabinet(engine)
    product = hub_product(engine, account, sku="MUG", content_hash="h1")
    assert _judge(engine, account)["MUG"].verdict == "reject"  # no photos
    with session_scope(engine) as session:
        service.save_settings(session, account_id=account, forbidden_words=["Керамическая"], price_min=None,
                              price_max=None, enabled_rules=["forbidden_words"], channels=["wb"])
    mug = _judge(engine, account)["MUG"]
    assert mug.verdict == "reject" and [r["key"] for r in mug.reasons] == ["forbidden_word_name"]
    with session_scope(engine) as session:
        session.execute(update(HubProduct).where(HubProduct.id == product)
                        .values(name="Чашка фарфоровая", content_hash="h2"))
    mug = _judge(engine, account)["MUG"]
    assert mug.verdict == "approve" and mug.reasons == ()


def test_a_persons_verdict_stands_until_the_product_changes(engine: Engine) -> None:
    account = _cabinet(engine)
    product = hub_product(engine, account, sku="MUG", content_hash="h1")
    assert _judge(engine, account)["MUG"].verdict == "reject"
    with session_scope(engine) as session:
        assert decide(session, account_id=account, product_ids=[product], verdict="approve",
                      who="boss@example.ru") == 1
    mug = _judge(engine, account, force=True)["MUG"]
    assert (mug.verdict, mug.source, mug.judged_by) == ("approve", "manual", "boss@example.ru")
    with session_scope(engine) as session:
        session.execute(update(HubProduct).where(HubProduct.id == product).values(content_hash="h2"))
    assert _judge(engine, account)["MUG"].source == "rule"


def test_pictures_are_measured_over_http_once_per_url(sqlite_engine: Engine, sandbox: Any,
                                                      sandbox_state: Any) -> None:
    account = _cabinet(sqlite_engine)
    small, webp, missing = (f"{sandbox.url}/pictures/600x800.jpg", f"{sandbox.url}/pictures/900x1200.webp",
                            f"{sandbox.url}/pictures/missing.jpg")
    good = f"{sandbox.url}/pictures/900x1200.png"
    hub_product(sqlite_engine, account, sku="SMALL", pictures=[small])
    hub_product(sqlite_engine, account, sku="WEBP", pictures=[webp])
    hub_product(sqlite_engine, account, sku="GONE", pictures=[missing])
    hub_product(sqlite_engine, account, sku="FINE", pictures=[good, good], price=Decimal("490"))
    verdicts = _judge(sqlite_engine, account)
    assert [(r["key"], r.get("channel")) for r in verdicts["SMALL"].reasons] == [("photo_too_small", "wb")]
    assert verdicts["SMALL"].reasons[0]["params"]["width"] == 600
    assert [(r["key"], r.get("channel")) for r in verdicts["WEBP"].reasons] == [("photo_format", "ozon")]
    assert [r["key"] for r in verdicts["GONE"].reasons] == ["photo_unreadable"]
    assert verdicts["FINE"].verdict == "approve"
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(PictureCheck)) == 4
        # Judged again by force, every picture comes from the cache: no new row, none measured again.
        session.execute(update(PictureCheck).values(width=2000, height=2000))
    again = _judge(sqlite_engine, account, force=True)
    assert again["SMALL"].verdict == "approve"  # the cached (doctored) size was read, not the file


def test_two_publishes_judging_the_same_new_products_at_once_both_end_with_one_verdict_each(engine: Engine) -> None:
    import threading

    from marketsync.db import session_factory
    from marketsync.moderation.models import ModerationVerdict

    account = _cabinet(engine)
    ids = [hub_product(engine, account, sku=f"MUG-{n}") for n in range(3)]
    first = session_factory(engine)()
    service.judge(first, account_id=account, product_ids=ids)  # judged, not yet committed
    outcome: dict[str, Any] = {}

    def second() -> None:  # waits for the first's rows, then must not trip over them
        try:
            with session_scope(engine) as session:
                outcome["verdicts"] = [v.verdict for v in service.judge(session, account_id=account, product_ids=ids)]
        except Exception as exc:  # the assertion below shows it
            outcome["error"] = exc

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(1.0)
    first.commit()
    first.close()
    racer.join(60)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["verdicts"] == ["reject"] * 3  # no photos
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(ModerationVerdict)
                              .where(ModerationVerdict.product_id.in_(ids))) == 3
