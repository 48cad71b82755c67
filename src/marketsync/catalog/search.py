"""What the products table's search reads: a product's name, article and barcodes case-folded once, when the
row is written (products.search_text), and the trigram index each dialect keeps over it, so no Python function
runs per row at query time. Pure text and DDL here; catalog.models keeps the column filled, catalog.service
queries it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import column, table

# Between the name, the article and each barcode: a search box cannot send a line break (browsers drop it from
# an <input>), so a typed needle never matches across two fields.
SEPARATOR = "\n"
# A trigram index finds needles of three characters or more; shorter ones are searched by a scan.
TRIGRAM = 3


def search_text(name: str | None, sku: str | None, barcodes: Iterable[str] | None,
                article_number: str | None = None) -> str:
    """Return the text a product is found by: its name, code, article and barcodes, case-folded (Cyrillic too)."""
    # casefold(), as the needle is folded: "Ё" finds "ё" (and "е" stays another letter, as before).
    parts = (name, sku, article_number, *(barcodes or ()))
    return SEPARATOR.join(part.casefold() for part in parts if part)


def fold_needle(text: str) -> str:
    """Return the typed text folded as search_text is."""
    return text.casefold()


# SQLite: an FTS5 index with the trigram tokenizer (SQLite 3.34+) over products.search_text, kept by triggers;
# an external-content table, so the text is stored once. case_sensitive 1: the text is folded already, the
# index adds no folding of its own. The triggers are dropped with products: a migration that rebuilds the table
# on SQLite (batch mode's copy-and-rename) must create them again (SQLITE_TRIGGERS).
SQLITE_INDEX = "products_search"
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE products_search USING fts5(search_text, content='products', content_rowid='id', "
    "tokenize='trigram case_sensitive 1')"
)
SQLITE_TRIGGERS = (
    "CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_search(products_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "END",
    # A re-import sets every row's search_text: only a changed text is indexed again.
    "CREATE TRIGGER products_search_update AFTER UPDATE OF search_text ON products "
    "WHEN old.search_text IS NOT new.search_text BEGIN "
    "INSERT INTO products_search(products_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO products_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_REBUILD = "INSERT INTO products_search(products_search) VALUES ('rebuild')"
SQLITE_DROP = "DROP TABLE IF EXISTS products_search"

# The FTS5 table as SQLAlchemy sees it: its rowid is the product's id.
fts_table = table(SQLITE_INDEX, column("rowid"), column("search_text"))


def fts_phrase(needle: str) -> str:
    """Return an FTS5 query matching the needle as one substring: a quoted phrase (its trigrams in a row)."""
    # Inside an FTS5 string only the double quote is special (doubled); NEAR, *, -, : are plain text there.
    return '"' + needle.replace('"', '""') + '"'


# PostgreSQL: a GIN index of pg_trgm over the same column serves LIKE '%…%' (pg_trgm is a trusted extension
# since PostgreSQL 13: the database's owner may create it).
PG_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
PG_INDEX = "ix_products_search_text"
