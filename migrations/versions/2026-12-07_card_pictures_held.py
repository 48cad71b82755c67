"""Publishing: the hash of the pictures the marketplace last accepted with a card, so WB (whose pictures go by a
separate media save per card) is not sent the same pictures again with every update.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('card_publications') as batch:
        batch.add_column(sa.Column('pictures_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('card_publications') as batch:
        batch.drop_column('pictures_hash')
