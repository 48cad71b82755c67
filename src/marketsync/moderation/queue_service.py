"""The moderation queue's use cases: a page of products with their verdicts (filtered by verdict), a person's
approve and reject (one or many), editing a product's name and description, and the model's suggested
description asked for and accepted. A person's verdict stands until the product's content changes; an edit
changes it, so an edited product is judged again at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.hub.models import HubProduct
from marketsync.moderation import llm
from marketsync.moderation.models import ModerationVerdict
from marketsync.moderation.service import (
    ModerationError,
    Verdict,
    content_hash,
    fingerprint,
    judge,
    product_text,
    view,
)

PER_PAGE = 50
NAME_MAX = 500
DESCRIPTION_MAX = 20_000


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue and the counts per verdict (for the filter's tabs)."""

    rows: list[Verdict]
    total: int
    page: int
    pages: int
    counts: dict[str, int]


def _pending_clause() -> object:
    row, product = ModerationVerdict, HubProduct
    return or_(row.id.is_(None), row.verdict == "pending",
               and_(product.content_hash != "", row.content_hash != product.content_hash))


def queue(session: Session, *, account_id: int, verdict: str | None = None, page: int = 1,
          per_page: int = PER_PAGE) -> QueuePage:
    """Return a page of the cabinet's products with their verdicts, those of one verdict when `verdict` is set."""
    base = (select(HubProduct, ModerationVerdict)
            .outerjoin(ModerationVerdict, ModerationVerdict.product_id == HubProduct.id)
            .where(HubProduct.account_id == account_id))
    pending = _pending_clause()
    filters = {"pending": pending, "approve": and_(~pending, ModerationVerdict.verdict == "approve"),  # type: ignore[operator]
               "reject": and_(~pending, ModerationVerdict.verdict == "reject")}  # type: ignore[operator]
    counts = {name: session.scalar(select(func.count()).select_from(base.where(clause).subquery())) or 0  # type: ignore[arg-type]
              for name, clause in filters.items()}
    query = base.where(filters[verdict]) if verdict in filters else base  # type: ignore[arg-type]
    total = sum(counts.values()) if verdict not in filters else counts[verdict or ""]
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.execute(query.order_by(HubProduct.sku).offset((page - 1) * per_page).limit(per_page)).all()
    # A verdict given before the content changed shows as pending (a verdict of older rules still shows).
    shown = [view(product, row, current=row is None or row.content_hash == content_hash(product))
             for product, row in rows]
    return QueuePage(shown, total, page, pages, counts)


def _owned(session: Session, account_id: int, product_ids: Sequence[int]) -> list[HubProduct]:
    ids = list(dict.fromkeys(int(i) for i in product_ids))
    if not ids:
        return []
    return list(session.scalars(select(HubProduct).where(HubProduct.account_id == account_id,
                                                         HubProduct.id.in_(ids))))


def _row(session: Session, product: HubProduct) -> ModerationVerdict | None:
    return session.scalar(select(ModerationVerdict).where(ModerationVerdict.product_id == product.id))


def decide(session: Session, *, account_id: int, product_ids: Sequence[int], verdict: str, who: str) -> int:
    """Approve or reject products by hand (`who`: the person's e-mail); return how many were decided."""
    if verdict not in ("approve", "reject"):
        raise ModerationError("bad_verdict", f"unknown verdict {verdict!r}")
    products = _owned(session, account_id, product_ids)
    for product in products:
        row = _row(session, product)
        if row is None:
            row = ModerationVerdict(account_id=account_id, product_id=product.id)
            session.add(row)
        # A person's approval clears the rules' objections; a rejection says who made it.
        row.reasons = [] if verdict == "approve" else [
            {"rule": "manual", "key": "manual_reject", "params": {"who": who}}]
        row.verdict, row.source, row.judged_by = verdict, "manual", who[:255]
        row.content_hash, row.rules_hash, row.model_error = content_hash(product), "", None
        row.judged_at = utcnow()
    session.flush()
    return len(products)


def _product(session: Session, account_id: int, product_id: int) -> HubProduct:
    found = _owned(session, account_id, [product_id])
    if not found:
        raise ModerationError("unknown_product", "no such product in this cabinet")
    return found[0]


def edit_product(session: Session, *, account_id: int, product_id: int, name: str,
                 description: str | None) -> Verdict:
    """Change a product's name and description, then judge it again; return its new verdict."""
    product = _product(session, account_id, product_id)
    name = " ".join((name or "").split())
    if not name:
        raise ModerationError("empty_name", "the name cannot be empty")
    if len(name) > NAME_MAX or len(description or "") > DESCRIPTION_MAX:
        raise ModerationError("too_long", f"the name holds up to {NAME_MAX} characters, the description "
                                          f"up to {DESCRIPTION_MAX}")
    product.name, product.description = name, (description or "").strip() or None
    _changed(product)
    session.flush()
    return judge(session, account_id=account_id, product_ids=[product.id])[0]


def _changed(product: HubProduct) -> None:
    # The publishing code sends a product whose hash changed; the hub's own hash function is not ours to call,
    # so the edit stamps the moderation's fingerprint of every shown field (a new value whatever changed).
    product.content_hash, product.updated_at = fingerprint(product), utcnow()


def suggest_description(session: Session, *, account_id: int, product_id: int) -> Verdict:
    """Ask the model for a description written from the product's attributes; keep it for a person to accept."""
    product = _product(session, account_id, product_id)
    if not llm.enabled():
        raise ModerationError("no_model", "no language model is configured (MODERATION_LLM_URL)")
    with llm.Model() as model:
        text, error = model.describe(account_id, llm.product_text(product_text(product), product.vendor))
    if text is None:
        raise ModerationError("model_failed", f"the model wrote no description: {error}")
    judge(session, account_id=account_id, product_ids=[product.id])
    row = _row(session, product)
    assert row is not None  # judged just above
    row.suggested_description = text
    session.flush()
    return view(product, row)


def accept_description(session: Session, *, account_id: int, product_id: int) -> Verdict:
    """Make the model's suggested description the product's own, then judge it again."""
    product = _product(session, account_id, product_id)
    row = _row(session, product)
    if row is None or not row.suggested_description:
        raise ModerationError("no_suggestion", "the model has suggested no description for this product")
    product.description, row.suggested_description = row.suggested_description, None
    _changed(product)
    session.flush()
    return judge(session, account_id=account_id, product_ids=[product.id])[0]
