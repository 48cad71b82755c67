"""Moderation use cases: judge a cabinet's products (rules, then the model when one is configured), tell the
publishing code which products may go out, and the cabinet's rule settings.

A product is judged when it has no verdict, or its content changed since (content_hash), or the rules or the
model changed since (rules_hash; a person's verdict stands until the content changes). The rules judge first; the
model is asked only about what they let through, and a model that fails or answers nonsense never blocks: the
rules' verdict stands and the failure is kept on the verdict (model_error). A product with an empty description
gets one written by the model, kept for a person to accept on the queue page. A product that passes is approved
at once, with no person involved; a rejected one is never publishable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.db import insert_ignore, utcnow
from marketsync.hub.models import HubProduct
from marketsync.moderation import llm, pictures
from marketsync.moderation.models import ModerationSettings, ModerationVerdict
from marketsync.moderation.rules import CHANNELS, RULES, ProductText, RuleSet, check

VERDICTS = ("approve", "reject", "pending")
CHUNK = 500


class ModerationError(Exception):
    """A request the moderation refuses (an unknown product, a bad setting); `message` is English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Verdict:
    """A product's verdict as pages, the CLI and the publishing code see it."""

    product_id: int
    sku: str
    name: str
    description: str | None
    verdict: str  # approve | reject | pending (never judged, or changed since)
    reasons: tuple[dict[str, Any], ...] = ()
    source: str | None = None  # rule | model | manual
    judged_by: str | None = None
    judged_at: datetime | None = None
    model_error: str | None = None
    suggested_description: str | None = None

    def allows(self, channel: str | None = None) -> bool:
        """Whether the product may be published (to `channel`: ozon, wb, ym; to every channel when None).

        A rejection by the rules that concerns other marketplaces only (a title too long for Wildberries) does
        not hold the product back from this one; a person's or the model's rejection holds it back everywhere."""
        if self.verdict == "approve":
            return True
        if self.verdict != "reject" or self.source != "rule" or channel is None:
            return False
        return all(reason.get("channel") not in (None, channel) for reason in self.reasons)


def content_hash(product: HubProduct) -> str:
    """The product's content hash as the hub keeps it, or one made of what moderation reads when it has none."""
    return product.content_hash or fingerprint(product)


def fingerprint(product: HubProduct) -> str:
    """Hash the fields a channel shows (used when the hub left content_hash empty, and after an edit here)."""
    data = [product.sku, product.name, product.description or "", product.vendor or "", product.vendor_code or "",
            list(product.barcodes or []), str(product.price), product.stock, list(product.pictures or []),
            sorted((str(k), str(v)) for k, v in (product.params or {}).items()), str(product.weight_kg),
            str(product.length_cm), str(product.width_cm), str(product.height_cm), product.category_id]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, default=str).encode()).hexdigest()


def product_text(product: HubProduct) -> ProductText:
    """What the rules read of a hub product."""
    params = tuple((str(k), str(v)) for k, v in (product.params or {}).items())
    return ProductText(sku=product.sku, name=product.name or "", description=product.description,
                       price=Decimal(product.price or 0), pictures=tuple(product.pictures or ()), params=params)


def _settings_row(session: Session, account_id: int) -> ModerationSettings | None:
    return session.scalar(select(ModerationSettings).where(ModerationSettings.account_id == account_id))


def rule_set(session: Session, account_id: int) -> RuleSet:
    """Return the cabinet's rules (every rule on, all three channels, no words and no range by default)."""
    row = _settings_row(session, account_id)
    if row is None:
        return RuleSet()
    return RuleSet(forbidden_words=tuple(row.forbidden_words or ()), price_min=row.price_min,
                   price_max=row.price_max, enabled=frozenset(RULES) - set(row.disabled_rules or ()),
                   channels=tuple(c for c in CHANNELS if c in (row.channels or CHANNELS)))


def save_settings(session: Session, *, account_id: int, forbidden_words: Iterable[str],
                  price_min: Decimal | None, price_max: Decimal | None, enabled_rules: Iterable[str],
                  channels: Iterable[str]) -> RuleSet:
    """Save the cabinet's rules; products are judged again by the new rules at the next check."""
    words = list(dict.fromkeys(w.strip() for w in forbidden_words if w and w.strip()))
    if any(len(w) > 100 for w in words) or len(words) > 1000:
        raise ModerationError("bad_words", "forbidden words: at most 1000 words of up to 100 characters")
    for value in (price_min, price_max):
        if value is not None and value < 0:
            raise ModerationError("bad_price", "a price limit cannot be negative")
    if price_min is not None and price_max is not None and price_min > price_max:
        raise ModerationError("bad_price", "the minimum price is above the maximum")
    chosen = [c for c in CHANNELS if c in set(channels)]
    if not chosen:
        raise ModerationError("no_channels", "choose at least one marketplace")
    row = _settings_row(session, account_id)
    if row is None:
        row = ModerationSettings(account_id=account_id)
        session.add(row)
    enabled = set(enabled_rules)
    row.forbidden_words, row.price_min, row.price_max = words, price_min, price_max
    row.disabled_rules = [rule for rule in RULES if rule not in enabled]
    row.channels, row.updated_at = chosen, utcnow()
    session.flush()
    return rule_set(session, account_id)


