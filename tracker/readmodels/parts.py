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

Within a part the stories are applied one after another, each story's
events in version order (:meth:`Projector.build_stories`), so every B-tree
keyed by story is written in key order rather than a page per story being
rewritten as thousands of stories interleave in the log. Report row ids are
their events' notification ids, so a part's rows need no renumbering; a
part keeps them in a unique index (its reports are appended in story order)
and they are sorted by id as they are copied. Parts follow each other in
story order, so every table keyed by story is appended to in key order (a
later part's reports fall between an earlier one's, in one forward sweep).
The first part, built in this process, is the smallest, so that it is
copied in while the others finish.
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

from sqlalchemy import MetaData, event, insert
from sqlalchemy.exc import IntegrityError

from tracker.readmodels import tables as tbl
from tracker.readmodels.view import PositionMoved, ProjectionError
from tracker.sql import placeholder

#: Below this many events a rebuild stays in one process: starting another
#: interpreter costs about a second.
PARALLEL_MIN_EVENTS = 100_000
#: Most processes a rebuild uses (each holds its batches and a page cache).
MAX_PARTS = 4
#: Most events read and applied at a time by each part; fewer than a
#: one-process rebuild's, so that two processes stay under its memory.
PART_BATCH = 1_500
#: The first part's events, as a share of each other part's: this process
#: builds it and copies it in while the others finish.
FIRST_SHARE = 0.8
#: Each part's SQLite page cache while it writes. Its stories are written
#: one after another, so few pages are in use at once: 8 MiB built parts as
#: fast as 32 MiB did, and a 1,000,000-event replay peaked at 169 MiB, not 217.
PART_PAGE_CACHE_KIB = 8_192

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


def plan_parts(projector: Any, until: int, parts: int, *, first_share: float = FIRST_SHARE) -> list[PartPlan]:
    """Contiguous ranges of stories with about as many events each, the
    first ``first_share`` as many as the others (fewer ranges when there are
    fewer stories)."""
    events = projector.newsroom.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
    with projector.events_engine.connect() as conn:
        counts = conn.exec_driver_sql(
            f"SELECT originator_id, COUNT(*) FROM {events.name} WHERE id <= {placeholder(conn)} "
            "GROUP BY originator_id ORDER BY originator_id",
            (until,),
        ).all()
    total = sum(count for _, count in counts)
    weights = [first_share] + [1.0] * (parts - 1)
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
    projector: Any,
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
    crew = _Crew(jobs, progress, target)
    merge = _Merge(projector, paths, until)
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


