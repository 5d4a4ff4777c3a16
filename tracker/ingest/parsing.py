"""The parse processes: feedparser is CPU-bound, so a big cycle parses (and
judges, see prejudge.py) in one worker process per core, fed directly by the
fetch threads. The pool outlives a cycle; a cycle where nothing changed
starts none. A pool that breaks (a process killed, out of memory) is
noticed where it is used, and the feed is parsed on the calling thread.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tracker.ingest.fetcher import FetchResult
from tracker.ingest.parser import FeedError, ParsedFeed, parse_feed
from tracker.ingest.prejudge import Judge, TextKey, Verdict, parse_and_judge, parse_process_started, process_ready

Verdicts = dict[TextKey, dict[str, Verdict]]


class ParsePool:
    def __init__(self, processes: int | None) -> None:
        #: processes to start (0: never; always parse on the fetch threads)
        self.processes = max(1, os.cpu_count() or 1) if processes is None else processes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._executor is not None

    def start(self) -> ProcessPoolExecutor | None:
        """The parse processes, started by the first fetch thread that needs them
        or when a cycle claims feeds never fetched."""
        with self._lock:
            if self._executor is None and self.processes >= 1:
                context = multiprocessing.get_context("spawn")  # no fork of a process with threads and sockets
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=context,
                    initializer=parse_process_started,
                    initargs=(os.getpid(),),
                )
            return self._executor

    def warm(self) -> None:
        """Starts the processes now (one no-op task each), so they import
        while the cycle's first feeds are fetched."""
        executor = self.start()
        if executor is not None:
            try:
                for _ in range(self.processes):
                    executor.submit(process_ready)
            except (BrokenProcessPool, RuntimeError):
                pass  # a broken pool is found (and replaced by parsing here) when it is used

    def submit(
        self, result: FetchResult, judges: Sequence[Judge], *, start: bool
    ) -> Future[tuple[ParsedFeed, Verdicts]] | None:
        """The parse of a fetched body in the processes (started if ``start``);
        None: parse it here (no pool, or the pool is gone or shutting down)."""
        executor = self._executor or (self.start() if start else None)
        if executor is None:
            return None
        try:
            return executor.submit(parse_and_judge, result.body, result.headers, result.url, judges)
        except (BrokenProcessPool, RuntimeError):
            return None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def parse_here(result: FetchResult) -> ParsedFeed | FeedError:
    try:
        return parse_feed(result.body, result.headers, result.url)
    except FeedError as error:
        return error
    except Exception as error:
        return FeedError(f"parser failure: {type(error).__name__}: {error}")


def parsed(
    future: Future[tuple[ParsedFeed, Verdicts]], result: FetchResult, verdicts: Verdicts
) -> ParsedFeed | FeedError:
    """A parse process's result; its verdicts are added to ``verdicts``."""
    try:
        feed, found = future.result()
        verdicts.update(found)
        return feed
    except FeedError as error:
        return error
    except BrokenProcessPool:
        return parse_here(result)  # a parse process died (killed, out of memory): parse here
    except Exception as error:
        return FeedError(f"parser failure: {type(error).__name__}: {error}")
