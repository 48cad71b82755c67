"""The seller's "publish my catalog to a marketplace": gather the hub's products a chunk at a time (their mapped
category, moderation verdict, resolved attributes and the channel's price), decide in sync/card_plan.py, and
apply through sync/card_exporter.py: adopt, send, await the verdicts, then the prices. A dry run decides only."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connections.service import open_card_channel, recorder_for
from marketsync.connectors.capabilities import CardChannel
from marketsync.connectors.card_records import CardDraft
from marketsync.dictionaries.service import mapping_of, resolve_attributes
from marketsync.hub.models import HubProduct
from marketsync.moderation.messages import english
from marketsync.moderation.service import Verdict, publishable
from marketsync.notices import of_error
from marketsync.pricing.rules import Markup, channel_price
from marketsync.pricing.service import markup_of
from marketsync.publishing import drafts, state
from marketsync.publishing.models import CardPublication
from marketsync.sync import runs
from marketsync.sync.card_exporter import CardCounts, Outgoing, Poller, adopt, push_prices, send
from marketsync.sync.card_plan import CardAction, CardCandidate, CardReason, plan_cards
from marketsync.sync.models import SyncRun

CHUNK = 500
SYSTEMS = {"ozon": "ozon", "wb": "wildberries", "ym": "yandex_market"}


@dataclass
class PublishReport:
    """What a publish decided and did: the plan's actions (held back ones with their reasons), and the counts."""

    channel: str
    run: SyncRun | None = None
    held_back: list[CardAction] = field(default_factory=list)
    unchanged: int = 0
    would_send: list[CardAction] = field(default_factory=list)  # a dry run's sends
    counts: CardCounts = field(default_factory=CardCounts)

    @property
    def rejected(self) -> int:
        """Products not sent (moderation, attributes) or refused by the marketplace."""
        return len(self.held_back) + len(self.counts.refused)


def _chunks(session: Session, account_id: int) -> Iterator[list[HubProduct]]:
    after = 0
    while True:
        rows = list(session.scalars(select(HubProduct).where(HubProduct.account_id == account_id,
                                                             HubProduct.id > after)
                                    .order_by(HubProduct.id).limit(CHUNK)))
        if not rows:
            return
        yield rows
        after = rows[-1].id


def _verdict(verdict: Verdict | None, channel: str) -> tuple[str, tuple[str, ...]]:
    """The plan's view of moderation: approve, reject or pending, with the reasons in English."""
    if verdict is not None and verdict.allows(channel):
        return "approve", ()
    reasons = tuple(english(reason) for reason in verdict.reasons) if verdict is not None else ()
    return ("reject" if verdict is not None and verdict.verdict == "reject" else "pending"), reasons


def _candidate(session: Session, conn: Connection, channel: str, product: HubProduct, verdict: Verdict | None,
               row: CardPublication | None, price: Decimal) -> tuple[CardCandidate, CardDraft | None]:
    """What the plan needs to know of one product, and the card it would send."""
    target = mapping_of(session, account_id=conn.account_id, hub_category_id=product.category_id,
                        channel=channel) if product.category_id is not None else None
    if target is None:
        return CardCandidate(product.id, product.sku, "", category_mapped=False), None
    # The category is mapped, so a DictionaryError here is the marketplace's dictionary out of reach (a refused
    # key, the remote away): the whole publish stops and says so, no product is blamed for it.
    resolution = resolve_attributes(session, account_id=conn.account_id, channel=channel, product=product)
    missing = [*resolution.missing_required, *drafts.missing_fields(product, channel)]
    matched = resolution.values
    draft = drafts.build_draft(product, category=target, matched=matched, price=price,
                               remote_id=row.remote_id if row else None,
                               pictures_accepted=row.pictures_hash if row else None)
    sent_hash = drafts.draft_hash(draft)
    judged, reasons = _verdict(verdict, channel)
    candidate = CardCandidate(
        product.id, product.sku, sent_hash, verdict=judged, verdict_reasons=reasons,
        missing=tuple(dict.fromkeys(missing)), remote_id=row.remote_id if row else None,
        accepted_hash=row.accepted_hash if row else None, refused=bool(row and row.state == "refused"),
        in_flight=bool(row and row.state == "in_flight"))
    return candidate, draft


