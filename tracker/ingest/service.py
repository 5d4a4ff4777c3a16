"""The ingestion service: what the CLI, the web UI, the worker and the bench call.

``Ingestion(parts)`` takes the parts it needs (``settings``, ``newsroom``,
``engine``: a Runtime has them) and wraps the feed store, the suggestion
inbox and, built only when something polls, the orchestrator with its
fetcher, threads and parse processes. Every method returns frozen
dataclasses (or plain values) and raises named errors (``ValueError``/
``LookupError`` subclasses or the domain's errors) with messages fit for a person.

Stable API (keep the names):

- ``add_feed(url, name=None, interval=None) -> FeedView``
- ``list_feeds() -> tuple[FeedView, ...]`` (with health)
- ``feed(feed_id) -> FeedView``
- ``remove_feed(feed_id) -> FeedView``
- ``poll_feed_now(feed_id) -> CycleSummary``
- ``poll_once() -> CycleSummary``
- ``suggestions(slug) -> tuple[SuggestionView, ...]`` (open ones)
- ``accept_suggestion(slug, suggestion_id, by) -> report_id``
- ``reject_suggestion(slug, suggestion_id, by) -> None``
- ``rules(slug) -> RulesView``
- ``change_rules(slug, rules, by) -> RulesChange`` (validates, saves, re-matches the archive)
- ``search_archive(text, limit=50) -> tuple[ArchiveItemView, ...]``
- ``identity_changes(feed_url=None, limit=200) -> tuple[IdentityChange, ...]``
- ``import_opml(data) / export_opml() -> str``
- ``sync_config_feeds() -> tuple[FeedView, ...]``
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sqlalchemy.engine import Engine

from tracker.application import Newsroom, UnknownStory
from tracker.application.queries import StoryQueries
from tracker.config import Settings
from tracker.domain.errors import NothingChanged
from tracker.domain.rules import parse_rules
from tracker.ingest.config_feeds import feeds_from_config
from tracker.ingest.feeds import Feed, check_interval
from tracker.ingest.fetcher import BadURL, Fetcher, check_url
from tracker.ingest.opml import export_opml, opml_outlines
from tracker.ingest.opml_import import import_outlines
from tracker.ingest.orchestrator import Orchestrator, rematch
from tracker.ingest.parser import FeedError, parse_feed
from tracker.ingest.store import DuplicateFeed, IdentityChange, IngestStore, UnknownFeed
from tracker.ingest.subscriptions import Subscriptions
from tracker.ingest.suggestions import Suggestions, UnknownSuggestion
from tracker.ingest.summary import CycleSummary, FeedProgress
from tracker.ingest.tracking import tracked
from tracker.ingest.views import (
    ArchiveItemView,
    FeedView,
    OpmlImport,
    RulesChange,
    RulesView,
    SuggestionView,
    archive_item_view,
    feed_view,
)
from tracker.tuning import Tuning

__all__ = [
    "ArchiveItemView",
    "CycleSummary",
    "DuplicateFeed",
    "FeedRejected",
    "FeedView",
    "IdentityChange",
    "IngestParts",
    "Ingestion",
    "OpmlImport",
    "RulesChange",
    "RulesView",
    "SuggestionView",
    "UnknownFeed",
    "UnknownSuggestion",
]


class FeedRejected(ValueError):
    """The URL could not be subscribed: not fetchable or not a feed."""


class IngestParts(Protocol):
    """What ingestion needs of the composition root (a tracker.bootstrap.Runtime has it)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def newsroom(self) -> Newsroom: ...
    @property
    def engine(self) -> Engine: ...
    @property
    def catalog(self) -> StoryQueries: ...


