"""What buyers did at the emulated WB: ordered units (keyed by srid), buyouts and returns (saleID S…/R…), and
feedbacks. Statistics times are kept as WB serves them, Moscow local time without an offset; feedback times as
aware UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class WbOrder:
    """One ordered unit: a row of /api/v1/supplier/orders."""

    srid: str
    g_number: str
    date: datetime  # Moscow local
    changed_at: datetime  # Moscow local: lastChangeDate
    nm_id: int
    barcode: str
    tech_size: str
    supplier_article: str
    brand: str
    subject: str
    warehouse_name: str
    region: str
    oblast: str
    total_price: float
    discount_percent: int
    spp: float
    income_id: int
    sticker: str
    warehouse_type: str = "Склад WB"
    is_cancel: bool = False
    cancel_date: datetime | None = None  # Moscow local

    @property
    def price_with_disc(self) -> float:
        """totalPrice × (1 − discountPercent/100), in kopecks precision."""
        return round(self.total_price * (1 - self.discount_percent / 100), 2)

    @property
    def finished_price(self) -> float:
        """What the buyer paid: the seller's price less WB's own discount (spp)."""
        return round(self.price_with_disc * (1 - self.spp / 100), 2)


@dataclass
class WbSale:
    """A buyout (saleID S…) or a return (R…) of an ordered unit: a row of /api/v1/supplier/sales."""

    sale_id: str
    order: WbOrder
    date: datetime  # Moscow local
    changed_at: datetime  # Moscow local: lastChangeDate

    @property
    def is_return(self) -> bool:
        """Whether this row is a return (R…)."""
        return self.sale_id.startswith("R")

    @property
    def for_pay(self) -> float:
        """What WB pays the seller for the unit (negative for a return): the price less a 15 % commission."""
        amount = round(self.order.price_with_disc * 0.85, 2)
        return -amount if self.is_return else amount


@dataclass
class WbFeedback:
    """A buyer's feedback on a card (productValuation 1..5)."""

    id: str
    nm_id: int
    imt_id: int
    supplier_article: str
    product_name: str
    brand: str
    size: str
    rating: int
    text: str
    created_at: datetime  # aware UTC
    user_name: str
    subject_id: int
    subject_name: str
    pros: str = ""
    cons: str = ""
    answer: str | None = None  # the seller's answer; answered feedbacks are listed with isAnswered=true
