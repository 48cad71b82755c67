"""IDN conversion: a Cyrillic domain becomes the punycode nginx, certbot and BASE_URL need."""

from __future__ import annotations

import pytest

from marketsync.domains import domain_to_ascii
from marketsync.settings import Settings


@pytest.mark.parametrize(("domain", "ascii_name"), [
    ("мои-товары.рф", "xn----8sbfwtmcso8g.xn--p1ai"),
    ("МОИ-ТОВАРЫ.РФ", "xn----8sbfwtmcso8g.xn--p1ai"),  # mapped to lower case, as browsers do
    ("магазин.example.ru", "xn--80aairftm.example.ru"),
    ("Shop.Example.RU", "shop.example.ru"),
    ("товары.рф.", "xn--80ad9akg2d.xn--p1ai"),  # the root dot is dropped
    ("xn----8sbfwtmcso8g.xn--p1ai", "xn----8sbfwtmcso8g.xn--p1ai"),  # already converted: unchanged
])
def test_domains_convert_to_their_ascii_form(domain: str, ascii_name: str) -> None:
    assert domain_to_ascii(domain) == ascii_name


@pytest.mark.parametrize("domain", ["", "not a domain", "-shop.ru", "shop..ru"])
def test_an_invalid_domain_is_refused(domain: str) -> None:
    with pytest.raises(ValueError):
        domain_to_ascii(domain)


def test_a_cyrillic_domain_gives_a_punycode_base_url() -> None:
    assert Settings(DOMAIN="мои-товары.рф").BASE_URL == "https://xn----8sbfwtmcso8g.xn--p1ai"
    assert Settings(DOMAIN="мои-товары.рф", BASE_URL="https://other.ru").BASE_URL == "https://other.ru"
