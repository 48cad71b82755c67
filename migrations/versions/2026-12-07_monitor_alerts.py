"""The stock monitor's alerts: one row per alert from raised to cleared (at most one open per cabinet,
marketplace and kind), with when its message and its recovery went out by e-mail and Telegram.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 06:16:32.475581
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('monitor_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('clear_message', sa.Text(), nullable=True),
    sa.Column('open_key', sa.String(length=96), nullable=True),
    sa.Column('opened_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.Column('cleared_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('mailed_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('telegram_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('clear_mailed_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('clear_telegram_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('delivery_error', sa.Text(), nullable=True),
    sa.Column('delivery_failed_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_monitor_alerts_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitor_alerts')),
    sa.UniqueConstraint('open_key', name=op.f('uq_monitor_alerts_open_key'))
    )
    with op.batch_alter_table('monitor_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_monitor_alerts_account_opened', ['account_id', 'opened_at'], unique=False)



def downgrade() -> None:
    """Revert this revision."""
    # The table takes its index along: MariaDB refuses to drop that index first, its foreign key needs it.
    op.drop_table('monitor_alerts')
