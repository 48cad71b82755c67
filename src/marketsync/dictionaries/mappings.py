"""Our categories mapped to the channels' leaf categories, the seller's overrides of the attribute matching, and
what the daily refresh has to do; built on the dictionary cache of service.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.db import utcnow
from marketsync.dictionaries import matching
from marketsync.dictionaries.models import AttributeOverride, CategoryMapping, DictionaryState
from marketsync.dictionaries.service import (
    CHANNELS,
    MAX_AGE,
    TITLES,
    DictionaryError,
    attributes_of,
    ensure_categories,
    find_category,
    refresh_categories,
    system_of,
)
from marketsync.hub.models import HubCategory, HubProduct

# The schedule runs daily; an hour's slack, so a run a little early still finds yesterday's cache due.
SCHEDULE_AGE = MAX_AGE - timedelta(hours=1)
CATEGORY_NAMES_HINT = "see your categories with `marketsync categories list --user EMAIL` or on /hub/categories"
TARGET_FORMS = {"ozon": "DESCRIPTION_CATEGORY_ID:TYPE_ID, e.g. 17028922:91565", "wb": "a subject id, e.g. 1234",
                "ym": "a market category id, e.g. 91611"}


@dataclass(frozen=True)
class Mapped:
    """A mapping as made: our category, the channel, the target id and its path in the channel's tree."""

    category: str
    channel: str
    target: str
    path: str


@dataclass
class CategoryLine:
    """One of our categories on the page: its products and its mapping per channel (target, path)."""

    id: int
    name: str
    products: int
    mappings: dict[str, tuple[str, str]] = field(default_factory=dict)


def _well_formed(channel: str, target: str) -> bool:
    left, sep, right = target.partition(":")
    if channel == "ozon":
        return bool(sep) and left.isdigit() and right.isdigit() and int(left) > 0 and int(right) > 0
    return not sep and target.isdigit() and int(target) > 0


def hub_category(session: Session, *, account_id: int, name: str) -> HubCategory:
    """Return our category by its name; DictionaryError naming where the names are when there is none."""
    found = session.scalar(select(HubCategory).where(HubCategory.account_id == account_id,
                                                     HubCategory.name == name.strip()))
    if found is None:
        raise DictionaryError(f"unknown category «{name.strip()}»: {CATEGORY_NAMES_HINT}")
    return found


def map_category(session: Session, *, account_id: int, category_name: str, channel: str, target: str) -> Mapped:
    """Map our category to a channel's leaf (Ozon: an enabled type), checked against the dictionary, which is
    fetched when not cached and fetched again (as often as the channel allows) when the id is not in it."""
    system_of(channel)
    category = hub_category(session, account_id=account_id, name=category_name)
    target = target.strip()
    if not _well_formed(channel, target):
        raise DictionaryError(f"«{target}» is not a {TITLES[channel]} category id: {TITLES[channel]} takes "
                              f"{TARGET_FORMS[channel]}")
    ensure_categories(session, account_id=account_id, channel=channel)
    row = find_category(session, account_id=account_id, channel=channel, category_id=target)
    if row is None and refresh_categories(session, account_id=account_id, channel=channel):
        row = find_category(session, account_id=account_id, channel=channel, category_id=target)
    if row is None:
        raise DictionaryError(f"{TITLES[channel]} has no category {target} in its dictionary")
    if not row.leaf:
        hint = "choose one of its types (DESCRIPTION_CATEGORY_ID:TYPE_ID)" if channel == "ozon" else \
            "choose one of its subjects" if channel == "wb" else "choose one of its leaf categories"
        raise DictionaryError(f"{TITLES[channel]} category {target} «{row.path}» is not a leaf: {hint}")
    if row.disabled:
        raise DictionaryError(f"{TITLES[channel]} category {target} «{row.path}» is disabled: no new products "
                              f"can be created there")
    mapping = session.scalar(select(CategoryMapping).where(CategoryMapping.hub_category_id == category.id,
                                                           CategoryMapping.channel == channel))
    if mapping is None:
        mapping = CategoryMapping(account_id=account_id, hub_category_id=category.id, channel=channel, target=target)
        session.add(mapping)
    mapping.target, mapping.updated_at = target, utcnow()
    session.flush()
    return Mapped(category.name, channel, target, row.path)


def unmap_category(session: Session, *, account_id: int, hub_category_id: int, channel: str) -> bool:
    """Remove a category's mapping to a channel; return whether there was one."""
    done = session.execute(delete(CategoryMapping).where(CategoryMapping.account_id == account_id,
                                                         CategoryMapping.hub_category_id == hub_category_id,
                                                         CategoryMapping.channel == channel))
    return bool(getattr(done, "rowcount", 0))


def category_lines(session: Session, *, account_id: int) -> list[CategoryLine]:
    """Return our categories by name with their product counts and mappings (with the targets' paths)."""
    counts = dict(session.execute(select(HubProduct.category_id, func.count()).where(
        HubProduct.account_id == account_id).group_by(HubProduct.category_id)).all())
    lines = {c.id: CategoryLine(c.id, c.name, counts.get(c.id, 0)) for c in session.scalars(
        select(HubCategory).where(HubCategory.account_id == account_id).order_by(HubCategory.name))}
    for mapping in session.scalars(select(CategoryMapping).where(CategoryMapping.account_id == account_id)):
        row = find_category(session, account_id=account_id, channel=mapping.channel, category_id=mapping.target)
        if mapping.hub_category_id in lines:
            lines[mapping.hub_category_id].mappings[mapping.channel] = (mapping.target, row.path if row else "")
    return list(lines.values())


