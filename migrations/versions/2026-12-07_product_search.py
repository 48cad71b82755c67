"""The products table's search: products.search_text (name, article and barcodes case-folded, filled here for
existing rows) and its trigram index — FTS5 with triggers on SQLite, pg_trgm's GIN on PostgreSQL, none on
MariaDB (a scan, as before).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CHUNK = 1000  # rows folded at a time: memory stays flat whatever the catalog's size

# Written out, not imported, so this revision stays what it was when marketsync.catalog.search changes; the same
# text as search.search_text() and the same DDL as catalog.search's at this revision.
SEPARATOR = '\n'
SQLITE_STATEMENTS = (
    "CREATE VIRTUAL TABLE products_search USING fts5(search_text, content='products', content_rowid='id', "
    "tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_search(products_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "END",
    "CREATE TRIGGER products_search_update AFTER UPDATE OF search_text ON products "
    "WHEN old.search_text IS NOT new.search_text BEGIN "
    "INSERT INTO products_search(products_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO products_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO products_search(products_search) VALUES ('rebuild')",
)

products = sa.table('products', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('sku', sa.String), sa.column('barcodes', sa.JSON), sa.column('search_text', sa.Text))


def _folded(name: str | None, sku: str | None, barcodes: list[str] | None) -> str:
    return SEPARATOR.join(part.casefold() for part in (name, sku, *(barcodes or ())) if part)


def _fill_search_text() -> None:
    """Fold every existing product's name, article and barcodes, a chunk of ids at a time."""
    conn = op.get_bind()
    update = products.update().where(products.c.id == sa.bindparam('row_id')) \
        .values(search_text=sa.bindparam('text'))
    last = 0
    while True:
        rows = conn.execute(sa.select(products.c.id, products.c.name, products.c.sku, products.c.barcodes)
                            .where(products.c.id > last).order_by(products.c.id).limit(CHUNK)).all()
        if not rows:
            return
        conn.execute(update, [{'row_id': r.id, 'text': _folded(r.name, r.sku, r.barcodes)}
                              for r in rows])
        last = rows[-1].id


def upgrade() -> None:
    """Apply this revision."""
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        # Never batch mode's copy of products here: its DROP TABLE runs an implicit DELETE (foreign_keys=ON)
        # that cascades to every stock. ALTER TABLE ADD COLUMN allows NOT NULL with a constant default, so the
        # column keeps a '' default on SQLite that the model and the other dialects do not have.
        op.execute("ALTER TABLE products ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
        _fill_search_text()
        for statement in SQLITE_STATEMENTS:
            op.execute(statement)
        return
    op.add_column('products', sa.Column('search_text', sa.Text(), nullable=True))
    _fill_search_text()
    op.alter_column('products', 'search_text', existing_type=sa.Text(), nullable=False)
    if dialect == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')  # trusted since PostgreSQL 13: no superuser needed
        op.create_index('ix_products_search_text', 'products', ['search_text'], unique=False, postgresql_using='gin',
                        postgresql_ops={'search_text': 'gin_trgm_ops'})


def downgrade() -> None:
    """Revert this revision (pg_trgm stays installed: something else in the database may use it)."""
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('products_search_insert', 'products_search_delete', 'products_search_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
        op.execute('DROP TABLE IF EXISTS products_search')
        op.execute('ALTER TABLE products DROP COLUMN search_text')  # SQLite 3.35+; no copy of the table (above)
        return
    if dialect == 'postgresql':
        op.drop_index('ix_products_search_text', table_name='products')
    op.drop_column('products', 'search_text')
