"""An archived feed item as the cycle reads it back, and the ids derived from it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracker.ingest.parser import FeedItem
from tracker.ingest.store.feeds import Claim
from tracker.ingest.tables import items
from tracker.ingest.text import canonical_url
from tracker.moments import utc


def identity_key(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def report_id_for(feed_url: str, identity: str, *, feed_key: str | None = None) -> str:
    """The report an item creates: derived from feed and item, so a replay is a DuplicateReport.

    ``feed_key`` is ``canonical_url(feed_url)`` when the caller already has it.
    """
    key = canonical_url(feed_url) if feed_key is None else feed_key
    digest = hashlib.sha256(f"{key}\n{identity}".encode()).hexdigest()
    return "feed-" + digest[:20]


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
    #: the full text when the feed gave more than the summary (not in content_hash)
    content: str = ""

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
            content,
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
            published_at=moment(published_at),
            content_hash=content_hash,
            revision=revision,
            first_seen_at=moment(first_seen_at),  # type: ignore[arg-type]
            revised_at=moment(revised_at),
            content=content or "",
        )


def moment(value: datetime | str | None) -> datetime | None:
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
        "content",
    )
)
STORED_ITEM_NAMES = ", ".join(column.name for column in STORED_ITEM_COLUMNS)


class Stored(tuple[int, int]):
    """(new, revised) items of a document, and how many new ones are ``copies`` of items already archived."""

    copies: int

    def __new__(cls, new: int, revised: int, copies: int = 0) -> Stored:
        stored = super().__new__(cls, (new, revised))
        stored.copies = copies
        return stored


@dataclass(frozen=True)
class Document:
    """One fetched feed to archive: its items, its validators and, to free
    the feed in the same transaction, its ``release`` values (health, next check)."""

    claim: Claim
    items: tuple[FeedItem, ...]
    feed_name: str
    validators: dict[str, Any]
    release: dict[str, Any] | None = None
