"""SQL access for ingestion: feeds and their claims, the wire archive, decisions.

Works on SQLite and PostgreSQL through SQLAlchemy Core. Claims: a poller
takes due feeds with one UPDATE ... RETURNING whose subquery, on PostgreSQL,
locks rows FOR UPDATE SKIP LOCKED, so two pollers never take the same feed;
on SQLite the single writer makes the UPDATE atomic. A claim carries a lease
(``claim_expires_at``) and a random token; a poller that dies simply lets
the lease run out, and results are written only while the token still
matches (fencing).
"""

from __future__ import annotations

import hashlib
import json
import operator
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from tracker.domain.rules import words
from tracker.ingest.feeds import Feed, now_utc, utc
from tracker.ingest.parser import FeedItem, canonical_url, search_text
from tracker.ingest.tables import decisions, feeds, items, story_rules
from tracker.sql import driver_cursor, execute_many, placeholder, sqlite_time


class DuplicateFeed(ValueError):
    def __init__(self, url: str) -> None:
        super().__init__(f"feed {url!r} is already subscribed")
        self.url = url


class UnknownFeed(LookupError):
    def __init__(self, feed: object) -> None:
        super().__init__(f"no feed {feed!r}")


def identity_key(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def report_id_for(feed_url: str, identity: str, *, feed_key: str | None = None) -> str:
    """The report an item creates: derived from feed and item, so a replay is a DuplicateReport.

    ``feed_key`` is ``canonical_url(feed_url)`` when the caller already has it.
    """
    key = canonical_url(feed_url) if feed_key is None else feed_key
    digest = hashlib.sha256(f"{key}\n{identity}".encode()).hexdigest()
    return "feed-" + digest[:20]


def suggestion_id_for(slug: str, item_id: int) -> str:
    return "s-" + hashlib.sha256(f"{slug}\n{item_id}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StoredItem:
    id: int
    feed_id: int
    feed_url: str
    feed_name: str
    identity: str
    report_id: str
    title: str
    summary: str
    link: str
    link_key: str
    authors: tuple[str, ...]
    published_at: datetime | None
    content_hash: str
    revision: int
    first_seen_at: datetime
    revised_at: datetime | None

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> StoredItem:
        """From a row of :data:`STORED_ITEM_COLUMNS`, in that order."""
        (
            item_id,
            feed_id,
            feed_url,
            feed_name,
            identity,
            report_id,
            title,
            summary,
            link,
            link_key,
            authors,
            published_at,
            content_hash,
            revision,
            first_seen_at,
            revised_at,
        ) = values
        return cls(
            id=item_id,
            feed_id=feed_id,
            feed_url=feed_url,
            feed_name=feed_name,
            identity=identity,
            report_id=report_id,
            title=title,
            summary=summary,
            link=link,
            link_key=link_key,
            authors=tuple(json.loads(authors)) if authors and authors != "[]" else (),
            published_at=_moment(published_at),
            content_hash=content_hash,
            revision=revision,
            first_seen_at=_moment(first_seen_at),  # type: ignore[arg-type]
            revised_at=_moment(revised_at),
        )


def _moment(value: datetime | str | None) -> datetime | None:
    """A stored time as read by SQLAlchemy or by the driver (SQLite's text: naive UTC)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return utc(value)


#: What a StoredItem is read from (not the archive's search text).
STORED_ITEM_COLUMNS = tuple(
    items.c[name]
    for name in (
        "id",
        "feed_id",
        "feed_url",
        "feed_name",
        "identity",
        "report_id",
        "title",
        "summary",
        "link",
        "link_key",
        "authors",
        "published_at",
        "content_hash",
        "revision",
        "first_seen_at",
        "revised_at",
    )
)
_STORED_ITEM_NAMES = ", ".join(column.name for column in STORED_ITEM_COLUMNS)


@dataclass(frozen=True)
class Decision:
    suggestion_id: str
    story_slug: str
    item_id: int
    outcome: str
    strength: str
    rules_digest: str
    story_version: int
    explanation: str
    report_id: str
    content_hash: str
    decided_at: datetime
    decided_by: str

    @classmethod
    def from_row(cls, row: Any) -> Decision:
        d = row._mapping
        return cls(
            suggestion_id=d["suggestion_id"],
            story_slug=d["story_slug"],
            item_id=d["item_id"],
            outcome=d["outcome"],
            strength=d["strength"],
            rules_digest=d["rules_digest"],
            story_version=d["story_version"],
            explanation=d["explanation"],
            report_id=d["report_id"],
            content_hash=d["content_hash"],
            decided_at=utc(d["decided_at"]),  # type: ignore[arg-type]
            decided_by=d["decided_by"],
        )


@dataclass(frozen=True)
class Claim:
    feed: Feed
    token: str


@dataclass(frozen=True)
class Document:
    """One fetched feed to archive: its items, its validators and, to free
    the feed in the same transaction, its ``release`` values (health, next check)."""

    claim: Claim
    items: tuple[FeedItem, ...]
    feed_name: str
    validators: dict[str, Any]
    release: dict[str, Any] | None = None


_REVISED_COLUMNS = (
    "title",
    "summary",
    "link",
    "link_key",
    "authors",
    "published_at",
    "content_hash",
    "revision",
    "revised_at",
    "search_text",
    "pending",
)


class IngestStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _insert(self, table: Any) -> Any:
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        if self.dialect == "sqlite":
            return sqlite.insert(table)
        return insert(table)  # pragma: no cover

    # -- feeds ------------------------------------------------------------------

    def add_feed(
        self, url: str, *, name: str = "", interval: int | None = None, source: str = "cli", title: str = ""
    ) -> Feed:
        now = now_utc()
        try:
            with self.engine.begin() as conn:
                feed_id = conn.execute(
                    insert(feeds).values(
                        url=url,
                        name=name,
                        title=title,
                        source=source,
                        interval_seconds=interval,
                        added_at=now,
                        etag="",
                        last_modified="",
                        body_hash="",
                        last_error="",
                        last_warning="",
                        consecutive_failures=0,
                        next_check_at=now,
                        items_total=0,
                    )
                ).inserted_primary_key[0]
        except IntegrityError:
            raise DuplicateFeed(url) from None
        return self.feed(feed_id)

    def feed(self, feed_id: int) -> Feed:
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).first()
        if row is None:
            raise UnknownFeed(feed_id)
        return Feed.from_row(row)

    def feed_by_url(self, url: str) -> Feed | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(feeds).where(feeds.c.url == url)).first()
        return Feed.from_row(row) if row else None

    def list_feeds(self) -> list[Feed]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(feeds).order_by(feeds.c.id)).all()
        return [Feed.from_row(r) for r in rows]

    def remove_feed(self, feed_id: int) -> Feed:
        feed = self.feed(feed_id)
        with self.engine.begin() as conn:
            conn.execute(delete(feeds).where(feeds.c.id == feed_id))
        return feed

    def update_feed(self, feed_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))

    # -- claims -----------------------------------------------------------------

    def claim_due(
        self,
        poller: str,
        *,
        limit: int,
        lease_seconds: float,
        feed_ids: Sequence[int] | None = None,
        force: bool = False,
        exclude: Iterable[int] = (),
        now: datetime | None = None,
    ) -> list[Claim]:
        """Takes up to ``limit`` due feeds (or the given ones, due or not, with ``force``)."""
        now = now or now_utc()
        token = secrets.token_hex(16)
        free = or_(feeds.c.claim_expires_at.is_(None), feeds.c.claim_expires_at < now)
        conditions = [free]
        if feed_ids is not None:
            conditions.append(feeds.c.id.in_(list(feed_ids)))
        if not force:
            conditions.append(feeds.c.next_check_at <= now)
        excluded = list(exclude)
        if excluded:
            conditions.append(feeds.c.id.notin_(excluded))
        candidates = select(feeds.c.id).where(and_(*conditions)).order_by(feeds.c.next_check_at).limit(limit)
        if self.dialect == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(feeds)
            .where(feeds.c.id.in_(candidates.scalar_subquery()), free)
            .values(claimed_by=poller[:100], claim_token=token, claim_expires_at=now + timedelta(seconds=lease_seconds))
            .returning(*feeds.c)
        )
        with self.engine.begin() as conn:
            rows = conn.execute(statement).all()
        return [Claim(Feed.from_row(r), token) for r in sorted(rows, key=lambda r: r._mapping["id"])]

    def release(self, claim: Claim, **values: Any) -> bool:
        """Writes the feed's new health and frees it, if the claim is still ours."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(feeds)
                .where(feeds.c.id == claim.feed.id, feeds.c.claim_token == claim.token)
                .values(claimed_by=None, claim_token=None, claim_expires_at=None, **values)
            )
        return done.rowcount == 1

    # -- archive ----------------------------------------------------------------

    def store_items(
        self,
        claim: Claim,
        parsed: Sequence[FeedItem],
        *,
        feed_name: str,
        validators: dict[str, Any],
        now: datetime | None = None,
    ) -> tuple[int, int]:
        """Archives a document's items and its validators in one transaction.

        New items and revised ones (title or summary changed) become pending;
        returns (new, revised). Nothing is written if the claim was lost.
        """
        done = self.store_documents([Document(claim, tuple(parsed), feed_name, validators)], now=now)
        return done[0] or (0, 0)

    def store_documents(
        self, documents: Sequence[Document], *, now: datetime | None = None
    ) -> list[tuple[int, int] | None]:
        """Archives several feeds' documents in one transaction (all or nothing).

        For each document: its validators (and ``release`` values, which free
        the feed) are written only while its claim holds; its new and revised
        items become pending. Returns (new, revised) per document, ``None``
        where the claim was lost (nothing of that feed is written).
        """
        now = now or now_utc()
        results: list[tuple[int, int] | None] = []
        fresh: list[dict[str, Any]] = []
        revisions: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            # Driver-level statements: two per feed, where SQLAlchemy's own
            # statement handling cost more than the database's work.
            mark = placeholder(conn)
            totals: list[tuple[int, int]] = []
            with driver_cursor(conn) as cursor:
                for document in documents:
                    feed = document.claim.feed
                    values = dict(document.validators)
                    if document.release is not None:
                        values.update(claimed_by=None, claim_token=None, claim_expires_at=None, **document.release)
                    if _update_claimed_feed(conn, cursor, feed.id, document.claim.token, values) != 1:
                        results.append(None)
                        continue
                    if not document.items:
                        results.append((0, 0))
                        continue
                    by_key = {identity_key(i.identity): i for i in document.items}
                    existing = _existing(cursor, mark, feed.id, list(by_key))
                    added = 0
                    revised = 0
                    feed_key = canonical_url(feed.url)
                    for key, item in by_key.items():
                        found = existing.get(key)
                        if found is None:
                            fresh.append(self._item_values(feed, document.feed_name, key, item, now, feed_key=feed_key))
                            added += 1
                        elif found[1] != item.content_hash:
                            revised += 1
                            revisions.append(self._revision_values(found[0], found[2], item, now))
                    if added:
                        totals.append((added, feed.id))
                    results.append((added, revised))
            execute_many(conn, f"UPDATE {feeds.name} SET items_total = items_total + {mark} WHERE id = {mark}", totals)
            if fresh:
                _insert_items(conn, fresh)
            if revisions:
                conn.execute(
                    update(items)
                    .where(items.c.id == bindparam("item_id"))
                    .values({name: bindparam("new_" + name) for name in _REVISED_COLUMNS}),
                    revisions,
                )
        return results

    @staticmethod
    def _revision_values(item_id: int, revision: int, item: FeedItem, now: datetime) -> dict[str, Any]:
        values = {**_content_values(item), "revision": revision + 1, "revised_at": now}
        return {"item_id": item_id, **{"new_" + name: value for name, value in values.items()}}

    @staticmethod
    def _item_values(
        feed: Feed, feed_name: str, key: str, item: FeedItem, now: datetime, *, feed_key: str | None = None
    ) -> dict[str, Any]:
        return {
            "feed_id": feed.id,
            "feed_url": feed.url,
            "feed_name": feed_name[:300],
            "identity": item.identity,
            "identity_key": key,
            "report_id": report_id_for(feed.url, item.identity, feed_key=feed_key),
            "guid": item.guid,
            **_content_values(item),
            "revision": 1,
            "first_seen_at": now,
            "revised_at": None,
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
                f"SELECT {_STORED_ITEM_NAMES} FROM {items.name} WHERE {' AND '.join(where)} "
                f"ORDER BY id LIMIT {int(limit)}",
                params,
            )
            return [StoredItem.from_values(row) for row in cursor.fetchall()]

    def mark_processed(self, item_ids: Iterable[int], conn: Connection | None = None) -> None:
        ids = list(item_ids)
        if not ids:
            return
        with self.engine.begin() as own:
            execute_many(
                own, f"UPDATE {items.name} SET pending = FALSE WHERE id = {placeholder(own)}", [(i,) for i in ids]
            )

    def item(self, item_id: int) -> StoredItem | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(*STORED_ITEM_COLUMNS).where(items.c.id == item_id)).first()
        return StoredItem.from_values(row) if row else None

    def iter_archive(self, batch: int = 2000) -> Iterator[list[StoredItem]]:
        last = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(*STORED_ITEM_COLUMNS).where(items.c.id > last).order_by(items.c.id).limit(batch)
                ).all()
            if not rows:
                return
            chunk = [StoredItem.from_values(r) for r in rows]
            yield chunk
            last = chunk[-1].id

    def search(self, text: str, limit: int = 50) -> list[StoredItem]:
        terms = words(text)
        query = select(*STORED_ITEM_COLUMNS).order_by(items.c.first_seen_at.desc(), items.c.id.desc()).limit(limit)
        for term in terms[:10]:
            query = query.where(items.c.search_text.like(f"% {term}%"))
        with self.engine.connect() as conn:
            return [StoredItem.from_values(r) for r in conn.execute(query)]

    def archive_size(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(items)).scalar_one()

    # -- decisions --------------------------------------------------------------

    def decisions_for_items(self, item_ids: Sequence[int]) -> dict[tuple[str, int], Decision]:
        found: dict[tuple[str, int], Decision] = {}
        ids = list(item_ids)
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                for row in conn.execute(select(decisions).where(decisions.c.item_id.in_(ids[start : start + 500]))):
                    d = Decision.from_row(row)
                    found[(d.story_slug, d.item_id)] = d
        return found

    def decisions_for_story(self, slug: str, outcomes: Sequence[str] | None = None) -> list[Decision]:
        query = select(decisions).where(decisions.c.story_slug == slug).order_by(decisions.c.id)
        if outcomes:
            query = query.where(decisions.c.outcome.in_(list(outcomes)))
        with self.engine.connect() as conn:
            return [Decision.from_row(r) for r in conn.execute(query)]

    def decision(self, suggestion_id: str) -> Decision | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions).where(decisions.c.suggestion_id == suggestion_id)).first()
        return Decision.from_row(row) if row else None

    def record_decisions(self, rows: Sequence[dict[str, Any]]) -> None:
        """Inserts decisions; one already taken for (story, item) is kept as it is."""
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(
                self._insert(decisions).on_conflict_do_nothing(index_elements=["story_slug", "item_id"]),
                list(rows),
            )

    def update_decision(self, slug: str, item_id: int, *, only_if: Sequence[str] = (), **values: Any) -> bool:
        statement = update(decisions).where(decisions.c.story_slug == slug, decisions.c.item_id == item_id)
        if only_if:
            statement = statement.where(decisions.c.outcome.in_(list(only_if)))
        with self.engine.begin() as conn:
            return conn.execute(statement.values(**values)).rowcount == 1

    # -- story rules ----------------------------------------------------------------

    def matched_digests(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {r[0]: r[1] for r in conn.execute(select(story_rules.c.story_slug, story_rules.c.rules_digest))}

    def set_matched_digest(self, slug: str, digest: str) -> None:
        now = now_utc()
        statement = self._insert(story_rules).values(story_slug=slug, rules_digest=digest, matched_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=["story_slug"], set_={"rules_digest": digest, "matched_at": now}
        )
        with self.engine.begin() as conn:
            conn.execute(statement)


def _content_values(item: FeedItem) -> dict[str, Any]:
    """The columns an item's text sets, on first sight and on each revision
    (both leave it pending for matching)."""
    return {
        "title": item.title,
        "summary": item.summary,
        "link": item.link,
        "link_key": _link_key(item),
        "authors": json.dumps(list(item.authors)),
        "published_at": item.published_at,
        "content_hash": item.content_hash,
        "search_text": _search_text(item),
        "pending": True,
    }


def _search_text(item: FeedItem) -> str:
    return item.search_text or search_text(item.title, item.summary)


def _link_key(item: FeedItem) -> str:
    if item.link_key or not item.link:
        return item.link_key
    return canonical_url(item.link)


_ITEM_COLUMNS = tuple(c.name for c in items.columns if c.name != "id")
_TIME_POSITIONS = tuple(i for i, name in enumerate(_ITEM_COLUMNS) if isinstance(items.c[name].type, DateTime))


def _update_claimed_feed(conn: Connection, cursor: Any, feed_id: int, token: str, values: dict[str, Any]) -> int:
    """Sets ``values`` on the feed if ``token`` still holds its claim; returns the rows changed (0 or 1)."""
    mark = placeholder(conn)
    sqlite_dialect = conn.dialect.name == "sqlite"
    names = sorted(values)
    unknown = set(names) - set(feeds.c.keys())
    if unknown:
        raise ValueError(f"not columns of {feeds.name}: {', '.join(sorted(unknown))}")
    params = [
        sqlite_time(values[name]) if sqlite_dialect and isinstance(values[name], datetime) else values[name]
        for name in names
    ]
    assignments = ", ".join(f"{name} = {mark}" for name in names)
    cursor.execute(
        f"UPDATE {feeds.name} SET {assignments} WHERE id = {mark} AND claim_token = {mark}", [*params, feed_id, token]
    )
    return int(cursor.rowcount)


def _existing(cursor: Any, mark: str, feed_id: int, keys: list[str]) -> dict[str, tuple[int, str, int]]:
    """The feed's archived items among ``keys``: identity key -> (id, content hash, revision)."""
    existing: dict[str, tuple[int, str, int]] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        cursor.execute(
            f"SELECT identity_key, id, content_hash, revision FROM {items.name} "
            f"WHERE feed_id = {mark} AND identity_key IN ({', '.join(mark for _ in chunk)})",
            [feed_id, *chunk],
        )
        for key, item_id, digest, revision in cursor.fetchall():
            existing[key] = (item_id, digest, revision)
    return existing


def _insert_items(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """One driver-level executemany (SQLAlchemy's per-row parameter processing cost more than
    SQLite's own work); an item already archived for its feed is left as it is."""
    mark = placeholder(conn)
    statement = (
        f"INSERT INTO {items.name} ({', '.join(_ITEM_COLUMNS)}) VALUES ({', '.join(mark for _ in _ITEM_COLUMNS)}) "
        "ON CONFLICT (feed_id, identity_key) DO NOTHING"
    )
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
    execute_many(conn, statement, values)
