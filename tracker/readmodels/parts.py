"""Rebuilding the read models on SQLite in parts, one process per core.

One SQLite database has one writer, and one Python process uses one core:
a rebuild applying the whole log in one process leaves the other cores idle.
Every view is keyed by story, so the stories are split into contiguous
ranges of ids holding about as many events each; each range is rebuilt by
its own process into a database file of its own (the first in this process,
the others spawned), reading only its stories' events from the event store.
The parts are then copied into the live tables in one transaction that also
sets the views' position, so a rebuild killed before that leaves the live
views empty at position zero, and one killed after it has everything.

Report row ids are their events' notification ids, so a part's rows need
no renumbering; parts follow each other in story order, so every table but
the reports (ordered by notification id, merged with ORDER BY) is appended
to in key order.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, insert

from tracker.readmodels import tables as tbl
from tracker.readmodels.view import PositionMoved, ProjectionError

#: Below this many events a rebuild stays in one process: starting another
#: interpreter costs about a second.
PARALLEL_MIN_EVENTS = 100_000
#: Most processes a rebuild uses (each holds its batches and a page cache).
MAX_PARTS = 4
#: Most events read and applied at a time by each part; fewer than a
#: one-process rebuild's, so that two processes stay under its memory.
PART_BATCH = 2_000
#: Each part's SQLite page cache while it writes.
PART_PAGE_CACHE_KIB = 16_384

Progress = Callable[[int, int], None]


class PartFailed(ProjectionError):
    """A part of a split rebuild stopped; the message says why (for an event
    it cannot apply, which notification)."""


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


def part_count() -> int:
    """The cores this process may use, at most :data:`MAX_PARTS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PARTS))


def plan_parts(projector: Any, until: int, parts: int) -> list[PartPlan]:
    """Contiguous ranges of stories with about as many events each (fewer
    ranges when there are fewer stories)."""
    events = projector.newsroom.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with projector.events_engine.connect() as conn:
        counts = conn.exec_driver_sql(
            f"SELECT originator_id, COUNT(*) FROM {events.name} WHERE id <= ? GROUP BY originator_id ORDER BY originator_id",
            (until,),
        ).all()
    total = sum(count for _, count in counts)
    plans: list[PartPlan] = []
    low: bytes | None = None
    taken = 0
    done = 0
    for index, (originator, count) in enumerate(counts):
        if len(plans) < parts - 1 and taken and done + taken >= total * (len(plans) + 1) / parts:
            plans.append(PartPlan(low, bytes(originator), taken))
            done += taken
            low, taken = bytes(originator), 0
        taken += count
    plans.append(PartPlan(low, None, taken))
    return plans


def rebuild_in_parts(
    projector: Any,
    plans: Sequence[PartPlan],
    *,
    until: int,
    progress: Progress | None,
    batch_size: int,
    events_per_transaction: int,
    rebuild_part: Callable[..., Any],
) -> int:
    """Rebuilds ``projector``'s views (empty, at position zero) from the
    log up to ``until`` in one process per plan, then copies the parts in;
    returns the number of events applied."""
    database = projector.engine.url.database
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
            batch_size=min(batch_size, PART_BATCH),
            events_per_transaction=events_per_transaction,
            parent_pid=os.getpid(),
        )
        for n, (plan, path) in enumerate(zip(plans, paths, strict=True))
    ]
    target = sum(plan.events for plan in plans)
    context = multiprocessing.get_context("spawn")
    counters = [context.Value("q", 0, lock=False) for _ in jobs]
    outcomes = context.SimpleQueue()

    def report() -> None:
        if progress is not None:
            progress(sum(counter.value for counter in counters), target)

    processes = [
        context.Process(target=_run_part, args=(job, counters[job.number], outcomes), name=f"replay-part-{job.number}")
        for job in jobs[1:]
    ]
    try:
        for process in processes:
            process.start()
        _build_part(jobs[0], counters[0], rebuild_part, report)
        failures = _wait(processes, outcomes, report)
        if failures:
            raise PartFailed("; ".join(failures))
        report()
        _merge(projector, paths, until)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
            process.join()
        for path in paths:
            _remove_database(path)
    return target


def _wait(processes: list[Any], outcomes: Any, report: Callable[[], None]) -> list[str]:
    failures: list[str] = []
    pending = {process.name for process in processes}
    while pending:
        while not outcomes.empty():
            name, error = outcomes.get()
            pending.discard(name)
            if error is not None:
                failures.append(error)
        for process in processes:
            if process.name in pending and not process.is_alive() and outcomes.empty():
                process.join()
                pending.discard(process.name)
                failures.append(f"{process.name} ended (exit code {process.exitcode}) before finishing")
        report()
        time.sleep(0.1)
    return failures


def _run_part(job: _PartJob, counter: Any, outcomes: Any) -> None:
    """A spawned part: rebuilds its stories, then says how it went."""
    from tracker.readmodels.projector import rebuild

    name = multiprocessing.current_process().name
    try:
        _build_part(job, counter, rebuild, lambda: None)
    except BaseException as error:  # noqa: BLE001 - reported to the coordinator, which raises
        outcomes.put((name, f"{name}: {error}"))
        raise SystemExit(1) from None
    outcomes.put((name, None))


def _build_part(job: _PartJob, counter: Any, rebuild_part: Callable[..., Any], report: Callable[[], None]) -> None:
    from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

    from tracker.application import Newsroom
    from tracker.readmodels.projector import Projector

    newsroom = Newsroom({**job.env, "CREATE_TABLE": "n"})
    datastore = SQLAlchemyDatastore(url=f"sqlite:///{job.path}")
    tables = tbl.define(MetaData(), job.prefix, job.tracking_name)
    low = None if job.plan.low is None else uuid.UUID(bytes=job.plan.low)
    high = None if job.plan.high is None else uuid.UUID(bytes=job.plan.high)
    projector = Projector(newsroom, tables, views_datastore=datastore, stories=(low, high))

    def on_progress(applied: int, _target: int) -> None:
        counter.value = applied
        if os.getppid() != job.parent_pid and job.number:
            os._exit(1)  # the coordinator is gone: nobody will merge this part
        report()

    try:
        projector.views.create_table()
        projector.reset()
        rebuild_part(
            projector,
            progress=on_progress,
            batch_size=job.batch_size,
            until=job.until,
            events_per_transaction=job.events_per_transaction,
            parts=1,
            finish=False,
            page_cache_kib=PART_PAGE_CACHE_KIB,
        )
    finally:
        newsroom.close()
        datastore.engine.dispose()  # type: ignore[union-attr]


def _merge(projector: Any, paths: Sequence[Path], until: int) -> None:
    """Copies every part into the live tables and sets the position, in one
    transaction; raises PositionMoved, copying nothing, when another process
    has started projecting into the live views meanwhile."""
    tables = projector.tables
    record = projector.views.tracking_record_cls.__table__
    with projector.engine.connect() as conn:
        for number, path in enumerate(paths):
            conn.exec_driver_sql(f"ATTACH DATABASE ? AS part{number}", (str(path),))
        conn.commit()
        try:
            with conn.begin():
                # First, so this transaction holds the write lock before it
                # reads anything: a position already there means another
                # process has been applying events to these views.
                taken = conn.execute(
                    record.select().where(record.c.application_name == tables.tracking_name)
                ).first()
                if taken is not None:
                    raise PositionMoved(
                        f"read models moved to notification {taken.notification_id} during the rebuild"
                    )
                conn.execute(insert(record).values(application_name=tables.tracking_name, notification_id=until))
                # The reports' story index is filled by one sort at the end,
                # not by a million inserts in notification order.
                unique = next(i for i in tables.reports.indexes if i.name == f"{tables.prefix}reports_story_report")
                unique.drop(conn)
                for table in tables.all:
                    columns = ", ".join(column.name for column in table.columns)
                    if table is tables.reports:
                        union = " UNION ALL ".join(
                            f"SELECT {columns} FROM part{n}.{table.name}" for n in range(len(paths))
                        )
                        conn.exec_driver_sql(f"INSERT INTO main.{table.name} ({columns}) {union} ORDER BY 1")
                        continue
                    for number in range(len(paths)):
                        conn.exec_driver_sql(
                            f"INSERT INTO main.{table.name} ({columns}) SELECT {columns} FROM part{number}.{table.name}"
                        )
                unique.create(conn)
        finally:
            for number in range(len(paths)):
                conn.exec_driver_sql(f"DETACH DATABASE part{number}")
            conn.commit()


def remove_stale_parts(folder: Path, stem: str) -> None:
    """Part files a killed rebuild left behind (its processes are gone or
    write to files no longer linked, which harms nothing)."""
    for path in folder.glob(f"{stem}.part-*"):
        path.unlink(missing_ok=True)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
