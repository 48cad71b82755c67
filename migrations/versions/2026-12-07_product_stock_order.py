"""The products table's order by stock from an index: products.quantity (the quantity of the product's stock
row, None without one; filled here from `stocks` for existing rows) and two indexes over it, one per direction
with products without a stock last, on SQLite and PostgreSQL (MariaDB indexes no expression: a sort, as before).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Written out, not imported, so this revision stays what it was when the model changes.
INDEXES = {
    'ix_products_store_stock': ('quantity', 'id'),
    'ix_products_store_stock_desc': ('quantity DESC', 'id DESC'),
}


def _indexed(dialect: str) -> bool:
    return dialect in ('sqlite', 'postgresql')


def upgrade() -> None:
    """Apply this revision."""
    # Plain ADD COLUMN and CREATE INDEX, never a batch copy of products on SQLite: it would drop the search
    # triggers of revision 0006, and its DROP TABLE cascades to every stock row.
    op.add_column('products', sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=True))
    # Only rows with a stock (the others stay NULL); no search trigger fires (they watch search_text only).
    op.execute('UPDATE products SET quantity = (SELECT stocks.quantity FROM stocks WHERE stocks.product_id = '
               'products.id) WHERE products.id IN (SELECT stocks.product_id FROM stocks)')
    if _indexed(op.get_bind().dialect.name):
        for name, (quantity, row_id) in INDEXES.items():
            op.create_index(name, 'products', ['account_id', 'store_external_id', sa.text('(quantity IS NULL)'),
                                               sa.text(quantity), sa.text(row_id)], unique=False)


def downgrade() -> None:
    """Revert this revision (plain DROP INDEX and DROP COLUMN, SQLite 3.35+: no copy of the table, as above)."""
    if _indexed(op.get_bind().dialect.name):
        for name in INDEXES:
            op.drop_index(name, table_name='products')
    op.drop_column('products', 'quantity')
