"""What buyers do to the demo Ozon seller: a week of history (FBS and FBO postings, some cancelled, most older
ones delivered, a few returned, reviews) seeded with it, and a stream the demo may call every few seconds
(`demo_tick`, /_control/ozon/demo/tick) so new events keep coming."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from marketsync.sandbox.ozon import events
from marketsync.sandbox.ozon.postings import AWAITING_PACKAGING, DELIVERED, FBO, FBS, OzonPosting
from marketsync.sandbox.ozon.state import OzonState

REVIEWS = {5: "Отличный товар, всё как на фото", 4: "Хорошо, но упаковка помята", 3: "Средне, ожидал большего",
           2: "Качество так себе", 1: "Пришёл с браком, оформил возврат"}


def _offers(state: OzonState, client_id: int) -> list[str]:
    seller = state.seller(client_id)
    return [p.offer_id for p in seller.products.values() if p.sku and not p.archived]


def _review(state: OzonState, client_id: int, rng: random.Random, offer_id: str, at: datetime | None) -> None:
    rating = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
    events.write_review(state, client_id, offer_id=offer_id, rating=rating, text=REVIEWS[rating], at=at)


def seed_history(state: OzonState, client_id: int, rng: random.Random, *, days: int = 7, per_day: int = 4) -> None:
    """Leave `days` of buyers' history ending now: postings, their cancellations, deliveries, returns, reviews.
    The stock seeded is what is left after that history, so the history's own moves of units are undone."""
    offers = _offers(state, client_id)
    if not offers:
        return
    seller = state.seller(client_id)
    fbs = {product: {w: list(record) for w, record in rows.items()} for product, rows in seller.fbs.items()}
    fbo = {product: dict(rows) for product, rows in seller.fbo.items()}
    now = state.utcnow()
    for day in range(days, 0, -1):
        for _ in range(per_day):
            at = now - timedelta(days=day, minutes=rng.randrange(0, 24 * 60))
            posting = events.place_posting(state, client_id, offer_id=rng.choice(offers),
                                           scheme=FBS if rng.random() < 0.6 else FBO, city=rng.randrange(4), at=at)
            roll = rng.random()
            if roll < 0.12:
                events.cancel_posting(state, client_id, posting.posting_number, at=at + timedelta(hours=2))
            elif day >= 2 and roll < 0.85:
                delivered = at + timedelta(days=rng.randrange(1, day + 1) if day > 1 else 1, hours=-1)
                events.deliver_posting(state, client_id, posting.posting_number, at=min(delivered, now))
                if rng.random() < 0.1:
                    events.return_posting(state, client_id, posting.posting_number,
                                          at=min(delivered + timedelta(hours=20), now))
                elif rng.random() < 0.4:
                    _review(state, client_id, rng, posting.lines[0].offer_id,
                            min(delivered + timedelta(hours=6), now))
    seller.fbs, seller.fbo = fbs, fbo


def demo_tick(state: OzonState, client_id: int, rng: random.Random | None = None) -> object | None:
    """Make one plausible buyer event now (a posting most often); return it, or None when nothing fits."""
    rng = rng or random.Random()
    offers = _offers(state, client_id)
    if not offers:
        return None
    postings: list[OzonPosting] = list(state.seller(client_id).events.postings.values())
    open_ = [p for p in postings if p.status == AWAITING_PACKAGING]
    delivered = [p for p in postings if p.status == DELIVERED]
    roll = rng.random()
    if roll < 0.2 and open_:
        return events.deliver_posting(state, client_id, rng.choice(open_).posting_number)
    if roll < 0.3 and open_:
        return events.cancel_posting(state, client_id, rng.choice(open_).posting_number)
    if roll < 0.35 and delivered:
        return events.return_posting(state, client_id, rng.choice(delivered).posting_number)
    if roll < 0.5:
        rating = rng.choice((5, 4, 3, 2, 1))
        return events.write_review(state, client_id, offer_id=rng.choice(offers), rating=rating,
                                   text=REVIEWS[rating])
    return events.place_posting(state, client_id, offer_id=rng.choice(offers),
                                scheme=FBS if rng.random() < 0.6 else FBO, city=rng.randrange(4))
