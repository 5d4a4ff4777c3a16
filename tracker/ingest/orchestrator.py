"""The long-lived side of polling: what outlives one cycle.

The scheduler (worker.py) only decides *when* to run a cycle; the
``Orchestrator`` owns the parts a cycle borrows (the fetcher and its HTTP
connection pool, the fetch threads, the parse processes, the store) and
runs one :class:`~tracker.ingest.cycle.Cycle` at a time, which does the work
(fetch -> parse -> archive -> match -> append) and is dropped at its end.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import replace

from tracker.application import Newsroom
from tracker.collector import collector_paused
from tracker.config import Settings
from tracker.ingest.appending import Appender
from tracker.ingest.cycle import Cycle
from tracker.ingest.fetcher import Fetcher
from tracker.ingest.follower import ViewFollower
from tracker.ingest.parsing import ParsePool
from tracker.ingest.store import IngestStore
from tracker.ingest.summary import CycleSummary, FeedProgress
from tracker.ingest.tracking import Tracked, tracked_stories
from tracker.ingest.withdrawals import restore_withdrawn
from tracker.tuning import Tuning


def default_lease(settings: Settings, batch: int, concurrency: int) -> float:
    """How long a claim holds: a batch's worst-case fetches (3 x timeout each) plus processing."""
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
        tuning: Tuning | None = None,
        allowed_origins: Iterable[tuple[str, int]] = (),
        concurrency: int | None = None,
        batch: int | None = None,
        poller: str | None = None,
    ) -> None:
        self.newsroom = newsroom
        self.store = store
        self.settings = settings
        self.tuning = tuning or Tuning.from_settings(settings)
        self.concurrency = max(1, concurrency or self.tuning.fetch_threads)
        self.fetcher = Fetcher(
            settings, allowed_origins=tuple(allowed_origins), max_connections=max(8, self.concurrency)
        )
        # claim about as many feeds as are fetched at once: short leases, fair sharing between pollers
        self.batch = max(1, batch or self.concurrency)
        self.poller = poller or poller_name()
        self.lease_seconds = self.tuning.lease_seconds or default_lease(settings, self.batch, self.concurrency)
        self._threads = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="fetch")
        self.parse_pool = ParsePool(self.tuning.parse_processes)
        self._lock = threading.Lock()  # one cycle at a time per orchestrator

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        self.parse_pool.close()
        self.fetcher.close()

    def run_cycle(
        self, *, feed_ids: Sequence[int] | None = None, force: bool = False, progress: FeedProgress | None = None
    ) -> CycleSummary:
        """Polls every due feed (or ``feed_ids``; ``force`` ignores next_check_at), once each;
        ``progress`` is told after each feed archived."""
        with self._lock:
            started = time.monotonic()
            cycle = Cycle(
                newsroom=self.newsroom,
                store=self.store,
                settings=self.settings,
                tuning=self.tuning,
                fetcher=self.fetcher,
                threads=self._threads,
                parse_pool=self.parse_pool,
                stories=tracked_stories(self.newsroom),
                poller=self.poller,
                batch=self.batch,
                concurrency=self.concurrency,
                lease_seconds=self.lease_seconds,
                progress=progress,
            )
            # The cycle's saves are projected by a follower thread while it goes on;
            # it waits for the read models once, at its end.
            hook = self.newsroom.after_save
            follower = (
                ViewFollower(hook, pause=self.tuning.follower_pause, pausing=lambda: cycle.big)
                if hook is not None
                else None
            )
            handed = self.newsroom.saves_handed_to(follower.saved) if follower is not None else nullcontext()
            with collector_paused():
                try:
                    with handed, self.newsroom.cycle_snapshots():
                        summary = cycle.run(feed_ids=feed_ids, force=force)
                except BaseException:
                    if follower is not None:
                        follower.finish(quietly=True)
                    raise
                if follower is not None:
                    follower.finish()
            return replace(summary, elapsed_seconds=time.monotonic() - started)


def rematch(newsroom: Newsroom, store: IngestStore, tuning: Tuning, story: Tracked) -> CycleSummary:
    """Matches the whole wire archive against one story (opened or rules changed), outside a cycle.
    Withdrawn suggestions the rules match again are pending again first (tracker.ingest.withdrawals)."""
    restore_withdrawn(store, story)
    return Appender(newsroom, store, tuning).rematch(story).summary(stories_rematched=1)
