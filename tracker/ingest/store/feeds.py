"""Feeds and their claims.

Claims: a poller takes due feeds with one UPDATE ... RETURNING whose
subquery, on PostgreSQL, locks rows FOR UPDATE SKIP LOCKED, so two pollers
never take the same feed; on SQLite the single writer makes the UPDATE
atomic. A claim carries a lease (``claim_expires_at``) and a random token; a
poller that dies simply lets the lease run out, and results are written only
while the token still matches (fencing).
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tracker.ingest.feeds import Feed
from tracker.ingest.store.base import SQLStore
from tracker.ingest.tables import feeds
from tracker.moments import now_utc
from tracker.sql import placeholder, sqlite_time


class DuplicateFeed(ValueError):
    def __init__(self, url: str) -> None:
        super().__init__(f"feed {url!r} is already subscribed")
        self.url = url


class UnknownFeed(LookupError):
    def __init__(self, feed: object) -> None:
        super().__init__(f"no feed {feed!r}")


@dataclass(frozen=True)
class Claim:
    feed: Feed
    token: str


class FeedStore(SQLStore):
    # -- feeds ------------------------------------------------------------------

    def add_feed(
        self, url: str, *, name: str = "", interval: int | None = None, source: str = "cli", title: str = ""
    ) -> Feed:
        now = now_utc()
        try:
            with self.engine.begin() as conn:
                feed_id: int = conn.execute(
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
                ).inserted_primary_key[0]  # type: ignore[index]  # a row was inserted: the key is there
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


def update_claimed_feed(conn: Connection, cursor: Any, feed_id: int, token: str, values: dict[str, Any]) -> int:
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


def update_claimed_feeds(cursor: Any, updates: Sequence[tuple[int, str, dict[str, Any]]]) -> set[int]:
    """:func:`update_claimed_feed` for many feeds on PostgreSQL: one
    ``UPDATE ... FROM (VALUES ...)`` per set of columns written (a statement
    per feed was a server round each); returns the feeds whose claim held."""
    groups: dict[tuple[str, ...], list[tuple[int, str, dict[str, Any]]]] = {}
    for feed_id, token, values in updates:
        names = tuple(sorted(values))
        unknown = set(names) - set(feeds.c.keys())
        if unknown:
            raise ValueError(f"not columns of {feeds.name}: {', '.join(sorted(unknown))}")
        groups.setdefault(names, []).append((feed_id, token, values))
    held: set[int] = set()
    for names, rows in groups.items():
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            types = ["integer", "text", *(_pg_type(name) for name in names)]
            row = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
            assignments = ", ".join(f"{name} = v.{name}" for name in names) or "id = f.id"
            cursor.execute(
                f"UPDATE {feeds.name} AS f SET {assignments} "
                f"FROM (VALUES {', '.join(row for _ in chunk)}) AS v(id, token{''.join(', ' + n for n in names)}) "
                "WHERE f.id = v.id AND f.claim_token = v.token RETURNING f.id",
                [value for feed_id, token, values in chunk for value in (feed_id, token, *(values[n] for n in names))],
            )
            held.update(r[0] for r in cursor.fetchall())
    return held


@functools.cache
def _pg_type(name: str) -> str:
    """The column's type as PostgreSQL spells it (the VALUES list needs it: a NULL has none)."""
    return str(feeds.c[name].type.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]
