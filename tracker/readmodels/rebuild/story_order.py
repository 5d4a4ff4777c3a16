"""Building a part of a rebuild story by story (the views keyed by story
are then written in key order)."""

from __future__ import annotations

import time
from typing import Any

from tracker.collector import collector_paused
from tracker.readmodels.errors import ProjectionError
from tracker.readmodels.poison import PoisonSuspected
from tracker.readmodels.projector import CatchUpResult, Progress, Projector, Tally
from tracker.readmodels.reading import Batches


def build_stories(
    projector: Projector,
    *,
    until: int,
    progress: Progress | None = None,
    events_per_transaction: int | None = None,
    page_cache_kib: int | None = None,
) -> CatchUpResult:
    """Builds ``projector``'s empty views (a part of a rebuild) from its
    stories' events up to ``until``, story by story
    (:meth:`Projector.story_batches`), in rebuild mode and without cyclic
    garbage collection. Not a catch-up: the views' position counts the
    events applied, since notification ids do not increase in story order;
    such views are copied into live ones that take the position ``until``.
    Neither the search index nor the deferred indexes are built: the live
    views get them."""
    tuning = projector.tuning
    per_transaction = tuning.replay_transaction if events_per_transaction is None else events_per_transaction
    cache = tuning.rebuild_page_cache_kib if page_cache_kib is None else page_cache_kib
    started = time.perf_counter()
    tally = Tally(progress, until)
    views = projector.views
    with projector._lock, collector_paused(), views.rebuild_mode(cache):
        start = views.position()
        if start:
            raise ProjectionError(f"views built story by story must start empty, not at {start}")
        cursor: list[Any] = [None, None]  # after the last batch read; after the last committed

        def tracked(after: tuple[Any, int] | None) -> Batches:
            for batch in projector.story_batches(until, after):
                cursor[0] = projector.reader.story_cursor(batch)
                yield batch

        batches = tracked(None)
        careful = False
        try:
            while True:
                counted = tally.applied
                try:
                    reached = views.apply_batches(
                        start, batches, max_events=per_transaction, on_batch=tally, counting=True, careful=careful
                    )
                except PoisonSuspected:
                    tally.applied, careful = counted, True
                    batches.close()
                    batches = tracked(cursor[1])
                    continue
                careful = False
                cursor[1] = cursor[0]
                if reached == start:
                    break
                start = reached
        finally:
            batches.close()
    return CatchUpResult(tally.applied, start, time.perf_counter() - started)
