"""Category dictionaries as the seller uses them: the cached tree of each channel (refreshed daily, on first use,
and on demand no more often than the marketplace allows: YM's tree is 50 requests an hour), a category's
attributes and, lazily, the dictionary values the matching needs; our categories' mappings; attribute matching
with the seller's overrides (`resolve_attributes`, which the publishing uses).

Services flush; the entry point commits. Channels are the CLI's names: ozon, wb, ym.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from marketsync.connections.service import get_connection, open_connector, recorder_for
from marketsync.connectors.capabilities import CategoryDictionary
from marketsync.connectors.dictionary_records import MarketAttribute
from marketsync.connectors.errors import ConfigError, ConnectorError, RateLimited
from marketsync.db import utcnow
from marketsync.dictionaries import matching
from marketsync.dictionaries.models import (
    AttributeOverride,
    CategoryMapping,
    DictionaryState,
    MarketAttributeRow,
    MarketCategoryRow,
    MarketValueRow,
)
from marketsync.hub.models import HubProduct

CHANNELS = {"ozon": "ozon", "wb": "wildberries", "ym": "yandex_market"}
TITLES = {"ozon": "Ozon", "wb": "Wildberries", "ym": "Yandex Market"}
MAX_AGE = timedelta(days=1)  # the schedule's refresh: daily
# The soonest a refresh asked for by hand fetches again: YM's tree costs one of 50 requests an hour.
MIN_AGE = {"ozon": timedelta(minutes=10), "wb": timedelta(minutes=10), "ym": timedelta(hours=1)}
# 10,000 Ozon values read whole; a bigger dictionary (Ozon's brands run to millions) is searched by text instead.
VALUE_PAGES_MAX = 5
INSERT_CHUNK = 1000
# Filled by the channel itself: Ozon's attribute 8229 (type) "may be left out when type_id is given".
IMPLIED = {"ozon": frozenset({"8229"})}


class DictionaryError(ValueError):
    """A refusal or failure the seller reads as one line (unknown channel or id, not connected, remote error)."""


@dataclass(frozen=True)
class Resolution:
    """What publishing one product to one channel sends as attributes: `values` (matched attributes with their
    dictionary values), `missing_required` (attribute names), `suggestions` (values the dictionary lacks, with
    the closest texts)."""

    values: list[matching.Matched]
    missing_required: list[str]
    suggestions: list[matching.Suggestion]


def system_of(channel: str) -> str:
    """Return the connection system of a channel name (ozon, wb, ym); DictionaryError otherwise."""
    if channel not in CHANNELS:
        raise DictionaryError(f"unknown channel «{channel}»: use one of {', '.join(CHANNELS)}")
    return CHANNELS[channel]


class _Opened:
    """A channel's dictionary connector for one cabinet, closed on exit; remote errors become one-liners."""

    def __init__(self, session: Session, account_id: int, channel: str) -> None:
        conn = get_connection(session, account_id, system_of(channel))
        if conn is None:
            raise DictionaryError(f"{TITLES[channel]} is not connected: connect it first "
                                  f"(marketsync connect {channel} ... or the connections page)")
        connector = open_connector(conn, recorder_for(conn))
        if not isinstance(connector, CategoryDictionary):
            connector.close()
            raise DictionaryError(f"{TITLES[channel]} has no category dictionary")
        self.connector: Any = connector
        self.title = TITLES[channel]

    def __enter__(self) -> Any:
        return self.connector

    def __exit__(self, kind: Any, exc: BaseException | None, _tb: Any) -> None:
        self.connector.close()
        if isinstance(exc, RateLimited):
            raise DictionaryError(f"{self.title} asks to wait before the next request: {exc.message}") from exc
        if isinstance(exc, ConfigError):
            raise DictionaryError(f"{self.title} refused the credentials: {exc.message}") from exc
        if isinstance(exc, ConnectorError):
            raise DictionaryError(f"{self.title}: {exc.message}") from exc


def state_of(session: Session, account_id: int, channel: str) -> DictionaryState | None:
    """Return when the cabinet's tree of a channel was last fetched, if ever."""
    return session.scalar(select(DictionaryState).where(DictionaryState.account_id == account_id,
                                                        DictionaryState.channel == channel))


