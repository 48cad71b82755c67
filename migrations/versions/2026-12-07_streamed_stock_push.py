"""A stock push that holds one chunk in memory, not the catalog: our stock per product key and its barcodes
copied per connection (`offered_levels`, `offered_barcodes`) for matching in the database, the plan kept on
`stock_pushes` (`pending`, and `reported` for never-pushed items), and indexes for walking a connection's
offers and pushes in id order.

Plain ADD COLUMN and CREATE INDEX: no table is rebuilt, so SQLite needs no batch mode.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'offered_levels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('product_key', sa.String(length=128), nullable=False),
        sa.Column('offered', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_offered_levels_key', 'offered_levels', ['connection_id', 'product_key'], unique=False)
    op.create_table(
        'offered_barcodes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('connection_id', sa.Integer(), nullable=False),
        sa.Column('barcode', sa.String(length=255), nullable=False),
        sa.Column('product_key', sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_offered_barcodes_barcode', 'offered_barcodes', ['connection_id', 'barcode'], unique=False)
    op.add_column('stock_pushes', sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('stock_pushes', sa.Column('reported', sa.Integer(), nullable=True))
    op.create_index('ix_stock_pushes_walk', 'stock_pushes', ['connection_id', 'id'], unique=False)
    op.create_index('ix_stock_pushes_pending', 'stock_pushes', ['connection_id', 'pending', 'pushed_at', 'id'],
                    unique=False)
    op.create_index('ix_market_offers_walk', 'market_offers', ['connection_id', 'id'], unique=False)
    op.create_index('ix_market_offers_card', 'market_offers', ['connection_id', 'remote_product_id'], unique=False)


def downgrade() -> None:
    """Revert this revision. The new tables go whole (MariaDB refuses to drop an index a foreign key still
    needs); the indexes dropped from the old tables leave their unique (connection_id, stock_key) for the key."""
    op.drop_index('ix_market_offers_card', table_name='market_offers')
    op.drop_index('ix_market_offers_walk', table_name='market_offers')
    op.drop_index('ix_stock_pushes_pending', table_name='stock_pushes')
    op.drop_index('ix_stock_pushes_walk', table_name='stock_pushes')
    with op.batch_alter_table('stock_pushes', schema=None) as batch_op:
        batch_op.drop_column('reported')
        batch_op.drop_column('pending')
    op.drop_table('offered_barcodes')
    op.drop_table('offered_levels')
