"""Stock source data: a product's article (Evotor `article_number`) and its stock key (article, else code, else
source id) indexed per cabinet for the stock pipelines; the VK mirror's stock mode (fixed VK_STOCK_AMOUNT, the
default, or the real stock of the enabled stores).

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None

products = sa.table("products", sa.column("sku", sa.String), sa.column("external_id", sa.String),
                    sa.column("stock_key", sa.String))


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('article_number', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('stock_key', sa.String(length=128), nullable=True))
    # No product has an article yet, so each key is its code, else its source id (the importer keeps it after).
    op.execute(products.update().values(stock_key=sa.func.coalesce(
        sa.func.nullif(products.c.sku, ''), products.c.external_id)))
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('stock_key', existing_type=sa.String(length=128), nullable=False)
        batch_op.create_index('ix_products_stock_key', ['account_id', 'stock_key', 'store_external_id'], unique=False)
    with op.batch_alter_table('sync_configs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vk_stock_mode', sa.String(length=16), nullable=False, server_default='fixed'))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('sync_configs', schema=None) as batch_op:
        batch_op.drop_column('vk_stock_mode')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_stock_key')
        batch_op.drop_column('stock_key')
        batch_op.drop_column('article_number')
