"""The emulated Yandex Market's data per Api-Key: businesses, shops (campaigns) with their warehouses, the
business catalogue (offers) and stocks per (shop, warehouse, offer)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from marketsync.sandbox.yandex_market.errors import YmError, bad_request, forbidden, not_found
from marketsync.sandbox.yandex_market.limits import Limit, WeightedWindows

# x-resource-limit-config (tier `none`) of the operations we emulate: (amount, seconds, what is counted).
DEFAULT_LIMITS: dict[str, Limit] = {
    "getCampaign": Limit(5000, 3600),
    "getCampaigns": Limit(1000, 3600),
    "getOfferMappings": Limit(100, 60),
    "getStocks": Limit(100_000, 60),  # offers returned
    "updateStocks": Limit(100_000, 60),  # SKUs sent
    "getCategoriesTree": Limit(50, 3600),  # 50 requests an hour
    "getCategoryContentParameters": Limit(100, 60),
    "updateOfferMappings": Limit(5000, 60),  # offers sent (req.offerMappings)
    "updateBusinessPrices": Limit(10_000, 60),  # offers sent (req.offers)
}
PLACEMENTS = ("FBS", "FBY", "DBS", "LAAS")


@dataclass
class YmOffer:
    """An offer of a business catalogue; `campaign_ids` are the shops it is placed in."""

    offer_id: str
    name: str
    barcodes: list[str] = field(default_factory=list)
    market_sku: int | None = None
    archived: bool = False
    campaign_ids: list[int] = field(default_factory=list)
    card: dict[str, Any] = field(default_factory=dict)  # BaseOfferDTO fields sent by updateOfferMappings
    visible_at: datetime | None = None  # a new card is readable from then on (the catalogue lags)


@dataclass
class YmCampaign:
    """A shop: FBS/DBS shops have the seller's warehouse(s), FBY shops stock at Market's warehouses."""

    id: int
    business_id: int
    domain: str
    placement: str
    warehouses: dict[int, str] = field(default_factory=dict)


@dataclass
class YmStock:
    """An offer's stock at one warehouse: AVAILABLE, FREEZE (reserved) and DEFECT; FIT = AVAILABLE + FREEZE."""

    available: int = 0
    freeze: int = 0
    defect: int = 0
    updated_at: datetime | None = None


