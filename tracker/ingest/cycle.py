"""One polling cycle, as a straight line: claim due feeds -> fetch (threads)
-> parse (pure; in the parse processes once the cycle is big) -> archive and
free the feeds (a transaction per batch of feeds) -> match the pending items
of many feeds at once -> append, suggest, correct.

A ``Cycle`` holds that one cycle's state (its stories, the verdicts the
parse processes sent back, what the duplicate check knows of each story)
and is dropped with it; the long-lived parts (fetcher, fetch threads, parse
processes, store) are the orchestrator's and are handed in.

Exactly-once, across crashes and several pollers: a document's items and
validators are stored in one transaction and its new or revised items marked
*pending*; pending items are matched and appended (see appending.py); only
then are they marked processed. A crash between any two steps leaves pending
items (or a lapsed claim) that the next cycle — of this or another poller —
completes, without duplicates.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from tracker.application import Newsroom
from tracker.config import Settings
from tracker.domain.rule_index import RuleIndex
from tracker.domain.rules import Match, Strength, Text
from tracker.ingest.appending import Appender
from tracker.ingest.archiving import Archiver, Ready, items_in
from tracker.ingest.fetcher import Fetcher, FetchResult, FetchStatus
from tracker.ingest.parser import FeedError, ParsedFeed
from tracker.ingest.parsing import ParsePool, Verdicts, parse_here, parsed
from tracker.ingest.prejudge import Judge, Judges, Verdict, rule_index, text_key
from tracker.ingest.store import Claim, IngestStore, StoredItem
from tracker.ingest.summary import Counts, CycleSummary, FeedProgress
from tracker.ingest.tracking import Tracked
from tracker.moments import now_utc
from tracker.tuning import Tuning

log = logging.getLogger("tracker.ingest")

#: What a fetch thread hands back: the parse done there, or a future of it in the parse processes.
Fetched = tuple[Claim, FetchResult, "ParsedFeed | FeedError | Future[Any] | None"]


class Cycle:
    def __init__(
        self,
        *,
        newsroom: Newsroom,
        store: IngestStore,
        settings: Settings,
        tuning: Tuning,
        fetcher: Fetcher,
        threads: ThreadPoolExecutor,
        parse_pool: ParsePool,
        stories: Sequence[Tracked],
        poller: str,
        batch: int,
        concurrency: int,
        lease_seconds: float,
        progress: FeedProgress | None = None,
    ) -> None:
        self.newsroom = newsroom
        self.store = store
        self.progress = progress
        self.feeds_done = self.items_seen = 0
        self.tuning = tuning
        self.fetcher = fetcher
        self.threads = threads
        self.parse_pool = parse_pool
        self.stories = list(stories)
        self.poller = poller
        self.batch = batch
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        failpoint = tuning.failpoint or (lambda _name: None)
        self.archiver = Archiver(store, settings, failpoint)
        self.appender = Appender(newsroom, store, tuning, verdict=self.verdict, looked_up=self.looked_up)
        #: every new body goes to the parse processes
        self.big = False
        # The stories as the parse processes judge items for them (set once the
        # archive is re-matched), and the verdicts they sent back (see prejudge).
        self.judged: dict[str, Tracked] = {}
        self.judges: tuple[Judge, ...] = ()
        self.verdicts: Verdicts = {}
        #: every story's terms: an item is matched only against the stories it could match
        self.index = RuleIndex([])

    # -- the cycle ---------------------------------------------------------------------

    def run(self, *, feed_ids: Sequence[int] | None, force: bool) -> CycleSummary:
        """A pipeline: up to ``concurrency`` fetches run at once; whenever fewer
        are in flight, more due feeds are claimed; results are archived and
        matched on this thread as they arrive."""
        stories = self.stories
        summary = self.rematch_changed()
        self.judged = {story.slug: story for story in stories}
        self.judges = Judges(Judge.of(story) for story in stories)
        self.index = rule_index(self.judges)
        threshold = self.tuning.parse_pool_threshold
        if feed_ids is not None and len(feed_ids) > threshold:
            self.big = True  # known big from the start: every new body goes to the parse processes
        summary += self.match_pending(stale=True)  # left behind by a poller that died
        seen: set[int] = set()
        ready: list[Ready] = []
        unmatched: list[int] = []
        waiting = 0
        in_flight: set[Future[Fetched]] = set()  # fetching (or queued for a fetch thread)
        # Futures put themselves here when done (concurrent.futures.wait over all of
        # them at every turn cost more than the turn's own work in a big cycle).
        completed: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        parsing: dict[Future[Any], tuple[Claim, FetchResult]] = {}  # in the parse processes
        exhausted = False
        while True:
            if not exhausted and len(in_flight) < self.concurrency and len(parsing) < self.tuning.parse_backlog:
                claims = self._claim(feed_ids, seen, force, len(in_flight))
                exhausted = not claims
                if len(seen) + len(claims) > threshold:
                    self.big = True  # the first new body starts the parse processes
                if self.big and not self.parse_pool.started and any(not c.feed.body_hash for c in claims):
                    # feeds never fetched before: new bodies are certain, so the parse processes
                    # start now, while these are fetched (a cycle where nothing changed starts none)
                    self.parse_pool.warm()
                for claim in claims:
                    seen.add(claim.feed.id)
                    fetching = self.threads.submit(self.fetch_and_parse, claim)
                    in_flight.add(fetching)
                    fetching.add_done_callback(completed.put)
            if not in_flight and not parsing:
                break
            for future in _arrived(completed):
                if future in parsing:
                    claim, result = parsing.pop(future)
                    ready.append((claim, result, parsed(future, result, self.verdicts)))
                    continue
                in_flight.discard(future)
                claim, result, outcome = future.result()
                if isinstance(outcome, Future):
                    parsing[outcome] = (claim, result)
                    outcome.add_done_callback(completed.put)
                else:
                    ready.append((claim, result, outcome))
            finished = not in_flight and not parsing and exhausted
            if ready and (finished or self._batch_full(ready, exhausted)):
                # archived in batches: one transaction for many feeds
                archived, items = self._archive(ready, unmatched)
                summary += archived
                waiting += items
                ready = []
            if waiting >= self.tuning.flush_items or (unmatched and finished):
                # matched in large batches: one save per story for many feeds
                summary += self.match_pending(feed_ids=unmatched)
                unmatched, waiting = [], 0
        summary += self._archive(ready, unmatched)[0]
        summary += self.match_pending(feed_ids=unmatched)
        return summary

    def _claim(self, feed_ids: Sequence[int] | None, seen: set[int], force: bool, fetching: int) -> list[Claim]:
        wanted = None if feed_ids is None else [i for i in feed_ids if i not in seen]
        if wanted == []:
            return []
        return self.store.claim_due(
            self.poller,
            limit=self.batch + self.concurrency - fetching,
            lease_seconds=self.lease_seconds,
            feed_ids=wanted,
            exclude=seen if feed_ids is None else (),
            force=force,
        )

    def _batch_full(self, ready: Sequence[Ready], exhausted: bool) -> bool:
        limit = self.tuning.drain_store_items if exhausted else self.tuning.store_items
        return len(ready) >= self.tuning.store_feeds or items_in(ready) >= limit

    def _archive(self, ready: Sequence[Ready], unmatched: list[int]) -> tuple[CycleSummary, int]:
        """Archives a batch; the feeds with new or revised items join ``unmatched``.
        Returns what archiving did and how many items now wait for matching."""
        summary = CycleSummary()
        waiting = 0
        for feed_id, step in self.archiver.complete_batch(ready):
            summary += step
            self.feeds_done += 1
            self.items_seen += step.items_seen
            if self.progress is not None:
                self.progress(self.feeds_done, self.items_seen)
            if step.items_new or step.items_revised:
                unmatched.append(feed_id)
                waiting += step.items_new + step.items_revised
        return summary, waiting

    def fetch_and_parse(self, claim: Claim) -> Fetched:
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
        future = self.parse_pool.submit(result, self.judges, start=self.big)
        if future is not None:
            return claim, result, future
        return claim, result, parse_here(result)

    # -- matching -------------------------------------------------------------------------

    def match_pending(self, *, feed_ids: Sequence[int] = (), stale: bool = False) -> CycleSummary:
        """Matches pending items (of ``feed_ids``, or left by dead pollers with ``stale``), then marks them processed."""
        if not feed_ids and not stale:
            return CycleSummary()
        counts = Counts()
        flush = self.tuning.flush_items
        stale_before = now_utc() - timedelta(seconds=self.lease_seconds) if stale else None
        while True:
            batch = self.store.pending_items(feed_ids=feed_ids or None, stale_before=stale_before, limit=flush)
            if not batch:
                break
            with self.newsroom.saves_gathered():  # projected once the batch is marked
                self.process_items(batch, self.stories, counts)
                self.store.mark_processed(i.id for i in batch)
            if len(batch) < flush:
                break
        return counts.summary()

    def process_items(self, batch: Sequence[StoredItem], stories: Sequence[Tracked], counts: Counts) -> Counts:
        if stories is self.stories:
            stories = self.narrowed(batch, stories, self.candidates)
        return self.appender.process_items(batch, stories, counts)

    def narrowed(
        self, batch: Sequence[StoredItem], stories: Sequence[Tracked], candidates: Callable[[StoredItem], list[str]]
    ) -> list[Tracked]:
        """The stories some item of the batch could match, or that decided one
        before: the others would not match any of them (see rule_index)."""
        wanted = {slug for item in batch for slug in candidates(item)}
        wanted.update(slug for slug, _ in self.store.decisions_for_items([item.id for item in batch]))
        return [story for story in stories if story.slug in wanted]

    def candidates(self, item: StoredItem) -> list[str]:
        """The stories an item could match: those a parse process found it matches
        (it judged it for every story), or those whose terms it holds."""
        verdicts = self.verdicts.get(text_key(item.title, item.content_hash, item.content))
        if verdicts is not None:
            return list(verdicts)
        return [self.stories[position].slug for position in self.index.candidates(_texts(item))]

    def rematch_changed(self) -> CycleSummary:
        """Stories opened, or whose rules changed, since the archive was last matched
        against them: all of them in one pass over the archive (each item judged
        only for the stories it could match), their digests recorded at once."""
        matched = self.store.matched_digests()
        changed = [story for story in self.stories if matched.get(story.slug) != story.rules.digest]
        if not changed:
            return CycleSummary()
        index = RuleIndex([story.rules for story in changed])

        def candidates(item: StoredItem) -> list[str]:
            return [changed[position].slug for position in index.candidates(_texts(item))]

        counts = Counts()
        for chunk in self.store.iter_archive():
            self.appender.process_items(
                chunk, self.narrowed(chunk, changed, candidates), counts, withdraw_unmatched=True
            )
        self.store.set_matched_digests({story.slug: story.rules.digest for story in changed})
        return counts.summary(stories_rematched=len(changed))

    def verdict(self, story: Tracked, item: StoredItem) -> Verdict | None:
        """The parse process's verdict on this item for this story (None:
        not judged there, e.g. parsed on a fetch thread or another story)."""
        if self.judged.get(story.slug) is not story:
            return None
        verdicts = self.verdicts.get(text_key(item.title, item.content_hash, item.content))
        if verdicts is None:
            return None
        return verdicts.get(story.slug) or Verdict(Match(Strength.NONE, story.rules.digest), None)

    def looked_up(self, story: Tracked, item: StoredItem) -> Match | None:
        """The verdict's match (the same as :meth:`verdict`, without building a Verdict for a miss)."""
        if self.judged.get(story.slug) is not story:
            return None
        verdicts = self.verdicts.get(text_key(item.title, item.content_hash, item.content))
        if verdicts is None:
            return None
        found = verdicts.get(story.slug)
        return found.result if found is not None else Match(Strength.NONE, story.rules.digest)


def _texts(item: StoredItem) -> tuple[Text, Text, Text]:
    return (Text(item.title), Text(item.summary), Text(item.content))


def _arrived(completed: queue.SimpleQueue[Future[Any]]) -> list[Future[Any]]:
    """Waits for the next finished future; returns it with any others already finished."""
    done = [completed.get()]
    while True:
        try:
            done.append(completed.get_nowait())
        except queue.Empty:
            return done
