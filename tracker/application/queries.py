"""The one query API: what every screen (web pages, JSON API, CLI) and
ingestion read through.

``tracker.readmodels.Catalog`` implements it from the read models, without
replaying events. The Newsroom's own query methods (``Newsroom.story``,
``story_as_of`` ...) replay the aggregate: they stay as the test oracle the
read models are checked against, and product code does not call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tracker.application.views import HistoryEntry, Mode, SearchHit, StorySummary, StoryView
from tracker.domain.vocabulary import Kind


class StoryQueries(Protocol):
    """Reads of stories. Unknown slugs raise ``UnknownStory``; a version out of
    range ``UnknownVersion``; a moment before the story ``StoryNotYetOpened``.
    ``timeline_limit`` keeps only that many of the newest reports (the state
    still reflects every report; ``StoryView.timeline_complete`` says so)."""

    def stories(self) -> Sequence[StorySummary]:
        """Every story, most recently changed first."""
        ...

    def story_slugs(self) -> list[str]:
        """Slugs of every story, in the order they were opened."""
        ...

    def story_exists(self, slug: str) -> bool: ...

    def version_of(self, slug: str) -> int:
        """The story's current version (cheap: for caches keyed by it)."""
        ...

    def story(self, slug: str, *, timeline_limit: int | None = None) -> StoryView: ...

    def story_at_version(self, slug: str, version: int, *, timeline_limit: int | None = None) -> StoryView: ...

    def story_as_of(
        self, slug: str, moment: datetime, mode: Mode = Mode.RECORDED, *, timeline_limit: int | None = None
    ) -> StoryView:
        """As recorded: what the desk knew at ``moment``; as reported: every
        report published by ``moment``, as now known."""
        ...

    def version_at(self, slug: str, moment: datetime) -> int | None:
        """The last version recorded at or before ``moment`` (None: not opened yet)."""
        ...

    def history(self, slug: str, *, after_version: int = 0, limit: int | None = None) -> Sequence[HistoryEntry]:
        """The story's stored events, oldest first; a page with ``after_version`` and ``limit``."""
        ...

    def search(self, query: str, *, limit: int = 50, order: str = "relevance") -> Sequence[SearchHit]:
        """Full-text search over every story's reports, best first (``order="date"``: newest first)."""
        ...

    def activity(self, slug: str, *, buckets: int = 12) -> list[int]:
        """Reports per period over the story's life (the index sparklines)."""
        ...

    def published_moments(self, slug: str) -> Sequence[datetime]:
        """When each active report of the story was published (the index sparkline and its scale)."""
        ...

    def developments(
        self, slug: str, *, version: int | None = None, published_by: datetime | None = None
    ) -> Sequence[tuple[datetime, Kind]]:
        """(published_at, first kind) of each active report: what a developments chart needs."""
        ...
