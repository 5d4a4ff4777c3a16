"""Subscriptions as the feeds page changes them: removals kept with who and
when (so a removed feed can be restored with its name, interval and
validators) and the check a subscription makes, recorded as the feed's
first check.

A removal is a record, not a deletion only: the feed's row is copied into
``ingest_removed_feeds`` in the same transaction that deletes it, so
nothing is lost if a restore comes later, and a restore puts the row back
(under its old id when that is free, so its archived items stay its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from tracker.ingest.feeds import Feed
from tracker.ingest.store import DuplicateFeed, UnknownFeed
from tracker.ingest.tables import feeds
from tracker.moments import now_utc, utc
from tracker.sql import metadata

#: How long a removed feed is offered for restoring on the feeds page, and how many at most.
RECENT = timedelta(days=30)
RECENT_SHOWN = 10

removed_feeds = Table(
    "ingest_removed_feeds",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed_id", Integer, nullable=False),
    Column("url", String(2000), nullable=False),
    Column("display_name", String(2000), nullable=False, default=""),
    Column("feed", JSON, nullable=False),  # the feed's row as it was (times as ISO text), claims left out
    Column("removed_at", DateTime(timezone=True), nullable=False),
    Column("removed_by", String(200), nullable=False, default=""),
    Column("restored_at", DateTime(timezone=True), nullable=True),
    Column("restored_by", String(200), nullable=False, default=""),
    Column("restored_as", Integer, nullable=True),
)
Index("ix_ingest_removed_feeds_removed_at", removed_feeds.c.removed_at)

_KEPT = [c.name for c in feeds.columns if c.name not in ("claimed_by", "claim_token", "claim_expires_at")]
_TIMES = {c.name for c in feeds.columns if isinstance(c.type, DateTime)}


class UnknownRemoval(LookupError):
    def __init__(self, removal_id: int) -> None:
        super().__init__(f"there is no removed feed {removal_id} to restore (perhaps it was restored already)")


@dataclass(frozen=True)
class RemovedFeed:
    id: int
    feed_id: int
    url: str
    display_name: str
    removed_at: datetime
    removed_by: str
    restored_at: datetime | None
    restored_by: str

    @classmethod
    def from_row(cls, row: Any) -> RemovedFeed:
        data = row._mapping
        return cls(
            id=data["id"],
            feed_id=data["feed_id"],
            url=data["url"],
            display_name=data["display_name"],
            removed_at=utc(data["removed_at"]),
            removed_by=data["removed_by"],
            restored_at=utc(data["restored_at"]),
            restored_by=data["restored_by"],
        )


def _snapshot(row: Any) -> dict[str, Any]:
    data = row._mapping
    return {
        name: (utc(data[name]).isoformat() if name in _TIMES and data[name] is not None else data[name])
        for name in _KEPT
    }


def _values(snapshot: dict[str, Any]) -> dict[str, Any]:
    known = {name: snapshot[name] for name in _KEPT if name in snapshot}
    for name in _TIMES & set(known):
        if known[name] is not None:
            known[name] = datetime.fromisoformat(known[name])
    return known


class Subscriptions:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def mark_checked(self, feed_id: int, when: datetime | None = None) -> None:
        """Records the fetch that subscribing made as the feed's first (successful) check."""
        moment = when or now_utc()
        with self.engine.begin() as conn:
            conn.execute(
                update(feeds)
                .where(feeds.c.id == feed_id, feeds.c.last_checked_at.is_(None))
                .values(last_checked_at=moment, last_success_at=moment)
            )

    def remove(self, feed_id: int, by: str) -> RemovedFeed:
        """Unsubscribes, keeping the feed's row, who removed it and when; UnknownFeed if there is none."""
        now = now_utc()
        with self.engine.begin() as conn:
            row = conn.execute(select(feeds).where(feeds.c.id == feed_id)).first()
            if row is None:
                raise UnknownFeed(feed_id)
            feed = Feed.from_row(row)
            removal_id = conn.execute(
                insert(removed_feeds).values(
                    feed_id=feed.id,
                    url=feed.url,
                    display_name=feed.display_name[:2000],
                    feed=_snapshot(row),
                    removed_at=now,
                    removed_by=by[:200],
                    restored_by="",
                )
            ).inserted_primary_key[0]  # type: ignore[index]  # a row was inserted: the key is there
            conn.execute(delete(feeds).where(feeds.c.id == feed_id))
        return RemovedFeed(removal_id, feed.id, feed.url, feed.display_name, now, by[:200], None, "")

    def recent(self, *, now: datetime | None = None) -> list[RemovedFeed]:
        """Removals of the last 30 days not restored yet, newest first (at most 10)."""
        since = (now or now_utc()) - RECENT
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(removed_feeds)
                .where(removed_feeds.c.removed_at >= since, removed_feeds.c.restored_at.is_(None))
                .order_by(removed_feeds.c.removed_at.desc(), removed_feeds.c.id.desc())
                .limit(RECENT_SHOWN)
            ).all()
        return [RemovedFeed.from_row(r) for r in rows]

    def restore(self, removal_id: int, by: str) -> Feed:
        """Subscribes again as the feed was (checked at once); UnknownRemoval, or DuplicateFeed if its URL is back."""
        now = now_utc()
        try:
            with self.engine.begin() as conn:
                return self._restore(conn, removal_id, by, now)
        except IntegrityError:  # subscribed again meanwhile
            raise DuplicateFeed(self._url_of(removal_id)) from None

    def _restore(self, conn: Connection, removal_id: int, by: str, now: datetime) -> Feed:
        taken = conn.execute(
            update(removed_feeds)
            .where(removed_feeds.c.id == removal_id, removed_feeds.c.restored_at.is_(None))
            .values(restored_at=now, restored_by=by[:200])
        )
        if taken.rowcount != 1:  # unknown, or another editor restored it first
            raise UnknownRemoval(removal_id)
        row = conn.execute(select(removed_feeds).where(removed_feeds.c.id == removal_id)).one()
        url = row._mapping["url"]
        if conn.execute(select(feeds.c.id).where(feeds.c.url == url)).first() is not None:
            raise DuplicateFeed(url)
        values = _values(dict(row._mapping["feed"]))
        if conn.execute(select(feeds.c.id).where(feeds.c.id == values.get("id"))).first() is not None:
            values.pop("id", None)  # another feed has its old id now
        values.update(next_check_at=now, url=url)
        feed_id = conn.execute(insert(feeds).values(**values)).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(update(removed_feeds).where(removed_feeds.c.id == removal_id).values(restored_as=feed_id))
        return Feed.from_row(conn.execute(select(feeds).where(feeds.c.id == feed_id)).one())

    def _url_of(self, removal_id: int) -> str:
        with self.engine.connect() as conn:
            return str(conn.execute(select(removed_feeds.c.url).where(removed_feeds.c.id == removal_id)).scalar())
