"""Marketplace stocks: offers seen and their matches, the seller's mappings, reported stocks (FBS and FBO), our
pushes and their history, and per-marketplace stock settings.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 06:05:50.452749
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=32), nullable=True))
    op.create_table('stock_configs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=32), nullable=False),
    sa.Column('reserve', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_stock_configs_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_configs')),
    sa.UniqueConstraint('account_id', 'system', name=op.f('uq_stock_configs_account_id_system'))
    )
    op.create_table('market_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('stock_key', sa.String(length=128), nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=False),
    sa.Column('barcodes', sa.JSON(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('remote_product_id', sa.String(length=128), nullable=True),
    sa.Column('size', sa.String(length=128), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('product_key', sa.String(length=128), nullable=True),
    sa.Column('match_rule', sa.String(length=16), nullable=True),
    sa.Column('unmatched_reason', sa.String(length=255), nullable=True),
    sa.Column('seen_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_market_offers_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_market_offers_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_offers')),
    sa.UniqueConstraint('connection_id', 'stock_key', name=op.f('uq_market_offers_connection_id_stock_key'))
    )
    with op.batch_alter_table('market_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_offers_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_market_offers_product', ['account_id', 'product_key'], unique=False)

    op.create_table('market_stocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('stock_key', sa.String(length=128), nullable=False),
    sa.Column('warehouse_id', sa.String(length=128), nullable=False),
    sa.Column('warehouse_name', sa.String(length=255), nullable=True),
    sa.Column('fulfillment', sa.String(length=8), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('synced_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_market_stocks_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_market_stocks_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_stocks')),
    sa.UniqueConstraint('connection_id', 'stock_key', 'warehouse_id', 'fulfillment', name=op.f('uq_market_stocks_connection_id_stock_key_warehouse_id_fulfillment'))
    )
    with op.batch_alter_table('market_stocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_stocks_account_id'), ['account_id'], unique=False)

    op.create_table('stock_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('product_key', sa.String(length=128), nullable=False),
    sa.Column('stock_key', sa.String(length=128), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('pushed_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_stock_history_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_stock_history_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_history'))
    )
    with op.batch_alter_table('stock_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_history_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_stock_history_product', ['account_id', 'product_key', 'pushed_at'], unique=False)

    op.create_table('stock_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('stock_key', sa.String(length=128), nullable=False),
    sa.Column('product_key', sa.String(length=128), nullable=False),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_stock_mappings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_stock_mappings_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_mappings')),
    sa.UniqueConstraint('connection_id', 'stock_key', name=op.f('uq_stock_mappings_connection_id_stock_key'))
    )
    with op.batch_alter_table('stock_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_mappings_account_id'), ['account_id'], unique=False)

    op.create_table('stock_pushes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('stock_key', sa.String(length=128), nullable=False),
    sa.Column('product_key', sa.String(length=128), nullable=False),
    sa.Column('offered', sa.Integer(), nullable=False),
    sa.Column('pushed_amount', sa.Integer(), nullable=True),
    sa.Column('pushed_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_code', sa.String(length=64), nullable=True),
    sa.Column('failed_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_stock_pushes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_stock_pushes_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_pushes')),
    sa.UniqueConstraint('connection_id', 'stock_key', name=op.f('uq_stock_pushes_connection_id_stock_key'))
    )
    with op.batch_alter_table('stock_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_pushes_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_stock_pushes_product', ['account_id', 'product_key'], unique=False)



def downgrade() -> None:
    """Revert this revision (dropping a table drops its indexes; MariaDB refuses to drop an index a foreign key
    needs first)."""
    # Plain DROP COLUMN: a batch copy of sync_runs on SQLite would cascade-delete every run's journal rows.
    op.drop_column('sync_runs', 'source')
    op.drop_table('stock_pushes')
    op.drop_table('stock_mappings')
    op.drop_table('stock_history')
    op.drop_table('market_stocks')
    op.drop_table('market_offers')
    op.drop_table('stock_configs')
