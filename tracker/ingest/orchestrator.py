"""One polling cycle: claim due feeds, fetch, parse, archive, match, append.

The scheduler (worker.py) only decides *when* to run a cycle; this module
does the work, in the miniflux shape: fetch (threads, one shared HTTP
connection pool) -> parse (pure: bytes in, items out; in one worker process
per core once a cycle has more than a few dozen feeds, fed directly by the
fetch threads) -> store (main thread, one transaction for a batch of feeds,
which are freed in it) -> match the pending items of many feeds against
every tracked story -> append reports (one save per story per flush of
thousands of items), suggest, correct.

Exactly-once, across crashes and several pollers:

1. a document's items and its validators (ETag, body hash) are stored in one
   transaction (with other feeds' documents, each written only while its
   claim holds); new and revised items are marked *pending*;
2. pending items are matched; a strong match appends a report whose id is
   derived from feed URL and item identity, so a replay raises DuplicateReport
   in the story aggregate and is counted as already done; each (story, item)
   gets one decision row (unique in the database);
3. only then are the items marked processed and the feed released.

A crash between any two steps leaves pending items (or a lapsed claim) that
the next cycle — of this or another poller — completes, without duplicates.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.application import AggregateNotFoundError

from tracker.application import Newsroom, UnknownStory
from tracker.collector import collector_paused
from tracker.config import Settings
from tracker.domain.classify import CLASSIFIER, classify, party_candidates
from tracker.domain.errors import DomainError, DuplicateReport, NothingChanged, ReportRetracted, UnknownReport
from tracker.domain.report import Origin, clean_url
from tracker.domain.rules import Match, Rules, RulesError, Strength, Text, match, parse_rules
from tracker.domain.story import Story
from tracker.domain.vocabulary import OriginKind, Status
from tracker.ingest.feeds import check_interval, now_utc
from tracker.ingest.fetcher import Fetcher, FetchResult, FetchStatus
from tracker.ingest.follower import ViewFollower
from tracker.ingest.parser import FeedError, ParsedFeed, canonical_url, parse_feed
from tracker.ingest.prejudge import (
    Judge,
    TextKey,
    Verdict,
    parse_and_judge,
    parse_process_started,
    process_ready,
    text_key,
)
from tracker.ingest.store import Claim, Document, IngestStore, StoredItem, suggestion_id_for

log = logging.getLogger("tracker.ingest")

REVISION_REASON = "feed item revised"
# Pending items matched together (one story save per story per flush). A
# cold cycle of 25,000 items peaked at 240 MiB (whole tree) matching 12,500
# at a time, 222 MiB at 2,500, no slower: what a flush holds at once (the
# items, their reports, the save's events and their projection) is most of
# the peak.
FLUSH_ITEMS = 2500
APPEND_CHUNK = 5000  # reports per save: each save also snapshots the story and feeds the read models
STORE_FEEDS = 100  # fetched feeds archived (or just freed: 304, unchanged) in one transaction...
STORE_ITEMS = 2000  # ...or fewer, once they hold this many items
DRAIN_STORE_ITEMS = 500  # (once every feed is claimed: smaller batches, less left for the end)
PARSE_BACKLOG = 128  # fetched feeds queued for the parse processes at most
PARSE_POOL_THRESHOLD = 32  # feeds in one cycle above which parsing moves to worker processes
FEED_ACTOR = "feed"


@dataclass(frozen=True)
class FeedFailure:
    feed_id: int
    url: str
    reason: str


@dataclass(frozen=True)
class CycleSummary:
    """What one cycle did. ``reports_appended`` is the "matched" count."""

    feeds_checked: int = 0
    fetched: int = 0
    not_modified: int = 0  # 304, or the same body as last time
    failed: int = 0
    items_seen: int = 0
    items_new: int = 0
    items_revised: int = 0
    reports_appended: int = 0
    reports_corrected: int = 0
    suggested: int = 0
    duplicates_skipped: int = 0
    stories_rematched: int = 0
    elapsed_seconds: float = 0.0
    failures: tuple[FeedFailure, ...] = ()
    #: The database refused the cycle's writes (disk full, read-only, I/O error): the
    #: first such error. The cycle did not do its work; `tracker poll` exits non-zero.
    store_error: str = ""

    @property
    def matched(self) -> int:
        return self.reports_appended

    def __add__(self, other: CycleSummary) -> CycleSummary:
        numbers = {
            name: getattr(self, name) + getattr(other, name)
            for name in self.__dataclass_fields__
            if name not in ("failures", "elapsed_seconds", "store_error")
        }
        return CycleSummary(
            **numbers,
            elapsed_seconds=self.elapsed_seconds + other.elapsed_seconds,
            failures=self.failures + other.failures,
            store_error=self.store_error or other.store_error,
        )

    def line(self) -> str:
        return (
            f"feeds: {self.feeds_checked} checked, {self.fetched} fetched, {self.not_modified} not modified, "
            f"{self.failed} failed; items: {self.items_new} new, {self.items_revised} revised, "
            f"{self.reports_appended} matched (reports appended), {self.suggested} suggested, "
            f"{self.reports_corrected} corrections; {self.elapsed_seconds:.2f} s"
            + (f"; the database refused writes: {self.store_error}" if self.store_error else "")
        )


@dataclass
class _Counts:
    appended: int = 0
    corrected: int = 0
    suggested: int = 0
    duplicates: int = 0


@dataclass(frozen=True)
class Tracked:
    """A story as matching needs it, read once per cycle."""

    slug: str
    status: str
    version: int
    rules: Rules
    parties: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def appends_automatically(self) -> bool:
        return self.rules.auto_append and self.status != Status.CONCLUDED.value


def _failpoint(name: str) -> None:
    """Test-only crash injection: TRACKER_FAILPOINT=<name> kills the process there."""
    if os.environ.get("TRACKER_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def default_lease(settings: Settings, batch: int, concurrency: int) -> float:
    """How long a claim holds: a batch's worst-case fetches (3 x timeout each) plus processing.

    TRACKER_POLL_LEASE_SECONDS overrides it (tests use short leases so a killed
    poller's claims lapse quickly).
    """
    override = os.environ.get("TRACKER_POLL_LEASE_SECONDS", "").strip()
    if override:
        return max(1.0, float(override))
    rounds = -(-batch // concurrency)
    return max(60.0, 3 * settings.fetch_timeout_seconds * rounds + 60.0)


def poller_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Orchestrator:
    def __init__(
        self,
        newsroom: Newsroom,
        store: IngestStore,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        concurrency: int = 16,
        batch: int | None = None,
        poller: str | None = None,
        lease_seconds: float | None = None,
        parse_processes: int | None = None,
    ) -> None:
        self.newsroom = newsroom
        self.store = store
        self.settings = settings
        self.fetcher = fetcher or Fetcher(settings, max_connections=max(concurrency, 8))
        self._own_fetcher = fetcher is None
        self.concurrency = max(1, concurrency)
        # claim about as many feeds as are fetched at once: short leases, fair sharing between pollers
        self.batch = max(1, batch or self.concurrency)
        # fetched feeds waiting for (or in) the parse processes: work for them while this
        # thread stores and matches; claiming pauses above it
        self.parse_backlog = PARSE_BACKLOG
        self.poller = poller or poller_name()
        self.lease_seconds = lease_seconds or default_lease(settings, self.batch, self.concurrency)
        self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="fetch")
        # feedparser is CPU-bound: big cycles parse in worker processes (0: never)
        self.parse_processes = max(1, os.cpu_count() or 1) if parse_processes is None else parse_processes
        self._parse_pool: ProcessPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._big_cycle = False
        # This cycle's stories, as the parse processes judge items for them,
        # and the verdicts they sent back (by item text; see prejudge).
        self._judged: dict[str, Tracked] = {}
        self._judges: tuple[Judge, ...] = ()
        self._verdicts: dict[TextKey, dict[str, Verdict]] = {}
        #: Per story: (version, feed item keys, links) of its reports, for the duplicate check.
        self._known: dict[Any, tuple[int, set[tuple[str, str]], set[str]]] = {}
        self._lock = threading.Lock()  # one cycle at a time per orchestrator

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._big_cycle = False
        if self._parse_pool is not None:
            self._parse_pool.shutdown(wait=True, cancel_futures=True)
            self._parse_pool = None
        if self._own_fetcher:
            self.fetcher.close()

    # -- stories ------------------------------------------------------------------

    def tracked_stories(self) -> list[Tracked]:
        tracked = []
        for slug in self.newsroom.story_slugs():
            found = self.tracked(slug)
            if found is not None:
                tracked.append(found)
        return tracked

    def tracked(self, slug: str) -> Tracked | None:
        try:
            story: Story = self.newsroom.repository.get(Story.create_id(slug))
        except AggregateNotFoundError:
            return None
        try:
            rules = parse_rules(story.rules)
        except RulesError as error:
            log.warning("story %s: tracking rules ignored (%s)", slug, error)
            return None
        known = [p for report in story.reports.values() for p in report["parties"]]
        return Tracked(
            slug=slug,
            status=story.status,
            version=story.version,
            rules=rules,
            parties=party_candidates(rules, known),
        )

    # -- the cycle ---------------------------------------------------------------------

    def run_cycle(self, *, feed_ids: Sequence[int] | None = None, force: bool = False) -> CycleSummary:
        """Polls every due feed (or ``feed_ids``; ``force`` ignores next_check_at), once each.

        A pipeline: up to ``concurrency`` fetches run at once; whenever fewer
        are in flight, more due feeds are claimed; results are stored and
        matched on this thread as they arrive.
        """
        with self._lock:
            started = time.monotonic()
            self._big_cycle = False
            stories = [t for t in self.tracked_stories() if t.rules.tracks_anything]
            # The cycle's saves are projected by a follower thread while it goes on;
            # it waits for the read models once, at its end.
            hook = self.newsroom.after_save
            follower = ViewFollower(hook) if hook is not None else None
            handed = self.newsroom.saves_handed_to(follower.saved) if follower is not None else nullcontext()
            with collector_paused():
                try:
                    with handed:
                        summary = self._cycle(stories, feed_ids=feed_ids, force=force)
                except BaseException:
                    if follower is not None:
                        follower.finish(quietly=True)
                    raise
                finally:
                    self._judged, self._judges, self._verdicts, self._known = {}, (), {}, {}
                if follower is not None:
                    follower.finish()
            return replace(summary, elapsed_seconds=time.monotonic() - started)

    def _cycle(self, stories: list[Tracked], *, feed_ids: Sequence[int] | None, force: bool) -> CycleSummary:
        summary = CycleSummary()
        summary += self._rematch_changed(stories)
        self._judged = {story.slug: story for story in stories}
        self._judges = tuple(Judge.of(story) for story in stories)
        if feed_ids is not None and len(feed_ids) > PARSE_POOL_THRESHOLD:
            self._big_cycle = True  # known big from the start: every new body goes to the parse processes
        summary += self._match_pending(stories, stale=True)  # left behind by a poller that died
        seen: set[int] = set()
        ready: list[tuple[Claim, FetchResult, ParsedFeed | FeedError | None]] = []
        unmatched: list[int] = []
        waiting = 0
        in_flight: set[Future[_Fetched]] = set()  # fetching (or queued for a fetch thread)
        # Futures put themselves here when done (concurrent.futures.wait over all of
        # them at every turn cost more than the turn's own work in a big cycle).
        completed: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        parsing: dict[Future[Any], tuple[Claim, FetchResult]] = {}  # in the parse processes
        exhausted = False
        while True:
            if not exhausted and len(in_flight) < self.concurrency and len(parsing) < self.parse_backlog:
                wanted = None if feed_ids is None else [i for i in feed_ids if i not in seen]
                claims = (
                    []
                    if wanted == []
                    else self.store.claim_due(
                        self.poller,
                        limit=self.batch + self.concurrency - len(in_flight),
                        lease_seconds=self.lease_seconds,
                        feed_ids=wanted,
                        exclude=seen if feed_ids is None else (),
                        force=force,
                    )
                )
                exhausted = not claims
                if len(seen) + len(claims) > PARSE_POOL_THRESHOLD:
                    self._big_cycle = True  # the first new body starts the parse processes
                if self._big_cycle and self._parse_pool is None and any(not c.feed.body_hash for c in claims):
                    # feeds never fetched before: new bodies are certain, so the parse processes
                    # start now, while these are fetched (a cycle where nothing changed starts none)
                    self._warm_parse_pool()
                for claim in claims:
                    seen.add(claim.feed.id)
                    fetching = self._pool.submit(self._fetch_and_parse, claim)
                    in_flight.add(fetching)
                    fetching.add_done_callback(completed.put)
            if not in_flight and not parsing:
                break
            for future in _arrived(completed):
                if future in parsing:
                    claim, result = parsing.pop(future)  # type: ignore[call-overload]
                    ready.append((claim, result, self._parsed(future, result)))
                    continue
                in_flight.discard(future)  # type: ignore[arg-type]
                claim, result, parsed = future.result()  # type: ignore[misc]
                if isinstance(parsed, Future):
                    parsing[parsed] = (claim, result)
                    parsed.add_done_callback(completed.put)
                else:
                    ready.append((claim, result, parsed))
            finished = not in_flight and not parsing and exhausted
            if ready and (
                finished
                or len(ready) >= STORE_FEEDS
                or _items_in(ready) >= (DRAIN_STORE_ITEMS if exhausted else STORE_ITEMS)
            ):
                # archived in batches: one transaction for many feeds
                for feed_id, step in self._complete_batch(ready):
                    summary += step
                    if step.items_new or step.items_revised:
                        unmatched.append(feed_id)
                        waiting += step.items_new + step.items_revised
                ready = []
            if waiting >= FLUSH_ITEMS or (unmatched and finished):
                # matched in large batches: one save per story for many feeds
                summary += self._match_pending(stories, feed_ids=unmatched)
                unmatched, waiting = [], 0
        for feed_id, step in self._complete_batch(ready):
            summary += step
            if step.items_new or step.items_revised:
                unmatched.append(feed_id)
        summary += self._match_pending(stories, feed_ids=unmatched)
        return summary

    def _start_parse_pool(self) -> ProcessPoolExecutor | None:
        """The parse processes, started by the first fetch thread that needs them
        or when a cycle claims feeds never fetched (a cycle where nothing changed
        starts none)."""
        with self._pool_lock:
            if self._parse_pool is None and self.parse_processes >= 1:
                context = multiprocessing.get_context("spawn")  # no fork of a process with threads and sockets
                self._parse_pool = ProcessPoolExecutor(
                    max_workers=self.parse_processes,
                    mp_context=context,
                    initializer=parse_process_started,
                    initargs=(os.getpid(),),
                )
            return self._parse_pool

    def _warm_parse_pool(self) -> None:
        """Starts the parse processes now (one no-op task each), so they import
        while the cycle's first feeds are fetched."""
        pool = self._start_parse_pool()
        if pool is not None:
            try:
                for _ in range(self.parse_processes):
                    pool.submit(process_ready)
            except (BrokenProcessPool, RuntimeError):
                pass  # a broken pool is found (and replaced by parsing here) when it is used

    def _fetch_and_parse(self, claim: Claim) -> _Fetched:
        """Fetches a feed (on a fetch thread); a new body is parsed here, or handed
        to the parse processes (the result is then a future of the parse)."""
        feed = claim.feed
        try:
            result = self.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, previous_hash=feed.body_hash
            )
        except Exception as error:
            log.exception("feed %s: fetch crashed", feed.url)
            return claim, FetchResult(FetchStatus.ERROR, feed.url, error=f"internal error: {error}"), None
        if result.status is not FetchStatus.OK:
            return claim, result, None
        pool = self._parse_pool or (self._start_parse_pool() if self._big_cycle else None)
        if pool is not None:
            try:
                return (
                    claim,
                    result,
                    pool.submit(parse_and_judge, result.body, result.headers, result.url, self._judges),
                )
            except (BrokenProcessPool, RuntimeError):
                pass  # the pool is gone (or shutting down): parse here instead
        return claim, result, _parse_here(result)

    def _parsed(
        self, future: Future[tuple[ParsedFeed, dict[TextKey, dict[str, Verdict]]]], result: FetchResult
    ) -> ParsedFeed | FeedError:
        """A parse process's result; its verdicts are kept for matching."""
        try:
            parsed, verdicts = future.result()
            self._verdicts.update(verdicts)
            return parsed
        except FeedError as error:
            return error
        except BrokenProcessPool:
            return _parse_here(result)  # a parse process died (killed, out of memory): parse here
        except Exception as error:
            return FeedError(f"parser failure: {type(error).__name__}: {error}")

    def _complete_batch(
        self, ready: Sequence[tuple[Claim, FetchResult, ParsedFeed | FeedError | None]]
    ) -> list[tuple[int, CycleSummary]]:
        """Archives fetched feeds and frees them, in one transaction; failures are recorded one by one."""
        results: list[tuple[int, CycleSummary]] = []
        documents: list[Document] = []
        steps: list[CycleSummary] = []
        now = now_utc()
        for claim, result, parsed in ready:
            if result.status is FetchStatus.ERROR:
                results.append((claim.feed.id, self._fail_safely(claim, result.error, result.retry_after)))
            elif isinstance(parsed, FeedError):
                results.append((claim.feed.id, self._fail_safely(claim, parsed.reason, None)))
            else:
                try:
                    document = self._document(claim, result, parsed, now)
                except Exception as error:
                    log.exception("feed %s: preparing its document failed", claim.feed.url)
                    results.append(
                        (
                            claim.feed.id,
                            self._fail_safely(claim, f"internal error: {type(error).__name__}: {error}", None),
                        )
                    )
                    continue
                documents.append(document)
                steps.append(
                    CycleSummary(
                        feeds_checked=1,
                        fetched=1 if parsed is not None else 0,
                        not_modified=0 if parsed is not None else 1,
                        items_seen=len(parsed.items) if parsed is not None else 0,
                    )
                )
        if not documents:
            return results
        try:
            stored = self.store.store_documents(documents, now=now)
        except Exception:
            log.exception("storing %d feeds together failed; storing them one by one", len(documents))
            stored = [self._store_one(document, now) for document in documents]
        if any(d.items for d in documents):
            _failpoint("after-store")
        for document, step, outcome in zip(documents, steps, stored):
            if isinstance(outcome, CycleSummary):
                results.append((document.claim.feed.id, outcome))
                continue
            new, revised = outcome or (0, 0)
            results.append((document.claim.feed.id, replace(step, items_new=new, items_revised=revised)))
        return results

    def _store_one(self, document: Document, now: datetime) -> tuple[int, int] | None | CycleSummary:
        try:
            return self.store.store_documents([document], now=now)[0]
        except Exception as error:
            log.exception("feed %s: storing failed", document.claim.feed.url)
            failed = self._fail_safely(
                document.claim, f"internal error: {type(error).__name__}: {_first_line(error)}", None
            )
            if _database_refused(error):  # the database, not this feed: say so for the whole cycle
                failed = replace(failed, store_error=_first_line(error))
            return failed

    def _document(self, claim: Claim, result: FetchResult, parsed: ParsedFeed | None, now: datetime) -> Document:
        """What archiving a fetched feed writes: items, validators, and the feed's new health."""
        feed = claim.feed
        title = feed.title
        warning = feed.last_warning
        validators: dict[str, Any] = {}
        name = feed.name
        if parsed is not None:
            title = parsed.title[:300] or feed.title
            warning = "; ".join(parsed.warnings)[:2000]
            validators = {
                "etag": result.etag[:1000],
                "last_modified": result.last_modified[:200],
                "body_hash": result.body_hash,
            }
            name = feed.name or title or urlsplit(feed.url).hostname or feed.url
        release: dict[str, Any] = {
            "last_checked_at": now,
            "last_success_at": now,
            "consecutive_failures": 0,
            "next_check_at": feed.next_check_after_success(now, self.settings, fresh_for=result.fresh_for),
            "title": title,
            "last_warning": warning,
        }
        if result.status is FetchStatus.NOT_MODIFIED:
            release.update(etag=result.etag[:1000], last_modified=result.last_modified[:200])
        return Document(claim, parsed.items if parsed is not None else (), name, validators, release)

    def _fail_safely(self, claim: Claim, reason: str, retry_after: float | None) -> CycleSummary:
        try:
            return self._fail(claim, reason, retry_after)
        except Exception as error:
            log.exception("feed %s: recording the failure failed", claim.feed.url)
            return CycleSummary(
                feeds_checked=1,
                failed=1,
                failures=(FeedFailure(claim.feed.id, claim.feed.url, reason),),
                store_error=_first_line(error),
            )

    def _fail(self, claim: Claim, reason: str, retry_after: float | None) -> CycleSummary:
        feed = claim.feed
        now = now_utc()
        failures = feed.consecutive_failures + 1
        self.store.release(
            claim,
            last_checked_at=now,
            last_error=reason[:2000],
            last_error_at=now,
            consecutive_failures=failures,
            next_check_at=feed.next_check_after_failure(now, self.settings, failures=failures, retry_after=retry_after),
        )
        log.info("feed %s failed (%d in a row): %s", feed.url, failures, reason)
        return CycleSummary(feeds_checked=1, failed=1, failures=(FeedFailure(feed.id, feed.url, reason),))

    # -- matching -------------------------------------------------------------------------

    def _match_pending(
        self, stories: Sequence[Tracked], *, feed_ids: Sequence[int] = (), stale: bool = False
    ) -> CycleSummary:
        """Matches pending items (of ``feed_ids``, or left by dead pollers with ``stale``), then marks them processed."""
        counts = _Counts()
        if not feed_ids and not stale:
            return CycleSummary()
        stale_before = now_utc() - timedelta(seconds=self.lease_seconds) if stale else None
        while True:
            batch = self.store.pending_items(feed_ids=feed_ids or None, stale_before=stale_before, limit=FLUSH_ITEMS)
            if not batch:
                break
            self.process_items(batch, stories, counts)
            self.store.mark_processed(i.id for i in batch)
            if len(batch) < FLUSH_ITEMS:
                break
        return CycleSummary(
            reports_appended=counts.appended,
            reports_corrected=counts.corrected,
            suggested=counts.suggested,
            duplicates_skipped=counts.duplicates,
        )

    def process_items(
        self,
        batch: Sequence[StoredItem],
        stories: Sequence[Tracked],
        counts: _Counts | None = None,
        *,
        withdraw_unmatched: bool = False,
    ) -> _Counts:
        """Matches items against stories; appends, suggests and corrects as needed."""
        counts = counts or _Counts()
        if not stories or not batch:
            return counts
        decided = self.store.decisions_for_items([i.id for i in batch])
        appends: dict[str, list[tuple[StoredItem, Match]]] = defaultdict(list)
        suggestions: list[dict[str, Any]] = []
        corrections: list[tuple[Tracked, StoredItem]] = []
        withdrawn: list[tuple[str, int]] = []
        promoted: list[tuple[str, StoredItem, Match]] = []
        for item in batch:
            prepared: list[tuple[Text, Text]] = []  # worked out once, if needed
            for story in stories:
                decision = decided.get((story.slug, item.id))
                if decision is not None:
                    if decision.outcome in ("appended", "accepted") and decision.content_hash != item.content_hash:
                        corrections.append((story, item))
                    elif decision.outcome == "suggested":
                        again = self._match(story, item, prepared)
                        if again.strength is Strength.STRONG and story.appends_automatically:
                            appends[story.slug].append((item, again))  # promoted by new rules or text
                            promoted.append((story.slug, item, again))
                        elif withdraw_unmatched and not again.matched:
                            withdrawn.append((story.slug, item.id))
                    continue
                result = self._match(story, item, prepared)
                if not result.matched:
                    continue
                if result.strength is Strength.STRONG and story.appends_automatically:
                    appends[story.slug].append((item, result))
                else:
                    suggestions.append(self._decision_row(story, item, result, "suggested", report_id=""))
        by_slug = {s.slug: s for s in stories}
        outcomes: dict[tuple[str, int], str] = {}
        for slug, entries in appends.items():
            outcomes.update(self._append(by_slug[slug], entries, counts))
        for slug, item, result in promoted:
            outcome = outcomes.get((slug, item.id), "")
            if outcome:
                self.store.update_decision(
                    slug,
                    item.id,
                    only_if=("suggested",),
                    outcome=outcome,
                    strength=result.strength.value,
                    rules_digest=result.rules_digest,
                    explanation=result.explain()[:4000],
                    report_id=item.report_id if outcome == "appended" else "",
                    content_hash=item.content_hash,
                    decided_at=now_utc(),
                )
        if suggestions:
            self.store.record_decisions(suggestions)
            counts.suggested += len(suggestions)
        for story, item in corrections:
            self._correct(story, item, counts)
        for slug, item_id in withdrawn:
            self.store.update_decision(slug, item_id, only_if=("suggested",), outcome="withdrawn", decided_at=now_utc())
        return counts

    def _decision_row(
        self, story: Tracked, item: StoredItem, result: Match, outcome: str, *, report_id: str, by: str = FEED_ACTOR
    ) -> dict[str, Any]:
        return {
            "suggestion_id": suggestion_id_for(story.slug, item.id),
            "story_slug": story.slug,
            "item_id": item.id,
            "outcome": outcome,
            "strength": result.strength.value,
            "rules_digest": result.rules_digest,
            "story_version": story.version,
            "explanation": result.explain()[:4000],
            "report_id": report_id,
            "content_hash": item.content_hash,
            "decided_at": now_utc(),
            "decided_by": by,
        }

    def _match(self, story: Tracked, item: StoredItem, prepared: list[tuple[Text, Text]]) -> Match:
        verdict = self._verdict(story, item)
        if verdict is not None:
            return verdict.result
        if not prepared:
            prepared.append((Text(item.title), Text(item.summary)))
        return match(story.rules, item.title, item.summary, prepared=prepared[0])

    def _verdict(self, story: Tracked, item: StoredItem) -> Verdict | None:
        """The parse process's verdict on this item for this story (None:
        not judged there, e.g. parsed on a fetch thread or another story)."""
        if self._judged.get(story.slug) is not story:
            return None
        verdicts = self._verdicts.get(text_key(item.title, item.content_hash))
        if verdicts is None:
            return None
        return verdicts.get(story.slug) or Verdict(Match(Strength.NONE, story.rules.digest), None)

    def report_fields(self, story: Tracked, item: StoredItem, result: Match) -> dict[str, Any]:
        verdict = self._verdict(story, item)
        found = verdict.found if verdict is not None and verdict.found is not None else None
        if found is None:
            found = classify(item.title, item.summary, story.parties)
        try:
            url = clean_url(item.link)
        except DomainError:
            url = ""
        evidence = [f"match {result.explain()}", *found.evidence]
        return {
            "report_id": item.report_id,
            "headline": item.title[:500],
            "summary": item.summary,
            "outlet": (item.feed_name or urlsplit(item.feed_url).hostname or "")[:200],
            "url": url,
            "attribution": ", ".join(item.authors)[:500],
            "parties": list(found.parties),
            "speakers": list(found.speakers),
            "kinds": [k.value for k in found.kinds],
            "origin": Origin(OriginKind.FEED, ref=item.identity, feed=item.feed_url),
            "published_at": item.published_at or item.first_seen_at,
            "classified_by": CLASSIFIER,
            "evidence": [e[:500] for e in evidence],
        }

    def _append(
        self, story: Tracked, entries: Sequence[tuple[StoredItem, Match]], counts: _Counts
    ) -> dict[tuple[str, int], str]:
        """Appends reports in one save; returns each item's outcome ("appended" or "duplicate")."""
        try:
            current: Story = self.newsroom.current_story(story.slug)
        except (AggregateNotFoundError, UnknownStory):
            return {}
        refs, links = self._known_items(current)
        rows: list[dict[str, Any]] = []
        batch: list[tuple[StoredItem, Match, dict[str, Any]]] = []
        for item, result in entries:
            if current.has_report(item.report_id):
                rows.append(self._decision_row(story, item, result, "appended", report_id=item.report_id))
            elif _identity_key(item.identity, item.feed_url) in refs or (item.link_key and item.link_key in links):
                rows.append(self._decision_row(story, item, result, "duplicate", report_id=""))
                counts.duplicates += 1
            else:
                refs.add(_identity_key(item.identity, item.feed_url))
                if item.link_key:
                    links.add(item.link_key)
                batch.append((item, result, self.report_fields(story, item, result)))
        version: int | None = current.version  # the story's version once these are appended
        for start in range(0, len(batch), APPEND_CHUNK):
            chunk = batch[start : start + APPEND_CHUNK]
            try:
                self.newsroom.add_reports(story.slug, [fields for _, _, fields in chunk])
                counts.appended += len(chunk)
                if version is not None:
                    version += len(chunk)  # one event per report
                rows.extend(self._decision_row(story, i, m, "appended", report_id=i.report_id) for i, m, _ in chunk)
            except DomainError:
                version = None  # not all of them appended: the sets no longer describe the story
                # someone appended one of them meanwhile, or one item is unusable: one by one
                for item, result, fields in chunk:
                    outcome = self._append_one(story.slug, fields)
                    if outcome == "appended":
                        counts.appended += 1
                    if outcome:
                        rows.append(self._decision_row(story, item, result, "appended", report_id=item.report_id))
        if version is None:
            self._known.pop(current.id, None)
        else:
            self._known[current.id] = (version, refs, links)
        _failpoint("after-append")
        self.store.record_decisions(rows)
        return {(story.slug, row["item_id"]): row["outcome"] for row in rows}

    def _known_items(self, story: Story) -> tuple[set[tuple[str, str]], set[str]]:
        """The feed items (identity keys) and links a story's reports already
        came from, for the duplicate check. Worked out once per cycle and
        kept up to date by the cycle's own appends, instead of again from
        every report at every flush; a story changed by anyone else since
        (another version than expected) is worked out again."""
        kept = self._known.get(story.id)
        if kept is not None and kept[0] == story.version:
            return kept[1], kept[2]
        refs = {
            _identity_key(r["origin"].get("ref", ""), r["origin"].get("feed", ""))
            for r in story.reports.values()
            if r["origin"].get("kind") == "feed"
        }
        links = {canonical_url(r["url"]) for r in story.reports.values() if r["url"]}
        return refs, links

    def _append_one(self, slug: str, fields: dict[str, Any]) -> str:
        try:
            self.newsroom.add_reports(slug, [fields])
            return "appended"
        except DuplicateReport:
            return "present"
        except DomainError as error:
            log.warning("story %s: feed item %s not appended: %s", slug, fields.get("report_id"), error)
            return ""

    def _correct(self, story: Tracked, item: StoredItem, counts: _Counts) -> None:
        decision = self.store.decisions_for_items([item.id]).get((story.slug, item.id))
        if decision is None or not decision.report_id:
            return
        try:
            self.newsroom.correct_report(
                story.slug,
                decision.report_id,
                headline=item.title[:500],
                summary=item.summary,
                reason=REVISION_REASON,
                by=FEED_ACTOR,
            )
            counts.corrected += 1
        except NothingChanged:
            pass  # already corrected (a replay after a crash)
        except (ReportRetracted, UnknownReport, DomainError) as error:
            log.info("story %s: revision of %s not applied: %s", story.slug, decision.report_id, error)
        self.store.update_decision(story.slug, item.id, content_hash=item.content_hash)

    # -- retroactive matching -------------------------------------------------------------

    def _rematch_changed(self, stories: Sequence[Tracked]) -> CycleSummary:
        matched = self.store.matched_digests()
        summary = CycleSummary()
        for story in stories:
            if matched.get(story.slug) != story.rules.digest:
                summary += self.rematch(story)
        return summary

    def rematch(self, story: Tracked) -> CycleSummary:
        """Matches the whole wire archive against one story (opened or rules changed)."""
        counts = _Counts()
        for chunk in self.store.iter_archive():
            self.process_items(chunk, [story], counts, withdraw_unmatched=True)
        self.store.set_matched_digest(story.slug, story.rules.digest)
        return CycleSummary(
            reports_appended=counts.appended,
            suggested=counts.suggested,
            reports_corrected=counts.corrected,
            duplicates_skipped=counts.duplicates,
            stories_rematched=1,
        )


