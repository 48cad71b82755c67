"""Attribute matching, table-driven: names by meaning (case, spaces, ё, units, synonyms), values by dictionary
text, numbers in the attribute's unit, suggestions where the dictionary lacks a value, overrides first."""

from __future__ import annotations

import pytest

from marketsync.dictionaries.matching import Attribute, Choice, Field, canonical, convert, match, normalize, unit_of

BRAND = Attribute("85", "Бренд", required=True, kind="enum", dictionary=True)
COLOUR = Attribute("10096", "Цвет товара", kind="enum", dictionary=True, max_count=0)
WEIGHT_G = Attribute("4383", "Вес товара, г", kind="number")
VOLUME = Attribute("8050", "Объем (л)", required=True, kind="number")
MODEL = Attribute("9048", "Название модели (для объединения в одну карточку)", required=True)
TYPE = Attribute("8229", "Тип", required=True, kind="enum", dictionary=True)
BRANDS = [Choice("1", "Tefal"), Choice("2", "Rondell"), Choice("3", "Простоквашино")]
COLOURS = [Choice("11", "белый"), Choice("12", "черный"), Choice("13", "серебристый")]


@pytest.mark.parametrize(("left", "right"), [
    ("Бренд", "производитель"), ("ТОРГОВАЯ  марка", "brand"), ("Вес товара, г", "вес"), ("Объем (л)", "Объём"),
    ("Цвет товара", "цвет"), ("Название модели (для объединения в одну карточку)", "модель"),
    ("Жирность, %", "массовая доля жира"), ("Страна производства", "страна"),
])
def test_names_that_mean_the_same_compare_equal(left, right):
    assert canonical(left) == canonical(right)


@pytest.mark.parametrize(("left", "right"), [("Вес", "Высота"), ("Цвет", "Материал"), ("Длина", "Ширина")])
def test_names_that_differ_stay_apart(left, right):
    assert canonical(left) != canonical(right)


@pytest.mark.parametrize(("name", "unit", "expected"), [
    ("Вес товара, г", None, "г"), ("Объем (л)", None, "л"), ("Вес", "кг", "кг"), ("Жирность, %", None, "%"),
    ("Название модели (для объединения в одну карточку)", None, None), ("Цвет", None, None),
])
def test_the_unit_comes_from_the_field_or_the_name(name, unit, expected):
    assert unit_of(name, unit) == expected


@pytest.mark.parametrize(("value", "source", "target", "expected"), [
    ("0.45", "кг", "г", "450"), ("1,5 л", None, "л", "1.5"), ("12", "см", "мм", "120"), ("900", "мл", "л", "0.9"),
    ("3,2%", None, "%", "3.2"), ("без числа", None, None, None),
])
def test_numbers_are_read_and_converted_to_the_attributes_unit(value, source, target, expected):
    assert convert(value, source, target) == expected


def test_normalize_ignores_case_spacing_yo_and_punctuation():
    assert normalize("  Чёрный,   МАТОВЫЙ ") == normalize("черный матовый") == "черный матовый"


CASES = [
    # (fields, expected matched {attribute id: values}, missing, suggestions {attribute id: (text, candidates)})
    ([Field("бренд", "tefal"), Field("Модель", "Cook 24"), Field("Объём", "4,5 л")],
     {"85": ["1"], "9048": ["Cook 24"], "8050": ["4.5"]}, [], {}),
    ([Field("производитель", "Тефаль"), Field("Модель", "X")],
     {"9048": ["X"]}, ["Бренд", "Объем (л)"], {"85": ("Тефаль", [])}),
    ([Field("Бренд", "Rondel"), Field("Модель", "X"), Field("Объем", "2")],
     {"9048": ["X"], "8050": ["2"]}, ["Бренд"], {"85": ("Rondel", ["Rondell"])}),
    ([Field("бренд", "Tefal"), Field("модель", "X"), Field("объем", "2"), Field("Цвет", "Чёрный; белый, золотой")],
     {"85": ["1"], "9048": ["X"], "8050": ["2"], "10096": ["12", "11"]}, [], {"10096": ("золотой", [])}),
    ([Field("бренд", "Tefal"), Field("модель", "X"), Field("объем", "2"), Field("вес", "0.8", "кг")],
     {"85": ["1"], "9048": ["X"], "8050": ["2"], "4383": ["800"]}, [], {}),
    ([Field("бренд", "Tefal"), Field("модель", " "), Field("объем", "литр")],
     {"85": ["1"]}, ["Название модели (для объединения в одну карточку)", "Объем (л)"], {}),
]


@pytest.mark.parametrize(("fields", "matched", "missing", "suggested"), CASES)
def test_fields_match_attributes_and_dictionary_values(fields, matched, missing, suggested):
    result = match([BRAND, TYPE, MODEL, VOLUME, COLOUR, WEIGHT_G], fields, {"85": BRANDS, "10096": COLOURS},
                   implied=frozenset({"8229"}))

    assert {m.attribute_id: [v.value_id or v.value for v in m.values] for m in result.matched} == matched
    assert result.missing_required == missing
    assert {s.attribute_id: (s.text, [c.value for c in s.candidates]) for s in result.suggestions} == suggested


def test_overrides_map_a_param_to_an_attribute_and_a_text_to_a_dictionary_value():
    fields = [Field("Фирма", "Тефаль"), Field("Модель", "X"), Field("Ёмкость кастрюли", "3")]

    result = match([BRAND, MODEL, VOLUME], fields, {"85": BRANDS},
                   attribute_overrides={"фирма": "85", "емкость кастрюли": "8050"},
                   value_overrides={("85", "тефаль"): "1"})

    assert {m.attribute_id: (m.source, [v.value for v in m.values]) for m in result.matched} == {
        "85": ("Фирма", ["Tefal"]), "9048": ("Модель", ["X"]), "8050": ("Ёмкость кастрюли", ["3"])}
    assert result.missing_required == [] and result.suggestions == []


def test_a_custom_value_is_kept_where_the_dictionary_allows_one():
    material = Attribute("15341921", "Материал", required=True, kind="enum", dictionary=True, custom_allowed=True)

    result = match([material], [Field("материал", "бамбук")], {"15341921": [Choice("1", "дерево")]})

    assert [(v.value_id, v.value) for v in result.matched[0].values] == [(None, "бамбук")]
    assert result.missing_required == [] and result.suggestions == []


def test_yes_and_no_become_booleans():
    flag = Attribute("1", "Антипригарное покрытие", kind="boolean")
    result = match([flag], [Field("антипригарное покрытие", "Да")], {})
    assert [v.value for v in result.matched[0].values] == ["true"]
