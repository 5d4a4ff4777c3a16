"""The wire archive: every item of every feed, written a batch of feeds at a
time, read back pending for matching, searched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from tracker.domain.rules import words
from tracker.ingest.feeds import Feed
from tracker.ingest.identity import LINK_CHANGED, link_id, outlet_of
from tracker.ingest.parser import FeedItem
from tracker.ingest.store.archive_rows import archived_in_documents, archived_in_feed, feed_values, insert_items
from tracker.ingest.store.base import SQLStore
from tracker.ingest.store.drift import (
    RELINK,
    REVISED_COLUMNS,
    content_values,
    relink,
    revision_values,
    switched_revision,
    with_originals,
)
from tracker.ingest.store.feeds import update_claimed_feed, update_claimed_feeds
from tracker.ingest.store.identities import Identified, change, identify, record_changes
from tracker.ingest.store.items import (
    STORED_ITEM_COLUMNS,
    STORED_ITEM_NAMES,
    Document,
    Stored,
    StoredItem,
    identity_key,
    report_id_for,
)
from tracker.ingest.tables import feeds, items
from tracker.ingest.text import canonical_url
from tracker.moments import now_utc
from tracker.sql import driver_cursor, execute_many, placeholder, sqlite_time, update_where_id_in


class ArchiveStore(SQLStore):
    def store_documents(self, documents: Sequence[Document], *, now: datetime | None = None) -> list[Stored | None]:
        """Archives several feeds' documents in one transaction (all or nothing).

        For each document: its validators (and ``release`` values, which free
        the feed) are written only while its claim holds; its new and revised
        items become pending, except copies of items archived through other
        feeds and items that only changed GUID or link (see identity.py).
        Returns (new, revised) per document, ``None`` where the claim was
        lost (nothing of that feed is written).
        """
        now = now or now_utc()
        outcomes: list[int | None] = []  # per document: its feed, None where the claim was lost
        fresh: list[dict[str, Any]] = []
        revisions: list[dict[str, Any]] = []
        relinked: list[tuple[Any, ...]] = []  # identity and link updates of archived items
        changes: list[dict[str, Any]] = []
        revised: Counter[int] = Counter()
        listed: dict[int, set[str]] = {}
        with self.engine.begin() as conn:
            # Driver-level statements (SQLAlchemy's own statement handling cost
            # more than the database's work): on SQLite two per feed, in process.
            mark = placeholder(conn)
            postgres = conn.dialect.name == "postgresql"
            with driver_cursor(conn) as cursor:
                updates = [(d.claim.feed.id, d.claim.token, feed_values(d)) for d in documents]
                # PostgreSQL: every feed's claim and archived items in a few statements (each is a round trip)
                held = update_claimed_feeds(cursor, updates) if postgres else None
                archived = (
                    archived_in_documents(cursor, [d for d in documents if d.claim.feed.id in held and d.items])
                    if held is not None
                    else None
                )
                for document, (feed_id, token, values) in zip(documents, updates, strict=True):
                    feed = document.claim.feed
                    if not (
                        feed_id in held
                        if held is not None
                        else update_claimed_feed(conn, cursor, feed_id, token, values) == 1
                    ):
                        outcomes.append(None)
                        continue
                    outcomes.append(feed.id)
                    if not document.items:
                        continue
                    by_key = {identity_key(i.identity): i for i in document.items}
                    listed[feed.id] = set(by_key)
                    if archived is not None:
                        existing = archived.get(feed.id, {})
                    else:
                        existing = archived_in_feed(cursor, mark, feed.id, list(by_key))
                    feed_key = canonical_url(feed.url)
                    outlet = outlet_of("", feed.url)
                    for key, item in by_key.items():
                        found = existing.get(key)
                        if found is None:
                            fresh.append(
                                self._item_values(
                                    feed, document.feed_name, key, item, now, feed_key=feed_key, feed_outlet=outlet
                                )
                            )
                            continue
                        item_id, digest, revision, link, old_link_id, _original = found
                        new_link_id = link_id(item.link, item.link_key)
                        if new_link_id != old_link_id and new_link_id:
                            listing = {"feed_id": feed.id, "feed_url": feed.url, "identity": item.identity}
                            changes.append(
                                change(
                                    item_id,
                                    {**listing, "link": item.link, "first_seen_at": now},
                                    LINK_CHANGED,
                                    item.identity,
                                    link,
                                )
                            )
                        if digest != item.content_hash:
                            revised[feed.id] += 1
                            revisions.append(revision_values(found, item, feed.url, now))
                        elif new_link_id != old_link_id and new_link_id:
                            relinked.append(relink(item_id, revision, item.identity, key, item, feed.url, now))
                identified = identify(cursor, mark, fresh, listed) if fresh else Identified([], [], [], [])
            for known, row in identified.switches:
                relinked.append(
                    relink(known.id, known.revision, row["identity"], row["identity_key"], row, row["feed_url"], now)
                )
                if known.content_hash != row["content_hash"]:
                    revised[row["feed_id"]] += 1
                    revisions.append(switched_revision(known, row, REVISED_COLUMNS, now))
            added = Counter(row["feed_id"] for row in identified.inserts)
            added.update(row["feed_id"] for row, _ in identified.later)
            execute_many(
                conn,
                f"UPDATE {feeds.name} SET items_total = items_total + {mark} WHERE id = {mark}",
                sorted((count, feed_id) for feed_id, count in added.items()),
            )
            if relinked:
                when = sqlite_time(now) if conn.dialect.name == "sqlite" else now
                execute_many(conn, RELINK.format(mark), [(*row[:-2], when, row[-1]) for row in relinked])
            if identified.inserts:
                insert_items(conn, identified.inserts)
            if identified.later:
                insert_items(conn, with_originals(conn, identified))
            if revisions:
                conn.execute(
                    update(items)
                    .where(items.c.id == bindparam("item_id"))
                    .values({name: bindparam("new_" + name) for name in REVISED_COLUMNS}),
                    revisions,
                )
            record_changes(conn, [*changes, *identified.changes])
        copies = Counter(row["feed_id"] for row in identified.inserts if row["original_id"] is not None)
        copies.update(row["feed_id"] for row, _ in identified.later)
        return [
            None if feed_id is None else Stored(added[feed_id], revised[feed_id], copies[feed_id])
            for feed_id in outcomes
        ]

    @staticmethod
    def _item_values(
        feed: Feed,
        feed_name: str,
        key: str,
        item: FeedItem,
        now: datetime,
        *,
        feed_key: str | None = None,
        feed_outlet: str = "",
    ) -> dict[str, Any]:
        return {
            "feed_id": feed.id,
            "feed_url": feed.url,
            "feed_name": feed_name[:300],
            "identity": item.identity,
            "identity_key": key,
            "report_id": report_id_for(feed.url, item.identity, feed_key=feed_key),
            "guid": item.guid,
            **content_values(item, feed_outlet or outlet_of("", feed.url)),
            "revision": 1,
            "first_seen_at": now,
            "revised_at": None,
            "original_id": None,
        }

    def pending_items(
        self,
        feed_id: int | None = None,
        limit: int = 5000,
        *,
        feed_ids: Sequence[int] | None = None,
        stale_before: datetime | None = None,
    ) -> list[StoredItem]:
        """Items archived or revised but not yet matched (of some feeds, or older than ``stale_before``)."""
        ids = None if feed_ids is None else list(feed_ids)
        if ids == []:
            return []
        # A driver-level statement: a big cycle reads back tens of thousands of
        # items, where SQLAlchemy's row processing cost more than the query.
        with self.engine.connect() as conn, driver_cursor(conn) as cursor:
            mark = placeholder(conn)
            sqlite_dialect = conn.dialect.name == "sqlite"
            where = ["pending = TRUE"]
            params: list[Any] = []
            if feed_id is not None:
                where.append(f"feed_id = {mark}")
                params.append(feed_id)
            if ids is not None:
                where.append(f"feed_id IN ({', '.join(mark for _ in ids)})")
                params.extend(ids)
            if stale_before is not None:
                where.append(f"COALESCE(revised_at, first_seen_at) < {mark}")
                params.append(sqlite_time(stale_before) if sqlite_dialect else stale_before)
            cursor.execute(
                f"SELECT {STORED_ITEM_NAMES} FROM {items.name} WHERE {' AND '.join(where)} "
                f"ORDER BY id LIMIT {int(limit)}",
                params,
            )
            return [StoredItem.from_values(row) for row in cursor.fetchall()]

    def mark_processed(self, item_ids: Iterable[int]) -> None:
        ids = list(item_ids)
        if not ids:
            return
        with self.engine.begin() as own:
            update_where_id_in(own, items.name, "pending = FALSE", ids)

    def item(self, item_id: int) -> StoredItem | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(*STORED_ITEM_COLUMNS).where(items.c.id == item_id)).first()
        return StoredItem.from_values(row) if row else None

    def iter_archive(self, batch: int = 2000) -> Iterator[list[StoredItem]]:
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(*STORED_ITEM_COLUMNS)
                    .where(items.c.id > last, items.c.original_id.is_(None))  # a copy is matched as its original
                    .order_by(items.c.id)
                    .limit(batch)
                ).all()
            if not rows:
                return
            chunk = [StoredItem.from_values(r) for r in rows]
            yield chunk
            last = chunk[-1].id

    def search(self, text: str, limit: int = 50) -> list[StoredItem]:
        """Items holding every word of ``text``, newest first: in id order (items are numbered as they
        arrive), so the scan walks the key backwards and stops at ``limit`` matches instead of sorting all."""
        terms = words(text)
        query = select(*STORED_ITEM_COLUMNS).order_by(items.c.id.desc()).limit(limit)
        for term in terms[:10]:
            query = query.where(items.c.search_text.like(f"% {term}%"))
        with self.engine.connect() as conn:
            return [StoredItem.from_values(r) for r in conn.execute(query)]