class Ingestion:
    def __init__(
        self,
        parts: IngestParts,
        *,
        allowed_origins: Iterable[tuple[str, int]] = (),
        concurrency: int | None = None,
        batch: int | None = None,
        local_files: bool = True,
        tuning: Tuning | None = None,
    ) -> None:
        """``local_files=False`` (the web) refuses to subscribe anything but http(s)."""
        self.local_files = local_files
        self.settings = parts.settings
        self.newsroom = parts.newsroom
        self.queries = parts.catalog
        self.store = IngestStore(parts.engine)
        self.tuning = tuning or Tuning.from_settings(self.settings)
        self.inbox = Suggestions(self.newsroom, self.queries, self.store)
        self._allowed = tuple(allowed_origins)
        self._concurrency = concurrency
        self._batch = batch
        self._orchestrator: Orchestrator | None = None
        self._fetcher: Fetcher | None = None  # subscribing's one check, when nothing polls

    @property
    def orchestrator(self) -> Orchestrator:
        """The polling machinery (fetcher, fetch threads, parse processes), built on first use."""
        if self._orchestrator is None:
            self._orchestrator = Orchestrator(
                self.newsroom,
                self.store,
                self.settings,
                tuning=self.tuning,
                allowed_origins=self._allowed,
                concurrency=self._concurrency,
                batch=self._batch,
            )
        return self._orchestrator

    def _check_fetcher(self) -> Fetcher:
        if self._orchestrator is not None:
            return self._orchestrator.fetcher
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings, allowed_origins=self._allowed, max_connections=8)
        return self._fetcher

    def close(self) -> None:
        if self._orchestrator is not None:
            self._orchestrator.close()
            self._orchestrator = None
        if self._fetcher is not None:
            self._fetcher.close()
            self._fetcher = None

    def __enter__(self) -> Ingestion:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _view(self, feed: Feed) -> FeedView:
        return feed_view(feed, self.settings.poll_interval_seconds, self.settings.poll_min_interval_seconds)

    # -- feeds ----------------------------------------------------------------------

    def add_feed(
        self, url: str, name: str | None = None, interval: int | None = None, *, source: str = "cli", check: bool = True
    ) -> FeedView:
        """Subscribes to a feed after fetching it once (``check``) to be sure it is one."""
        try:
            url = check_url(url, local_files=self.local_files)
        except BadURL as error:
            raise FeedRejected(str(error)) from None
        interval = None if interval is None else check_interval(interval, self.settings)
        if self.store.feed_by_url(url) is not None:
            raise DuplicateFeed(url)
        title = ""
        if check:
            result = self._check_fetcher().fetch(url)
            if not result.ok:
                raise FeedRejected(f"cannot subscribe to {url}: {result.error}")
            try:
                parsed = parse_feed(result.body, result.headers, result.url)
            except FeedError as error:
                raise FeedRejected(f"cannot subscribe to {url}: {error.reason}") from None
            title = parsed.title
        feed = self.store.add_feed(
            url, name=(name or "").strip()[:300], interval=interval, source=source, title=title[:300]
        )
        return self._view(feed)

    def list_feeds(self) -> tuple[FeedView, ...]:
        return tuple(self._view(f) for f in self.store.list_feeds())

    def feed(self, feed_id: int) -> FeedView:
        return self._view(self.store.feed(feed_id))

    def find_feed(self, ref: str | int) -> FeedView:
        """A feed by id or by URL (as the CLI accepts either)."""
        text = str(ref).strip()
        if text.isdigit():
            return self.feed(int(text))
        found = self.store.feed_by_url(text)
        if found is None:
            raise UnknownFeed(text)
        return self._view(found)

    def remove_feed(self, feed_id: int, *, by: str = "") -> FeedView:
        """Unsubscribes; the items already archived and the reports they made stay.
        The feed is kept with who removed it and when, so it can be restored (see subscriptions.py)."""
        view = self.feed(feed_id)
        Subscriptions(self.store.engine).remove(feed_id, by or "cli")
        return view

    def sync_config_feeds(self) -> tuple[FeedView, ...]:
        """Subscribes to the configuration's [[feeds]] that are not subscribed yet (no fetch)."""
        added = []
        for entry in feeds_from_config(self.settings):
            if self.store.feed_by_url(entry["url"]) is None:
                try:
                    added.append(
                        self.add_feed(entry["url"], entry["name"], entry["interval"], source="config", check=False)
                    )
                except DuplicateFeed:
                    continue
        return tuple(added)

    # -- OPML -----------------------------------------------------------------------------

    def export_opml(self) -> str:
        return export_opml(self.store.list_feeds())

    def import_opml(self, data: bytes | str, *, check: bool = False) -> OpmlImport:
        """Subscribes to every xmlUrl in an OPML document (nested outlines included):
        in one transaction (see opml_import.py), or, with ``check``, one by one,
        fetching each to check it."""
        if not check:
            imported = import_outlines(self.store.engine, data, local_files=self.local_files)
            views = {view.url: view for view in self.list_feeds()}
            return OpmlImport(
                tuple(views[url] for url in imported.added if url in views), imported.skipped, imported.invalid
            )
        added, skipped, invalid = [], [], []
        for url, name in opml_outlines(data):
            try:
                added.append(self.add_feed(url, name, source="opml", check=check))
            except DuplicateFeed:
                skipped.append(url)
            except (FeedRejected, ValueError) as error:
                invalid.append(f"{url}: {error}")
        return OpmlImport(tuple(added), tuple(skipped), tuple(invalid))

    # -- polling -------------------------------------------------------------------------

    def poll_once(self, progress: FeedProgress | None = None) -> CycleSummary:
        """One cycle over every due feed (what `tracker poll --once` runs)."""
        return self.orchestrator.run_cycle(progress=progress)

    def poll_feed_now(self, feed_id: int) -> CycleSummary:
        """Checks one feed now, due or not (unless another poller holds it)."""
        self.store.feed(feed_id)
        return self.orchestrator.run_cycle(feed_ids=[feed_id], force=True)

    def poll_all_now(self, progress: FeedProgress | None = None) -> CycleSummary:
        """Checks every feed now, due or not (the bench's cycle)."""
        feed_ids = [f.id for f in self.store.list_feeds()]
        return self.orchestrator.run_cycle(feed_ids=feed_ids, force=True, progress=progress)

    # -- suggestions -------------------------------------------------------------------------

    def suggestions(self, slug: str, *, include_decided: bool = False) -> tuple[SuggestionView, ...]:
        """The story's open suggestions (or all, with accepted/rejected/withdrawn)."""
        return self.inbox.list(slug, include_decided=include_decided)

    def accept_suggestion(self, slug: str, suggestion_id: str, by: str) -> str:
        """Appends the suggested item as a report (classified like automatic ones); returns its id."""
        return self.inbox.accept(slug, suggestion_id, by)

    def reject_suggestion(self, slug: str, suggestion_id: str, by: str) -> None:
        """Rejects: the item is remembered and never suggested to this story again."""
        self.inbox.reject(slug, suggestion_id, by)

    # -- rules --------------------------------------------------------------------------------

    def rules(self, slug: str) -> RulesView:
        view = self.queries.story(slug, timeline_limit=1)
        parsed = parse_rules(view.rules)
        return RulesView(
            slug=slug, rules=dict(view.rules), digest=parsed.digest, tracks_anything=parsed.tracks_anything
        )

    def change_rules(self, slug: str, rules: Mapping[str, Any], by: str = "") -> RulesChange:
        """Validates and saves new rules (a RulesChanged event), then re-matches the archive."""
        parsed = parse_rules(rules)
        canonical = parsed.to_dict()
        try:
            version = self.newsroom.change_rules(slug, canonical, by=by)
        except NothingChanged:
            version = self.queries.version_of(slug)
        story = tracked(self.newsroom, slug)
        appended = suggested = 0
        if story is not None:
            summary = rematch(self.newsroom, self.store, self.tuning, story)
            appended, suggested = summary.reports_appended, summary.suggested
        return RulesChange(
            slug=slug, version=version, digest=parsed.digest, reports_appended=appended, suggested=suggested
        )

    def rematch_story(self, slug: str) -> CycleSummary:
        """Matches the whole archive against one story again (a queued job's work)."""
        story = tracked(self.newsroom, slug)
        if story is None:
            raise UnknownStory(slug)
        return rematch(self.newsroom, self.store, self.tuning, story)

    # -- archive -------------------------------------------------------------------------------

    def search_archive(self, text: str, limit: int = 50) -> tuple[ArchiveItemView, ...]:
        """Items whose title or summary contain every word of ``text`` (newest first)."""
        limit = max(1, min(int(limit), 500))
        return tuple(archive_item_view(i) for i in self.store.search(text, limit))

    def identity_changes(self, feed_url: str | None = None, limit: int = 200) -> tuple[IdentityChange, ...]:
        """Archived items seen under a new link or GUID, or as copies through another feed (newest first)."""
        limit = max(1, min(int(limit), 5000))
        return tuple(self.store.identity_changes(feed_url=feed_url, limit=limit))
