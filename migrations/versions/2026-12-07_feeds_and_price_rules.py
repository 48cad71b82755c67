"""YML feeds out and per-channel markups: the feeds table (token hash and encrypted copy, options, last build)
and price_rules (per cabinet and channel: percent, fixed add, rounding, minimum price). New tables only.

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0022'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('token_encrypted', sa.String(length=500), nullable=False),
    sa.Column('price_channel', sa.String(length=64), nullable=True),
    sa.Column('category_ids', sa.JSON(), nullable=True),
    sa.Column('in_stock_only', sa.Boolean(), nullable=False),
    sa.Column('last_built_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('offers_count', sa.Integer(), nullable=True),
    sa.Column('last_hash', sa.String(length=64), nullable=True),
    sa.Column('source_stamp', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('last_error_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('file_path', sa.String(length=1000), nullable=True),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_feeds_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feeds')),
    sa.UniqueConstraint('account_id', 'name', name=op.f('uq_feeds_account_id_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_feeds_token_hash'))
    )
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feeds_account_id'), ['account_id'], unique=False)

    op.create_table('price_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=64), nullable=False),
    sa.Column('percent', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('add', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('rounding', sa.String(length=8), nullable=False),
    sa.Column('min_price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_price_rules_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_rules')),
    sa.UniqueConstraint('account_id', 'channel', name=op.f('uq_price_rules_account_id_channel'))
    )
    with op.batch_alter_table('price_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_rules_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    """Revert this revision: drop the tables whole (MariaDB refuses to drop an index a foreign key needs)."""
    for table in ("price_rules", "feeds"):
        op.drop_table(table)
