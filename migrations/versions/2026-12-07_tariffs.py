"""Tariffs: the admin's `tariffs` row (daily fee per active connection, free connections, free products), each
cabinet's low-balance episode (`tariff_states`) and the warnings sent in it (`tariff_warnings`, unique per
episode and threshold). New tables only: no batch rebuild of existing ones.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:55:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('tariffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('connection_fee', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('free_connections', sa.Integer(), nullable=False),
    sa.Column('free_products', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_tariffs_updated_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariffs'))
    )
    op.create_table('tariff_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('episode', sa.Integer(), nullable=False),
    sa.Column('warned_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tariff_states_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_states')),
    sa.UniqueConstraint('account_id', name=op.f('uq_tariff_states_account_id'))
    )
    op.create_table('tariff_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=128), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('days_left', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('daily_fee', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('sent_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tariff_warnings_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_warnings')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_tariff_warnings_dedup_key'))
    )
    with op.batch_alter_table('tariff_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tariff_warnings_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tariff_warnings_sent_at'), ['sent_at'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    # The table's indexes go with it: dropping ix_tariff_warnings_account_id first fails on MariaDB, which keeps it
    # for the foreign key (error 1553).
    op.drop_table('tariff_warnings')
    op.drop_table('tariff_states')
    op.drop_table('tariffs')