class _Crew:
    """The spawned parts: their progress counters, the flags saying their
    tables exist, and how each ended."""

    def __init__(self, jobs: Sequence[_PartJob], progress: Progress | None, target: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.progress = progress
        self.target = target
        self.counters = [context.Value("q", 0, lock=False) for _ in jobs]
        self.ready = [context.Value("b", 0, lock=False) for _ in jobs]
        self.outcomes = context.SimpleQueue()
        self.processes = [
            context.Process(
                target=_run_part,
                args=(job, self.counters[job.number], self.ready[job.number], self.outcomes),
                name=f"replay-part-{job.number}",
            )
            for job in jobs[1:]
        ]
        self.ended: dict[str, str | None] = {}

    def start(self) -> None:
        for process in self.processes:
            process.start()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(sum(counter.value for counter in self.counters), self.target)

    def all_done(self) -> bool:
        return len(self.ended) == len(self.processes)

    def wait(self, condition: Callable[[], bool]) -> None:
        """Until ``condition`` holds; raises PartFailed as soon as a part fails."""
        while True:
            while not self.outcomes.empty():
                name, error = self.outcomes.get()
                self.ended[name] = error
            for process in self.processes:
                if process.name not in self.ended and not process.is_alive() and self.outcomes.empty():
                    process.join()
                    self.ended[process.name] = f"{process.name} ended (exit code {process.exitcode}) before finishing"
            failures = [error for error in self.ended.values() if error is not None]
            if failures:
                raise PartFailed("; ".join(failures))
            if condition() or self.all_done():
                return
            self.report()
            time.sleep(0.05)

    def stop(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.kill()
            process.join()


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
    from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

    from tracker.application import Newsroom
    from tracker.readmodels.projector import Projector

    newsroom = Newsroom({**job.env, "CREATE_TABLE": "n"})
    datastore = SQLAlchemyDatastore(url=f"sqlite:///{job.path}")
    # A part's file is thrown away if anything fails, so it is written once,
    # without a journal (no WAL to copy back) and without waiting for the disk.
    datastore.is_sqlite_filedb = False  # the datastore would switch it to WAL
    event.listen(datastore.engine, "connect", _unjournaled)
    tables = tbl.define(MetaData(), job.prefix, job.tracking_name, by_story=True)
    projector = Projector(
        newsroom, tables, batch_size=job.batch_size, views_datastore=datastore, stories=(job.plan.low, job.plan.high)
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
        projector.build_stories(
            until=job.until,
            progress=on_progress,
            events_per_transaction=job.events_per_transaction,
            page_cache_kib=PART_PAGE_CACHE_KIB,
        )
    finally:
        newsroom.close()
        datastore.engine.dispose()  # type: ignore[union-attr]


def _unjournaled(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = OFF")
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


class _Merge:
    """One transaction on the live database copying the parts in, with their
    search rows and the reports' story index, and setting the position.
    It begins by claiming the position (raising PositionMoved, copying
    nothing, when another process has started projecting into the live views
    meanwhile); closing it without a commit rolls everything back."""

    def __init__(self, projector: Any, paths: Sequence[Path], until: int) -> None:
        self.projector = projector
        self.tables = projector.tables
        self.paths = paths
        self.until = until
        self.conn: Any = None
        self.transaction: Any = None
        self.attached = 0
        # Built by one sort at the end, not by a million inserts in
        # notification order (the deferred indexes come after the commit).
        self.unique = next(
            i for i in self.tables.reports.indexes if i.name == f"{self.tables.prefix}reports_story_report"
        )

    def attach(self) -> None:
        self.conn = self.projector.engine.connect()
        for number, path in enumerate(self.paths):
            self.conn.exec_driver_sql(f"ATTACH DATABASE ? AS part{number}", (str(path),))
            self.attached += 1
        self.conn.commit()

    def begin(self) -> None:
        self.transaction = self.conn.begin()
        self._claim()
        self.unique.drop(self.conn, checkfirst=True)

    def _claim(self) -> None:
        # A write first, so this transaction takes the write lock on the
        # newest snapshot; the views' position is one row per name.
        record = self.projector.views.tracking_record_cls.__table__
        try:
            self.conn.execute(
                insert(record).values(application_name=self.tables.tracking_name, notification_id=self.until)
            )
        except IntegrityError as error:
            raise PositionMoved("read models were projected by another process during the rebuild") from error

    def copy(self, number: int) -> None:
        """Appends one part's rows (the parts follow each other in story
        order); its reports, which lie in story order, are sorted by id (one
        sequential read and a sort, not a random read per row)."""
        for table in self.tables.all:
            columns = ", ".join(column.name for column in table.columns)
            self.conn.exec_driver_sql(
                f"INSERT INTO main.{table.name} ({columns}) SELECT {columns} FROM part{number}.{table.name}"
                + (" ORDER BY +id" if table is self.tables.reports else "")
            )
        tbl.index_search(self.conn, self.tables, f"part{number}", by_story=True)

    def commit(self) -> None:
        self.unique.create(self.conn)
        self.transaction.commit()
        self.transaction = None

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            if self.transaction is not None:
                self.transaction.rollback()
        finally:
            for number in range(self.attached):
                self.conn.exec_driver_sql(f"DETACH DATABASE part{number}")
            self.conn.commit()
            self.conn.close()


def remove_stale_parts(folder: Path, stem: str) -> None:
    """Part files a killed rebuild left behind (its processes are gone or
    write to files no longer linked, which harms nothing)."""
    for path in folder.glob(f"{stem}.part-*"):
        path.unlink(missing_ok=True)


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
