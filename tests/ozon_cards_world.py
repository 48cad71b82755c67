"""Card drafts the emulated Ozon accepts: a pan (category 17028922:91565 «Кастрюля», whose type requires brand,
model, material and volume) with real dimensions and weight, and a helper to let the sandbox process imports."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue
from marketsync.sandbox.ozon.dictionary import MATERIAL, MODEL, VOLUME, dictionary

PAN = "17028922:91565"
STEEL_ID = str(next(i for i, text in dictionary("materials") if text == "нержавеющая сталь"))


def pan_draft(sku: str = "PAN-1", **changes: Any) -> CardDraft:
    """A pan with everything Ozon requires (brand from the supplier's vendor, material from the dictionary)."""
    draft = CardDraft(
        sku=sku, name=f"Кастрюля Tefal 3 л {sku}", category=PAN, price=Decimal("2490.00"),
        description="Кастрюля из нержавеющей стали с крышкой", brand="Tefal", barcodes=("4600000099991",),
        pictures=tuple(f"https://img.example.com/{sku}/{n}.jpg" for n in range(1, 3)),
        attributes=(CardAttribute(str(MODEL), "Название модели", (CardValue("Classic"),)),
                    CardAttribute(str(MATERIAL), "Материал", (CardValue("нержавеющая сталь", STEEL_ID),)),
                    CardAttribute(str(VOLUME), "Объем, л", (CardValue("3"),))),
        weight_kg=Decimal("1.2"), length_cm=Decimal("25"), width_cm=Decimal("25"), height_cm=Decimal("15"))
    return replace(draft, **changes)


def without(draft: CardDraft, attribute_id: int) -> CardDraft:
    """The same draft without one attribute."""
    return replace(draft, attributes=tuple(a for a in draft.attributes if a.attribute_id != str(attribute_id)))


def process_imports(state: Any) -> None:
    """Move the emulated Ozon's clock past the time an import stays pending."""
    state.ozon.advance(state.ozon.import_processing_s + 1)
