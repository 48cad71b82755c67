"""One VK album per title and one VK item per product key: re-key album and item bindings, retiring the
duplicates an earlier version created (the planner then deletes a retired album and hides a retired item;
every VK id stays bound, so nothing is created twice).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

RETIRED = "retired:"  # marketsync.sync.plan.RETIRED, copied: a migration must not change with the code
TITLE_MAX = 128

bindings = sa.table("bindings", sa.column("id", sa.Integer), sa.column("connection_id", sa.Integer),
                    sa.column("kind", sa.String), sa.column("internal_id", sa.String),
                    sa.column("external_id", sa.String))
products = sa.table("products", sa.column("id", sa.Integer), sa.column("sku", sa.String),
                    sa.column("external_id", sa.String))
groups = sa.table("product_groups", sa.column("id", sa.Integer), sa.column("name", sa.String))
channel_items = sa.table("channel_items", sa.column("connection_id", sa.Integer), sa.column("kind", sa.String),
                         sa.column("external_id", sa.String), sa.column("name", sa.String))


def _rekey(kind: str, key_of: dict[str, str]) -> None:
    """Give every binding of a kind its new key; the second and later holders of one key are retired."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(bindings.c.id, bindings.c.connection_id, bindings.c.internal_id,
                                  bindings.c.external_id).where(bindings.c.kind == kind)
                        .order_by(bindings.c.id)).all()
    taken: set[tuple[int, str]] = set()
    new_keys: dict[int, str] = {}
    for row in rows:
        key = key_of.get(f"{row.connection_id}:{row.internal_id}")
        if key is None or (row.connection_id, key) in taken:
            key = f"{RETIRED}{row.external_id}"
        taken.add((row.connection_id, key))
        new_keys[row.id] = key
    # Two passes, so a new key never meets an old one in the unique (connection, kind, internal id).
    for row_id in new_keys:
        conn.execute(bindings.update().where(bindings.c.id == row_id).values(internal_id=f"tmp:{row_id}"))
    for row_id, key in new_keys.items():
        conn.execute(bindings.update().where(bindings.c.id == row_id).values(internal_id=key))


def upgrade() -> None:
    """Re-key album bindings by title and item bindings by product key."""
    conn = op.get_bind()
    names = {str(r.id): r.name for r in conn.execute(sa.select(groups.c.id, groups.c.name))}
    cached = {f"{r.connection_id}:{r.external_id}": r.name for r in conn.execute(
        sa.select(channel_items.c.connection_id, channel_items.c.external_id, channel_items.c.name)
        .where(channel_items.c.kind == "album"))}
    album_keys: dict[str, str] = {}
    for r in conn.execute(sa.select(bindings.c.connection_id, bindings.c.internal_id, bindings.c.external_id)
                          .where(bindings.c.kind == "album")):
        title = names.get(r.internal_id) or cached.get(f"{r.connection_id}:{r.external_id}")
        if title:
            album_keys[f"{r.connection_id}:{r.internal_id}"] = title[:TITLE_MAX]
    _rekey("album", album_keys)
    product_keys = {r.id: (r.sku or r.external_id) for r in conn.execute(
        sa.select(products.c.id, products.c.sku, products.c.external_id))}
    item_keys: dict[str, str] = {}
    for r in conn.execute(sa.select(bindings.c.connection_id, bindings.c.internal_id)
                          .where(bindings.c.kind == "item")):
        if r.internal_id.isdigit() and int(r.internal_id) in product_keys:
            item_keys[f"{r.connection_id}:{r.internal_id}"] = product_keys[int(r.internal_id)]
    _rekey("item", item_keys)


def downgrade() -> None:
    """Keep the new keys: the old ones cannot be told apart once merged (the schema itself is unchanged)."""
