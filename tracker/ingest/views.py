"""What the ingestion service returns: frozen views, no store rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tracker.ingest.feeds import MAX_INTERVAL_SECONDS, Feed
from tracker.ingest.store import StoredItem


@dataclass(frozen=True)
class FeedView:
    id: int
    url: str
    name: str
    title: str
    source: str
    interval_seconds: int
    health: str  # "new" (never checked), "ok", "failing"
    added_at: datetime
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_error: str
    last_error_at: datetime | None
    last_warning: str
    consecutive_failures: int
    next_check_at: datetime
    items_total: int

    @property
    def display_name(self) -> str:
        return self.name or self.title or self.url


@dataclass(frozen=True)
class SuggestionView:
    suggestion_id: str
    story_slug: str
    item_id: int
    headline: str
    summary: str
    link: str
    feed_url: str
    feed_name: str
    published_at: datetime | None
    first_seen_at: datetime
    strength: str
    explanation: str  # which terms hit, where, under which rules
    rules_digest: str
    outcome: str  # suggested | accepted | rejected | withdrawn
    decided_at: datetime
    decided_by: str


@dataclass(frozen=True)
class ArchiveItemView:
    item_id: int
    feed_id: int
    feed_url: str
    feed_name: str
    identity: str
    headline: str
    summary: str
    link: str
    authors: tuple[str, ...]
    published_at: datetime | None
    first_seen_at: datetime
    revision: int


@dataclass(frozen=True)
class RulesView:
    slug: str
    rules: Mapping[str, Any]
    digest: str
    tracks_anything: bool


@dataclass(frozen=True)
class RulesChange:
    slug: str
    version: int
    digest: str
    reports_appended: int
    suggested: int


@dataclass(frozen=True)
class OpmlImport:
    added: tuple[FeedView, ...]
    skipped: tuple[str, ...]  # already subscribed
    invalid: tuple[str, ...]  # "url: reason"


def feed_view(feed: Feed, default_interval: int, min_interval: int) -> FeedView:
    if feed.last_checked_at is None:
        health = "new"
    elif feed.consecutive_failures:
        health = "failing"
    else:
        health = "ok"
    return FeedView(
        id=feed.id,
        url=feed.url,
        name=feed.name,
        title=feed.title,
        source=feed.source,
        interval_seconds=min(MAX_INTERVAL_SECONDS, max(min_interval, feed.interval_seconds or default_interval)),
        health=health,
        added_at=feed.added_at,
        last_checked_at=feed.last_checked_at,
        last_success_at=feed.last_success_at,
        last_error=feed.last_error,
        last_error_at=feed.last_error_at,
        last_warning=feed.last_warning,
        consecutive_failures=feed.consecutive_failures,
        next_check_at=feed.next_check_at,
        items_total=feed.items_total,
    )


def archive_item_view(item: StoredItem) -> ArchiveItemView:
    return ArchiveItemView(
        item_id=item.id,
        feed_id=item.feed_id,
        feed_url=item.feed_url,
        feed_name=item.feed_name,
        identity=item.identity,
        headline=item.title,
        summary=item.summary,
        link=item.link,
        authors=item.authors,
        published_at=item.published_at,
        first_seen_at=item.first_seen_at,
        revision=item.revision,
    )
