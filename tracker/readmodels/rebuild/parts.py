"""Rebuilding the read models on SQLite in parts, one process per core.

One SQLite database has one writer, and one Python process uses one core:
a rebuild applying the whole log in one process leaves the other cores idle.
Every view is keyed by story, so the stories are split into contiguous
ranges of ids holding about as many events each; each range is rebuilt by
its own process into a database file of its own (the first in this process,
the others spawned, :mod:`.crew`), reading only its stories' events from the
event store. The parts are then copied into the live tables (:mod:`.merge`)
in one transaction that also sets the views' position, so a rebuild killed
before that leaves the live views empty at position zero, and one killed
after it has everything.

Within a part the stories are applied one after another, each story's
events in version order (:mod:`.story_order`), so every B-tree keyed by
story is written in key order rather than a page per story being rewritten
as thousands of stories interleave in the log. Report row ids are their
events' notification ids, so a part's rows need no renumbering; a part
keeps them in a unique index (its reports are appended in story order) and
they are sorted by id as they are copied. Parts follow each other in story
order, so every table keyed by story is appended to in key order (a later
part's reports fall between an earlier one's, in one forward sweep). The
first part, built in this process, is the smallest, so that it is copied in
while the others finish.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import MetaData, event

from tracker.application import Newsroom
from tracker.readmodels import tables as tbl
from tracker.readmodels.projector import Progress, Projector
from tracker.readmodels.rebuild.crew import Crew, PartFailed
from tracker.readmodels.rebuild.merge import PartMerge
from tracker.readmodels.rebuild.story_order import build_stories
from tracker.sql import placeholder

__all__ = ["PartFailed", "PartPlan", "part_count", "plan_parts", "rebuild_in_parts", "remove_stale_parts"]


@dataclass(frozen=True)
class PartPlan:
    """One range of stories: stored originator ids from ``low`` (inclusive)
    to ``high`` (exclusive); None is open-ended."""

    low: bytes | None
    high: bytes | None
    events: int


@dataclass(frozen=True)
class _PartJob:
    number: int
    env: dict[str, str]
    path: str
    prefix: str
    tracking_name: str
    plan: PartPlan
    until: int
    batch_size: int
    events_per_transaction: int
    parent_pid: int
    page_cache_kib: int


def part_count(max_parts: int) -> int:
    """The cores this process may use, at most ``max_parts``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, max_parts))


def plan_parts(projector: Projector, until: int, parts: int, *, first_share: float | None = None) -> list[PartPlan]:
    """Contiguous ranges of stories with about as many events each, the
    first ``first_share`` as many as the others (fewer ranges when there are
    fewer stories)."""
    share = projector.tuning.first_share if first_share is None else first_share
    events = projector.newsroom.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with projector.events_engine.connect() as conn:
        counts = conn.exec_driver_sql(
            f"SELECT originator_id, COUNT(*) FROM {events.name} WHERE id <= {placeholder(conn)} "
            "GROUP BY originator_id ORDER BY originator_id",
            (until,),
        ).all()
    total = sum(count for _, count in counts)
    weights = [share] + [1.0] * (parts - 1)
    bounds = [total * sum(weights[: n + 1]) / sum(weights) for n in range(parts - 1)]
    plans: list[PartPlan] = []
    low: bytes | None = None
    taken = done = 0
    for originator, count in counts:
        if len(plans) < len(bounds) and taken and done + taken + count / 2 > bounds[len(plans)]:
            plans.append(PartPlan(low, bytes(originator), taken))
            done += taken
            low, taken = bytes(originator), 0
        taken += count
    plans.append(PartPlan(low, None, taken))
    return plans


