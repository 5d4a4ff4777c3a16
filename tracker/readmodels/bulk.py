"""Bulk inserts straight through the database driver.

Replay writes millions of rows; SQLAlchemy's per-row parameter processing
cost more than the database's own work. Values are converted here exactly as
SQLAlchemy's column types store them, so either path reads back the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, DateTime, Table
from sqlalchemy.orm import Session

from tracker import sql


def _json(value: Any) -> str:
    # Any valid JSON reads back the same through SQLAlchemy's JSON type.
    if value == []:  # most of a new report's lists (corrections, evidence...)
        return "[]"
    return orjson.dumps(value).decode()


def _values(table: Table, names: Sequence[str], dialect: str, rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """Each row's values in ``names`` order, converted for the driver."""
    pick = itemgetter(*names)
    conversions: list[tuple[int, Callable[[Any], Any]]] = [
        (index, convert) for index, convert in enumerate(_converters(table, names, dialect)) if convert is not None
    ]
    values = []
    for row in rows:
        picked = list(pick(row)) if len(names) > 1 else [pick(row)]
        for index, convert in conversions:
            picked[index] = convert(picked[index])
        values.append(picked)
    return values


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Inserts ``rows`` (every column of ``table``): one executemany on
    SQLite, one COPY on PostgreSQL (psycopg's executemany spent more time
    per row than the server)."""
    if not rows:
        return
    dialect = session.connection().dialect.name
    names = [c.name for c in table.columns]
    values = _values(table, names, dialect, rows)
    if dialect == "postgresql":
        with (
            sql.driver_cursor(session.connection()) as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for value in values:
                copy.write_row(value)
        return
    marks = ", ".join(_mark(table, name, dialect) for name in names)
    execute_many(session, f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", values)


def _converters(table: Table, columns: Sequence[str], dialect: str) -> list[Any]:
    converters: list[Any] = []
    for name in columns:
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            converters.append(_json)
        elif isinstance(column_type, DateTime) and dialect == "sqlite":
            converters.append(sql.sqlite_time)
        else:
            converters.append(None)
    return converters


def _mark(table: Table, name: str, dialect: str) -> str:
    if dialect == "sqlite":
        return "?"
    return "%s::json" if isinstance(table.c[name].type, JSON) else "%s"


def update_rows(session: Session, table: Table, keys: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """One executemany of UPDATE ... WHERE keys: every other column of each row is set."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    columns = [c.name for c in table.columns if c.name not in keys]
    values = _values(table, [*columns, *keys], dialect, rows)
    assignments = ", ".join(f"{name} = {_mark(table, name, dialect)}" for name in columns)
    condition = " AND ".join(f"{name} = {_mark(table, name, dialect)}" for name in keys)
    execute_many(session, f"UPDATE {table.name} SET {assignments} WHERE {condition}", values)


def execute_many(session: Session, statement: str, values: Sequence[Sequence[Any]]) -> None:
    """A driver-level executemany in the session's transaction; ``statement``
    uses ``?`` on SQLite and ``%s`` on PostgreSQL."""
    sql.execute_many(session.connection(), statement, values)


def placeholder(session: Session) -> str:
    return sql.placeholder(session.connection())
