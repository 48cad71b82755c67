"""Run items (every decision of a run with the plan's reason, for the run page) and product rules (the seller
publishes or withholds one product over its store and group switches).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 04:23:31.120149
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('product_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('product_key', sa.String(length=128), nullable=False),
    sa.Column('publish', sa.Boolean(), nullable=False),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_product_rules_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_rules')),
    sa.UniqueConstraint('account_id', 'product_key', name=op.f('uq_product_rules_account_id_product_key'))
    )
    with op.batch_alter_table('product_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_rules_account_id'), ['account_id'], unique=False)

    op.create_table('sync_run_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('internal_id', sa.String(length=128), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_sync_run_items_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['sync_runs.id'], name=op.f('fk_sync_run_items_run_id_sync_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_run_items'))
    )
    with op.batch_alter_table('sync_run_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_run_items_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_run_items_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('sync_run_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_run_items_run_id'))
        batch_op.drop_index(batch_op.f('ix_sync_run_items_account_id'))

    op.drop_table('sync_run_items')
    with op.batch_alter_table('product_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_rules_account_id'))

    op.drop_table('product_rules')
