"""The data table of every list page, web side: the URL's query (q, sort, dir, filters, page, per_page) read
into a validated TableQuery, and the Table the template macros draw (sort links, pager, export links).

Nothing here touches SQL: a service applies the TableQuery to its select through marketsync.listing. Every
value is checked against the page's TableSpec, and anything unknown falls back to the default, so a hand-made
or stale URL shows a page, never an error. Only values that differ from the defaults go back into links."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from marketsync.web.templating import MAX_PAGE, Pager, page_number

PAGE_SIZES = (25, 50, 100, 200)
MAX_SEARCH = 200  # characters of the search box kept (a LIKE over more is no search a person typed)
MAX_FILTER = 128  # characters of a free filter value (ids are shorter)
ASC, DESC = "asc", "desc"


@dataclass(frozen=True)
class TableSpec:
    """What one list page accepts: its sortable columns, its filters and their allowed values, and defaults."""

    sorts: tuple[str, ...]
    default_sort: str
    default_dir: str = ASC
    # filter name → the values it may take; None lets any short value through (e.g. an id checked by SQL).
    filters: Mapping[str, Collection[str] | None] = field(default_factory=dict)
    per_page: int = 50
    page_sizes: tuple[int, ...] = PAGE_SIZES  # a page of heavy rows (the API log's bodies) offers fewer
    search: str = "q"  # the search box's parameter (the API log keeps the name its links always had: text)

    def dir_for(self, sort: str) -> str:
        """Return a column's first direction: the default sort's own, else ascending."""
        return self.default_dir if sort == self.default_sort else ASC


@dataclass(frozen=True)
class TableQuery:
    """A validated table request: search text, sort column and direction, filters, page and page size."""

    q: str = ""
    sort: str = ""
    dir: str = ASC
    filters: Mapping[str, str] = field(default_factory=dict)
    page: int = 1
    per_page: int = 50

    @property
    def descending(self) -> bool:
        """Whether the rows go from the largest value down."""
        return self.dir == DESC

    def filter(self, name: str) -> str:
        """Return one filter's value ("" when not set)."""
        return self.filters.get(name, "")


def parse_table(params: Mapping[str, str], spec: TableSpec) -> TableQuery:
    """Read a table's state from query parameters; a bad or unknown value means that parameter's default."""
    sort = params.get("sort", "")
    sort = sort if sort in spec.sorts else spec.default_sort
    direction = params.get("dir", "")
    direction = direction if direction in (ASC, DESC) else spec.dir_for(sort)
    filters: dict[str, str] = {}
    for name, allowed in spec.filters.items():
        value = (params.get(name) or "").strip()
        if value and (value in allowed if allowed is not None else len(value) <= MAX_FILTER):
            filters[name] = value
    try:
        per_page = int(params.get("per_page") or spec.per_page)
    except ValueError:
        per_page = spec.per_page
    return TableQuery(q=(params.get(spec.search) or "").strip()[:MAX_SEARCH], sort=sort, dir=direction,
                      filters=filters, page=min(page_number(params.get("page")), MAX_PAGE),
                      per_page=per_page if per_page in spec.page_sizes else spec.per_page)


@dataclass(frozen=True)
class Table:
    """One shown page of a table: its state, its total, and every link the template draws from them."""

    spec: TableSpec
    query: TableQuery
    total: int
    base_url: str
    export_url_base: str = ""  # "<list path>/export": the formats are appended (".csv", ".xlsx")

    def state(self, **changes: str) -> list[tuple[str, str]]:
        """Return the table's non-default parameters (search, filters, sort, size), with some changed."""
        q = self.query
        values = {self.spec.search: q.q, **{name: q.filter(name) for name in self.spec.filters}, "sort": q.sort,
                  "dir": q.dir, "per_page": str(q.per_page) if q.per_page != self.spec.per_page else ""}
        values.update(changes)
        if values["dir"] == self.spec.dir_for(values["sort"]):  # the column's first direction goes unsaid
            values["dir"] = ""
        if values["sort"] == self.spec.default_sort:
            values["sort"] = ""
        return [(k, v) for k, v in values.items() if v]

    @property
    def pager(self) -> Pager:
        """Return the pager of this page, its links keeping the table's state."""
        return Pager(page=self.query.page, per_page=self.query.per_page, total=self.total, base_url=self.base_url,
                     params=tuple(self.state()))

    @property
    def filtered(self) -> bool:
        """Whether a search or a filter narrows the rows (the page offers to reset them)."""
        return bool(self.query.q or self.query.filters)

    def sort_url(self, column: str) -> str:
        """Return the link that sorts by a column: its first direction, the other way when it is already so."""
        flipped = DESC if self.query.dir == ASC else ASC
        direction = flipped if self.query.sort == column else self.spec.dir_for(column)
        return self._url(self.state(sort=column, dir=direction))

    def sorted_as(self, column: str) -> str:
        """Return "ascending", "descending" or "none", as aria-sort wants for a column's header."""
        if self.query.sort != column:
            return "none"
        return "descending" if self.query.descending else "ascending"

    def link(self, **changes: str) -> str:
        """Return this table's first page with some parameters changed (a filter chosen by a link, say)."""
        return self._url(self.state(**changes))

    def export_url(self, fmt: str) -> str:
        """Return the link that downloads the whole filtered set in a format ("csv" or "xlsx")."""
        sort_state = [(k, v) for k, v in self.state() if k != "per_page"]  # an export has no pages
        return self._url(sort_state, f"{self.export_url_base}.{fmt}")

    def page_size_choices(self) -> tuple[int, ...]:
        """Return the page sizes a person may choose."""
        return self.spec.page_sizes

    def query_string(self) -> str:
        """Return this page's whole state as a query string ("" for the defaults), for a fragment to keep it."""
        page = [("page", str(self.query.page))] if self.query.page > 1 else []
        return urlencode(self.state() + page)

    def _url(self, params: list[tuple[str, str]], path: str | None = None) -> str:
        query = urlencode(params)
        return f"{path or self.base_url}?{query}" if query else (path or self.base_url)


def table_for(query: TableQuery, spec: TableSpec, *, total: int, page: int, base_url: str,
              export_url_base: str = "") -> Table:
    """Return the Table a template draws, on the page the service actually showed (a too-far page is the last)."""
    shown = TableQuery(q=query.q, sort=query.sort, dir=query.dir, filters=query.filters, page=page,
                       per_page=query.per_page)
    return Table(spec=spec, query=shown, total=total, base_url=base_url, export_url_base=export_url_base)
