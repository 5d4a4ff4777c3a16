"""Identity beyond feed + GUID, in SQL: the archived items a batch's new ones
may be (by link id or fingerprint, see identity.py), old GUIDs kept as
aliases, the recorded identity changes, and the copies of an item.

Lookups are batched: one statement per 500 keys, within the archiving
transaction, on the ``link_id``/``fingerprint`` and alias indexes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from tracker.ingest.identity import COPY, GUID_CHANGED, Fresh, Known, close_in_time, fingerprint, link_id, resolve
from tracker.ingest.store.base import SQLStore
from tracker.ingest.store.items import moment
from tracker.ingest.tables import identity_changes, items
from tracker.moments import utc
from tracker.sql import execute_many, placeholder, sqlite_time

_KNOWN = (
    "id, feed_id, identity, identity_key, link, link_id, fingerprint, published_at, original_id, content_hash, revision"
)
_CHUNK = 500


@dataclass(frozen=True)
class IdentityChange:
    """One recorded change of an archived item's identity (see tables.identity_changes)."""

    item_id: int
    feed_id: int
    feed_url: str
    kind: str
    old_identity: str
    new_identity: str
    old_link: str
    new_link: str
    changed_at: datetime


def known_items(cursor: Any, mark: str, link_ids: Iterable[str], prints: Iterable[str]) -> list[Known]:
    """Archived items with one of these link ids or fingerprints (one statement per 500 of each)."""
    found: dict[int, Known] = {}
    links, printed = sorted(set(link_ids) - {""}), sorted(set(prints) - {""})
    for start in range(0, max(len(links), len(printed)), _CHUNK):
        wanted = [
            (column, keys[start : start + _CHUNK]) for column, keys in (("link_id", links), ("fingerprint", printed))
        ]
        wanted = [(column, chunk) for column, chunk in wanted if chunk]
        where = " OR ".join(f"{column} IN ({', '.join(mark for _ in chunk)})" for column, chunk in wanted)
        cursor.execute(
            f"SELECT {_KNOWN} FROM {items.name} WHERE {where}", [key for _, chunk in wanted for key in chunk]
        )
        for row in cursor.fetchall():
            item_id, feed_id, identity, key, link, link_hash, fingerprint_, published, original, digest, revision = row
            if item_id not in found:
                found[item_id] = Known(
                    item_id,
                    feed_id,
                    identity,
                    key,
                    link,
                    link_hash,
                    fingerprint_,
                    moment(published),
                    original,
                    digest,
                    revision,
                )
    return (found and list(found.values())) or []


def aliases(cursor: Any, mark: str, keys: dict[int, list[str]]) -> dict[tuple[int, str], int]:
    """(feed id, identity key) -> the item an old GUID of the feed now is."""
    feed_ids = sorted(keys)
    if not feed_ids:
        return {}
    cursor.execute(
        f"SELECT DISTINCT feed_id FROM {identity_changes.name} WHERE kind = {mark} "
        f"AND feed_id IN ({', '.join(mark for _ in feed_ids)})",
        [GUID_CHANGED, *feed_ids],
    )
    switched = [row[0] for row in cursor.fetchall()]
    found: dict[tuple[int, str], int] = {}
    for feed_id in switched:
        wanted = keys[feed_id]
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            cursor.execute(
                f"SELECT old_key, item_id FROM {identity_changes.name} WHERE feed_id = {mark} "
                f"AND old_key IN ({', '.join(mark for _ in chunk)})",
                [feed_id, *chunk],
            )
            for key, item_id in cursor.fetchall():
                found[(feed_id, key)] = item_id
    return found


_CHANGE_COLUMNS = tuple(c.name for c in identity_changes.columns if c.name != "id")


def record_changes(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    mark = placeholder(conn)
    sqlite_dialect = conn.dialect.name == "sqlite"
    values = [
        [sqlite_time(row[c]) if sqlite_dialect and isinstance(row[c], datetime) else row[c] for c in _CHANGE_COLUMNS]
        for row in rows
    ]
    execute_many(
        conn,
        f"INSERT INTO {identity_changes.name} ({', '.join(_CHANGE_COLUMNS)}) "
        f"VALUES ({', '.join(mark for _ in _CHANGE_COLUMNS)})",
        values,
    )


class IdentityStore(SQLStore):
    def identity_changes(self, *, feed_url: str | None = None, limit: int = 200) -> list[IdentityChange]:
        """The recorded identity changes, newest first (of one feed with ``feed_url``)."""
        query = select(identity_changes).order_by(identity_changes.c.id.desc()).limit(limit)
        if feed_url is not None:
            query = query.where(identity_changes.c.feed_url == feed_url)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            IdentityChange(
                **{name: row._mapping[name] for name in _CHANGE_COLUMNS if name not in ("old_key", "changed_at")},
                changed_at=utc(row._mapping["changed_at"]),
            )
            for row in rows
        ]

    def copies_of(self, item_id: int) -> list[int]:
        """Every other archived item that is the same item as ``item_id``: its
        original, its copies, items under the same link, and items with the
        same fingerprint published within the window."""
        wanted = (items.c.id, items.c.original_id, items.c.link_id, items.c.fingerprint, items.c.published_at)
        with self.engine.connect() as conn:
            row = conn.execute(select(*wanted).where(items.c.id == item_id)).first()
            if row is None:
                return []
            root = row.original_id or row.id
            alike = [items.c.id == root, items.c.original_id == root]
            if row.link_id:
                alike.append(items.c.link_id == row.link_id)
            if row.fingerprint:
                alike.append(items.c.fingerprint == row.fingerprint)
            found = conn.execute(select(*wanted).where(or_(*alike))).all()
        return sorted(
            r.id
            for r in found
            if r.id != item_id
            and (
                (r.original_id or r.id) == root
                or (row.link_id and r.link_id == row.link_id)
                or close_in_time(utc(r.published_at), utc(row.published_at))
            )
        )


