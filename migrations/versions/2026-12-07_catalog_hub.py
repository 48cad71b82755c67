"""The catalog hub: suppliers, their offers, import reports, and the canonical catalog (categories, products,
packs, bundle parts). New tables only: no batch rebuild of existing ones.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 16:09:57.466318
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('hub_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hub_categories_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['hub_categories.id'], name=op.f('fk_hub_categories_parent_id_hub_categories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_categories')),
    sa.UniqueConstraint('account_id', 'name', name=op.f('uq_hub_categories_account_id_name'))
    )
    with op.batch_alter_table('hub_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_categories_account_id'), ['account_id'], unique=False)

    op.create_table('suppliers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('feed_url', sa.String(length=2000), nullable=True),
    sa.Column('feed_format', sa.String(length=8), nullable=True),
    sa.Column('refresh_minutes', sa.Integer(), nullable=True),
    sa.Column('column_mapping', sa.JSON(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('pack_size', sa.Integer(), nullable=True),
    sa.Column('last_import_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_suppliers_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppliers')),
    sa.UniqueConstraint('account_id', 'name', name=op.f('uq_suppliers_account_id_name'))
    )
    with op.batch_alter_table('suppliers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suppliers_account_id'), ['account_id'], unique=False)

    op.create_table('hub_products',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('base_product_id', sa.Integer(), nullable=True),
    sa.Column('pack_of', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('vendor', sa.String(length=255), nullable=True),
    sa.Column('vendor_code', sa.String(length=128), nullable=True),
    sa.Column('barcodes', sa.JSON(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('pictures', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('weight_kg', sa.Numeric(precision=10, scale=3), nullable=True),
    sa.Column('length_cm', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('width_cm', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('height_cm', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hub_products_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['base_product_id'], ['hub_products.id'], name=op.f('fk_hub_products_base_product_id_hub_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['category_id'], ['hub_categories.id'], name=op.f('fk_hub_products_category_id_hub_categories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_products')),
    sa.UniqueConstraint('account_id', 'sku', name=op.f('uq_hub_products_account_id_sku'))
    )
    with op.batch_alter_table('hub_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_products_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hub_products_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hub_products_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index('ix_hub_products_vendor_code', ['account_id', 'vendor', 'vendor_code'], unique=False)

    op.create_table('import_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=2000), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('rejects', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('started_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_import_reports_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_import_reports_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_reports'))
    )
    with op.batch_alter_table('import_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_reports_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_reports_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('hub_bundle_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hub_bundle_parts_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['bundle_id'], ['hub_products.id'], name=op.f('fk_hub_bundle_parts_bundle_id_hub_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['part_id'], ['hub_products.id'], name=op.f('fk_hub_bundle_parts_part_id_hub_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_bundle_parts')),
    sa.UniqueConstraint('bundle_id', 'part_id', name=op.f('uq_hub_bundle_parts_bundle_id_part_id'))
    )
    with op.batch_alter_table('hub_bundle_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_bundle_parts_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hub_bundle_parts_part_id'), ['part_id'], unique=False)

    op.create_table('supplier_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.String(length=128), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('vendor', sa.String(length=255), nullable=True),
    sa.Column('vendor_code', sa.String(length=128), nullable=True),
    sa.Column('barcodes', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=255), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('pictures', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('weight_kg', sa.Numeric(precision=10, scale=3), nullable=True),
    sa.Column('length_cm', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('width_cm', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('height_cm', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_supplier_offers_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['hub_products.id'], name=op.f('fk_supplier_offers_product_id_hub_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_offers_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_offers')),
    sa.UniqueConstraint('supplier_id', 'offer_id', name=op.f('uq_supplier_offers_supplier_id_offer_id'))
    )
    with op.batch_alter_table('supplier_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_offers_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_offers_product_id'), ['product_id'], unique=False)
        batch_op.create_index('ix_supplier_offers_vendor_code', ['account_id', 'vendor', 'vendor_code'], unique=False)


def downgrade() -> None:
    """Revert this revision: drop the tables whole (MariaDB refuses to drop an index a foreign key needs)."""
    for table in ("supplier_offers", "hub_bundle_parts", "import_reports", "hub_products", "suppliers",
                  "hub_categories"):
        op.drop_table(table)
