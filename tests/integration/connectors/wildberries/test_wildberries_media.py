"""The Wildberries connector saves a card's pictures (POST /content/v3/media/save) once WB has made the card: the
cards list then shows them in order; an update with other pictures replaces them; a draft without pictures, or an
update with the pictures WB already shows, makes no media call; a link WB cannot load leaves the card without
the new photos though the card is accepted; a media save WB refuses makes the card refused with WB's text, and
sending it again (as an update) saves them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue

POT, MATERIAL, VOLUME = "1234", "17596", "88952"
MEDIA = "POST /content/v3/media/save"


def _draft(sku: str, **changes: object) -> CardDraft:
    values: dict[str, object] = {
        "sku": sku, "name": f"Кастрюля {sku}", "category": POT, "price": Decimal("1990"), "brand": "Демо-Посуда",
        "attributes": (CardAttribute(MATERIAL, "Материал изделия", (CardValue("сталь"),)),
                       CardAttribute(VOLUME, "Объем (л)", (CardValue("3"),))),
        "weight_kg": Decimal("1.2"), "length_cm": Decimal("30"), "width_cm": Decimal("30"),
        "height_cm": Decimal("18")}
    values.update(changes)
    return CardDraft(**values)  # type: ignore[arg-type]


def _links(n: int, folder: str = "pot") -> tuple[str, ...]:
    return tuple(f"https://img.example.ru/{folder}/{i}.jpg" for i in range(1, n + 1))


@pytest.fixture
def wb(wb_seller, wb_connector, sandbox_state):  # type: ignore[no-untyped-def]
    """A seller with no cards yet, the connector over its token, the emulated WB and its media save count."""
    seller = wb_seller()
    state = sandbox_state.wildberries

    def saves() -> int:
        return int(sandbox_state.stats.snapshot().get("wildberries", {}).get("by_method", {}).get(MEDIA, 0))

    return wb_connector(seller["token"]), state, saves


def _publish(connector, state, drafts):  # type: ignore[no-untyped-def]
    submission = connector.send_cards(drafts)
    state.advance_clock(5)
    return connector.card_outcomes(submission)


def _photos(connector, sku: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The photos WB's cards list shows for `sku` (their big size), in order."""
    [card] = [c for c in connector.cards_client.search_cards(sku).cards if c.vendorCode == sku]
    return [photo.big for photo in card.photos]


def test_a_published_card_shows_its_pictures_in_order_and_a_draft_without_pictures_saves_none(wb):
    connector, state, saves = wb
    before = saves()

    outcomes = _publish(connector, state, [_draft("POT-1", pictures=_links(3)), _draft("POT-2")])

    assert [(o.sku, o.status) for o in outcomes] == [("POT-1", "accepted"), ("POT-2", "accepted")]
    assert _photos(connector, "POT-1") == list(_links(3))
    assert _photos(connector, "POT-2") == []
    assert saves() - before == 1  # POT-2 had no pictures: no media call for it


def test_an_update_with_new_pictures_replaces_them(wb):
    connector, state, _saves = wb
    [made] = _publish(connector, state, [_draft("POT-1", pictures=_links(3))])

    [updated] = _publish(connector, state, [_draft("POT-1", pictures=_links(2, "new"), remote_id=made.remote_id)])

    assert (updated.status, updated.remote_id) == ("accepted", made.remote_id)
    assert _photos(connector, "POT-1") == list(_links(2, "new"))


def test_an_update_with_the_pictures_wb_already_shows_saves_none(wb):
    connector, state, saves = wb
    [made] = _publish(connector, state, [_draft("POT-1", pictures=_links(2))])
    before = saves()

    [again] = _publish(connector, state, [_draft("POT-1", name="Кастрюля 3 л", pictures=_links(2),
                                                 remote_id=made.remote_id)])

    assert again.status == "accepted" and saves() == before
    assert _photos(connector, "POT-1") == list(_links(2))


def test_an_update_with_pictures_wb_took_from_us_before_saves_none_though_wb_lists_its_own_copies(wb):
    connector, state, saves = wb
    [made] = _publish(connector, state, [_draft("POT-1", pictures=_links(2))])
    for seller in state.sellers.values():  # as real WB does: its own copies, never the seller's links
        for card in seller.cards.values():
            card.photo_urls = [f"https://basket-01.wbbasket.ru/vol1/part1/{card.nm_id}/images/big/{i}.webp"
                               for i in (1, 2)]
    before = saves()

    [held] = _publish(connector, state, [_draft("POT-1", name="Кастрюля 3 л", pictures=_links(2),
                                                remote_id=made.remote_id, pictures_held=True)])
    assert held.status == "accepted" and saves() == before
    [unknown] = _publish(connector, state, [_draft("POT-1", name="Кастрюля 4 л", pictures=_links(2),
                                                   remote_id=made.remote_id)])
    assert unknown.status == "accepted" and saves() == before + 1  # no record of ours: saved again, to be sure


def test_only_the_first_30_pictures_are_saved(wb):
    connector, state, _saves = wb
    [outcome] = _publish(connector, state, [_draft("POT-1", pictures=_links(33))])

    assert outcome.status == "accepted"
    assert _photos(connector, "POT-1") == list(_links(30))


def test_a_link_wb_cannot_load_leaves_the_card_accepted_without_the_new_photos(wb):
    connector, state, _saves = wb
    [made] = _publish(connector, state, [_draft("POT-1", pictures=_links(2))])
    broken = (*_links(1, "new"), "https://img.example.ru/new/preview.html")

    [updated] = _publish(connector, state, [_draft("POT-1", pictures=broken, remote_id=made.remote_id)])

    assert updated.status == "accepted"  # WB answered 200: the connector cannot tell the files did not load
    assert _photos(connector, "POT-1") == list(_links(2))  # WB kept the photos it had


def test_a_media_save_wb_refuses_refuses_the_card_and_the_next_send_saves_the_pictures(wb):
    connector, state, _saves = wb

    [refused] = _publish(connector, state, [_draft("POT-1", pictures=("pot-front.jpg",))])

    assert refused.status == "refused" and refused.remote_id is not None  # WB made the card: its nmID is known
    assert refused.errors == ("Wildberries не принял фото карточки: Некорректная ссылка на медиафайл: pot-front.jpg",)
    assert _photos(connector, "POT-1") == []
    [fixed] = _publish(connector, state, [_draft("POT-1", pictures=_links(1), remote_id=refused.remote_id)])
    assert fixed.status == "accepted" and _photos(connector, "POT-1") == list(_links(1))
