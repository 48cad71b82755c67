"""Stock source data: a product's article (Evotor `article_number`) and its stock key (article, else code, else
source id) indexed per cabinet for the stock pipelines; the VK mirror's stock mode (fixed VK_STOCK_AMOUNT, the
default, or the real stock of the enabled stores).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

products = sa.table("products", sa.column("sku", sa.String), sa.column("external_id", sa.String),
                    sa.column("stock_key", sa.String))


def upgrade() -> None:
    """Apply this revision."""
    op.add_column('products', sa.Column('article_number', sa.String(length=128), nullable=True))
    op.add_column('products', sa.Column('stock_key', sa.String(length=128), nullable=True))
    # No product has an article yet, so each key is its code, else its source id (the importer keeps it after).
    op.execute(products.update().values(stock_key=sa.func.coalesce(
        sa.func.nullif(products.c.sku, ''), products.c.external_id)))
    # SQLite can only make a column NOT NULL by copying the table, and that copy would drop the search triggers
    # (migration 0006) and cascade-delete every stock row: there the model's default keeps the key filled.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('products', 'stock_key', existing_type=sa.String(length=128), nullable=False)
    op.create_index('ix_products_stock_key', 'products', ['account_id', 'stock_key', 'store_external_id'],
                    unique=False)
    op.add_column('sync_configs', sa.Column('vk_stock_mode', sa.String(length=16), nullable=False,
                                            server_default='fixed'))


def downgrade() -> None:
    """Revert this revision."""
    # Plain DROP COLUMN (SQLite 3.35+): no table copy, so no cascade and the search triggers stay.
    op.drop_column('sync_configs', 'vk_stock_mode')
    op.drop_index('ix_products_stock_key', table_name='products')
    op.drop_column('products', 'stock_key')
    op.drop_column('products', 'article_number')