def rebuild_in_parts(
    projector: Projector,
    plans: Sequence[PartPlan],
    *,
    until: int,
    progress: Progress | None,
    batch_size: int,
    events_per_transaction: int,
) -> int:
    """Rebuilds ``projector``'s views (empty, at position zero) and their
    search index from the log up to ``until`` in one process per plan, and
    copies the parts in; returns the number of events applied.

    The first part, built in this process, is the smallest: once it is
    built, this process copies it in while the others finish, and copies
    each of them in the same transaction as soon as all are done."""
    database = str(projector.engine.url.database)
    folder, stem = Path(database).parent, Path(database).name
    remove_stale_parts(folder, stem)
    paths = [folder / f"{stem}.part-{os.getpid()}-{uuid.uuid4().hex[:8]}-{n}" for n in range(len(plans))]
    jobs = [
        _PartJob(
            number=n,
            env=dict(projector.newsroom.env),
            path=str(path),
            prefix=projector.tables.prefix,
            tracking_name=projector.tables.tracking_name,
            plan=plan,
            until=until,
            batch_size=min(batch_size, projector.tuning.part_batch),
            events_per_transaction=events_per_transaction,
            parent_pid=os.getpid(),
            page_cache_kib=projector.tuning.part_page_cache_kib,
        )
        for n, (plan, path) in enumerate(zip(plans, paths, strict=True))
    ]
    target = sum(plan.events for plan in plans)
    crew = Crew(jobs, progress, target, _run_part)
    merge = PartMerge(projector, paths, until)
    try:
        crew.start()
        crew.wait(lambda: all(flag.value for flag in crew.ready[1:]))  # their tables exist
        merge.attach()  # now, not at the end, when a part may hold its file's lock
        _build_part(jobs[0], crew.counters[0], crew.ready[0], crew.report)
        merge.begin()
        merge.copy(0)
        crew.wait(crew.all_done)
        for number in range(1, len(paths)):
            merge.copy(number)
        merge.commit()
        crew.report()
    finally:
        merge.close()
        crew.stop()
        for path in paths:
            _remove_database(path)
    return target


def _run_part(job: _PartJob, counter: Any, ready: Any, outcomes: Any) -> None:
    """A spawned part: rebuilds its stories, then says how it went."""
    name = multiprocessing.current_process().name
    try:
        _build_part(job, counter, ready, lambda: None)
    except BaseException as error:
        outcomes.put((name, f"{name}: {error}"))
        raise SystemExit(1) from None
    outcomes.put((name, None))


def _build_part(job: _PartJob, counter: Any, ready: Any, report: Callable[[], None]) -> None:
    newsroom = Newsroom({**job.env, "CREATE_TABLE": "n"})
    datastore = SQLAlchemyDatastore(url=f"sqlite:///{job.path}")
    # A part's file is thrown away if anything fails, so it is written once,
    # without a journal (no WAL to copy back) and without waiting for the disk.
    datastore.is_sqlite_filedb = False  # the datastore would switch it to WAL
    event.listen(datastore.engine, "connect", _unjournaled)
    tables = tbl.define(MetaData(), job.prefix, job.tracking_name, by_story=True)
    projector = Projector(
        newsroom,
        tables,
        batch_size=job.batch_size,
        views_datastore=datastore,
        stories=(job.plan.low, job.plan.high),
    )

    def on_progress(applied: int, _target: int) -> None:
        counter.value = applied
        if os.getppid() != job.parent_pid and job.number:
            os._exit(1)  # the coordinator is gone: nobody will merge this part
        report()

    try:
        projector.views.create_table()
        projector.reset()
        # No schema change after this: the coordinator may attach the file.
        tbl.drop_deferred_indexes(projector.engine, tables)
        ready.value = 1
        build_stories(
            projector,
            until=job.until,
            progress=on_progress,
            events_per_transaction=job.events_per_transaction,
            page_cache_kib=job.page_cache_kib,
        )
    finally:
        newsroom.close()
        datastore.engine.dispose()  # type: ignore[union-attr]


def _unjournaled(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = OFF")
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


def remove_stale_parts(folder: Path, stem: str) -> None:
    """Part files a killed rebuild left behind (its processes are gone or
    write to files no longer linked, which harms nothing)."""
    for path in folder.glob(f"{stem}.part-*"):
        path.unlink(missing_ok=True)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
