"""The tracker's own SQL tables (read models, feeds, accounts) share one MetaData.

Each module that owns tables defines them on :data:`metadata`; ``create_schema``
imports those modules and creates whatever is missing (idempotent).

The hot write paths (projection, archiving feed items) also talk to the
database driver directly: SQLAlchemy's per-statement and per-row handling
cost more there than the database's own work. The helpers for that are here,
so both write values exactly as SQLAlchemy's column types would.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import MetaData
from sqlalchemy.engine import Connection, Engine

metadata = MetaData()

#: Modules whose import defines tables on ``metadata``. Add yours here.
TABLE_MODULES: list[str] = [
    "tracker.accounts",
    "tracker.ingest.tables",
    "tracker.ingest.subscriptions",
    "tracker.ratelimits",
    "tracker.jobs",
]


def create_schema(engine: Engine) -> None:
    for name in TABLE_MODULES:
        importlib.import_module(name)
    metadata.create_all(engine, checkfirst=True)


@contextmanager
def driver_cursor(conn: Connection) -> Iterator[Any]:
    """A cursor of the DBAPI connection under ``conn``, in its transaction."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    finally:
        cursor.close()


def placeholder(conn: Connection) -> str:
    """The driver's parameter mark: ``?`` for sqlite3, ``%s`` for psycopg."""
    return "?" if conn.dialect.name == "sqlite" else "%s"


def execute_many(conn: Connection, sql: str, values: Sequence[Sequence[Any]]) -> None:
    """A driver-level executemany; ``sql`` uses :func:`placeholder` marks."""
    if values:
        with driver_cursor(conn) as cursor:
            cursor.executemany(sql, values)


#: Rows per multi-row INSERT on PostgreSQL (a statement per row is a server round of its own).
ROWS_PER_INSERT = 250


def insert_many(conn: Connection, head: str, values: Sequence[Sequence[Any]], tail: str = "") -> None:
    """``head VALUES (...) tail`` for every row of ``values``: SQLite's executemany
    (in process, one statement prepared once); on PostgreSQL multi-row VALUES,
    :data:`ROWS_PER_INSERT` rows a statement."""
    if not values:
        return
    mark = placeholder(conn)
    row = "(" + ", ".join(mark for _ in values[0]) + ")"
    if conn.dialect.name == "sqlite":
        execute_many(conn, f"{head} VALUES {row} {tail}", values)
        return
    with driver_cursor(conn) as cursor:
        for start in range(0, len(values), ROWS_PER_INSERT):
            chunk = values[start : start + ROWS_PER_INSERT]
            flat = [value for one in chunk for value in one]
            cursor.execute(f"{head} VALUES {', '.join(row for _ in chunk)} {tail}", flat)


def update_where_id_in(conn: Connection, table: str, assignments: str, ids: Sequence[int]) -> None:
    """``UPDATE table SET assignments WHERE id IN ids``: one statement per
    10,000 ids on PostgreSQL (``= ANY`` of an array), SQLite's executemany."""
    if not ids:
        return
    if conn.dialect.name == "sqlite":
        execute_many(conn, f"UPDATE {table} SET {assignments} WHERE id = ?", [(i,) for i in ids])
        return
    with driver_cursor(conn) as cursor:
        for start in range(0, len(ids), 10_000):
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = ANY(%s)", [list(ids[start : start + 10_000])])


def sqlite_time(value: datetime | None) -> str | None:
    """What SQLAlchemy's SQLite DateTime stores: naive UTC, the first 26
    characters of the ISO form, 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    if value is None:
        return None
    if value.tzinfo is not None and value.tzinfo is not UTC and value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]