def category_line(session: Session, *, account_id: int, hub_category_id: int) -> CategoryLine | None:
    """Return one of our categories as on the page, None when it is not this cabinet's."""
    return next((line for line in category_lines(session, account_id=account_id) if line.id == hub_category_id),
                None)


def sample_product(session: Session, *, account_id: int, hub_category_id: int) -> HubProduct | None:
    """Return the category's first product (by SKU): the page shows how its attributes match."""
    return session.scalar(select(HubProduct).where(HubProduct.account_id == account_id,
                                                   HubProduct.category_id == hub_category_id)
                          .order_by(HubProduct.sku).limit(1))


def save_override(session: Session, *, account_id: int, channel: str, kind: str, source: str, target: str,
                  attribute_id: str = "") -> AttributeOverride:
    """Store a correction: our param name → attribute id (kind "attribute"), or a value text of an attribute →
    a dictionary value id or text (kind "value"); the same source again replaces it."""
    system_of(channel)
    if kind not in ("attribute", "value"):
        raise DictionaryError(f"unknown override kind «{kind}»")
    key, target = matching.normalize(source)[:255], target.strip()
    if not key or not target or (kind == "value" and not attribute_id):
        raise DictionaryError("an override needs what it replaces and what it becomes")
    attribute = attribute_id if kind == "value" else ""
    where = (AttributeOverride.account_id == account_id, AttributeOverride.channel == channel,
             AttributeOverride.kind == kind, AttributeOverride.attribute_id == attribute,
             AttributeOverride.source == key)
    row = session.scalar(select(AttributeOverride).where(*where))
    if row is None:
        row = AttributeOverride(account_id=account_id, channel=channel, kind=kind, source=key,
                                attribute_id=attribute, target=target[:500])
        session.add(row)
    row.target = target[:500]
    session.flush()
    return row


def overrides_list(session: Session, *, account_id: int, channel: str) -> list[AttributeOverride]:
    """Return a cabinet's overrides of a channel."""
    return list(session.scalars(select(AttributeOverride).where(
        AttributeOverride.account_id == account_id, AttributeOverride.channel == channel)
        .order_by(AttributeOverride.kind, AttributeOverride.source)))


def delete_override(session: Session, *, account_id: int, override_id: int) -> bool:
    """Remove one of the cabinet's overrides; return whether it was there."""
    done = session.execute(delete(AttributeOverride).where(AttributeOverride.account_id == account_id,
                                                           AttributeOverride.id == override_id))
    return bool(getattr(done, "rowcount", 0))


def due_refreshes(session: Session) -> list[tuple[int, str]]:
    """Return the (cabinet, channel) pairs whose cached tree is older than a day and still connected."""
    moment = utcnow() - SCHEDULE_AGE
    systems = {system: channel for channel, system in CHANNELS.items()}
    connected = {(account_id, systems[system]) for account_id, system in session.execute(
        select(Connection.account_id, Connection.system).where(Connection.system.in_(list(systems)))).all()}
    stale = session.execute(select(DictionaryState.account_id, DictionaryState.channel).where(
        (DictionaryState.categories_fetched_at.is_(None)) | (DictionaryState.categories_fetched_at < moment)))
    return sorted(pair for pair in stale.all() if pair in connected)


def refresh_cabinet(session: Session, *, account_id: int, channel: str) -> int:
    """The daily refresh of one cabinet's channel: the tree, then the attributes of every mapped category (their
    values are read again when next needed); return how many mapped categories were refreshed."""
    refresh_categories(session, account_id=account_id, channel=channel, max_age=SCHEDULE_AGE)
    targets = session.scalars(select(CategoryMapping.target).where(CategoryMapping.account_id == account_id,
                                                                   CategoryMapping.channel == channel).distinct())
    done = 0
    for target in list(targets):
        if find_category(session, account_id=account_id, channel=channel, category_id=target) is not None:
            attributes_of(session, account_id=account_id, channel=channel, category_id=target,
                          max_age=SCHEDULE_AGE)
            done += 1
    return done


def refresh_now(session: Session, *, account_id: int, channel: str) -> bool:
    """Refresh a channel's tree as asked by the seller (no sooner than the channel allows); fetched or not."""
    ensure = find_state_fetched(session, account_id=account_id, channel=channel)
    if not ensure:
        ensure_categories(session, account_id=account_id, channel=channel)
        return True
    return refresh_categories(session, account_id=account_id, channel=channel)


def find_state_fetched(session: Session, *, account_id: int, channel: str) -> bool:
    """Whether the channel's tree was ever fetched for the cabinet."""
    return session.scalar(select(DictionaryState.categories_fetched_at).where(
        DictionaryState.account_id == account_id, DictionaryState.channel == channel)) is not None


def note_refresh_failure(session: Session, *, account_id: int, channel: str, reason: str) -> None:
    """Record why a cabinet's scheduled refresh of a channel failed (the cache stays as it was)."""
    state = session.scalar(select(DictionaryState).where(DictionaryState.account_id == account_id,
                                                         DictionaryState.channel == channel))
    if state is not None:
        state.last_error = reason[:1000]
        session.flush()
