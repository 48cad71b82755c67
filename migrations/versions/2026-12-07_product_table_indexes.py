"""Indexes for the products table's pages: a store's products by name, price and article.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 05:28:08.824533
"""

from __future__ import annotations

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_store_name', ['account_id', 'store_external_id', 'name'], unique=False)
        batch_op.create_index('ix_products_store_price', ['account_id', 'store_external_id', 'price'], unique=False)
        batch_op.create_index('ix_products_store_sku', ['account_id', 'store_external_id', 'sku'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_store_sku')
        batch_op.drop_index('ix_products_store_price')
        batch_op.drop_index('ix_products_store_name')

