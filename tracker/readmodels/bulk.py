"""Bulk inserts straight through the database driver.

Replay writes millions of rows; SQLAlchemy's per-row parameter processing
cost more than the database's own work. Values are converted here exactly as
SQLAlchemy's column types store them, so either path reads back the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, Table
from sqlalchemy.orm import Session


def _sqlite_time(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME storage format (naive UTC).
    if value is None:
        return None
    if value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_encode = json.JSONEncoder().encode


def _json(value: Any) -> str:
    return _encode(value) if value else "[]" if isinstance(value, list) else _encode(value)


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    names = [c.name for c in table.columns]
    converters = []
    for column in table.columns:
        if isinstance(column.type, JSON):
            converters.append(_json)
        elif isinstance(column.type, DateTime) and dialect == "sqlite":
            converters.append(_sqlite_time)
        else:
            converters.append(None)
    plan = list(zip(names, converters, strict=True))
    values = [[row[name] if convert is None else convert(row[name]) for name, convert in plan] for row in rows]
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in names)
    else:
        marks = ", ".join(
            "%s::json" if isinstance(c.type, JSON) else "%s" for c in table.columns
        )
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()
