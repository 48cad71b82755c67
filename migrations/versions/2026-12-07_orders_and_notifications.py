"""Marketplace events and seller notifications: orders, sales (buyouts, returns), reviews, per-size stock
totals, product cards, the feeds' cursors; per-person notification settings and the outbox.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:39:29.573107
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('event_cursors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('feed', sa.String(length=32), nullable=False),
    sa.Column('position', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_event_cursors_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_cursors')),
    sa.UniqueConstraint('account_id', 'source', 'feed', name=op.f('uq_event_cursors_account_id_source_feed'))
    )
    with op.batch_alter_table('event_cursors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_cursors_account_id'), ['account_id'], unique=False)

    op.create_table('notification_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('wb_id', sa.String(length=128), nullable=False),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('photo_url', sa.String(length=1000), nullable=True),
    sa.Column('event_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('sent_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_notification_outbox_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_outbox_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_notification_outbox_dedupe_key'))
    )
    with op.batch_alter_table('notification_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_outbox_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_notification_outbox_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_notification_outbox_user', ['user_id', 'created_at'], unique=False)

    op.create_table('notification_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('new_orders', sa.Boolean(), nullable=False),
    sa.Column('order_buyouts', sa.Boolean(), nullable=False),
    sa.Column('order_cancellations', sa.Boolean(), nullable=False),
    sa.Column('order_returns', sa.Boolean(), nullable=False),
    sa.Column('negative_reviews', sa.Boolean(), nullable=False),
    sa.Column('critical_stocks', sa.Boolean(), nullable=False),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_notification_settings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_settings')),
    sa.UniqueConstraint('account_id', 'user_id', name=op.f('uq_notification_settings_account_id_user_id'))
    )
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_settings_user_id'), ['user_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('ordered_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('changed_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('article', sa.String(length=128), nullable=False),
    sa.Column('product_id', sa.String(length=128), nullable=True),
    sa.Column('barcode', sa.String(length=64), nullable=True),
    sa.Column('size', sa.String(length=64), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('warehouse', sa.String(length=200), nullable=True),
    sa.Column('region', sa.String(length=200), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('cancelled_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('cancelled_seen_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_orders_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('account_id', 'source', 'external_id', name=op.f('uq_orders_account_id_source_external_id'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_account_created', ['account_id', 'created_at'], unique=False)
        batch_op.create_index('ix_orders_account_ordered', ['account_id', 'ordered_at'], unique=False)

    op.create_table('product_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('product_id', sa.String(length=128), nullable=False),
    sa.Column('article', sa.String(length=128), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('photo_url', sa.String(length=1000), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_product_cards_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_cards')),
    sa.UniqueConstraint('account_id', 'source', 'product_id', name=op.f('uq_product_cards_account_id_source_product_id'))
    )
    with op.batch_alter_table('product_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_cards_account_id'), ['account_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('product_id', sa.String(length=128), nullable=True),
    sa.Column('article', sa.String(length=128), nullable=True),
    sa.Column('size', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_reviews_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('account_id', 'source', 'external_id', name=op.f('uq_reviews_account_id_source_external_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_account_created', ['account_id', 'created_at'], unique=False)

    op.create_table('sales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('order_external_id', sa.String(length=128), nullable=True),
    sa.Column('sold_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('changed_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('article', sa.String(length=128), nullable=False),
    sa.Column('product_id', sa.String(length=128), nullable=True),
    sa.Column('barcode', sa.String(length=64), nullable=True),
    sa.Column('size', sa.String(length=64), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('for_pay', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('warehouse', sa.String(length=200), nullable=True),
    sa.Column('region', sa.String(length=200), nullable=True),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_sales_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales')),
    sa.UniqueConstraint('account_id', 'source', 'external_id', name=op.f('uq_sales_account_id_source_external_id'))
    )
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.create_index('ix_sales_account_created', ['account_id', 'created_at'], unique=False)
        batch_op.create_index('ix_sales_account_sold', ['account_id', 'sold_at'], unique=False)

    op.create_table('stock_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('product_id', sa.String(length=128), nullable=False),
    sa.Column('size_key', sa.String(length=128), nullable=False),
    sa.Column('article', sa.String(length=128), nullable=False),
    sa.Column('size', sa.String(length=64), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('warehouses', sa.Integer(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('crossed_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_stock_snapshots_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_snapshots')),
    sa.UniqueConstraint('account_id', 'source', 'product_id', 'size_key', name=op.f('uq_stock_snapshots_account_id_source_product_id_size_key'))
    )
    with op.batch_alter_table('stock_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_snapshots_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    # Each table takes its indexes along: MariaDB refuses to drop an index its foreign key needs first.
    for table in ('stock_snapshots', 'sales', 'reviews', 'product_cards', 'orders', 'notification_settings',
                  'notification_outbox', 'event_cursors'):
        op.drop_table(table)
