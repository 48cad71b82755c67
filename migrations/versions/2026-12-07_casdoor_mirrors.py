"""The Casdoor bridge: `casdoor_mirrors`, one row per mirrored user (desired state, version, synced version,
attempts, last error, the sender's lease). A new table only: no batch rebuild of existing ones.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 13:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import marketsync.db

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('casdoor_mirrors',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('desired', sa.JSON(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('balance_field', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('synced_version', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('next_attempt_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('lease_until', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('synced_at', marketsync.db.UTCDateTime(), nullable=True),
    sa.Column('updated_at', marketsync.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_casdoor_mirrors_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_casdoor_mirrors')),
    sa.UniqueConstraint('name', name=op.f('uq_casdoor_mirrors_name'))
    )
    with op.batch_alter_table('casdoor_mirrors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casdoor_mirrors_synced_version'), ['synced_version'], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('casdoor_mirrors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casdoor_mirrors_synced_version'))
    op.drop_table('casdoor_mirrors')