def _folded(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def refresh_categories(session: Session, *, account_id: int, channel: str, max_age: timedelta | None = None) -> bool:
    """Fetch the channel's category tree unless the cache is younger than `max_age` (by default the least the
    marketplace allows, MIN_AGE); return whether it was fetched. Categories keep their attributes' freshness."""
    system_of(channel)
    state = state_of(session, account_id, channel)
    age = max(max_age if max_age is not None else MIN_AGE[channel], MIN_AGE[channel])
    if state is not None and state.categories_fetched_at is not None and utcnow() - state.categories_fetched_at < age:
        return False
    with _Opened(session, account_id, channel) as connector:
        fetched = [c for page in connector.iter_categories() for c in page]
    kept = dict(session.execute(select(MarketCategoryRow.category_id, MarketCategoryRow.attributes_fetched_at)
                                .where(MarketCategoryRow.account_id == account_id,
                                       MarketCategoryRow.channel == channel)).all())
    session.execute(delete(MarketCategoryRow).where(MarketCategoryRow.account_id == account_id,
                                                    MarketCategoryRow.channel == channel))
    rows = [{"account_id": account_id, "channel": channel, "category_id": c.category_id, "parent_id": c.parent_id,
             "name": c.name[:500], "path": c.path[:1000], "search_text": _folded(c.path)[:1000], "leaf": c.leaf,
             "disabled": c.disabled,
             "attributes_fetched_at": kept.get(c.category_id)} for c in {c.category_id: c for c in fetched}.values()]
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(MarketCategoryRow), rows[start:start + INSERT_CHUNK])
    if state is None:
        state = DictionaryState(account_id=account_id, channel=channel)
        session.add(state)
    state.categories_fetched_at, state.category_count, state.last_error = utcnow(), len(rows), None
    session.flush()
    return True


def ensure_categories(session: Session, *, account_id: int, channel: str) -> None:
    """Fetch the channel's tree on first use (nothing when it is cached, however old)."""
    state = state_of(session, account_id, channel)
    if state is None or state.categories_fetched_at is None:
        refresh_categories(session, account_id=account_id, channel=channel)


def find_category(session: Session, *, account_id: int, channel: str, category_id: str) -> MarketCategoryRow | None:
    """Return a cached category by its id."""
    return session.scalar(select(MarketCategoryRow).where(
        MarketCategoryRow.account_id == account_id, MarketCategoryRow.channel == channel,
        MarketCategoryRow.category_id == category_id))


def search_categories(session: Session, *, account_id: int, channel: str, text: str,
                      limit: int = 30) -> list[MarketCategoryRow]:
    """Return cached leaf categories whose path contains `text` (case-insensitive), enabled ones first."""
    query = select(MarketCategoryRow).where(MarketCategoryRow.account_id == account_id,
                                            MarketCategoryRow.channel == channel, MarketCategoryRow.leaf.is_(True))
    words = _folded(text).strip()
    if words:
        escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(MarketCategoryRow.search_text.like(f"%{escaped}%", escape="\\"))
    return list(session.scalars(query.order_by(MarketCategoryRow.disabled, MarketCategoryRow.path).limit(limit)))


def _attribute_row(account_id: int, channel: str, category_id: str, position: int,
                   attribute: MarketAttribute) -> dict[str, Any]:
    return {"account_id": account_id, "channel": channel, "category_id": category_id,
            "attribute_id": attribute.attribute_id, "position": position, "name": attribute.name[:500],
            "description": attribute.description or None, "required": attribute.required, "kind": attribute.kind,
            "dictionary": attribute.dictionary, "custom_allowed": attribute.custom_allowed,
            "unit": (attribute.unit or None) and attribute.unit[:64], "max_count": attribute.max_count,
            "values_fetched_at": utcnow() if attribute.values else None, "values_complete": bool(attribute.values)}


