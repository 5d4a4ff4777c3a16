"""What an archived item's revisions write: its new text (pending for
matching again, unless it is a copy), or only a new GUID or link (drift: a
revision of the archived item, not of its report's text); and copies of
items new in the same batch, inserted once their originals have ids."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from tracker.ingest.identity import COPY, Known, fingerprint, keys, link_id, outlet_of
from tracker.ingest.parser import FeedItem
from tracker.ingest.store.identities import Identified, change
from tracker.ingest.tables import items
from tracker.ingest.text import canonical_url, search_text
from tracker.sql import driver_cursor, placeholder

REVISED_COLUMNS = (
    "title",
    "summary",
    "link",
    "link_key",
    "link_id",
    "fingerprint",
    "authors",
    "published_at",
    "content_hash",
    "revision",
    "revised_at",
    "search_text",
    "pending",
    "content",
)


def revision_values(found: tuple[Any, ...], item: FeedItem, feed_url: str, now: datetime) -> dict[str, Any]:
    """A revised item's new text (a copy stays out of matching: its original is matched)."""
    item_id, _digest, revision, _link, _link_id, original_id = found
    values = {**content_values(item, outlet_of("", feed_url)), "revision": revision + 1, "revised_at": now}
    values["pending"] = original_id is None
    return {"item_id": item_id, **{"new_" + name: value for name, value in values.items()}}


def content_values(item: FeedItem, feed_outlet: str) -> dict[str, Any]:
    """The columns an item's text sets, on first sight and on each revision
    (both leave it pending for matching)."""
    return {
        "title": item.title,
        "summary": item.summary,
        "link": item.link,
        "link_key": link_key_of(item),
        **dict(zip(("link_id", "fingerprint"), keys(item.title, item.link, item.link_key, feed_outlet), strict=True)),
        "authors": json.dumps(list(item.authors)) if item.authors else "[]",
        "published_at": item.published_at,
        "content_hash": item.content_hash,
        "search_text": search_text_of(item),
        "pending": True,
        "content": item.content,
    }


def search_text_of(item: FeedItem) -> str:
    return item.search_text or search_text(item.title, item.summary)


RELINK = (
    f"UPDATE {items.name} SET identity = {{0}}, identity_key = {{0}}, guid = {{0}}, link = {{0}}, link_key = {{0}}, "
    f"link_id = {{0}}, fingerprint = {{0}}, revision = {{0}}, revised_at = {{0}} WHERE id = {{0}}"
)


def relink(
    item_id: int, revision: int, identity: str, key: str, item: FeedItem | dict[str, Any], feed_url: str, now: datetime
) -> tuple[Any, ...]:
    """An archived item under a new GUID or link (a revision of the item, not of its text)."""
    if isinstance(item, dict):
        guid, link, key_of_link, link_hash, printed = (
            item["guid"],
            item["link"],
            item["link_key"],
            item["link_id"],
            item["fingerprint"],
        )
    else:
        guid, link, key_of_link = item.guid, item.link, link_key_of(item)
        link_hash, printed = link_id(item.link, item.link_key), fingerprint(item.title, item.link, feed_url)
    return (identity, key, guid, link, key_of_link, link_hash, printed, revision + 1, now, item_id)


def switched_revision(known: Known, row: dict[str, Any], columns: Sequence[str], now: datetime) -> dict[str, Any]:
    """The new text of an item that switched GUIDs and changed its text too."""
    values = {name: row[name] for name in columns if name in row}
    values.update(revision=known.revision + 1, revised_at=now, pending=known.original_id is None)
    return {"item_id": known.id, **{"new_" + name: value for name, value in values.items()}}


def with_originals(conn: Connection, identified: Identified) -> list[dict[str, Any]]:
    """The batch's copies of the batch's own new items, with their originals' ids (now inserted)."""
    mark = placeholder(conn)
    wanted = {(original["feed_id"], original["identity_key"]) for _, original in identified.later}
    ids: dict[tuple[int, str], int] = {}
    with driver_cursor(conn) as cursor:
        for feed_id, key in wanted:
            cursor.execute(
                f"SELECT id, original_id FROM {items.name} WHERE feed_id = {mark} AND identity_key = {mark}",
                [feed_id, key],
            )
            row = cursor.fetchone()
            if row is not None:
                ids[(feed_id, key)] = row[1] or row[0]
    rows = []
    for copy, original in identified.later:
        root = ids.get((original["feed_id"], original["identity_key"]))
        rows.append({**copy, "original_id": root, "pending": root is None})
        if root is not None:
            identified.changes.append(change(root, copy, COPY, original["identity"], original["link"]))
    return rows


def link_key_of(item: FeedItem) -> str:
    if item.link_key or not item.link:
        return item.link_key
    return canonical_url(item.link)
