"""A cabinet's markups per channel: read, saved and removed by the page and the CLI, and applied by whoever sends
a price (the feeds here; the marketplaces' price push by `price_for`)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.pricing.models import PriceRule
from marketsync.pricing.rules import Markup, channel_price, check_channel, parse_markup


def markup_of_rule(rule: PriceRule) -> Markup:
    """Return a stored rule as the pure Markup that channel_price takes."""
    return Markup(percent=Decimal(rule.percent), add=Decimal(rule.add), rounding=rule.rounding,
                  min_price=None if rule.min_price is None else Decimal(rule.min_price))


def rules_of(session: Session, *, account_id: int) -> list[PriceRule]:
    """Return the cabinet's rules, marketplaces first, then feeds by name."""
    rules = session.scalars(select(PriceRule).where(PriceRule.account_id == account_id))
    return sorted(rules, key=lambda r: (r.channel.startswith("feed:"), r.channel))


def markup_of(session: Session, *, account_id: int, channel: str) -> Markup | None:
    """Return the channel's markup, or None when the cabinet has no rule for it (the catalog price applies)."""
    rule = session.scalar(select(PriceRule).where(PriceRule.account_id == account_id, PriceRule.channel == channel))
    return None if rule is None else markup_of_rule(rule)


def price_for(session: Session, *, account_id: int, channel: str, price: Decimal) -> Decimal:
    """Return the price `channel` gets for a catalog price (one lookup; batch callers take markup_of once)."""
    return channel_price(price, markup_of(session, account_id=account_id, channel=channel))


def save_rule(session: Session, *, account_id: int, channel: str, percent: str | None = None,
              add: str | None = None, rounding: str | None = None, min_price: str | None = None) -> PriceRule:
    """Create or change the channel's rule from what the seller typed; raises MarkupError naming the field."""
    channel = check_channel(channel)
    markup = parse_markup(percent=percent, add=add, rounding=rounding, min_price=min_price)
    rule = session.scalar(select(PriceRule).where(PriceRule.account_id == account_id, PriceRule.channel == channel))
    if rule is None:
        rule = PriceRule(account_id=account_id, channel=channel)
        session.add(rule)
    rule.percent, rule.add, rule.rounding, rule.min_price = (markup.percent, markup.add, markup.rounding,
                                                             markup.min_price)
    rule.updated_at = utcnow()
    session.flush()
    return rule


def delete_rule(session: Session, *, account_id: int, channel: str) -> bool:
    """Remove the channel's rule (it gets the catalog price again); return whether there was one."""
    result = session.execute(delete(PriceRule).where(PriceRule.account_id == account_id,
                                                     PriceRule.channel == channel))
    return bool(getattr(result, "rowcount", 0))

