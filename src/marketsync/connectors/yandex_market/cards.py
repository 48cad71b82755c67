"""Yandex Market as a CardChannel: cards through updateOfferMappings, confirmed through getOfferMappings, prices
through updateBusinessPrices (the business's price in every shop).

updateOfferMappings is synchronous and ALL OR NOTHING: when any offer of a request has an error the answer is
`status: ERROR` (HTTP 200) and nothing was applied, so the offers with errors are refused with YM's error types
and messages and the rest is sent again without them, until a request is accepted or nothing is left; one bad
card never blocks the others. Warnings alone mean the request was applied. A 400 refuses the request whole:
the offers its messages name are refused and the rest sent again; one naming none refuses every offer with its
text. A card the schema would refuse (a name over 256 characters, …) is refused here, never sent.

YM's catalogue shows an accepted card within minutes, not at once: `card_outcomes` reads the cards back and
keeps a card not yet readable `pending`. A lost answer raises OutcomeUnknownError (the request may have been
applied; earlier rounds' refusals of the same call are lost with it): the caller asks `find_cards`.
"""

from __future__ import annotations

from collections.abc import Sequence

from marketsync.connectors.card_records import CardDraft, CardOutcome, CardSubmission, PriceOutcome, PriceUpdate
from marketsync.connectors.yandex_market.client import TITLE, RequestRefusedError, YandexMarketClient
from marketsync.connectors.yandex_market.client_cards import (
    MAPPINGS_OFFER_IDS_MAX,
    UPDATE_MAPPINGS_MAX,
    UPDATE_PRICES_MAX,
    offer_mappings_of,
    update_business_prices,
    update_offer_mappings,
)
from marketsync.connectors.yandex_market.mapping import refused_keys
from marketsync.connectors.yandex_market.mapping_cards import (
    draft_problems,
    offer_to_wire,
    price_to_wire,
    problem_text,
    sku_problem,
)

ACCEPTED, REFUSED, PENDING = "accepted", "refused", "pending"


def _unique(skus: Sequence[str], what: str) -> None:
    if len(set(skus)) != len(skus):
        raise ValueError(f"{TITLE}: each offerId once per {what}")


