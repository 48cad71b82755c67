"""The hub's merge: barcode and vendor-code lookup tables (each names one product per cabinet, so linking 200,000
offers is an indexed query per chunk), and the cabinet's hub settings (the price rule). New tables only.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-07 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('hub_barcodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('barcode', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hub_barcodes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['hub_products.id'], name=op.f('fk_hub_barcodes_product_id_hub_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_barcodes')),
    sa.UniqueConstraint('account_id', 'barcode', name=op.f('uq_hub_barcodes_account_id_barcode'))
    )
    with op.batch_alter_table('hub_barcodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_barcodes_product_id'), ['product_id'], unique=False)

    op.create_table('hub_vendor_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hub_vendor_codes_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['hub_products.id'], name=op.f('fk_hub_vendor_codes_product_id_hub_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_vendor_codes')),
    sa.UniqueConstraint('account_id', 'key', name=op.f('uq_hub_vendor_codes_account_id_key'))
    )
    with op.batch_alter_table('hub_vendor_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hub_vendor_codes_product_id'), ['product_id'], unique=False)

    op.create_table('hub_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('price_rule', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hub_settings_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hub_settings')),
    sa.UniqueConstraint('account_id', name=op.f('uq_hub_settings_account_id'))
    )


def downgrade() -> None:
    """Revert this revision: drop the tables whole (MariaDB refuses to drop an index a foreign key needs)."""
    for table in ("hub_settings", "hub_vendor_codes", "hub_barcodes"):
        op.drop_table(table)
