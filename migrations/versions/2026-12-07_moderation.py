"""Moderation before publishing: per-cabinet rule settings, one verdict per hub product, and the measured
pictures (a cache per URL). New tables only.

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-07 16:14:54.956458
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0023'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('moderation_pictures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url_hash', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('format', sa.String(length=16), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('error_key', sa.String(length=64), nullable=True),
    sa.Column('error', sa.String(length=255), nullable=True),
    sa.Column('checked_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_pictures')),
    sa.UniqueConstraint('url_hash', name=op.f('uq_moderation_pictures_url_hash'))
    )
    op.create_table('moderation_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('forbidden_words', sa.JSON(), nullable=False),
    sa.Column('price_min', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('price_max', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('disabled_rules', sa.JSON(), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_moderation_settings_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_settings')),
    sa.UniqueConstraint('account_id', name=op.f('uq_moderation_settings_account_id'))
    )
    op.create_table('moderation_verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('rules_hash', sa.String(length=64), nullable=False),
    sa.Column('judged_by', sa.String(length=255), nullable=False),
    sa.Column('judged_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('model_error', sa.String(length=1000), nullable=True),
    sa.Column('suggested_description', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_moderation_verdicts_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['hub_products.id'], name=op.f('fk_moderation_verdicts_product_id_hub_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_verdicts')),
    sa.UniqueConstraint('product_id', name=op.f('uq_moderation_verdicts_product_id'))
    )
    with op.batch_alter_table('moderation_verdicts', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_verdicts_account_verdict', ['account_id', 'verdict'], unique=False)


def downgrade() -> None:
    """Revert this revision: drop the tables whole (MariaDB refuses to drop an index a foreign key needs)."""
    for table in ("moderation_verdicts", "moderation_settings", "moderation_pictures"):
        op.drop_table(table)
