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


def sqlite_time(value: datetime | None) -> str | None:
    """What SQLAlchemy's SQLite DateTime stores: naive UTC, the first 26
    characters of the ISO form, 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    if value is None:
        return None
    if value.tzinfo is not None and value.tzinfo is not UTC and value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]