def _products(session: Session, account_id: int, product_ids: Sequence[int] | None) -> list[HubProduct]:
    query = select(HubProduct).where(HubProduct.account_id == account_id).order_by(HubProduct.sku)
    if product_ids is None:
        return list(session.scalars(query))
    found: list[HubProduct] = []
    ids = list(dict.fromkeys(product_ids))
    for start in range(0, len(ids), CHUNK):
        found += session.scalars(query.where(HubProduct.id.in_(ids[start:start + CHUNK])))
    return found


def _verdict_rows(session: Session, account_id: int, product_ids: list[int]) -> dict[int, ModerationVerdict]:
    rows: dict[int, ModerationVerdict] = {}
    for start in range(0, len(product_ids), CHUNK):
        rows.update({row.product_id: row for row in session.scalars(select(ModerationVerdict).where(
            ModerationVerdict.account_id == account_id,
            ModerationVerdict.product_id.in_(product_ids[start:start + CHUNK])))})
    return rows


def is_current(row: ModerationVerdict | None, product: HubProduct, rules_hash: str) -> bool:
    """Whether a stored verdict still holds: same content, and (unless a person gave it) the same rules."""
    if row is None or row.verdict == "pending" or row.content_hash != content_hash(product):
        return False
    return row.source == "manual" or row.rules_hash == rules_hash


def view(product: HubProduct, row: ModerationVerdict | None, current: bool = True) -> Verdict:
    """Return a product's verdict as the pages and the publishing code see it."""
    if row is None:
        return Verdict(product.id, product.sku, product.name, product.description, "pending")
    return Verdict(product.id, product.sku, product.name, product.description,
                   row.verdict if current else "pending", tuple(row.reasons or ()), row.source, row.judged_by,
                   row.judged_at, row.model_error, row.suggested_description)


def _store(session: Session, account_id: int, product: HubProduct, row: ModerationVerdict | None,
           **fields: Any) -> ModerationVerdict:
    if row is None:
        row = ModerationVerdict(account_id=account_id, product_id=product.id)
        session.add(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.content_hash, row.judged_at = content_hash(product), utcnow()
    return row


def _judge_one(session: Session, account_id: int, product: HubProduct, row: ModerationVerdict | None,
               rules: RuleSet, rules_hash: str, measured: dict[str, pictures.Picture],
               model: llm.Model | None) -> ModerationVerdict:
    text = product_text(product)
    hits = check(text, rules, measured)
    verdict, source, judge, error = ("reject" if hits else "approve"), "rule", "rules", None
    reasons = [hit.dump() for hit in hits]
    suggestion = row.suggested_description if row is not None else None
    if model is not None:
        said = llm.product_text(text, product.vendor)
        if not hits:  # the model is asked only about what the rules let through
            answer = model.judge(account_id, said)
            error = answer.error
            if answer.verdict is not None:
                verdict, source, judge = answer.verdict, "model", model.label
                reasons = [{"rule": "model", "key": "model_reason", "params": {"text": r}} for r in answer.reasons]
        if not (product.description or "").strip() and not suggestion:
            suggestion, describe_error = model.describe(account_id, said)
            error = error or describe_error
    return _store(session, account_id, product, row, verdict=verdict, reasons=reasons, source=source,
                  judged_by=judge, rules_hash=rules_hash, model_error=error, suggested_description=suggestion)


def judge(session: Session, *, account_id: int, product_ids: Sequence[int] | None = None,
          force: bool = False) -> list[Verdict]:
    """Judge the cabinet's products (those of `product_ids`, else all) that have no current verdict, or every one
    but a person's when `force`; return every asked product's verdict, in SKU order."""
    rules = rule_set(session, account_id)
    rules_hash = rules.fingerprint(llm.label())
    products = _products(session, account_id, product_ids)
    rows = _verdict_rows(session, account_id, [p.id for p in products])
    todo = [p for p in products if not is_current(rows.get(p.id), p, rules_hash)
            or (force and rows[p.id].source != "manual")]
    if todo:
        unjudged = [p.id for p in todo if p.id not in rows]
        if unjudged:
            # Publishes to several marketplaces judge the same new products at once: each claims the rows first,
            # so the later one updates the row the other made instead of failing on the unique product_id.
            insert_ignore(session, ModerationVerdict, [
                {"account_id": account_id, "product_id": product_id, "verdict": "pending", "reasons": [],
                 "source": "rule", "content_hash": "", "rules_hash": "", "judged_by": "rules", "judged_at": utcnow()}
                for product_id in unjudged], keys=["product_id"])
            rows.update(_verdict_rows(session, account_id, unjudged))
        measured = pictures.measure(session, [u for p in todo for u in (p.pictures or [])]) \
            if rules.needs_pictures() else {}
        with llm.Model() if llm.enabled() else nullcontext() as model:
            for product in todo:
                rows[product.id] = _judge_one(session, account_id, product, rows.get(product.id), rules,
                                              rules_hash, measured, model)
        session.flush()
    return [view(p, rows.get(p.id)) for p in products]


def publishable(session: Session, *, account_id: int, product_ids: Sequence[int]) -> dict[int, Verdict]:
    """Return the verdict of each product, judging the ones not judged yet: publish a product only when
    `verdicts[id].allows(channel)`. A product of another cabinet is simply absent."""
    return {v.product_id: v for v in judge(session, account_id=account_id, product_ids=product_ids)}
