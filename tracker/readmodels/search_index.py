"""The search index of the reports' text: FTS5 on SQLite, a tsvector with a
GIN index on PostgreSQL (the projection's row writers fill it row by row;
a rebuild on SQLite fills it in one statement at the end)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from tracker.readmodels.tables import ViewTables


def create_search(conn: Connection, tables: ViewTables) -> None:
    name = tables.search_name
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5("
                "headline, summary, outlet, parties, "
                "tokenize = 'unicode61 remove_diacritics 2')"
            )
        )
    else:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {name} (id BIGINT PRIMARY KEY, document TSVECTOR NOT NULL)"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {name}_gin ON {name} USING GIN (document)"))


def fill_search(conn: Connection, tables: ViewTables) -> None:
    """Rebuilds the SQLite search index from the reports table in one
    statement, with the same text the projection indexes row by row
    (the parties joined by spaces)."""
    conn.execute(text(f"DELETE FROM {tables.search_name}"))
    index_search(conn, tables)


def index_search(conn: Connection, tables: ViewTables, schema: str = "main", *, by_story: bool = False) -> None:
    """Adds the reports of ``schema`` (an attached database holding the same
    tables, in the ``by_story`` layout if so) to the SQLite search index, in
    id order (FTS5 starts a new segment whenever a rowid goes backwards)."""
    name, reports = tables.search_name, tables.reports.name
    # A part's reports lie in story order: one sequential read and a sort
    # beat a random read per row through its id index.
    order = "+r.id" if by_story else "r.id"
    conn.execute(
        text(
            f"INSERT INTO main.{name} (rowid, headline, summary, outlet, parties) "
            f"SELECT r.id, r.headline, r.summary, r.outlet, "
            f"(SELECT coalesce(group_concat(p.value, ' '), '') FROM json_each(r.parties) AS p) "
            f"FROM {schema}.{reports} AS r ORDER BY {order}"
        )
    )


def drop_search(conn: Connection, tables: ViewTables) -> None:
    conn.execute(text(f"DROP TABLE IF EXISTS {tables.search_name}"))
