"""Telegram people and shared WB cabinets: users.email becomes optional (a person who came through the bot has
only a Telegram id, kept as an oauth_identities row), and connections get a keyed fingerprint of their API key
(HMAC-SHA256 under a key derived from SECRET_KEY), indexed, so a second person entering the same key finds the
cabinet without decrypting any stored key.

On SQLite, batch mode rebuilds `users` (copy, DROP, rename): env.py turns foreign keys off around the migration,
or the DROP would cascade into every row pointing at users (sessions, memberships, roles...).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_fingerprint', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_connections_credential_fingerprint'), ['credential_fingerprint'],
                              unique=False)


def downgrade() -> None:
    """Revert this revision (a user without an e-mail gets a placeholder address first)."""
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connections_credential_fingerprint'))
        batch_op.drop_column('credential_fingerprint')

    op.execute("UPDATE users SET email = 'user-' || id || '@telegram.invalid' WHERE email IS NULL"
               if op.get_bind().dialect.name != 'mysql' else
               "UPDATE users SET email = CONCAT('user-', id, '@telegram.invalid') WHERE email IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
