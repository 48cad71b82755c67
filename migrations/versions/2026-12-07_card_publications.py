"""Publishing: one row per (marketplace connection, hub product) with the card and price the marketplace accepted
and what is in flight. A new table only.

Revision ID: 0025
Revises: 0021
Create Date: 2026-12-07 16:33:43.295189
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0025'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('card_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('sku', sa.String(length=128), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('remote_id', sa.String(length=128), nullable=True),
    sa.Column('sent_hash', sa.String(length=64), nullable=True),
    sa.Column('accepted_hash', sa.String(length=64), nullable=True),
    sa.Column('task_id', sa.String(length=64), nullable=True),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('sent_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('settled_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('price_state', sa.String(length=16), nullable=True),
    sa.Column('price_error', sa.String(length=500), nullable=True),
    sa.Column('price_changes', sa.JSON(), nullable=False),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_card_publications_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_card_publications_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['hub_products.id'], name=op.f('fk_card_publications_product_id_hub_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_publications')),
    sa.UniqueConstraint('connection_id', 'product_id', name=op.f('uq_card_publications_connection_id_product_id'))
    )
    with op.batch_alter_table('card_publications', schema=None) as batch_op:
        batch_op.create_index('ix_card_publications_account_channel', ['account_id', 'channel', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_publications_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_publications_product_id'), ['product_id'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("card_publications")