def backfill_identities(connection: Connection) -> None:
    """Link ids and fingerprints for the items archived before they were kept
    (the items added later to the same link become its copies)."""
    last = 0
    first_of: dict[str, int] = {}
    while True:
        rows = connection.execute(
            select(items.c.id, items.c.feed_url, items.c.link, items.c.title)
            .where(items.c.id > last)
            .order_by(items.c.id)
            .limit(2000)
        ).all()
        if not rows:
            return
        updates = []
        for item_id, feed_url, link, title in rows:
            key = link_id(link)
            original = first_of.setdefault(key, item_id) if key else item_id
            updates.append(
                (key, fingerprint(title, link, feed_url), original if original != item_id else None, item_id)
            )
        mark = placeholder(connection)
        execute_many(
            connection,
            f"UPDATE {items.name} SET link_id = {mark}, fingerprint = {mark}, original_id = {mark} WHERE id = {mark}",
            updates,
        )
        last = rows[-1][0]


@dataclass
class Identified:
    """What a batch's fresh items are, once compared with the archive."""

    #: rows to insert now: new items, and copies of archived ones (``original_id`` set, not pending)
    inserts: list[dict[str, Any]]
    #: (copy, its original in this batch): inserted once the original has an id
    later: list[tuple[dict[str, Any], dict[str, Any]]]
    #: (archived item, the row whose identity it takes): GUID switches
    switches: list[tuple[Known, dict[str, Any]]]
    #: identity changes to record
    changes: list[dict[str, Any]]


def identify(cursor: Any, mark: str, fresh: Sequence[dict[str, Any]], listed: dict[int, set[str]]) -> Identified:
    """Sorts a batch's fresh rows (see :func:`identity.resolve`); an old GUID seen again is dropped."""
    known_aliases = aliases(cursor, mark, _keys_by_feed(fresh))
    fresh = [row for row in fresh if (row["feed_id"], row["identity_key"]) not in known_aliases]
    known = known_items(cursor, mark, (r["link_id"] for r in fresh), (r["fingerprint"] for r in fresh))
    done = Identified([], [], [], [])
    if not known and not _alike_within(fresh):
        done.inserts.extend(fresh)
        return done
    candidates = [
        Fresh(r["feed_id"], r["identity_key"], r["link_id"], r["fingerprint"], r["published_at"]) for r in fresh
    ]
    for row, outcome in zip(fresh, resolve(candidates, known, listed)):
        if outcome.same is not None:
            done.switches.append((outcome.same, row))
            done.changes.append(change(outcome.same.id, row, GUID_CHANGED, outcome.same.identity, outcome.same.link))
            done.changes[-1]["old_key"] = outcome.same.identity_key
        elif outcome.copy_of is not None:
            root = outcome.copy_of
            done.inserts.append({**row, "original_id": root.root, "pending": False})
            done.changes.append(change(root.root, row, COPY, root.identity, root.link))
        elif outcome.copy_of_fresh is not None:
            done.later.append(({**row, "pending": False}, fresh[outcome.copy_of_fresh]))
        else:
            done.inserts.append(row)
    return done


def change(item_id: int, row: dict[str, Any], kind: str, old_identity: str, old_link: str) -> dict[str, Any]:
    """An identity change to record: ``row`` is the item as its feed lists it now."""
    return {
        "item_id": item_id,
        "feed_id": row["feed_id"],
        "feed_url": row["feed_url"],
        "kind": kind,
        "old_identity": old_identity,
        "new_identity": row["identity"],
        "old_key": "",
        "old_link": old_link,
        "new_link": row["link"],
        "changed_at": row.get("revised_at") or row["first_seen_at"],
    }


def _keys_by_feed(rows: Iterable[dict[str, Any]]) -> dict[int, list[str]]:
    keys: dict[int, list[str]] = {}
    for row in rows:
        keys.setdefault(row["feed_id"], []).append(row["identity_key"])
    return keys


def _alike_within(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether two of a batch's fresh rows share a link id or fingerprint."""
    links = [r["link_id"] for r in rows if r["link_id"]]
    prints = [r["fingerprint"] for r in rows if r["fingerprint"]]
    return len(set(links)) < len(links) or len(set(prints)) < len(prints)