class YandexMarketCards:
    """The card and price writes of the YM connector (it holds `client` and `business_id`)."""

    client: YandexMarketClient
    business_id: int
    card_batch_size = UPDATE_MAPPINGS_MAX
    price_batch_size = UPDATE_PRICES_MAX

    def send_cards(self, drafts: Sequence[CardDraft]) -> CardSubmission:
        """Create or update ≤ 100 cards; every outcome is settled in the answer (accepted or refused)."""
        if len(drafts) > self.card_batch_size:
            raise ValueError(f"{TITLE} takes at most {self.card_batch_size} cards a request")
        _unique([d.sku for d in drafts], "request")
        outcomes: dict[str, CardOutcome] = {}
        pending: list[CardDraft] = []
        for draft in drafts:
            problems = draft_problems(draft)
            if problems:
                outcomes[draft.sku] = CardOutcome(draft.sku, REFUSED, errors=tuple(problems))
            else:
                pending.append(draft)
        while pending:
            try:
                answer = update_offer_mappings(self.client, self.business_id, [offer_to_wire(d) for d in pending])
            except RequestRefusedError as exc:
                named = refused_keys(exc.errors, [d.sku for d in pending]) if exc.status == 400 else {}
                if not named:
                    outcomes.update({d.sku: CardOutcome(d.sku, REFUSED, errors=(exc.message,)) for d in pending})
                    break
                outcomes.update({sku: CardOutcome(sku, REFUSED, errors=(f"{e.code}: {e.message or ''}".strip(),))
                                 for sku, e in named.items()})
                pending = [d for d in pending if d.sku not in named]
                continue
            failed = {r.offer_id.strip(): tuple(problem_text(p) for p in r.errors)
                      for r in answer.results or [] if r.errors}
            if answer.status == "OK":
                outcomes.update({d.sku: CardOutcome(d.sku, ACCEPTED, remote_id=d.sku) for d in pending})
                break
            refused = {d.sku for d in pending if d.sku in failed}
            if not refused:  # ERROR naming no offer of ours: nothing was applied and nothing tells why
                outcomes.update({d.sku: CardOutcome(d.sku, REFUSED, errors=(f"{TITLE} refused the request",))
                                 for d in pending})
                break
            outcomes.update({sku: CardOutcome(sku, REFUSED, errors=failed[sku]) for sku in refused})
            pending = [d for d in pending if d.sku not in refused]
        return CardSubmission(outcomes=tuple(outcomes[d.sku] for d in drafts),
                              sent_skus=tuple(d.sku for d in drafts))

    def card_outcomes(self, submission: CardSubmission) -> list[CardOutcome]:
        """Confirm a sent batch: an accepted card readable in the catalogue is accepted, one not yet readable is
        pending (the catalogue lags minutes); refusals stand as the answer gave them."""
        settled = {o.sku: o for o in submission.outcomes}
        skus = list(submission.sent_skus) or list(settled)
        to_read = [s for s in skus if settled.get(s) is None or settled[s].status != REFUSED]
        found = self.find_cards(to_read) if to_read else {}
        outcomes = []
        for sku in skus:
            if sku in settled and settled[sku].status == REFUSED:
                outcomes.append(settled[sku])
            elif sku in found:
                outcomes.append(CardOutcome(sku, ACCEPTED, remote_id=found[sku]))
            else:
                outcomes.append(CardOutcome(sku, PENDING))
        return outcomes

    def find_cards(self, skus: Sequence[str]) -> dict[str, str]:
        """Return offerId → offerId of the cards the business catalogue holds among `skus` (archived ones
        included), 100 offerIds a request."""
        wanted = [s for s in dict.fromkeys(skus) if sku_problem(s) is None]  # others can never exist there
        found: dict[str, str] = {}
        for start in range(0, len(wanted), MAPPINGS_OFFER_IDS_MAX):
            answer = offer_mappings_of(self.client, self.business_id, wanted[start:start + MAPPINGS_OFFER_IDS_MAX])
            found.update({m.offer.offer_id: m.offer.offer_id for m in answer.result.offer_mappings})
        return {sku: found[sku] for sku in wanted if sku in found}

    def push_prices(self, prices: Sequence[PriceUpdate]) -> list[PriceOutcome]:
        """Set ≤ 500 business prices in one request; one outcome per price in order. A 400 naming some offers
        (not in the catalogue) applied nothing: those are refused and the rest sent again."""
        if len(prices) > self.price_batch_size:
            raise ValueError(f"{TITLE} takes at most {self.price_batch_size} prices a request")
        _unique([p.sku for p in prices], "request")
        outcomes: dict[str, PriceOutcome] = {}
        pending: list[PriceUpdate] = []
        for price in prices:
            problem = sku_problem(price.sku) or (f"price {price.price} must be above zero" if price.price <= 0
                                                 else None)
            if problem:
                outcomes[price.sku] = PriceOutcome(price.sku, REFUSED, error=problem)
            else:
                pending.append(price)
        while pending:
            try:
                update_business_prices(self.client, self.business_id, [price_to_wire(p) for p in pending])
            except RequestRefusedError as exc:
                named = refused_keys(exc.errors, [p.sku for p in pending]) if exc.status == 400 else {}
                if not named:
                    outcomes.update({p.sku: PriceOutcome(p.sku, REFUSED, error=exc.message) for p in pending})
                    break
                outcomes.update({sku: PriceOutcome(sku, REFUSED, error=f"{e.code}: {e.message or ''}".strip())
                                 for sku, e in named.items()})
                pending = [p for p in pending if p.sku not in named]
                continue
            outcomes.update({p.sku: PriceOutcome(p.sku, ACCEPTED) for p in pending})
            break
        return [outcomes[p.sku] for p in prices]
