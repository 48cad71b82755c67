"""Category dictionaries (issue 15 point 3): the cached categories, attributes and dictionary values of
Ozon, Wildberries and Yandex Market per cabinet and channel, our categories' mappings to them, and the seller's
attribute and value overrides. New tables only.

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-07 16:17:21.499716
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('attribute_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('attribute_id', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_attribute_overrides_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_overrides')),
    sa.UniqueConstraint('account_id', 'channel', 'kind', 'attribute_id', 'source', name=op.f('uq_attribute_overrides_account_id_channel_kind_attribute_id_source'))
    )
    with op.batch_alter_table('attribute_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attribute_overrides_account_id'), ['account_id'], unique=False)

    op.create_table('market_attribute_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('category_id', sa.String(length=64), nullable=False),
    sa.Column('attribute_id', sa.String(length=64), nullable=False),
    sa.Column('value_id', sa.String(length=64), nullable=True),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.Column('info', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_market_attribute_values_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_attribute_values'))
    )
    with op.batch_alter_table('market_attribute_values', schema=None) as batch_op:
        batch_op.create_index('ix_market_attribute_values_attribute', ['account_id', 'channel', 'category_id', 'attribute_id'], unique=False)

    op.create_table('market_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('category_id', sa.String(length=64), nullable=False),
    sa.Column('attribute_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('dictionary', sa.Boolean(), nullable=False),
    sa.Column('custom_allowed', sa.Boolean(), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=True),
    sa.Column('max_count', sa.Integer(), nullable=False),
    sa.Column('values_fetched_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('values_complete', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_market_attributes_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_attributes')),
    sa.UniqueConstraint('account_id', 'channel', 'category_id', 'attribute_id', name=op.f('uq_market_attributes_account_id_channel_category_id_attribute_id'))
    )
    with op.batch_alter_table('market_attributes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_attributes_account_id'), ['account_id'], unique=False)

    op.create_table('market_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('category_id', sa.String(length=64), nullable=False),
    sa.Column('parent_id', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('search_text', sa.String(length=1000), nullable=False),
    sa.Column('leaf', sa.Boolean(), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.Column('attributes_fetched_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_market_categories_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_categories')),
    sa.UniqueConstraint('account_id', 'channel', 'category_id', name=op.f('uq_market_categories_account_id_channel_category_id'))
    )
    with op.batch_alter_table('market_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_categories_account_id'), ['account_id'], unique=False)

    op.create_table('market_dictionaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('categories_fetched_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('category_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_market_dictionaries_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_market_dictionaries')),
    sa.UniqueConstraint('account_id', 'channel', name=op.f('uq_market_dictionaries_account_id_channel'))
    )
    with op.batch_alter_table('market_dictionaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_market_dictionaries_account_id'), ['account_id'], unique=False)

    op.create_table('category_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('hub_category_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_category_mappings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hub_category_id'], ['hub_categories.id'], name=op.f('fk_category_mappings_hub_category_id_hub_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_mappings')),
    sa.UniqueConstraint('hub_category_id', 'channel', name=op.f('uq_category_mappings_hub_category_id_channel'))
    )
    with op.batch_alter_table('category_mappings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_mappings_account_id'), ['account_id'], unique=False)


def downgrade() -> None:
    """Revert this revision: drop the whole tables (MariaDB refuses to drop an index a foreign key needs)."""
    for table in ("category_mappings", "market_dictionaries", "market_categories", "market_attributes",
                  "market_attribute_values", "attribute_overrides"):
        op.drop_table(table)
