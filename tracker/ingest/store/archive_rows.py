"""The archive's row-level statements: what a document writes on its feed,
which of its items are archived already, and inserting new ones (driver
level: SQLAlchemy's per-row parameter handling cost more than the database's work)."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Connection

from tracker.ingest.store.items import Document, identity_key
from tracker.ingest.tables import items
from tracker.sql import insert_many, sqlite_time

_ITEM_COLUMNS = tuple(c.name for c in items.columns if c.name != "id")
_TIME_POSITIONS = tuple(i for i, name in enumerate(_ITEM_COLUMNS) if isinstance(items.c[name].type, DateTime))


def feed_values(document: Document) -> dict[str, Any]:
    """What archiving a document writes on its feed: its validators, and its release when it frees the feed."""
    values = dict(document.validators)
    if document.release is not None:
        values.update(claimed_by=None, claim_token=None, claim_expires_at=None, **document.release)
    return values


def archived_in_documents(cursor: Any, documents: Sequence[Document]) -> dict[int, dict[str, tuple[Any, ...]]]:
    """:func:`archived_in_feed` for every document at once (PostgreSQL): feed id -> identity key -> the same tuple."""
    pairs = [(d.claim.feed.id, identity_key(i.identity)) for d in documents for i in d.items]
    found: dict[int, dict[str, tuple[Any, ...]]] = {}
    for start in range(0, len(pairs), 5_000):
        chunk = pairs[start : start + 5_000]
        cursor.execute(
            f"SELECT i.feed_id, i.identity_key, i.id, i.content_hash, i.revision, i.link, i.link_id, i.original_id "
            f"FROM {items.name} AS i JOIN unnest(%s::integer[], %s::text[]) AS w(feed_id, identity_key) "
            "ON i.feed_id = w.feed_id AND i.identity_key = w.identity_key",
            [[p[0] for p in chunk], [p[1] for p in chunk]],
        )
        for feed_id, key, *rest in cursor.fetchall():
            found.setdefault(feed_id, {})[key] = tuple(rest)
    return found


def archived_in_feed(cursor: Any, mark: str, feed_id: int, keys: list[str]) -> dict[str, tuple[Any, ...]]:
    """The feed's archived items among ``keys``: identity key ->
    (id, content hash, revision, link, link id, original id)."""
    existing: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        cursor.execute(
            f"SELECT identity_key, id, content_hash, revision, link, link_id, original_id FROM {items.name} "
            f"WHERE feed_id = {mark} AND identity_key IN ({', '.join(mark for _ in chunk)})",
            [feed_id, *chunk],
        )
        for key, *found in cursor.fetchall():
            existing[key] = tuple(found)
    return existing


def insert_items(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """One driver-level executemany (SQLAlchemy's per-row parameter processing cost more than
    SQLite's own work); an item already archived for its feed is left as it is."""
    head = f"INSERT INTO {items.name} ({', '.join(_ITEM_COLUMNS)})"
    in_order = operator.itemgetter(*_ITEM_COLUMNS)
    if conn.dialect.name == "sqlite":
        # SQLite's text times; a batch shares its 'now', so each distinct time is formatted once
        spelled: dict[datetime, str | None] = {}
        values = []
        for row in rows:
            value = list(in_order(row))
            for position in _TIME_POSITIONS:
                moment = value[position]
                if moment is not None:
                    text = spelled.get(moment)
                    if text is None:
                        text = spelled[moment] = sqlite_time(moment)
                    value[position] = text
            values.append(value)
    else:
        values = [in_order(row) for row in rows]
    insert_many(conn, head, values, "ON CONFLICT (feed_id, identity_key) DO NOTHING")
