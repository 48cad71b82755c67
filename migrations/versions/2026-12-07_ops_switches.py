"""Operations: the operator's switches (read-only mode) and the circuit breakers' last reported states. New
tables only.

Revision ID: 0024
Revises: 0018
Create Date: 2026-12-07 16:15:11.123508
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0024'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('breaker_states',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('system', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('changed_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_breaker_states'))
    )
    with op.batch_alter_table('breaker_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breaker_states_system'), ['system'], unique=False)

    op.create_table('ops_switches',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], name=op.f('fk_ops_switches_changed_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_ops_switches'))
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("breaker_states")
    op.drop_table("ops_switches")
