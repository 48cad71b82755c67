"""Ozon as a CardChannel: cards created and updated by `/v3/product/import` and polled through its task
(`/v1/product/import/info`), found by offer_id in `/v3/product/info/list`, prices set by
`/v1/product/import/prices`.

- **Asynchronous.** A send answers a `task_id` only; each product stays `pending` until Ozon processed it,
  then `imported` (accepted, with its product_id), `skipped` (accepted: the import changed nothing) or `failed`
  (refused, with Ozon's errors). The caller polls `card_outcomes` until nothing is pending.
- **Keyed by offer_id.** Importing an offer_id again updates that product; Ozon never makes a second one, so a
  send whose answer was lost (OutcomeUnknownError) may be repeated once `find_cards` has been asked.
- **Refused before sending.** A draft without real dimensions and weight, or with a category that is not
  "DESCRIPTION_CATEGORY_ID:TYPE_ID", is refused in the submission and left out of the request; nothing is
  invented for it.
- **Prices**: each product's price at most 10 times an hour; the 11th change comes back refused for that item.
"""

from __future__ import annotations

from collections.abc import Sequence

from marketsync.connectors.card_records import CardDraft, CardOutcome, CardSubmission, PriceOutcome, PriceUpdate
from marketsync.connectors.ozon.client import INFO_LIST_MAX, OzonClient
from marketsync.connectors.ozon.client_cards import IMPORT_MAX, PRICES_MAX, OzonCardsClient
from marketsync.connectors.ozon.mapping_cards import (
    REFUSED,
    DraftRefused,
    draft_to_wire,
    outcomes_from_wire,
    price_outcomes_from_wire,
    price_to_wire,
)


class OzonCards:
    """The CardChannel half of the Ozon connector (it holds `client`)."""

    client: OzonClient
    card_batch_size = IMPORT_MAX
    price_batch_size = PRICES_MAX

    @property
    def _cards(self) -> OzonCardsClient:
        return OzonCardsClient(self.client)

    def send_cards(self, drafts: Sequence[CardDraft]) -> CardSubmission:
        """Create or update up to 100 cards in one `/v3/product/import`; the submission carries the task to poll,
        the skus sent, and the drafts refused before sending (no dimensions or weight, a bad category)."""
        if len(drafts) > self.card_batch_size:
            raise ValueError(f"an Ozon product import takes at most {self.card_batch_size} cards, got {len(drafts)}")
        items, sent, refused = [], [], []
        for draft in drafts:
            try:
                items.append(draft_to_wire(draft))
            except DraftRefused as exc:
                refused.append(CardOutcome(draft.sku, REFUSED, draft.remote_id, (str(exc),)))
                continue
            sent.append(draft.sku)
        if not items:
            return CardSubmission(outcomes=tuple(refused))
        answer = self._cards.product_import(items)
        return CardSubmission(task_id=str(answer.result.task_id), outcomes=tuple(refused), sent_skus=tuple(sent))

    def card_outcomes(self, submission: CardSubmission) -> list[CardOutcome]:
        """Read the task of a submission: one outcome per sku sent (pending while Ozon processes it), then the
        ones the submission already settled."""
        settled = list(submission.outcomes)
        if submission.task_id is None or not submission.sent_skus:
            return settled
        items = self._cards.import_info(int(submission.task_id)).result.items
        return outcomes_from_wire(submission.sent_skus, items) + settled

    def find_cards(self, skus: Sequence[str]) -> dict[str, str]:
        """Return offer_id → product_id of the products Ozon holds among `skus` (1000 a request)."""
        wanted = list(dict.fromkeys(skus))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), INFO_LIST_MAX):
            infos = self.client.product_info_list(offer_ids=wanted[start:start + INFO_LIST_MAX]).items
            found.update({info.offer_id: str(info.id) for info in infos})
        return found

    def push_prices(self, prices: Sequence[PriceUpdate]) -> list[PriceOutcome]:
        """Set up to 1000 prices in one `/v1/product/import/prices`, one outcome per price in order (Ozon's own
        refusals, e.g. the 11th change of a product's price within an hour, as refused with its message)."""
        if len(prices) > self.price_batch_size:
            raise ValueError(f"an Ozon price update takes at most {self.price_batch_size} prices, got {len(prices)}")
        if not prices:
            return []
        answer = self._cards.import_prices([price_to_wire(p) for p in prices])
        return price_outcomes_from_wire(prices, answer.result)
