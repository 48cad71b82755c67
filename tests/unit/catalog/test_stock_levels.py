"""The stock a seller offers: a product's key across stores, whole units over the enabled stores, the reserve."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.catalog.stock_levels import (
    ARTICLE,
    CODE,
    SOURCE_ID,
    StockRow,
    offered_stock,
    stock_key,
    stock_levels,
    whole_units,
)


@pytest.mark.parametrize(("article", "code", "expected"), [
    ("A-10001", "17", ("A-10001", ARTICLE)),    # the article wins over the code
    (None, "17", ("17", CODE)),
    ("  ", "17", ("17", CODE)),                 # a blank article is no article
    (" A-7 ", None, ("A-7", ARTICLE)),          # trimmed, as a marketplace offer id would be typed
    (None, None, ("7f0c-uuid", SOURCE_ID)),      # nothing a marketplace could name: matched by barcode or by hand
    ("", "", ("7f0c-uuid", SOURCE_ID)),
    ("x" * 200, None, ("x" * 128, ARTICLE)),    # cut to the column's 128 characters
])
def test_a_products_key_is_its_article_else_its_code_else_its_source_id(
        article: str | None, code: str | None, expected: tuple[str, str]) -> None:
    assert stock_key(article, code, "7f0c-uuid") == expected


@pytest.mark.parametrize(("quantities", "reserve", "offered"), [
    (["5"], 0, 5),
    (["2.5", "2.5"], 0, 5),           # fractions add up before flooring
    (["0.999"], 0, 0),                # less than one whole unit is nothing to sell
    (["1.7", "1.7"], 0, 3),           # 3.4 → 3, not 1 + 1
    (["10", "-4"], 0, 10),            # a negative store counts as 0, it does not eat the other store's stock
    (["-3"], 0, 0),
    ([None, "4"], 0, 4),              # a store that never reported a quantity counts as 0
    (["7.5"], 2, 5),                  # floor(7.5) − 2
    (["3"], 5, 0),                    # a reserve above the stock never goes below 0
    (["3"], 3, 0),
    ([], 0, 0),
    (["12"], -2, 12),                 # a negative reserve holds nothing back (and adds nothing)
])
def test_offered_stock_is_the_floored_non_negative_sum_less_the_reserve(
        quantities: list[str | None], reserve: int, offered: int) -> None:
    values = [Decimal(q) if q is not None else None for q in quantities]
    assert offered_stock(values, reserve) == offered
    assert whole_units(values) >= offered


def row(product_id: int, store: str, key: str, quantity: str | None, *, name: str = "Сыр", article: str | None = None,
        code: str | None = None, barcodes: tuple[str, ...] = ()) -> StockRow:
    return StockRow(product_id=product_id, store_external_id=store, key=key, article_number=article, code=code,
                    name=name, barcodes=barcodes, quantity=Decimal(quantity) if quantity is not None else None)


def test_one_key_in_several_enabled_stores_is_one_product_with_their_summed_stock() -> None:
    rows = [row(1, "s1", "A-1", "2.5", name="Сыр Ламбер", article="A-1", barcodes=("4601",)),
            row(2, "s2", "A-1", "3.6", name="Сыр Ламбер 1 кг", article="A-1", barcodes=("4601", "4602")),
            row(3, "s3", "A-1", "100", article="A-1")]  # s3 is off: its 100 are not offered

    [level] = stock_levels(rows, ["s2", "s1"], reserve=1)

    assert (level.key, level.key_kind, level.total, level.offered) == ("A-1", ARTICLE, 6, 5)
    assert level.name == "Сыр Ламбер 1 кг", "named as in the store the seller enabled first"
    assert level.barcodes == ("4601", "4602")
    assert level.product_ids == (2, 1)


def test_a_key_sold_only_in_stores_not_enabled_is_not_ours() -> None:
    rows = [row(1, "off", "17", "5", code="17"), row(2, "on", "18", "0", code="18")]

    levels = stock_levels(rows, ["on"])

    assert [(lv.key, lv.key_kind, lv.offered) for lv in levels] == [("18", CODE, 0)]


def test_no_store_enabled_offers_nothing() -> None:
    assert stock_levels([row(1, "s1", "17", "5")], []) == []


def test_a_key_made_of_a_source_id_says_so() -> None:
    [level] = stock_levels([row(1, "s1", "7f0c-uuid", "2")], ["s1"])
    assert level.key_kind == SOURCE_ID
