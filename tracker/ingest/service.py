"""The ingestion service: what the CLI, the web UI and the bench call.

``Ingestion(runtime)`` wraps the feed store, the orchestrator and the
Newsroom. Every method returns frozen dataclasses (or plain values) and
raises named errors (``ValueError``/``LookupError`` subclasses or the
domain's errors) with messages fit for a person.

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
- ``import_opml(data) / export_opml() -> str``
- ``sync_config_feeds() -> tuple[FeedView, ...]``
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from tracker.application import UnknownStory
from tracker.bootstrap import Runtime
from tracker.domain.errors import DomainError, DuplicateReport, NothingChanged
from tracker.domain.rules import Rules, match, parse_rules
from tracker.ingest.feeds import MAX_INTERVAL_SECONDS, Feed, check_interval, now_utc
from tracker.ingest.fetcher import BadURL, Fetcher, check_url
from tracker.ingest.orchestrator import CycleSummary, Orchestrator, Tracked, feeds_from_config
from tracker.ingest.parser import FeedError, parse_feed
from tracker.ingest.store import DuplicateFeed, IngestStore, UnknownFeed


class FeedRejected(ValueError):
    """The URL could not be subscribed: not fetchable or not a feed."""


class UnknownSuggestion(LookupError):
    def __init__(self, slug: str, suggestion_id: str) -> None:
        super().__init__(f"story {slug!r} has no open suggestion {suggestion_id!r}")


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


class Ingestion:
    def __init__(
        self,
        runtime: Runtime,
        *,
        allowed_origins: Iterable[tuple[str, int]] = (),
        concurrency: int = 16,
        batch: int | None = None,
        local_files: bool = True,
    ) -> None:
        """``local_files=False`` (the web) refuses to subscribe anything but http(s)."""
        self.runtime = runtime
        self.local_files = local_files
        self.settings = runtime.settings
        self.newsroom = runtime.newsroom
        self.store = IngestStore(runtime.engine)
        self._allowed = tuple(allowed_origins)
        self._concurrency = concurrency
        self._batch = batch
        self._orchestrator: Orchestrator | None = None

    @property
    def orchestrator(self) -> Orchestrator:
        if self._orchestrator is None:
            fetcher = Fetcher(self.settings, allowed_origins=self._allowed, max_connections=max(8, self._concurrency))
            self._orchestrator = Orchestrator(
                self.newsroom,
                self.store,
                self.settings,
                fetcher=fetcher,
                concurrency=self._concurrency,
                batch=self._batch,
            )
            self._orchestrator._own_fetcher = True
        return self._orchestrator

    def close(self) -> None:
        if self._orchestrator is not None:
            self._orchestrator.close()
            self._orchestrator = None

    def __enter__(self) -> Ingestion:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _view(self, feed: Feed) -> FeedView:
        return feed_view(feed, self.settings.poll_interval_seconds, self.settings.poll_min_interval_seconds)

    # -- feeds ----------------------------------------------------------------------

    def _check_interval(self, interval: int | None) -> int | None:
        if interval is None:
            return None
        return check_interval(interval, self.settings)

    def add_feed(
        self, url: str, name: str | None = None, interval: int | None = None, *, source: str = "cli", check: bool = True
    ) -> FeedView:
        """Subscribes to a feed after fetching it once (``check``) to be sure it is one."""
        try:
            url = check_url(url, local_files=self.local_files)
        except BadURL as error:
            raise FeedRejected(str(error)) from None
        interval = self._check_interval(interval)
        if self.store.feed_by_url(url) is not None:
            raise DuplicateFeed(url)
        title = ""
        if check:
            result = self.orchestrator.fetcher.fetch(url)
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

    def remove_feed(self, feed_id: int) -> FeedView:
        """Unsubscribes; the items already archived and the reports they made stay."""
        return self._view(self.store.remove_feed(feed_id))

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
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<opml version="2.0">',
            "  <head><title>newsroom-tracker subscriptions</title></head>",
            "  <body>",
        ]
        for feed in self.store.list_feeds():
            text = quoteattr(feed.display_name)
            lines.append(f'    <outline type="rss" text={text} title={text} xmlUrl={quoteattr(feed.url)}/>')
        lines += ["  </body>", "</opml>", ""]
        return "\n".join(lines)

    def import_opml(self, data: bytes | str, *, check: bool = False) -> OpmlImport:
        """Subscribes to every xmlUrl in an OPML document (nested outlines included)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if re.search(rb"<!(ENTITY|DOCTYPE)", raw, re.I):
            raise ValueError("OPML: documents with a DOCTYPE or entity declarations are refused")
        try:
            root = ElementTree.fromstring(raw)
        except ElementTree.ParseError as error:
            raise ValueError(f"OPML: not well-formed XML ({error})") from None
        if root.tag.lower() != "opml":
            raise ValueError(f"OPML: the root element is <{root.tag}>, not <opml>")
        added, skipped, invalid = [], [], []
        for outline in root.iter("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            if not url:
                continue
            name = outline.get("title") or outline.get("text") or ""
            try:
                added.append(self.add_feed(url, name, source="opml", check=check))
            except DuplicateFeed:
                skipped.append(url)
            except (FeedRejected, ValueError) as error:
                invalid.append(f"{url}: {error}")
        return OpmlImport(tuple(added), tuple(skipped), tuple(invalid))

    # -- polling -------------------------------------------------------------------------

    def poll_once(self) -> CycleSummary:
        """One cycle over every due feed (what `tracker poll --once` runs)."""
        return self.orchestrator.run_cycle()

    def poll_feed_now(self, feed_id: int) -> CycleSummary:
        """Checks one feed now, due or not (unless another poller holds it)."""
        self.store.feed(feed_id)
        return self.orchestrator.run_cycle(feed_ids=[feed_id], force=True)

    def poll_all_now(self) -> CycleSummary:
        """Checks every feed now, due or not (the bench's cycle)."""
        return self.orchestrator.run_cycle(feed_ids=[f.id for f in self.store.list_feeds()], force=True)

    # -- suggestions -------------------------------------------------------------------------

    def suggestions(self, slug: str, *, include_decided: bool = False) -> tuple[SuggestionView, ...]:
        """The story's open suggestions (or all, with accepted/rejected/withdrawn)."""
        if not self.newsroom.story_exists(slug):
            raise UnknownStory(slug)
        outcomes = None if include_decided else ("suggested",)
        rows = [
            d
            for d in self.store.decisions_for_story(slug, outcomes)
            if d.outcome in ("suggested", "accepted", "rejected", "withdrawn")
        ]
        views = []
        for decision in rows:
            item = self.store.item(decision.item_id)
            if item is None:
                continue
            views.append(
                SuggestionView(
                    suggestion_id=decision.suggestion_id,
                    story_slug=slug,
                    item_id=item.id,
                    headline=item.title,
                    summary=item.summary,
                    link=item.link,
                    feed_url=item.feed_url,
                    feed_name=item.feed_name,
                    published_at=item.published_at,
                    first_seen_at=item.first_seen_at,
                    strength=decision.strength,
                    explanation=decision.explanation,
                    rules_digest=decision.rules_digest,
                    outcome=decision.outcome,
                    decided_at=decision.decided_at,
                    decided_by=decision.decided_by,
                )
            )
        views.sort(key=lambda v: v.published_at or v.first_seen_at, reverse=True)
        return tuple(views)

    def _open_suggestion(self, slug: str, suggestion_id: str):  # type: ignore[no-untyped-def]
        decision = self.store.decision(suggestion_id.strip())
        if decision is None or decision.story_slug != slug or decision.outcome != "suggested":
            raise UnknownSuggestion(slug, suggestion_id)
        item = self.store.item(decision.item_id)
        if item is None:
            raise UnknownSuggestion(slug, suggestion_id)
        return decision, item

    def accept_suggestion(self, slug: str, suggestion_id: str, by: str) -> str:
        """Appends the suggested item as a report (classified like automatic ones); returns its id."""
        by = _actor(by)
        _decision, item = self._open_suggestion(slug, suggestion_id)
        tracked = self.orchestrator.tracked(slug)
        if tracked is None:
            tracked = Tracked(slug=slug, status="", version=0, rules=Rules())
        result = match(tracked.rules, item.title, item.summary)
        fields = self.orchestrator.report_fields(tracked, item, result)
        fields["evidence"] = [f"accepted from the suggestion inbox by {by}"[:500], *fields["evidence"]][:50]
        try:
            self.newsroom.add_reports(slug, [fields])
        except DuplicateReport:
            pass  # accepted twice at once: the report is there once
        self.store.update_decision(
            slug,
            item.id,
            only_if=("suggested",),
            outcome="accepted",
            report_id=item.report_id,
            content_hash=item.content_hash,
            decided_at=now_utc(),
            decided_by=by,
        )
        return item.report_id

    def reject_suggestion(self, slug: str, suggestion_id: str, by: str) -> None:
        """Rejects: the item is remembered and never suggested to this story again."""
        by = _actor(by)
        _decision, item = self._open_suggestion(slug, suggestion_id)
        self.store.update_decision(
            slug, item.id, only_if=("suggested",), outcome="rejected", decided_at=now_utc(), decided_by=by
        )

    # -- rules --------------------------------------------------------------------------------

    def rules(self, slug: str) -> RulesView:
        view = self.newsroom.story(slug)
        parsed = parse_rules(view.rules)
        return RulesView(
            slug=slug, rules=dict(view.rules), digest=parsed.digest, tracks_anything=parsed.tracks_anything
        )

    def change_rules(self, slug: str, rules: Mapping[str, Any], by: str = "") -> RulesChange:
        """Validates and saves new rules (a RulesChanged event), then re-matches the archive."""
        parsed = parse_rules(rules)
        canonical = parsed.to_dict()
        try:
            version = self.newsroom.change_rules(slug, canonical)
        except NothingChanged:
            version = self.newsroom.story(slug).version
        tracked = self.orchestrator.tracked(slug)
        appended = suggested = 0
        if tracked is not None:
            summary = self.orchestrator.rematch(tracked)
            appended, suggested = summary.reports_appended, summary.suggested
        return RulesChange(
            slug=slug, version=version, digest=parsed.digest, reports_appended=appended, suggested=suggested
        )

    def rematch_story(self, slug: str) -> CycleSummary:
        tracked = self.orchestrator.tracked(slug)
        if tracked is None:
            raise UnknownStory(slug)
        return self.orchestrator.rematch(tracked)

    # -- archive -------------------------------------------------------------------------------

    def search_archive(self, text: str, limit: int = 50) -> tuple[ArchiveItemView, ...]:
        """Items whose title or summary contain every word of ``text`` (newest first)."""
        limit = max(1, min(int(limit), 500))
        return tuple(
            ArchiveItemView(
                item_id=i.id,
                feed_id=i.feed_id,
                feed_url=i.feed_url,
                feed_name=i.feed_name,
                identity=i.identity,
                headline=i.title,
                summary=i.summary,
                link=i.link,
                authors=i.authors,
                published_at=i.published_at,
                first_seen_at=i.first_seen_at,
                revision=i.revision,
            )
            for i in self.store.search(text, limit)
        )


def _actor(by: str) -> str:
    text = " ".join((by or "").split())
    if not text:
        raise DomainError("by: say who decided (e.g. --by 'A. Editor')")
    return text[:200]