def _store_values(session: Session, account_id: int, channel: str, category_id: str, attribute_id: str,
                  values: list[Any], *, replace: bool) -> None:
    where = (MarketValueRow.account_id == account_id, MarketValueRow.channel == channel,
             MarketValueRow.category_id == category_id, MarketValueRow.attribute_id == attribute_id)
    if replace:
        session.execute(delete(MarketValueRow).where(*where))
    rows = [{"account_id": account_id, "channel": channel, "category_id": category_id, "attribute_id": attribute_id,
             "value_id": v.value_id, "value": v.value[:500], "info": (v.info or "")[:500]} for v in values]
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(MarketValueRow), rows[start:start + INSERT_CHUNK])


def attributes_of(session: Session, *, account_id: int, channel: str, category_id: str,
                  max_age: timedelta = MAX_AGE) -> list[MarketAttributeRow]:
    """Return a leaf category's attributes, fetched when not cached or older than `max_age` (their values are
    read again lazily after that)."""
    category = find_category(session, account_id=account_id, channel=channel, category_id=category_id)
    if category is None:
        raise DictionaryError(f"{TITLES[channel]} has no category {category_id} in the cached dictionary")
    fetched = category.attributes_fetched_at
    if fetched is None or utcnow() - fetched >= max_age:
        with _Opened(session, account_id, channel) as connector:
            fresh = connector.category_attributes(category_id)
        for table in (MarketAttributeRow, MarketValueRow):
            session.execute(delete(table).where(table.account_id == account_id, table.channel == channel,
                                                table.category_id == category_id))
        if fresh:
            session.execute(insert(MarketAttributeRow),
                            [_attribute_row(account_id, channel, category_id, i, a) for i, a in enumerate(fresh)])
        for attribute in fresh:
            if attribute.values:  # YM sends ENUM values with the parameters: keep them now
                _store_values(session, account_id, channel, category_id, attribute.attribute_id,
                              list(attribute.values), replace=False)
        category.attributes_fetched_at = utcnow()
        session.flush()
    return list(session.scalars(select(MarketAttributeRow).where(
        MarketAttributeRow.account_id == account_id, MarketAttributeRow.channel == channel,
        MarketAttributeRow.category_id == category_id).order_by(MarketAttributeRow.position)))


def _record(row: MarketAttributeRow) -> MarketAttribute:
    return MarketAttribute(attribute_id=row.attribute_id, name=row.name, required=row.required, kind=row.kind,
                           dictionary=row.dictionary, custom_allowed=row.custom_allowed, unit=row.unit,
                           max_count=row.max_count)


def values_of(session: Session, *, account_id: int, channel: str, row: MarketAttributeRow,
              wanted: Sequence[str] = ()) -> list[matching.Choice]:
    """Return an attribute's cached dictionary values, reading the dictionary on first need (up to
    VALUE_PAGES_MAX pages); for one too big to read whole, the `wanted` texts are searched for and cached."""
    if row.dictionary and row.values_fetched_at is None:
        with _Opened(session, account_id, channel) as connector:
            pages = connector.iter_attribute_values(row.category_id, _record(row))
            values, complete = [], True
            for number, page in enumerate(pages, start=1):
                values += page
                if number >= VALUE_PAGES_MAX:
                    complete = next(pages, None) is None
                    break
        _store_values(session, account_id, channel, row.category_id, row.attribute_id, values, replace=True)
        row.values_fetched_at, row.values_complete = utcnow(), complete
        session.flush()
    choices = _cached_values(session, account_id, channel, row)
    known = {matching.normalize(c.value) for c in choices}
    missing = [w for w in wanted if matching.normalize(w) not in known]
    if row.dictionary and not row.values_complete and missing:
        with _Opened(session, account_id, channel) as connector:
            found = {v.value_id: v for w in missing
                     for v in connector.search_attribute_values(row.category_id, _record(row), w)}
        fresh = [v for v in found.values() if matching.normalize(v.value) not in known]
        _store_values(session, account_id, channel, row.category_id, row.attribute_id, fresh, replace=False)
        session.flush()
        choices = _cached_values(session, account_id, channel, row)
    return choices


