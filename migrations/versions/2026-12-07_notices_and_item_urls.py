"""Errors said in the reader's language, and item links from the channel.

`connections.last_error_notice` and `sync_runs.error_notice` keep what was said as a key and parameters
(marketsync/notices.py) beside the English text, so a page says it in the reader's language; the known fixed
texts of earlier rows get their notice here, the others keep being shown as they were stored (in English).
`channel_items.url` holds the address the channel gives an item (the sync layer no longer builds VK's
addresses); the VK items already cached get theirs here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The fixed English texts runs were closed with before this revision, and their notice keys.
FIXED_RUN_ERRORS = {
    "the worker stopped during this run (no sign of life); it was marked failed": "worker_stopped",
    "another sync of this account is still running": "already_running",
    "another run took over this account's lock": "lock_taken",
}
NOT_CONNECTED = {"Evotor is not connected: connect it on the connections page first": "evotor",
                 "VK is not connected: connect it on the connections page first": "vk"}
# A connection's last error as the connectors worded it: pattern → (key, names of its groups, fixed params).
CONNECTION_ERRORS = [
    (re.compile(r"Evotor rejected the token \(HTTP (\d+), code ([^)]*)\): (.*)", re.S), "token_rejected",
     ("status", "code", "detail"), {"system": "evotor"}),
    (re.compile(r"VK error (5): (.*)", re.S), "token_rejected", ("code", "detail"), {"system": "vk"}),
    (re.compile(r"VK error (15|27|203): (.*)", re.S), "no_access", ("code", "detail"), {"system": "vk"}),
    (re.compile(r"VK community (\d+) was not found"), "community_not_found", ("group_id",), {}),
    (re.compile(r"VK community «(.*)» has no market enabled", re.S), "market_disabled", ("name",), {}),
]


def upgrade() -> None:
    """Apply this revision."""
    op.add_column('connections', sa.Column('last_error_notice', sa.JSON(), nullable=True))
    op.add_column('sync_runs', sa.Column('error_notice', sa.JSON(), nullable=True))
    op.add_column('channel_items', sa.Column('url', sa.String(length=1000), nullable=True))

    bind = op.get_bind()
    runs = sa.table('sync_runs', sa.column('error', sa.Text()), sa.column('error_notice', sa.JSON()))
    for text, key in FIXED_RUN_ERRORS.items():
        bind.execute(runs.update().where(runs.c.error == text)
                     .values(error_notice={"key": key, "params": {}, "text": text}))
    for text, system in NOT_CONNECTED.items():
        bind.execute(runs.update().where(runs.c.error == text)
                     .values(error_notice={"key": "not_connected", "params": {"system": system}, "text": text}))

    connections = sa.table('connections', sa.column('id', sa.Integer()), sa.column('system', sa.String()),
                           sa.column('settings', sa.JSON()), sa.column('last_error', sa.Text()),
                           sa.column('last_error_notice', sa.JSON()))
    for conn_id, error in bind.execute(sa.select(connections.c.id, connections.c.last_error)
                                       .where(connections.c.last_error.is_not(None))).all():
        for pattern, key, names, fixed in CONNECTION_ERRORS:
            match = pattern.fullmatch(error)
            if match:
                params = {**fixed, **dict(zip(names, match.groups(), strict=True))}
                bind.execute(connections.update().where(connections.c.id == conn_id)
                             .values(last_error_notice={"key": key, "params": params, "text": error}))
                break

    # VK's item address (the VK connector's item_url), for the items cached before the channel gave it.
    items = sa.table('channel_items', sa.column('connection_id', sa.Integer()), sa.column('kind', sa.String()),
                     sa.column('external_id', sa.String()), sa.column('url', sa.String()))
    for conn_id, settings in bind.execute(sa.select(connections.c.id, connections.c.settings)
                                          .where(connections.c.system == 'vk')).all():
        group_id = (settings or {}).get('group_id') if isinstance(settings, dict) else None
        if not str(group_id or '').isdigit():
            continue
        prefix = f"https://vk.com/market-{group_id}?w=product-{group_id}_"
        # `+` on strings is || on SQLite and PostgreSQL and CONCAT() on MariaDB.
        bind.execute(items.update().where(items.c.connection_id == conn_id, items.c.kind == 'item')
                     .values(url=sa.literal(prefix, sa.String()) + items.c.external_id))


def downgrade() -> None:
    """Revert this revision (plain DROP COLUMN: a batch copy would drop the tables on SQLite, and with foreign
    keys on that cascades into every row that references them)."""
    op.drop_column('channel_items', 'url')
    op.drop_column('sync_runs', 'error_notice')
    op.drop_column('connections', 'last_error_notice')
