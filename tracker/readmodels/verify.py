"""`tracker replay --verify`: rebuild into fresh tables and compare row by row."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest
from typing import Any

from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection

from tracker.readmodels import tables as tbl
from tracker.readmodels.projector import Progress, Projector
from tracker.readmodels.rebuild import rebuild

SHADOW_PREFIX = "rmv_"
MAX_REPORTED = 20


def verify(live: Projector, *, progress: Progress | None = None) -> list[str]:
    """Differences between the live views and a clean rebuild (empty: identical).
    The live views are first brought up to the log's current end."""
    live.catch_up()
    shadow_tables = tbl.define(MetaData(), SHADOW_PREFIX, f"{live.tables.tracking_name}-verify")
    shadow = Projector(live.newsroom, shadow_tables, tuning=live.tuning)
    shadow.views.log_poison = False  # the live views' poisoned events, found again
    shadow.reset()
    try:
        rebuild(shadow, progress=progress, until=live.position())
        differences: list[str] = []
        with live.engine.connect() as conn:
            for mine, theirs in zip(live.tables.all, shadow_tables.all, strict=True):
                differences += _compare(conn, mine, theirs)
            differences += _compare_search(conn, live.tables, shadow_tables)
        return differences
    finally:
        shadow.drop()


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = [column for column in table.primary_key.columns]
    result = conn.execution_options(stream_results=True).execute(table.select().order_by(*order))
    for row in result.mappings():
        yield dict(row)


def _compare(conn: Connection, mine: Table, theirs: Table) -> list[str]:
    found: list[str] = []
    name = mine.name
    for live_row, clean_row in zip_longest(_rows(conn, mine), _rows(conn, theirs)):
        if live_row != clean_row:
            found.append(f"{name}: live {live_row!r} != rebuilt {clean_row!r}")
            if len(found) >= MAX_REPORTED:
                found.append(f"{name}: (more differences not shown)")
                break
    return found


def _compare_search(conn: Connection, mine: tbl.ViewTables, theirs: tbl.ViewTables) -> list[str]:
    if conn.dialect.name == "sqlite":
        columns = "rowid, headline, summary, outlet, parties"
        key = "rowid"
    else:
        columns = "id, document::text"
        key = "id"
    live = conn.execute(text(f"SELECT {columns} FROM {mine.search_name} ORDER BY {key}")).all()
    clean = conn.execute(text(f"SELECT {columns} FROM {theirs.search_name} ORDER BY {key}")).all()
    found = []
    for live_row, clean_row in zip_longest(live, clean):
        if live_row != clean_row:
            found.append(f"{mine.search_name}: live {live_row!r} != rebuilt {clean_row!r}")
            if len(found) >= MAX_REPORTED:
                break
    return found