def _cached_values(session: Session, account_id: int, channel: str, row: MarketAttributeRow) -> list[matching.Choice]:
    found = session.execute(select(MarketValueRow.value_id, MarketValueRow.value).where(
        MarketValueRow.account_id == account_id, MarketValueRow.channel == channel,
        MarketValueRow.category_id == row.category_id, MarketValueRow.attribute_id == row.attribute_id)
        .order_by(MarketValueRow.id))
    return [matching.Choice(value_id, value) for value_id, value in found]


def mapping_of(session: Session, *, account_id: int, hub_category_id: int, channel: str) -> str | None:
    """Return the channel category our category is mapped to, if any."""
    return session.scalar(select(CategoryMapping.target).where(
        CategoryMapping.account_id == account_id, CategoryMapping.hub_category_id == hub_category_id,
        CategoryMapping.channel == channel))


def overrides_of(session: Session, *, account_id: int,
                 channel: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Return the cabinet's overrides of a channel: param name → attribute id, (attribute id, text) → value."""
    attributes: dict[str, str] = {}
    values: dict[tuple[str, str], str] = {}
    for row in session.scalars(select(AttributeOverride).where(AttributeOverride.account_id == account_id,
                                                               AttributeOverride.channel == channel)):
        if row.kind == "attribute":
            attributes[row.source] = row.target
        else:
            values[(row.attribute_id, row.source)] = row.target
    return attributes, values


def product_fields(product: HubProduct) -> list[matching.Field]:
    """Return a product's fields as matching sees them: its params, vendor as the brand, weight and dimensions."""
    fields = [matching.Field(str(name), str(value)) for name, value in (product.params or {}).items()
              if value is not None and str(value).strip()]
    if product.vendor:
        fields.append(matching.Field("бренд", product.vendor))
    for name, value, unit in (("вес", product.weight_kg, "кг"), ("длина", product.length_cm, "см"),
                              ("ширина", product.width_cm, "см"), ("высота", product.height_cm, "см")):
        if value is not None:
            fields.append(matching.Field(name, str(value), unit))
    return fields


def match_category(session: Session, *, account_id: int, channel: str, category_id: str,
                   fields: list[matching.Field]) -> matching.Result:
    """Match fields to a cached category's attributes, reading the dictionaries the fields need and applying
    the cabinet's overrides."""
    attribute_overrides, value_overrides = overrides_of(session, account_id=account_id, channel=channel)
    rows = attributes_of(session, account_id=account_id, channel=channel, category_id=category_id)
    by_name = {matching.canonical(f.name): f for f in fields}
    by_override = {attribute_overrides[matching.normalize(f.name)]: f for f in fields
                   if matching.normalize(f.name) in attribute_overrides}
    choices: dict[str, list[matching.Choice]] = {}
    for row in rows:
        found = by_override.get(row.attribute_id) or by_name.get(matching.canonical(row.name))
        if row.dictionary and found is not None:
            texts = [p for p in matching.SPLIT.split(found.value) if p] + [found.value]
            choices[row.attribute_id] = values_of(session, account_id=account_id, channel=channel, row=row,
                                                  wanted=texts)
    attributes = [matching.Attribute(r.attribute_id, r.name, r.required, r.kind, r.dictionary, r.custom_allowed,
                                     r.unit, r.max_count) for r in rows]
    return matching.match(attributes, fields, choices, attribute_overrides=attribute_overrides,
                          value_overrides=value_overrides, implied=IMPLIED.get(channel, frozenset()))


def resolve_attributes(session: Session, *, account_id: int, channel: str, product: HubProduct) -> Resolution:
    """Resolve a product's attributes for a channel through its category's mapping; DictionaryError when the
    product has no category or the category is not mapped to the channel."""
    if product.account_id != account_id:
        raise DictionaryError("the product is not of this cabinet")
    target = mapping_of(session, account_id=account_id, hub_category_id=product.category_id, channel=channel) \
        if product.category_id is not None else None
    if target is None:
        raise DictionaryError(f"the product {product.sku} has no category mapped to {TITLES[channel]}")
    ensure_categories(session, account_id=account_id, channel=channel)
    result = match_category(session, account_id=account_id, channel=channel, category_id=target,
                            fields=product_fields(product))
    return Resolution(result.matched, result.missing_required, result.suggestions)