_Fetched = tuple[Claim, FetchResult, "ParsedFeed | FeedError | Future[ParsedFeed] | None"]


def _parse_here(result: FetchResult) -> ParsedFeed | FeedError:
    try:
        return parse_feed(result.body, result.headers, result.url)
    except FeedError as error:
        return error
    except Exception as error:
        return FeedError(f"parser failure: {type(error).__name__}: {error}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:500] if text else type(error).__name__


def _database_refused(error: BaseException) -> bool:
    """A write the database itself refused (full, read-only, I/O error, locked), in
    SQLAlchemy's or any DB-API driver's terms (sqlite3, psycopg): not the feed's fault."""
    return any(kind.__name__ == "OperationalError" for kind in type(error).__mro__)


def _arrived(completed: queue.SimpleQueue[Future[Any]]) -> list[Future[Any]]:
    """Waits for the next finished future; returns it with any others already finished."""
    done = [completed.get()]
    while True:
        try:
            done.append(completed.get_nowait())
        except queue.Empty:
            return done


def _items_in(ready: Sequence[tuple[Claim, FetchResult, ParsedFeed | FeedError | None]]) -> int:
    return sum(len(parsed.items) for _, _, parsed in ready if isinstance(parsed, ParsedFeed))


def _identity_key(identity: str, feed_url: str) -> tuple[str, str]:
    """An item identity as the cross-feed duplicate check compares it. A URL,
    tag:/urn: URI or content hash means the same item in any feed (a wire
    story syndicated twice); an opaque GUID such as "1" or "item-7" (which
    feedparser may also have resolved into "//host/item-7") only means
    something within its own feed, so two feeds' "1" are different items."""
    if identity.startswith(("http://", "https://", "tag:", "urn:", "sha256:")):
        return ("", identity)
    return (feed_url, identity)


def feeds_from_config(settings: Settings) -> list[dict[str, Any]]:
    """The ``[[feeds]]`` of the configuration, checked: url, optional name and interval_seconds."""
    from tracker.config import ConfigError
    from tracker.ingest.fetcher import BadURL, check_url

    checked = []
    for index, entry in enumerate(settings.feeds):
        unknown = set(entry) - {"url", "name", "interval_seconds", "interval"}
        if unknown:
            raise ConfigError(f"feeds[{index}]: unknown key(s) {', '.join(sorted(unknown))}")
        try:
            url = check_url(entry["url"])
        except BadURL as error:
            raise ConfigError(f"feeds[{index}].url: {error}") from None
        interval = entry.get("interval_seconds", entry.get("interval"))
        if interval is not None:
            try:
                check_interval(interval, settings, f"feeds[{index}].interval_seconds")
            except ValueError as error:
                raise ConfigError(str(error)) from None
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise ConfigError(f"feeds[{index}].name: expected text")
        checked.append({"url": url, "name": name.strip(), "interval": interval})
    return checked
