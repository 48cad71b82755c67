"""The planner's decisions: create, adopt by SKU, update only on a real difference, hide, skip; one album
per title; orphans and retired duplicates leave the channel."""

from __future__ import annotations

from decimal import Decimal

from marketsync.connectors.records import ItemPayload
from marketsync.sync.plan import (
    RETIRED,
    BindingState,
    Candidate,
    ChannelState,
    Op,
    decide,
    decide_albums,
    decide_orphans,
    describe,
)


def payload(**kw: object) -> ItemPayload:
    base: dict[str, object] = {"name": "Сыр Российский", "description": "Сыр Российский (цена за 1 кг)",
                               "price": Decimal("100.00"), "sku": "A1", "stock_amount": 1000, "category_id": 40932}
    base.update(kw)
    return ItemPayload(**base)  # type: ignore[arg-type]


def state(p: ItemPayload, item_id: str = "501", **kw: object) -> ChannelState:
    base: dict[str, object] = {"external_id": item_id, "name": p.name, "description": p.description,
                               "price": p.price, "stock_amount": p.stock_amount, "hidden": p.hidden, "sku": p.sku,
                               "album_ids": ("9",)}
    base.update(kw)
    return ChannelState(**base)  # type: ignore[arg-type]


def one(candidate: Candidate, *, binding: BindingState | None = None, channel: list[ChannelState] = (),  # type: ignore[assignment]
        taken: set[str] | None = None):  # type: ignore[no-untyped-def]
    by_id = {c.external_id: c for c in channel}
    by_sku = {c.sku or "": c for c in channel}
    bindings = {candidate.internal_id: binding} if binding else {}
    return decide([candidate], bindings=bindings, channel=by_id, by_sku=by_sku, taken=taken or set(),
                  albums={"g1": "9"}).actions[0]


def test_new_product_for_sale_is_created_into_its_album() -> None:
    action = one(Candidate("1", payload(), "g1"))
    assert action.op is Op.CREATE and action.album_external_id == "9"


def test_new_product_not_for_sale_is_skipped() -> None:
    assert one(Candidate("1", payload(hidden=True), "g1")).op is Op.SKIP


def test_unbound_item_with_the_same_sku_is_adopted_not_duplicated() -> None:
    p = payload()
    action = one(Candidate("1", p, "g1"), channel=[state(p)])
    assert action.op is Op.SKIP and action.bind_to == "501"


def test_adopted_item_that_differs_is_updated() -> None:
    p = payload()
    action = one(Candidate("1", p, "g1"), channel=[state(p, price=Decimal("1.00"))])
    assert action.op is Op.UPDATE and action.bind_to == "501" and "price" in action.reason


def test_item_already_bound_to_another_product_is_not_adopted() -> None:
    p = payload()
    assert one(Candidate("1", p, "g1"), channel=[state(p)], taken={"501"}).op is Op.CREATE


def test_bound_unchanged_item_is_skipped() -> None:
    p = payload()
    action = one(Candidate("1", p, "g1"), binding=BindingState("501", p.fingerprint()), channel=[state(p)])
    assert action.op is Op.SKIP and not action.join_album


def test_each_watched_field_triggers_an_update() -> None:
    p = payload()
    for field, value in (("name", "Другое"), ("description", "Другое описание"), ("price", Decimal("5")),
                         ("stock_amount", 3)):
        action = one(Candidate("1", p, "g1"), binding=BindingState("501", p.fingerprint()),
                     channel=[state(p, **{field: value})])
        assert action.op is Op.UPDATE and field in action.reason


def test_changed_payload_hash_updates_even_if_vk_looks_equal() -> None:
    p = payload()
    action = one(Candidate("1", p, "g1"), binding=BindingState("501", "old-hash"), channel=[state(p)])
    assert action.op is Op.UPDATE


def test_product_taken_off_sale_is_hidden_once() -> None:
    p = payload(hidden=True)
    visible = state(payload())
    assert one(Candidate("1", p, "g1"), binding=BindingState("501", None), channel=[visible]).op is Op.HIDE
    hidden = state(payload(), hidden=True)
    assert one(Candidate("1", p, "g1"), binding=BindingState("501", None), channel=[hidden]).op is Op.SKIP


def test_bound_item_deleted_in_vk_is_created_again() -> None:
    action = one(Candidate("1", payload(), "g1"), binding=BindingState("501", None), channel=[])
    assert action.op is Op.CREATE and action.reason == "missing in the channel"


def test_item_outside_its_album_joins_it() -> None:
    p = payload()
    action = one(Candidate("1", p, "g1"), binding=BindingState("501", p.fingerprint()),
                 channel=[state(p, album_ids=())])
    assert action.op is Op.SKIP and action.join_album


def test_two_products_with_one_sku_adopt_one_item_only() -> None:
    p = payload()
    plan = decide([Candidate("1", p, "g1"), Candidate("2", p, "g1")], bindings={}, channel={},
                  by_sku={"A1": state(p)}, taken=set(), albums={"g1": "9"})
    assert [a.op for a in plan.actions] == [Op.SKIP, Op.CREATE]


def test_orphan_is_hidden_only_while_visible() -> None:
    visible = {"501": state(payload())}
    assert [o.external_id for o in decide_orphans([("k", BindingState("501", None))], visible)] == ["501"]
    assert decide_orphans([("k", BindingState("501", None))], {"501": state(payload(), hidden=True)}) == []
    assert decide_orphans([("k", BindingState("501", None))], {}) == []


def test_a_retired_duplicate_item_is_hidden_as_a_duplicate() -> None:
    [orphan] = decide_orphans([(f"{RETIRED}501", BindingState("501", None))], {"501": state(payload())})
    assert "duplicate" in orphan.reason


def test_one_album_per_title_however_many_groups_carry_it() -> None:
    actions = decide_albums(["Сыры", "Хлеб", "Сыры"], bound={}, cached={})
    assert [(a.op, a.title) for a in actions] == [(Op.CREATE, "Сыры"), (Op.CREATE, "Хлеб")]


def test_an_unbound_album_with_the_title_is_adopted_oldest_first() -> None:
    actions = decide_albums(["Сыры"], bound={}, cached={"12": "Сыры", "7": "Сыры", "9": "Хлеб"})
    assert [(a.op, a.external_id) for a in actions] == [(Op.BIND, "7")]


def test_a_bound_album_is_kept_and_one_deleted_in_the_channel_is_created_again() -> None:
    assert decide_albums(["Сыры"], bound={"Сыры": "7"}, cached={"7": "Сыры"})[0].op is Op.SKIP
    assert decide_albums(["Сыры"], bound={"Сыры": "7"}, cached={})[0].op is Op.CREATE


def test_a_retired_duplicate_album_is_deleted_while_the_channel_holds_it() -> None:
    bound = {"Сыры": "7", f"{RETIRED}12": "12", f"{RETIRED}13": "13"}
    actions = decide_albums(["Сыры"], bound=bound, cached={"7": "Сыры", "12": "Сыры"})
    assert [(a.op, a.external_id) for a in actions] == [(Op.SKIP, "7"), (Op.DELETE, "12")]
    assert describe(actions[1]) == "delete album «Сыры» (a duplicate of an album with this title)"


def test_an_unchanged_product_prints_no_dry_run_line() -> None:
    p = payload()
    action = one(Candidate("1", p, "g1"), binding=BindingState("501", p.fingerprint()), channel=[state(p)])
    assert describe(action) is None
    assert describe(one(Candidate("1", p, "g1"))) == "create «Сыр Российский» (new)"
