"""What the publishing page shows per marketplace: connected or not, how many categories are mapped to it, the
cards by state, the last publish run, and the cards and prices the marketplace refused, with its words."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.connections.service import get_connection, system_title
from marketsync.dictionaries.models import CategoryMapping
from marketsync.publishing.models import CardPublication
from marketsync.sync.models import SyncRun
from marketsync.sync.pipelines.publish import SYSTEMS

SHOWN = 50


@dataclass
class ChannelOverview:
    """One marketplace's publishing state for a cabinet."""

    channel: str
    title: str
    connected: bool
    mapped: int
    states: dict[str, int] = field(default_factory=dict)  # accepted | refused | in_flight → cards
    last_run: SyncRun | None = None
    refused: list[CardPublication] = field(default_factory=list)
    prices: list[CardPublication] = field(default_factory=list)  # quarantined or refused prices


def overview(session: Session, *, account_id: int) -> list[ChannelOverview]:
    """Every marketplace's publishing state for the cabinet, Ozon, Wildberries, Yandex Market in that order."""
    rows = []
    for channel, system in SYSTEMS.items():
        mine = (CardPublication.account_id == account_id, CardPublication.channel == channel)
        item = ChannelOverview(
            channel, system_title(system), get_connection(session, account_id, system) is not None,
            int(session.scalar(select(func.count()).select_from(CategoryMapping).where(
                CategoryMapping.account_id == account_id, CategoryMapping.channel == channel)) or 0))
        item.states = dict(session.execute(select(CardPublication.state, func.count()).where(*mine)
                                           .group_by(CardPublication.state)).all())
        item.last_run = session.scalar(select(SyncRun).where(
            SyncRun.account_id == account_id, SyncRun.pipeline == "publish", SyncRun.source == system)
            .order_by(SyncRun.id.desc()).limit(1))
        item.refused = list(session.scalars(select(CardPublication).where(*mine, CardPublication.state == "refused")
                                            .order_by(CardPublication.sku).limit(SHOWN)))
        item.prices = list(session.scalars(select(CardPublication).where(
            *mine, CardPublication.price_state.in_(("quarantined", "refused"))).order_by(CardPublication.sku)
            .limit(SHOWN)))
        rows.append(item)
    return rows
