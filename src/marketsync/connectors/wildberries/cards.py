"""Wildberries as a CardChannel: cards created (upload) and overwritten (update), their fate read from the cards
list and the error list, prices set by a price upload whose goods say what became of each.

Both card methods answer 200 with no id and only queue the request, so a card is:
- accepted once the cards list holds its vendorCode (a new card), or, for an update, once its updatedAt moved
  past the one read before sending;
- refused when the error list names its vendorCode in a batch that was not there before the send (a batch
  seen before is an older attempt: WB keeps it until the card is processed again);
- pending otherwise.
What was read before sending is kept in this connector, so one connector should send and poll a batch; a new
one (after a crash) takes a listed card as accepted and any error batch as current.
Cards are found by textSearch one vendorCode at a time for a few, else by paging the list newest first (WB sorts
by updatedAt descending), stopping as soon as all are found; cards still pending make that a full listing.

Pictures are no part of a WB card body: once a sent card is accepted with its nmID, its pictures (the first 30,
in order) go by POST /content/v3/media/save, which replaces all media of the card, once per card per send: for a
new card with pictures, and for an update unless the draft says WB took these very pictures from us before
(`pictures_held`, from the publication's record) or the cards list shows exactly these links (real WB lists its own
copies, never the seller's links, so only our record spares the call there; a draft without pictures never calls
it, and so never clears what WB holds). When WB refuses the media
save (a 4xx), the card is reported `refused` with WB's text, its nmID kept: the card exists but does not show
what the seller wants, and the next publish re-sends a refused card (as an update), pictures included. A transient
failure (429, 5xx, no answer) raises as every call does; the card stays in `sent_cards`, so asking again saves
its media again (a save of the same links is harmless). A 200 only says WB took the links: a file WB cannot use
makes it load none, which shows only in the card's photos later, not in this outcome.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from marketsync.connectors.card_records import CardDraft, CardOutcome, CardSubmission, PriceOutcome, PriceUpdate
from marketsync.connectors.errors import OutcomeUnknownError, RejectedError
from marketsync.connectors.wildberries.client import WildberriesClient
from marketsync.connectors.wildberries.client_cards import MEDIA_MAX, WildberriesCardsClient
from marketsync.connectors.wildberries.mapping_cards import (
    local_problems,
    price_outcome,
    update_item,
    upload_element,
    whole_roubles,
)
from marketsync.connectors.wildberries.schemas import Card

SEARCH_MAX = 5  # up to this many cards are looked up one textSearch each; more page the list
PRICE_WAIT_SECONDS, PRICE_POLL_SECONDS = 60.0, 1.0
ALREADY_SET = "The specified prices and discounts are already set"
DONE = frozenset({3, 4, 5, 6})  # price upload statuses of a processed upload


@dataclass
class _Sent:
    """What was known of a sent card before the send: error batches naming it, its updatedAt (updates), and the
    pictures to save once it is accepted (none: no media call)."""

    stale_batches: set[str] = field(default_factory=set)
    updated_before: str | None = None
    update: bool = False
    pictures: tuple[str, ...] = ()


def _detail(exc: RejectedError) -> str:
    return str(exc.params.get("detail") or exc.message)


def _pictures(draft: CardDraft, card: Card | None) -> tuple[str, ...]:
    """The pictures to save for a sent card: its first 30, unless WB took exactly those from us before or the
    card already lists them."""
    wanted = draft.pictures[:MEDIA_MAX]
    if draft.pictures_held or (card is not None and [photo.big for photo in card.photos] == list(wanted)):
        return ()
    return wanted


class WildberriesCards:
    """The CardChannel of the WB connector (it holds `client`, `cards_client` and `sent_cards`)."""

    client: WildberriesClient
    cards_client: WildberriesCardsClient
    sent_cards: dict[str, _Sent]
    subject_kinds: dict[str, dict[int, int]]
    card_batch_size = 100  # upload: at most 100 merged cards a request (update takes 3000; one limit for both)
    price_batch_size = 1000  # /api/v2/upload/task: at most 1000 goods
    sleep = staticmethod(time.sleep)

    # -- reading ------------------------------------------------------------------------------------------------
    def _locate(self, skus: Sequence[str]) -> dict[str, Card]:
        """Return sku → card among `skus` that the cards list holds."""
        wanted, found = set(skus), {}
        if not wanted:
            return {}
        if len(wanted) <= SEARCH_MAX:
            for sku in wanted:
                found.update({c.vendorCode: c for c in self.cards_client.search_cards(sku).cards
                              if c.vendorCode == sku})
            return found
        for page in self.client.cards_list():  # newest first: what was just made or changed comes first
            found.update({c.vendorCode: c for c in page.cards if c.vendorCode in wanted})
            if len(found) == len(wanted):
                break
        return found

    def _errors(self, skus: set[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
        """Return sku → (batch, texts) of the newest error batch naming each of `skus`."""
        latest: dict[str, tuple[str, tuple[str, ...]]] = {}
        if skus:
            for batch in self.cards_client.error_list():  # oldest first: a later batch overrides
                latest.update({code: (batch.batchUUID, tuple(texts)) for code, texts in batch.errors.items()
                               if code in skus})
        return latest

    def _kinds(self, subject: str) -> dict[int, int]:
        """Return charcID → charcType of a subject (read once per connector; {} when WB does not know it)."""
        if subject not in self.subject_kinds:
            try:
                answer = self.client.characteristics(int(subject))
                self.subject_kinds[subject] = {c.charcID: c.charcType for c in answer.data or []}
            except RejectedError:
                return {}  # the upload's own 400 «This category does not exist» says it to the seller
        return self.subject_kinds[subject]

    # -- CardChannel ----------------------------------------------------------------------------------------------
    def send_cards(self, drafts: Sequence[CardDraft]) -> CardSubmission:
        """Queue new cards (upload, each its own merged card) and overwrite existing ones (update, sizes' chrtID
        and WB's barcodes carried from the cards list); a request WB refuses whole refuses its every card."""
        if len(drafts) > self.card_batch_size:
            raise ValueError(f"Wildberries takes at most {self.card_batch_size} cards a send, got {len(drafts)}")
        settled: list[CardOutcome] = []
        creates: list[CardDraft] = []
        updates: list[CardDraft] = []
        for draft in drafts:
            problems = local_problems(draft)
            if problems:
                settled.append(CardOutcome(draft.sku, "refused", draft.remote_id, tuple(problems)))
            else:
                (updates if draft.remote_id else creates).append(draft)
        before = self._errors({d.sku for d in (*creates, *updates)})
        current = self._locate([d.sku for d in updates])
        items: list[tuple[CardDraft, dict[str, Any]]] = []
        for draft in updates:
            card = current.get(draft.sku)
            if card is None or str(card.nmID) != draft.remote_id:
                settled.append(CardOutcome(draft.sku, "refused", draft.remote_id, (
                    f"На Wildberries нет карточки {draft.remote_id} с артикулом продавца {draft.sku}",)))
            else:
                items.append((draft, update_item(draft, card, self._kinds(draft.category))))
        sent: list[str] = []
        for kind, batch in (("upload", [(d, upload_element(d, self._kinds(d.category))) for d in creates]),
                            ("update", items)):
            if not batch:
                continue
            try:
                (self.cards_client.upload if kind == "upload" else self.cards_client.update)([b for _, b in batch])
            except RejectedError as exc:
                settled.extend(CardOutcome(d.sku, "refused", d.remote_id, (_detail(exc),)) for d, _ in batch)
                continue
            for draft, _ in batch:
                stale = {before[draft.sku][0]} if draft.sku in before else set()
                card = current.get(draft.sku)
                self.sent_cards[draft.sku] = _Sent(stale, card.updatedAt if card else None, kind == "update",
                                                   _pictures(draft, card))
                sent.append(draft.sku)
        return CardSubmission(task_id=None, outcomes=tuple(settled), sent_skus=tuple(sent))

    def card_outcomes(self, submission: CardSubmission) -> list[CardOutcome]:
        """Say of every card of a submission whether WB made it (with its nmID), refused it or still works on it."""
        skus = [sku for sku in submission.sent_skus]
        errors = self._errors(set(skus))
        found = self._locate(skus)
        outcomes = list(submission.outcomes)
        for sku in skus:
            sent = self.sent_cards.get(sku, _Sent())
            error = errors.get(sku)
            if error is not None and error[0] in sent.stale_batches:
                error = None  # an older attempt's batch: WB keeps it until this send is processed
            card = found.get(sku)
            if sent.update:
                moved = card is not None and card.updatedAt != sent.updated_before
                outcome = (CardOutcome(sku, "refused", str(card.nmID) if card else None, error[1]) if error
                           else CardOutcome(sku, "accepted", str(card.nmID)) if moved and card
                           else CardOutcome(sku, "pending", str(card.nmID) if card else None))
            else:
                outcome = (CardOutcome(sku, "accepted", str(card.nmID)) if card is not None
                           else CardOutcome(sku, "refused", None, error[1]) if error
                           else CardOutcome(sku, "pending"))
            if outcome.status == "accepted" and sent.pictures and outcome.remote_id:
                outcome = self._save_media(outcome, sent.pictures)
            if outcome.status != "pending":
                self.sent_cards.pop(sku, None)
            outcomes.append(outcome)
        return outcomes

    def _save_media(self, outcome: CardOutcome, pictures: tuple[str, ...]) -> CardOutcome:
        """Save an accepted card's pictures; WB's refusal makes the card refused (see the module docstring)."""
        try:
            self.cards_client.save_media(int(outcome.remote_id or 0), list(pictures))
        except RejectedError as exc:
            return CardOutcome(outcome.sku, "refused", outcome.remote_id,
                               (f"Wildberries не принял фото карточки: {_detail(exc)}",))
        return outcome

    def find_cards(self, skus: Sequence[str]) -> dict[str, str]:
        """Return sku → nmID of the cards WB holds among `skus` (trash excluded)."""
        return {sku: str(card.nmID) for sku, card in self._locate(list(dict.fromkeys(skus))).items()}

    def push_prices(self, prices: Sequence[PriceUpdate]) -> list[PriceOutcome]:
        """Set the prices of ≤ 1000 cards (by nmID, discount 0) in one upload and wait for its outcome: each
        price accepted, refused with WB's text, or quarantined (a drop of 3 times or more: WB kept the old)."""
        if len(prices) > self.price_batch_size:
            raise ValueError(f"Wildberries takes at most {self.price_batch_size} prices a request, got {len(prices)}")
        outcomes: dict[str, PriceOutcome] = {}
        goods: dict[int, str] = {}
        for update in prices:
            if update.remote_id is None or not update.remote_id.isdigit():
                outcomes[update.sku] = PriceOutcome(update.sku, "refused", "the card has no nmID on Wildberries yet")
            elif whole_roubles(update.price) <= 0:
                outcomes[update.sku] = PriceOutcome(update.sku, "refused", "Invalid price value")
            else:
                goods[int(update.remote_id)] = update.sku
        wire = [{"nmID": nm, "price": whole_roubles(p.price), "discount": 0} for p in prices
                if p.sku not in outcomes and (nm := int(p.remote_id or 0)) in goods]
        if wire:
            outcomes.update(self._price_upload(wire, goods))
        return [outcomes[update.sku] for update in prices]

    def _price_upload(self, wire: list[dict[str, Any]], goods: dict[int, str]) -> dict[str, PriceOutcome]:
        try:
            upload_id = self.cards_client.upload_prices(wire)
        except RejectedError as exc:
            text = _detail(exc)
            status = "accepted" if text == ALREADY_SET else "refused"  # nothing to change is no failure
            return {sku: PriceOutcome(sku, status, None if status == "accepted" else text) for sku in goods.values()}
        deadline = time.monotonic() + PRICE_WAIT_SECONDS
        while True:
            state = self.cards_client.task_state(upload_id, buffer=False)
            if state is not None and state.status in DONE:
                break
            if time.monotonic() > deadline:
                raise OutcomeUnknownError(f"Wildberries: price upload {upload_id} is still being processed")
            self.cards_client.task_state(upload_id, buffer=True)  # processing: the buffer holds it meanwhile
            self.sleep(PRICE_POLL_SECONDS)
        if state.status == 4:
            return {sku: PriceOutcome(sku, "refused", "Wildberries cancelled the price upload")
                    for sku in goods.values()}
        by_nm = {good.nmID: good for good in self.cards_client.task_goods(upload_id)}
        return {sku: price_outcome(sku, by_nm.get(nm), state.status) for nm, sku in goods.items()}
