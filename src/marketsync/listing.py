"""A data table's query in SQL, for the services behind list pages: case-folded search, a whitelisted sort
(empty values last on every dialect), one page with its total, and the whole filtered set in chunks for an
export. The web side (marketsync.web.tables) validates the request; the services name their columns."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from marketsync.web.tables import TableQuery

    AnySelect = Select[*tuple[Any, ...]]  # a select of any columns (Select is variadic)

EXPORT_CHUNK = 1000  # rows fetched at a time by an export: memory stays flat whatever the set's size


def fold(session: Session, column: Any) -> ColumnElement[Any]:
    """Return the column case-folded in SQL, Cyrillic included (SQLite's own lower() folds ASCII only)."""
    if session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.driver_connection
        if raw is not None:  # registered per connection; cheap, and idempotent
            raw.create_function("ms_casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s,
                                deterministic=True)
            return func.ms_casefold(column)
    return func.lower(column)


def contains(session: Session, columns: Sequence[Any], text: str) -> ColumnElement[bool]:
    """Return "one of these columns holds the text", ignoring case (Cyrillic too) and LIKE's wildcards."""
    if session.get_bind().dialect.name == "sqlite" and text.isascii():
        # SQLite's LIKE ignores ASCII case by itself: no Python function called per row (10× faster).
        return or_(*[c.contains(text, autoescape=True) for c in columns])
    # Fold the needle as the column is folded: casefold() in SQLite (our function), lower() elsewhere.
    needle = text.casefold() if session.get_bind().dialect.name == "sqlite" else text.lower()
    return or_(*[fold(session, c).contains(needle, autoescape=True) for c in columns])


def order_keys(table: TableQuery, sorts: Mapping[str, Any], default: str, tiebreak: Any, *,
               never_empty: Collection[str] = (), backwards: bool = False) -> list[Any]:
    """Return the ORDER BY keys of the table's sort column (one of `sorts`, else `default`), rows without a value
    last; `backwards` gives the exact reverse order (a far page is read from the end).

    `never_empty` names the sorts whose column always has a value in the select (NOT NULL, not outer-joined)."""
    name = table.sort if table.sort in sorts else default
    column = sorts[name]
    descending = table.descending != backwards
    keys = [column.desc() if descending else column.asc(), tiebreak.desc() if descending else tiebreak.asc()]
    if name in never_empty:  # no (value IS NULL) key: an index on the column then serves the order
        return keys
    # (value IS NULL) first: empty values sort last both ways; MariaDB has no NULLS LAST.
    return [column.is_(None).desc() if backwards else column.is_(None), *keys]


def ordered(query: AnySelect, table: TableQuery, sorts: Mapping[str, Any], default: str,
            tiebreak: Any, *, never_empty: Collection[str] = ()) -> AnySelect:
    """Order a select by the table's sort column (one of `sorts`, else `default`), rows without a value last
    (but for the `never_empty` sorts, whose column an index can then serve)."""
    return query.order_by(None).order_by(*order_keys(table, sorts, default, tiebreak, never_empty=never_empty))


@dataclass(frozen=True)
class Page:
    """The rows of the page shown, how many rows match in all, and which page it is."""

    rows: list[Row[Any]]
    total: int
    page: int


def _count(session: Session, query: AnySelect, table: TableQuery) -> tuple[int, int]:
    """Return how many rows match, and the page to show (a page past the end is the last)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return total, min(table.page, max(1, -(-total // table.per_page)))


def page_of(session: Session, query: AnySelect, table: TableQuery, *,
            count_query: AnySelect | None = None) -> Page:
    """Return one page of an ordered select and the count of all its rows; a page past the end is the last.

    `count_query` may be the same select without joins that never change the row count (cheaper to count)."""
    total, page = _count(session, count_query if count_query is not None else query, table)
    rows = list(session.execute(query.offset((page - 1) * table.per_page).limit(table.per_page)))
    return Page(rows=rows, total=total, page=page)


def page_by_key(session: Session, keys: AnySelect, rows: AnySelect, key: Any, table: TableQuery, *,
                count_query: AnySelect, row_key: Callable[[Row[Any]], Any],
                keys_backwards: AnySelect | None = None) -> Page:
    """Return one page in two steps: the page's keys from a narrow ordered select, then the full rows of those
    keys (a sort over every row carries only the columns it needs, not the wide rows and their joins).

    `keys_backwards`, the same keys in the exact reverse order, serves pages past the middle: the last page is
    read from its end, as cheap as the first, instead of skipping every row before it."""
    total, page = _count(session, count_query, table)
    start = (page - 1) * table.per_page
    size = max(0, min(table.per_page, total - start))
    if keys_backwards is not None and start > total // 2:
        wanted = list(session.scalars(keys_backwards.offset(total - start - size).limit(size)))[::-1]
    else:
        wanted = list(session.scalars(keys.offset(start).limit(table.per_page)))
    if not wanted:
        return Page(rows=[], total=total, page=page)
    position = {k: n for n, k in enumerate(wanted)}
    found = sorted(session.execute(rows.order_by(None).where(key.in_(wanted))), key=lambda r: position[row_key(r)])
    return Page(rows=found, total=total, page=page)


def every_row(session: Session, query: AnySelect) -> Iterator[Any]:
    """Yield every row of a select, fetched EXPORT_CHUNK at a time (a server-side cursor where there is one)."""
    result = session.execute(query.execution_options(yield_per=EXPORT_CHUNK))
    for partition in result.partitions():
        yield from partition  # the session holds loaded objects weakly: written rows are freed as we go