def publish_cards(session: Session, engine: Engine, conn: Connection, channel: str, *, dry_run: bool = False,
                  poller: Poller | None = None) -> PublishReport:
    """Publish the cabinet's hub catalog to one marketplace connection; return what was decided and done."""
    report = PublishReport(channel)
    run = runs.start_run(session, account_id=conn.account_id, pipeline="publish", dry_run=dry_run,
                         source=conn.system)
    report.run = run
    session.commit()
    owner, lease = f"run-{run.id}", f"publish:{channel}"
    runs.lease_or_skip(session, engine, run, lease=lease, owner=owner, busy="publish_already_running")
    recorder = recorder_for(conn)
    connector = open_card_channel(conn, recorder)
    markup = markup_of(session, account_id=conn.account_id, channel=channel)
    priced: list[tuple[CardPublication, Decimal]] = []
    try:
        for products in _chunks(session, conn.account_id):
            _publish_chunk(session, conn, channel, connector, products, markup, report, priced, dry_run,
                           poller or Poller())
        if not dry_run:
            push_prices(session, connector, channel, priced, report.counts)
        run.created, run.updated = report.counts.created, report.counts.updated
        run.skipped, run.failed = report.unchanged, report.rejected
        runs.finish_run(run)
    except Exception as exc:
        session.rollback()
        runs.finish_run(run, error=of_error(exc))
        raise
    finally:
        session.commit()
        recorder.flush()
        connector.close()
        runs.release_lock(engine, pipeline=lease, account_id=conn.account_id, owner=owner)
    return report


def _publish_chunk(session: Session, conn: Connection, channel: str, connector: CardChannel,
                   products: Sequence[HubProduct], markup: Markup | None, report: PublishReport,
                   priced: list[tuple[CardPublication, Decimal]], dry_run: bool, poller: Poller) -> None:
    """Decide one chunk of products and send what the plan says."""
    ids = [product.id for product in products]
    verdicts = publishable(session, account_id=conn.account_id, product_ids=ids)
    known = state.publications_of(session, conn.id, ids)
    cards: dict[int, CardDraft] = {}
    candidates = []
    prices: dict[int, Decimal] = {}
    for product in products:
        prices[product.id] = channel_price(product.price, markup)
        candidate, draft = _candidate(session, conn, channel, product, verdicts.get(product.id),
                                      known.get(product.id), prices[product.id])
        candidates.append(candidate)
        if draft is not None:
            cards[product.id] = draft
    actions = plan_cards(candidates)
    to_send: list[Outgoing] = []
    for action in actions:
        product_id = action.candidate.product_id
        if action.held_back:
            report.held_back.append(action)
        elif action.reason is CardReason.UNCHANGED:
            report.unchanged += 1
        elif dry_run:
            report.would_send.append(action)
        else:
            row = state.row_for(session, account_id=conn.account_id, connection_id=conn.id, channel=channel,
                                product_id=product_id, sku=action.candidate.sku, known=known)
            to_send.append(Outgoing(action, cards[product_id], action.candidate.payload_hash, row))
        if action.reason is CardReason.UNCHANGED and not dry_run:
            priced.append((known[product_id], prices[product_id]))
    if dry_run or not to_send:
        return
    session.flush()
    adopt(connector, to_send, report.counts)
    send(session, connector, to_send, report.counts, poller)
    for item in to_send:
        if item.row.state != "accepted":
            continue
        if channel != "wb" or item.action.create:  # the card carried its price (WB's update cannot change it)
            state.record_price(item.row, item.draft.price, "accepted", None)
        priced.append((item.row, prices[item.row.product_id]))