class YandexMarketState:
    """Everything the emulated API knows; thread-safe under the sandbox lock."""

    def __init__(self, lock: threading.RLock | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.lock = lock or threading.RLock()
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.windows = WeightedWindows()
        self.reset()

    def reset(self) -> None:
        """Forget every key, business, shop, offer and stock, and restore the documented limits."""
        with self.lock:
            self.tokens: dict[str, int] = {}
            self.revoked: set[str] = set()
            self.businesses: dict[int, str] = {}
            self.campaigns: dict[int, YmCampaign] = {}
            self.offers: dict[int, dict[str, YmOffer]] = {}
            self.stocks: dict[tuple[int, int, str], YmStock] = {}
            self.limits: dict[str, Limit | None] = dict(DEFAULT_LIMITS)
            self.page_cap: int | None = None  # tests: pages smaller than the limit asked, to page tens of items
            self.card_delay_s = 0.0  # how long a new card stays unreadable (0: at once; tests set more)
            self.skew = timedelta(0)  # what tests advanced the clock by
            self.locked: set[int] = set()  # businesses whose cabinet is being moved: writes answer 423
            self.windows.reset()

    def now(self) -> datetime:
        """Return the emulator's clock: real time plus what tests advanced."""
        return self.clock() + self.skew

    def advance(self, seconds: float) -> None:
        """Move the clock on: cards sent meanwhile become readable (rate windows are real time)."""
        with self.lock:
            self.skew += timedelta(seconds=seconds)

    # --- seeding -------------------------------------------------------------------------------------------
    def add_business(self, token: str, business_id: int, name: str = "") -> None:
        """Create a business (cabinet) and an Api-Key for it."""
        with self.lock:
            self.businesses[business_id] = name or f"Кабинет {business_id}"
            self.offers.setdefault(business_id, {})
            self.tokens[token] = business_id

    def add_campaign(self, business_id: int, campaign_id: int, *, placement: str = "FBS", domain: str = "",
                     warehouses: dict[int, str] | None = None) -> YmCampaign:
        """Add a shop of the business with its warehouses (id → name)."""
        if placement not in PLACEMENTS:
            raise ValueError(f"placement must be one of {PLACEMENTS}")
        with self.lock:
            campaign = YmCampaign(campaign_id, business_id, domain or f"shop-{campaign_id}", placement,
                                  dict(warehouses or {}))
            self.campaigns[campaign_id] = campaign
            return campaign

    def add_offer(self, business_id: int, offer_id: str, name: str, *, barcodes: Sequence[str] = (),
                  market_sku: int | None = None, archived: bool = False,
                  campaign_ids: Sequence[int] = ()) -> YmOffer:
        """Add (or replace) an offer of the business catalogue."""
        with self.lock:
            offer = YmOffer(offer_id, name, list(barcodes), market_sku, archived, list(campaign_ids))
            self.offers.setdefault(business_id, {})[offer_id] = offer
            return offer

    def set_stock(self, campaign_id: int, warehouse_id: int, offer_id: str, available: int, *, freeze: int = 0,
                  defect: int = 0) -> None:
        """Set an offer's stock at one warehouse of a shop."""
        with self.lock:
            self.stocks[(campaign_id, warehouse_id, offer_id)] = YmStock(available, freeze, defect, self.clock())

    def revoke_token(self, token: str) -> None:
        """Make a key answer 403 from now on."""
        with self.lock:
            self.revoked.add(token)

    # --- what the routes ask -------------------------------------------------------------------------------
    def business_of(self, token: str) -> int | None:
        """Return the business a live key belongs to."""
        with self.lock:
            return None if token in self.revoked else self.tokens.get(token)

    def campaign_for(self, token: str, campaign_id: int, *, unknown: int = 404) -> YmCampaign:
        """Return a shop the key may see: `unknown` (404, or 403 where an operation documents no 404) if there
        is none, 403 if it is another business's."""
        with self.lock:
            campaign = self.campaigns.get(campaign_id)
            if campaign is None and unknown == 404:
                raise not_found(f"Campaign {campaign_id} not found")
            if campaign is None:
                raise forbidden(f"Access to campaign {campaign_id} is denied")
            if campaign.business_id != self.business_of(token):
                raise forbidden(f"Access to campaign {campaign_id} is denied")
            return campaign

    def business_for(self, token: str, business_id: int) -> int:
        """Check the key belongs to this business (403 otherwise)."""
        if business_id != self.business_of(token):
            raise forbidden(f"Access to business {business_id} is denied")
        return business_id

    def campaigns_of(self, token: str) -> list[YmCampaign]:
        """Return the shops of the key's business, by id."""
        with self.lock:
            business = self.business_of(token)
            return sorted((c for c in self.campaigns.values() if c.business_id == business), key=lambda c: c.id)

    def catalogue(self, business_id: int, *, archived: bool) -> list[YmOffer]:
        """Return the business's archived offers or the others, in insertion order."""
        with self.lock:
            now = self.now()
            return [o for o in self.offers.get(business_id, {}).values()
                    if o.archived == archived and (o.visible_at is None or o.visible_at <= now)]

    def shop_offers(self, campaign: YmCampaign, *, archived: bool) -> list[YmOffer]:
        """Return the offers a shop holds (placed in it, or in no shop in particular)."""
        return [o for o in self.catalogue(campaign.business_id, archived=archived)
                if not o.campaign_ids or campaign.id in o.campaign_ids]

    def offers_by_id(self, campaign: YmCampaign, offer_ids: Iterable[str]) -> list[YmOffer]:
        """Return the known offers among these ids (archived included), in the order asked."""
        with self.lock:
            catalogue = self.offers.get(campaign.business_id, {})
            return [catalogue[i] for i in dict.fromkeys(offer_ids) if i in catalogue]

    def stock(self, campaign_id: int, warehouse_id: int, offer_id: str) -> YmStock | None:
        """Return one stock record."""
        with self.lock:
            return self.stocks.get((campaign_id, warehouse_id, offer_id))

    def update_stocks(self, campaign: YmCampaign, skus: list[dict[str, Any]]) -> None:
        """Apply updateStocks all or nothing: unknown SKUs or an FBY shop refuse the whole request (400)."""
        with self.lock:
            if campaign.placement not in ("FBS", "DBS"):
                raise bad_request(f"Stocks of campaign {campaign.id} ({campaign.placement}) are kept by Market")
            catalogue = self.offers.get(campaign.business_id, {})
            seen: set[str] = set()
            for entry in skus:
                sku = entry["sku"].strip()  # ShopSku: x-transform trim
                if sku in seen:
                    raise bad_request(f"Duplicate sku in the request: {sku}")
                seen.add(sku)
            unknown = [entry["sku"].strip() for entry in skus if entry["sku"].strip() not in catalogue]
            if unknown:
                # [UNCONFIRMED] wording; the spec documents only a 400 with errors[{code, message}].
                first, *rest = [("BAD_REQUEST", f"Offer not found in the catalogue: {sku}") for sku in unknown]
                raise YmError(400, first[0], first[1], more=rest)
            for entry in skus:
                sku, item = entry["sku"].strip(), entry["items"][0]
                moment = _parse_moment(item.get("updatedAt")) or self.clock()
                for warehouse_id in campaign.warehouses:
                    record = self.stocks.setdefault((campaign.id, warehouse_id, sku), YmStock())
                    record.available, record.updated_at = int(item["count"]), moment


def _parse_moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def dump_yandex_market(state: YandexMarketState, token: str | None) -> dict[str, Any]:
    """Return the objects a key sees (its business), or a per-key summary when no key is given."""
    with state.lock:
        if token is None:
            return {"tokens": {t: {"business_id": b, "offers": len(state.offers.get(b, {})),
                                   "campaigns": len(state.campaigns_of(t))}
                               for t, b in state.tokens.items() if t not in state.revoked}}
        business_id = state.business_of(token)
        if business_id is None:
            raise KeyError("unknown or revoked Yandex Market Api-Key")
        campaigns = state.campaigns_of(token)
        ids = {c.id for c in campaigns}
        return {
            "business_id": business_id,
            "campaigns": [{"id": c.id, "placement": c.placement, "domain": c.domain,
                           "warehouses": {str(w): n for w, n in c.warehouses.items()}} for c in campaigns],
            "offers": [{"offerId": o.offer_id, "name": o.name, "barcodes": o.barcodes, "marketSku": o.market_sku,
                        "archived": o.archived, "campaigns": o.campaign_ids}
                       for o in state.offers.get(business_id, {}).values()],
            "stocks": [{"campaignId": c, "warehouseId": w, "offerId": o, "available": s.available,
                        "freeze": s.freeze, "defect": s.defect,
                        "updatedAt": s.updated_at.isoformat() if s.updated_at else None}
                       for (c, w, o), s in state.stocks.items() if c in ids],
        }
