"""Each moderation rule fires on its example and says why, in English and through the Russian catalog; a product
that breaks nothing passes; switched-off rules and channels not headed for stay silent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.moderation.messages import english, say
from marketsync.moderation.rules import Hit, Picture, ProductText, RuleSet, check

URL = "https://cdn.example.ru/1.jpg"
GOOD = ProductText(sku="A-1", name="Кружка керамическая", description="Белая кружка на 350 мл.",
                   price=Decimal("490"), pictures=(URL,), params=(("Материал", "керамика"),))
BIG_JPEG = {URL: Picture(1000, 1200, "JPEG")}


def _with(**changes: object) -> ProductText:
    return ProductText(**{**GOOD.__dict__, **changes})  # type: ignore[arg-type]


CASES = [
    # (what, product, rules, pictures, expected (rule, key, channel), English text)
    ("forbidden word in the name, any case, ё as е", _with(name="Кружка «ЁЛКА» новогодняя"),
     RuleSet(forbidden_words=("елка",)), BIG_JPEG, ("forbidden_words", "forbidden_word_name", None),
     "The name contains the forbidden word «елка»"),
    ("forbidden phrase in the description", _with(description="Это точная  Копия бренда"),
     RuleSet(forbidden_words=("копия бренда",)), BIG_JPEG,
     ("forbidden_words", "forbidden_word_description", None),
     "The description contains the forbidden word «копия бренда»"),
    ("forbidden word in an attribute", _with(params=(("Страна", "Реплика из Китая"),)),
     RuleSet(forbidden_words=("реплика",)), BIG_JPEG, ("forbidden_words", "forbidden_word_param", None),
     "The attribute «Страна» contains the forbidden word «реплика»"),
    ("a title over Wildberries' 60 characters", _with(name="К" * 61), RuleSet(), BIG_JPEG,
     ("title_length", "title_too_long", "wb"), "The name is 61 characters long: Wildberries allows at most 60"),
    ("a title over Yandex Market's 256 characters", _with(name="К" * 257), RuleSet(channels=("ym",)), BIG_JPEG,
     ("title_length", "title_too_long", "ym"), "The name is 257 characters long: Yandex Market allows at most 256"),
    ("a title over Ozon's 500 characters", _with(name="К" * 501), RuleSet(channels=("ozon",)), BIG_JPEG,
     ("title_length", "title_too_long", "ozon"), "The name is 501 characters long: Ozon allows at most 500"),
    ("no photos", _with(pictures=()), RuleSet(), {}, ("no_photos", "no_photos", None),
     "The product has no photos"),
    ("a photo under 700×900 for Wildberries", GOOD, RuleSet(), {URL: Picture(600, 800, "JPEG")},
     ("photo_size", "photo_too_small", "wb"), "Photo 1 is 600×800 px: Wildberries needs at least 700×900 px"),
    ("a WebP photo for Ozon", GOOD, RuleSet(), {URL: Picture(1000, 1200, "WEBP")},
     ("photo_size", "photo_format", "ozon"), "Photo 1 is WEBP: Ozon takes only JPG and PNG"),
    ("a photo that is not there", GOOD, RuleSet(), {URL: Picture(error_key="picture_missing")},
     ("photo_size", "photo_unreadable", None), "Photo 1 cannot be used: it is not found at its address"),
    ("an empty description", _with(description="   "), RuleSet(), BIG_JPEG,
     ("empty_description", "empty_description", None), "The description is empty"),
    ("a price below the cabinet's minimum", _with(price=Decimal("99.90")), RuleSet(price_min=Decimal("100")),
     BIG_JPEG, ("price_range", "price_below", None), "The price 99.90 ₽ is below the cabinet's minimum of 100 ₽"),
    ("a price above the cabinet's maximum", _with(price=Decimal("150001")), RuleSet(price_max=Decimal("150000")),
     BIG_JPEG, ("price_range", "price_above", None),
     "The price 150001 ₽ is above the cabinet's maximum of 150000 ₽"),
    ("no price at all", _with(price=Decimal("0")), RuleSet(), BIG_JPEG, ("price_range", "price_missing", None),
     "The price is not set"),
]


@pytest.mark.parametrize(("product", "rules", "pictures", "expected", "text"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_rule_fires_on_its_example_and_says_why(product: ProductText, rules: RuleSet,
                                                     pictures: dict[str, Picture], expected: tuple[str, str, str],
                                                     text: str) -> None:
    hits = check(product, rules, pictures)
    assert [(h.rule, h.key, h.channel) for h in hits] == [expected]
    reason = hits[0].dump()
    assert say(reason, "en") == text
    assert english(reason) == f"{expected[0]}: {text}"
    assert say(reason, "ru")  # the Russian catalog says it (English until the lead merges the translations)


def test_a_good_product_breaks_no_rule() -> None:
    assert check(GOOD, RuleSet(forbidden_words=("реплика",), price_min=Decimal("1"), price_max=Decimal("1000")),
                 BIG_JPEG) == []


@pytest.mark.parametrize("text", ["копилка", "скопировать", "копияпро"])
def test_a_forbidden_word_inside_another_word_does_not_fire(text: str) -> None:
    assert check(_with(name=f"Кружка {text}"), RuleSet(forbidden_words=("копия",)), BIG_JPEG) == []


def test_switched_off_rules_and_other_channels_stay_silent() -> None:
    product = _with(name="К" * 100, description="", pictures=())
    only_ozon = RuleSet(enabled=frozenset({"title_length", "photo_size"}), channels=("ozon",))
    assert check(product, only_ozon, {}) == []


def test_a_changed_rule_set_changes_its_fingerprint() -> None:
    assert RuleSet().fingerprint() == RuleSet().fingerprint()
    assert RuleSet(forbidden_words=("Ёж",)).fingerprint() == RuleSet(forbidden_words=("еж",)).fingerprint()
    assert RuleSet(price_min=Decimal("1")).fingerprint() != RuleSet().fingerprint()
    assert RuleSet().fingerprint("model a") != RuleSet().fingerprint("model b")


def test_the_models_reasons_are_its_own_words() -> None:
    reason = {"rule": "model", "key": "model_reason", "params": {"text": "Похоже на подделку"}}
    assert english(reason) == "model: Похоже на подделку"
    assert say(reason, "en") == "Language model: Похоже на подделку"
    assert Hit("no_photos", "no_photos").dump() == {"rule": "no_photos", "key": "no_photos", "params": {}}
