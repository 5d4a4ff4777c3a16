"""Tuning values: the sizes and thresholds the ingest cycle and the read
models work with, in one frozen dataclass built from Settings and passed in.

They used to be module globals that tests changed by monkeypatching; now a
test (or an operator's config) passes a Tuning of its own. Why each value is
what it is lives in docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from tracker.config import Settings


@dataclass(frozen=True)
class Tuning:
    # -- ingestion (tracker/ingest) -------------------------------------------

    #: Pending items matched together (one story save per story per flush). A
    #: cold cycle of 25,000 items peaked at 240 MiB matching 12,500 at a time,
    #: 222 MiB at 2,500, no slower: a flush's items, reports and events are most of the peak.
    flush_items: int = 2_500
    #: Reports per save: each save also snapshots the story and feeds the read models.
    append_chunk: int = 5_000
    #: Fetched feeds archived (or just freed: 304, unchanged) in one transaction...
    store_feeds: int = 100
    #: ...or fewer, once they hold this many items...
    store_items: int = 2_000
    #: ...and once every feed is claimed, this many (less left for the end).
    drain_store_items: int = 500
    #: Fetched feeds queued for the parse processes at most (claiming pauses above it).
    parse_backlog: int = 128
    #: Feeds in one cycle above which parsing moves to worker processes.
    parse_pool_threshold: int = 32
    #: Parse processes (None: one per core; 0: always parse on the fetch threads).
    parse_processes: int | None = None
    #: Fetches at once (threads, sharing one HTTP connection pool).
    fetch_threads: int = 16
    #: How long a claim holds (None: a batch's worst-case fetches plus processing).
    lease_seconds: float | None = None
    #: Crash injection for the kill tests: called with a step's name
    #: ("after-store", "after-append"); None in production.
    failpoint: Callable[[str], None] | None = None

    # -- read models (tracker/readmodels) ---------------------------------------

    #: Events read at a time when the views catch up.
    catch_up_batch: int = 1_000
    #: Events per transaction when a command waits to read its own write.
    catch_up_transaction: int = 20_000
    #: Least seconds between the read models' catch-ups during a big poll
    #: cycle (tracker/ingest/follower.py): how far they may lag one.
    follower_pause: float = 10.0
    #: Events read and applied at a time when rebuilding (three batches in
    #: memory at once: 5,000 as fast as 10,000, peak 226 MiB, not 270).
    replay_batch: int = 5_000
    #: Events per transaction when rebuilding (`tracker replay --commit-every`):
    #: each commit writes every page it changed; a killed rebuild redoes at most this many.
    replay_transaction: int = 100_000
    #: Empty read models this many events or more behind are rebuilt in bulk
    #: at start-up instead of caught up batch by batch.
    bulk_from: int = 10_000
    #: The writing connection's SQLite page cache while the views are rebuilt.
    rebuild_page_cache_kib: int = 32_768
    #: Seconds between the passive WAL checkpoints a rebuild runs from a thread.
    checkpoint_interval: float = 0.25
    #: Below this many events a rebuild stays in one process (a spawn costs ~1 s).
    parallel_min_events: int = 100_000
    #: Most processes a rebuild in parts uses.
    max_parts: int = 4
    #: Most events each part reads and applies at a time.
    part_batch: int = 1_500
    #: The first part's events as a share of each other part's (this process
    #: builds it and copies it in while the others finish).
    first_share: float = 0.8
    #: Each part's SQLite page cache (stories written one after another).
    part_page_cache_kib: int = 8_192

    @classmethod
    def from_settings(cls, settings: Settings) -> Tuning:
        """The defaults; settings may override some of them."""
        return cls()

    def but(self, **changes: Any) -> Tuning:
        """A copy with some values changed (tests, benchmarks)."""
        return replace(self, **changes)
