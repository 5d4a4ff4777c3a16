"""Rebuilding every view from zero: :func:`replay` and :func:`rebuild`."""

from __future__ import annotations

import time

from tracker.readmodels import tables as tbl
from tracker.readmodels.errors import PositionMoved
from tracker.readmodels.projector import REPLAY_MARK, CatchUpResult, Progress, Projector
from tracker.readmodels.rebuild import parts as _parts
from tracker.readmodels.rebuild.bulk_session import bulk_session
from tracker.readmodels.search_index import fill_search


def replay(
    projector: Projector,
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
    events_per_transaction: int | None = None,
    parts: int | None = None,
) -> CatchUpResult:
    """Rebuilds every view from the event log. A replay that was killed part
    way resumes from its last committed batch (a rebuild in parts commits
    once, at its end, so it starts again); the result is the same."""
    if not _replay_in_progress(projector):
        projector.reset()
        _mark_replay(projector, True)
    result = rebuild(
        projector,
        progress=progress,
        batch_size=batch_size,
        events_per_transaction=events_per_transaction,
        parts=parts,
    )
    _mark_replay(projector, False)
    return result


def rebuild(
    projector: Projector,
    *,
    progress: Progress | None = None,
    batch_size: int | None = None,
    until: int | None = None,
    events_per_transaction: int | None = None,
    parts: int | None = None,
) -> CatchUpResult:
    """Catches up a projector whose views are being built from zero, in bulk:
    the indexes it never reads through are built once at the end, SQLite
    commits without waiting for the disk and the cyclic garbage collector
    is paused (:mod:`.bulk_session`). Views rebuilt from zero on an SQLite
    file are built in ``parts`` processes (see :mod:`.parts`); by default
    one per core when the log is long, none when ``parts`` is 1. The sizes
    not given come from the projector's tuning."""
    tuning = projector.tuning
    batch_size = tuning.replay_batch if batch_size is None else batch_size
    per_transaction = tuning.replay_transaction if events_per_transaction is None else events_per_transaction
    started = time.perf_counter()
    projector.batch_size = batch_size
    sqlite = projector.engine.dialect.name == "sqlite"
    tbl.drop_deferred_indexes(projector.engine, projector.tables)
    threads = _parts.part_count(tuning.max_parts)
    with bulk_session(projector.engine, threads=threads, checkpoint_interval=tuning.checkpoint_interval):
        # A rebuild in parts fills the search index as it copies the parts in.
        applied = _in_parts(projector, until, parts, progress, batch_size, per_transaction)
        with projector.views.rebuild_mode(tuning.rebuild_page_cache_kib):
            result = projector.catch_up(
                progress=progress, until=until, read_ahead=True, events_per_transaction=per_transaction
            )
        searched = applied is not None and result.applied == 0
        if sqlite and not searched:  # the search index the rebuild left alone
            with projector.engine.begin() as conn:
                fill_search(conn, projector.tables)
        tbl.create_deferred_indexes(projector.engine, projector.tables)
    return CatchUpResult((applied or 0) + result.applied, result.position, time.perf_counter() - started)


def _in_parts(
    projector: Projector,
    until: int | None,
    parts: int | None,
    progress: Progress | None,
    batch_size: int,
    events_per_transaction: int,
) -> int | None:
    """Rebuilds in parts when that is possible and worth it; the events
    applied, or None when it was not done (or another process projected
    meanwhile, whose position the catch-up carries on from)."""
    tuning = projector.tuning
    target = projector.head() if until is None else until
    count = _parts.part_count(tuning.max_parts) if parts is None else parts
    if count < 2 or not _splittable(projector, target, tuning.parallel_min_events if parts is None else 1):
        return None
    plans = _parts.plan_parts(projector, target, count)
    if len(plans) < 2:
        return None
    try:
        return _parts.rebuild_in_parts(
            projector,
            plans,
            until=target,
            progress=progress,
            batch_size=batch_size,
            events_per_transaction=events_per_transaction,
        )
    except PositionMoved:
        return None


def _splittable(projector: Projector, target: int, least: int) -> bool:
    """Whether the views are empty on an SQLite file and the log holds at
    least ``least`` events (enough for the processes to pay for themselves)."""
    database = projector.engine.url.database
    return (
        projector.engine.dialect.name == "sqlite"
        and bool(database)
        and database != ":memory:"
        and "mode=memory" not in str(projector.engine.url)
        and projector.stories is None
        and target >= least
        and projector.position() == 0
    )


def _replay_in_progress(projector: Projector) -> bool:
    meta = projector.tables.meta
    with projector.engine.connect() as conn:
        try:
            return conn.execute(meta.select().where(meta.c.view == REPLAY_MARK)).first() is not None
        except Exception:
            return False


def _mark_replay(projector: Projector, running: bool) -> None:
    meta = projector.tables.meta
    with projector.engine.begin() as conn:
        conn.execute(meta.delete().where(meta.c.view == REPLAY_MARK))
        if running:
            conn.execute(meta.insert().values(view=REPLAY_MARK, version=1))
