"""Keeping the read models caught up with the event log, and rebuilding them.

Catch-up reads the notification log in batches after the views' tracking
position and applies each batch in one transaction with the new position.
It serves every database: commands call it to see their own writes, the
poller process runs it in a loop (SQLite polls; PostgreSQL also wakes on
LISTEN/NOTIFY through the library's subscription), and replay runs it from
zero. Memory stays flat: only one batch is held at a time.

A batch holding a poisoned event (one the views cannot decode or store, see
:mod:`.poison`) is read again and applied carefully; the event is recorded
and skipped with the rest of its story, and the views go on.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.application import Newsroom
from tracker.collector import collector_paused
from tracker.readmodels import tables as tbl
from tracker.readmodels.parts import PARALLEL_MIN_EVENTS, part_count, plan_parts, rebuild_in_parts
from tracker.readmodels.poison import PoisonSuspected, Undecodable, Unprojected, clean_text
from tracker.readmodels.view import REBUILD_PAGE_CACHE_KIB, PositionMoved, ProjectionError, StoryViews
from tracker.sql import driver_cursor, placeholder

log = logging.getLogger("tracker.readmodels")

Progress = Callable[[int, int], None]  # (applied so far, target position)

#: Events per transaction when a command waits to read its own write.
CATCH_UP_TRANSACTION = 20_000

#: Events read and applied at a time when rebuilding. Three batches are in
#: memory at once: 5,000 replayed 1,000,000 events as fast as 10,000 did
#: (transactions group many batches) with a peak of 226 MiB instead of 270.
REPLAY_BATCH = 5_000
#: Events per transaction when rebuilding: each commit writes every page the
#: transaction changed, and with thousands of stories interleaved nearly
#: every event changes its own pages; fewer, bigger transactions write each
#: page once for many events. A killed rebuild redoes at most this many.
REPLAY_TRANSACTION = 100_000


class ProjectionLag(Exception):
    """The read models did not reach a position in time."""


class EventNotProjected(ProjectionError):
    """The read models passed an event without showing it: it is poisoned,
    or its story stopped at an earlier poisoned event."""

    def __init__(self, event: Unprojected, poisoned: Unprojected | None) -> None:
        cause = poisoned or event
        message = cause.describe()
        if poisoned is not None:
            message += f"; the story's later event {event.notification_id} is held back"
        super().__init__(message)
        self.event = event


@dataclass(frozen=True)
class CatchUpResult:
    applied: int
    position: int
    seconds: float


class Projector:
    """Applies the newsroom's event log to its views. The views normally live
    in the event store's database; a rebuild split by story writes each part
    into a database of its own (``views_datastore``) with
    :meth:`build_stories`, reading only the events of the stories whose ids
    fall in ``stories`` (from, before: the ids as the driver stores them;
    None is open-ended)."""

    def __init__(
        self,
        newsroom: Newsroom,
        tables: tbl.ViewTables = tbl.LIVE,
        *,
        batch_size: int = 1000,
        views_datastore: Any = None,
        stories: tuple[Any, Any] | None = None,
    ) -> None:
        self.newsroom = newsroom
        self.tables = tables
        self.batch_size = batch_size
        self.events_engine: Engine = newsroom.factory.datastore.engine  # type: ignore[attr-defined]
        datastore = views_datastore or newsroom.factory.datastore  # type: ignore[attr-defined]
        self.views = StoryViews(datastore, tables)
        self.engine: Engine = datastore.engine
        self.stories = stories
        self._originators: dict[Any, UUID] = {}
        self._lock = threading.Lock()

    # -- schema -----------------------------------------------------------------

    def prepare(self) -> bool:
        """Creates missing tables; rebuilds when a view's version changed.
        Returns True when a rebuild was started."""
        self.views.create_table()
        tbl.create_all(self.engine, self.tables)
        stored = self._stored_versions()
        if stored == tbl.VIEW_VERSIONS:
            return False
        if not stored and self.views.position() == 0:
            self._write_versions()
            return False
        self.reset()
        return True

    def _stored_versions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(self.tables.meta.select()).all()
        return {row.view: row.version for row in rows if row.view != _REPLAY_MARK}

    def _write_versions(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.tables.meta.delete())
            conn.execute(
                self.tables.meta.insert(),
                [{"view": name, "version": version} for name, version in tbl.VIEW_VERSIONS.items()],
            )

    def reset(self) -> None:
        """Drops and recreates every view at position zero."""
        tbl.drop_all(self.engine, self.tables)
        tbl.create_all(self.engine, self.tables)
        self.views.reset_position()
        self._write_versions()

    def drop(self) -> None:
        tbl.drop_all(self.engine, self.tables)
        self.views.reset_position()

    # -- catching up ----------------------------------------------------------

    def position(self) -> int:
        return self.views.position()

    def head(self) -> int:
        return self.newsroom.recorder.max_notification_id() or 0

    def catch_up(
        self,
        *,
        progress: Progress | None = None,
        until: int | None = None,
        read_ahead: bool = False,
        events_per_transaction: int = 1,
    ) -> CatchUpResult:
        """Applies the log after the views' position, a batch per transaction
        (or as many batches as make ``events_per_transaction``).
        ``read_ahead`` reads and decodes the next batch in a thread while
        this one is written (SQLite and psycopg release the GIL while they
        work), for long catch-ups such as a replay."""
        if self.stories is not None:
            raise ValueError("views of a range of stories are built with build_stories, not caught up")
        started = time.perf_counter()
        tally = _Tally(progress, self.head() if until is None else until)
        with self._lock:
            start = self.views.position()
            batches = self._batches(start, read_ahead)
            careful = False
            try:
                while until is None or start < until:
                    counted = tally.applied
                    try:
                        reached = self.views.apply_batches(
                            start, batches, max_events=events_per_transaction, on_batch=tally, careful=careful
                        )
                    except (PositionMoved, IntegrityError):
                        # Another process applied them: carry on from its position.
                        tally.applied, careful = counted, False
                        batches.close()
                        start = self.views.position()
                        batches = self._batches(start, read_ahead)
                        continue
                    except PoisonSuspected:
                        # The same events again, carefully, to find the poisoned one.
                        tally.applied, careful = counted, True
                        batches.close()
                        batches = self._batches(start, read_ahead)
                        continue
                    careful = False
                    if reached == start:
                        break
                    start = reached
            finally:
                batches.close()
        return CatchUpResult(tally.applied, start, time.perf_counter() - started)

    def _batches(self, position: int, read_ahead: bool) -> Iterator[list[tuple[int, Any]]]:
        """Decoded batches of the log after ``position``, until its end."""

        def read(after: int) -> tuple[list[tuple[int, Any]], int]:
            batch = [(n.id, self._decode(n)) for n in self._read(after + 1)]
            return batch, batch[-1][0] if batch else after

        return _pages(read, position, read_ahead)

    def story_batches(self, until: int, after: tuple[Any, int] | None = None) -> Iterator[list[tuple[int, Any]]]:
        """Decoded batches of the events of this projector's stories up to
        notification ``until``, story by story, each story's in version
        order (read ahead in a thread). Every view is keyed by story, so a
        part built in this order writes each B-tree in key order: a story's
        rows fill pages one after another instead of a page per story being
        rewritten thousands of times as stories interleave."""
        if self.stories is None:
            raise ValueError("story_batches needs a range of stories")
        low, high = self.stories

        def read(after: tuple[Any, int] | None) -> tuple[list[tuple[int, Any]], tuple[Any, int] | None]:
            conditions: list[str] = []
            params: list[Any] = []
            if after is not None:
                conditions.append("(originator_id, originator_version) > ({mark}, {mark})")
                params += after
            elif low is not None:
                conditions.append("originator_id >= {mark}")
                params.append(low)
            if high is not None:
                conditions.append("originator_id < {mark}")
                params.append(high)
            conditions.append("id <= {mark}")
            params.append(until)
            rows = self._select(" AND ".join(conditions), params, "originator_id, originator_version")
            batch = [(n.id, self._decode(n)) for n in self._notifications(rows)]
            return batch, (rows[-1][1], rows[-1][2]) if rows else after

        return _pages(read, after, True)

    def _story_cursor(self, batch: list[tuple[int, Any]]) -> tuple[Any, int]:
        """Where :meth:`story_batches` goes on after ``batch``: its last
        event's stored originator id (16 bytes on SQLite) and version."""
        event = batch[-1][1]
        stored = event.originator_id.bytes if self.events_engine.dialect.name == "sqlite" else event.originator_id
        return stored, event.originator_version

    def _read(self, start: int) -> list[Notification]:
        """A batch of the notification log, read through the driver (the
        recorder's ORM query builds an object per row, and SQLAlchemy's row
        and UUID processing cost a tenth of a rebuild)."""
        return self._notifications(self._select("id >= {mark}", [start], "id"))

    def _select(self, where: str, params: list[Any], order: str) -> list[Any]:
        """Up to a batch of stored events, as driver rows."""
        events = self.newsroom.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
        with self.events_engine.connect() as conn:
            condition = where.replace("{mark}", placeholder(conn))
            with driver_cursor(conn) as cursor:
                cursor.execute(
                    f"SELECT id, originator_id, originator_version, topic, state FROM {events.name} "
                    f"WHERE {condition} ORDER BY {order} LIMIT {int(self.batch_size)}",
                    params,
                )
                return cursor.fetchall()

    def _notifications(self, rows: list[Any]) -> list[Notification]:
        ids = self._originators
        return [
            Notification(
                id=row[0],
                originator_id=ids.get(row[1]) or self._originator(row[1]),
                originator_version=row[2],
                topic=row[3],
                state=bytes(row[4]) if isinstance(row[4], memoryview) else row[4],
            )
            for row in rows
        ]

    def _originator(self, stored: Any) -> UUID:
        """A stored originator id as a UUID (SQLite stores 16 bytes), kept:
        a log has far fewer stories than events."""
        value = stored if isinstance(stored, UUID) else UUID(bytes=bytes(stored))
        if len(self._originators) < 100_000:
            self._originators[stored] = value
        return value

    def _decode(self, notification: Notification) -> Any:
        """The domain event, or an :class:`Undecodable` standing for it (the
        views record it as poisoned instead of stopping)."""
        try:
            return self.newsroom.mapper.to_domain_event(notification)
        except Exception as error:
            return Undecodable(
                notification.originator_id,
                notification.originator_version,
                notification.topic,
                clean_text(f"{type(error).__name__}: {error}", 200),
            )

    def build_stories(
        self,
        *,
        until: int,
        progress: Progress | None = None,
        events_per_transaction: int = REPLAY_TRANSACTION,
        page_cache_kib: int = REBUILD_PAGE_CACHE_KIB,
    ) -> CatchUpResult:
        """Builds empty views (a part of a rebuild) from this projector's
        stories' events up to ``until``, story by story
        (:meth:`story_batches`), in rebuild mode and without cyclic garbage
        collection. Not a catch-up: the views' position counts the events
        applied, since notification ids do not increase in story order;
        such views are copied into live ones that take the position
        ``until``. Neither the search index nor the deferred indexes are
        built: the live views get them."""
        started = time.perf_counter()
        tally = _Tally(progress, until)
        with self._lock, collector_paused(), self.views.rebuild_mode(page_cache_kib):
            start = self.views.position()
            if start:
                raise ProjectionError(f"views built story by story must start empty, not at {start}")
            cursor: list[Any] = [None, None]  # after the last batch read; after the last committed

            def tracked(after: tuple[Any, int] | None) -> Iterator[list[tuple[int, Any]]]:
                for batch in self.story_batches(until, after):
                    cursor[0] = self._story_cursor(batch)
                    yield batch

            batches = tracked(None)
            careful = False
            try:
                while True:
                    counted = tally.applied
                    try:
                        reached = self.views.apply_batches(
                            start,
                            batches,
                            max_events=events_per_transaction,
                            on_batch=tally,
                            counting=True,
                            careful=careful,
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

    def wait_for(self, notification_id: int, timeout: float = 10.0) -> None:
        """Catches up until ``notification_id`` is applied, or fails clearly."""
        deadline = time.monotonic() + timeout
        while True:
            # one transaction for a big save's events: the story and its
            # facts are read and written once, not once per batch
            reached = self.catch_up(until=notification_id, events_per_transaction=CATCH_UP_TRANSACTION).position
            if reached >= notification_id:
                return
            if time.monotonic() > deadline:
                raise ProjectionLag(
                    f"read models reached notification {reached}, not {notification_id}, within {timeout:g}s"
                )
            time.sleep(0.02)

    def check_shown(self, notification_id: int) -> None:
        """Raises EventNotProjected when the views passed the event without
        showing it (one indexed read; for a caller that says so, the web)."""
        skipped = self.views.unprojected(notification_id)
        if skipped is not None:
            poisoned = self.views.unprojected(skipped.held_by) if skipped.held_by is not None else None
            raise EventNotProjected(skipped, poisoned)

    def poisonings(self) -> list[Any]:
        """The poisoned events the views skipped (see :mod:`.poison`)."""
        return self.views.poisonings()

    def run_forever(self, stop: threading.Event, *, interval: float = 0.1) -> None:
        """Keeps the views current until ``stop`` is set. On PostgreSQL the
        library's LISTEN/NOTIFY subscription wakes it when events are recorded
        and it catches up in batches (the library's ProjectionRunner applies
        one event per transaction, which fell seconds behind 500 events/s);
        on SQLite it polls."""
        self.catch_up()
        if self.engine.dialect.name == "postgresql":
            self._follow_subscription(stop)
            return
        while not stop.is_set():
            self.catch_up()
            stop.wait(interval)

    def _follow_subscription(self, stop: threading.Event) -> None:
        subscription = self.newsroom.recorder.subscribe(gt=self.views.position())
        stopper = threading.Thread(target=lambda: (stop.wait(), subscription.stop()), daemon=True)
        stopper.start()
        with subscription:
            for notification in subscription:
                if stop.is_set():
                    break
                if notification.id > self.views.position():
                    self.catch_up()


class _Tally:
    """Counts the events a catch-up or build applies, reporting progress
    after each batch as (applied so far, target position)."""

    def __init__(self, progress: Progress | None, target: int) -> None:
        self.progress = progress
        self.target = target
        self.applied = 0

    def __call__(self, count: int, position: int) -> None:
        self.applied += count
        if self.progress is not None:
            self.progress(self.applied, max(self.target, position))


def _pages(read: Callable[[Any], tuple[list[Any], Any]], after: Any, read_ahead: bool) -> Iterator[list[Any]]:
    """The batches ``read(cursor)`` returns (each with the cursor after it)
    until an empty one; with ``read_ahead`` the next is read and decoded in
    a thread while this one is written (SQLite and psycopg release the GIL
    while they work)."""
    if not read_ahead:
        while True:
            batch, after = read(after)
            if not batch:
                return
            yield batch
    ahead: queue.Queue[tuple[list[Any], BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def reader(cursor: Any) -> None:
        while not stop.is_set():
            try:
                batch, cursor = read(cursor)
            except BaseException as error:
                ahead.put(([], error))
                return
            ahead.put((batch, None))
            if not batch:
                return

    thread = threading.Thread(target=reader, args=(after,), name="projector-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            batch, error = ahead.get()
            if error is not None:
                raise error
            if not batch:
                return
            yield batch
    finally:
        stop.set()
        while thread.is_alive():  # unblock a reader waiting to put
            try:
                ahead.get(timeout=0.05)
            except queue.Empty:
                pass
        thread.join()


#: Read models this many events or more behind and empty (a first start on
#: an existing log, or a view whose version changed) are rebuilt in bulk at
#: start-up, as ``tracker replay`` does: caught up batch by batch, a
#: 1,000,000-event log took 315 s; rebuilt, about 40.
BULK_FROM = 10_000


def bring_up_to_date(projector: Projector, *, bulk_from: int | None = None) -> CatchUpResult:
    """Catches the views up with the log, rebuilding them in bulk when they
    are empty and the log is long."""
    threshold = BULK_FROM if bulk_from is None else bulk_from
    if projector.position() == 0 and (head := projector.head()) >= threshold:
        log.warning("read models are empty and %s events behind: rebuilding them in bulk", f"{head:,}")
        return rebuild(projector, until=head)
    return projector.catch_up()


def replay(
    projector: Projector,
    *,
    progress: Progress | None = None,
    batch_size: int = REPLAY_BATCH,
    events_per_transaction: int = REPLAY_TRANSACTION,
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
    batch_size: int = REPLAY_BATCH,
    until: int | None = None,
    events_per_transaction: int = REPLAY_TRANSACTION,
    parts: int | None = None,
) -> CatchUpResult:
    """Catches up a projector whose views are being built from zero, in bulk:
    the indexes it never reads through are built once at the end, SQLite
    commits without waiting for the disk (WAL, synchronous=NORMAL: a crash
    can only lose the last batches, which the resumed rebuild applies again)
    and the cyclic garbage collector is paused (batches are freed by
    reference counting). Views rebuilt from zero on an SQLite file are
    built in ``parts`` processes (see :mod:`.parts`); by default one per
    core when the log is long, none when ``parts`` is 1."""
    started = time.perf_counter()
    projector.batch_size = batch_size
    sqlite = projector.engine.dialect.name == "sqlite"
    tbl.drop_deferred_indexes(projector.engine, projector.tables)
    with _bulk_session(projector.engine):
        # A rebuild in parts fills the search index as it copies the parts in.
        applied = _in_parts(projector, until, parts, progress, batch_size, events_per_transaction)
        with projector.views.rebuild_mode():
            result = projector.catch_up(
                progress=progress, until=until, read_ahead=True, events_per_transaction=events_per_transaction
            )
        searched = applied is not None and result.applied == 0
        if sqlite and not searched:  # the search index the rebuild left alone
            with projector.engine.begin() as conn:
                tbl.fill_search(conn, projector.tables)
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
    target = projector.head() if until is None else until
    count = part_count() if parts is None else parts
    if count < 2 or not _splittable(projector, target, PARALLEL_MIN_EVENTS if parts is None else 1):
        return None
    plans = plan_parts(projector, target, count)
    if len(plans) < 2:
        return None
    try:
        return rebuild_in_parts(
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


@contextmanager
def _bulk_session(engine: Engine) -> Iterator[None]:
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        event.listen(engine, "connect", _bulk_pragmas)
        engine.dispose()
    checkpoints = _BackgroundCheckpoints(engine) if sqlite else None
    try:
        with collector_paused():
            if checkpoints is not None:
                checkpoints.start()
            yield
    finally:
        if checkpoints is not None:
            checkpoints.stop()
        if sqlite:
            event.remove(engine, "connect", _bulk_pragmas)
            engine.dispose()
            with engine.connect() as conn:  # give back the WAL file's disk space
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA threads = {part_count()}")  # sorting for CREATE INDEX and ORDER BY
    cursor.execute("PRAGMA wal_autocheckpoint = 0")  # :class:`_BackgroundCheckpoints` does it
    cursor.close()


class _BackgroundCheckpoints:
    """Copies committed WAL frames into an SQLite database file from a thread
    of its own while a rebuild writes. SQLite's automatic checkpoint runs in
    the connection that commits, after its commit: at the end of a rebuild in
    parts that is a gigabyte copied (3 s) before the next step can start;
    from here it overlaps the index builds. A passive checkpoint never blocks
    the writer (SQLite releases the GIL while it works); nothing is started
    for a database not in WAL mode (a part's file)."""

    INTERVAL = 0.25  # seconds between checkpoints

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        with self.engine.connect() as conn:
            if str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower() != "wal":
                return
        self.thread = threading.Thread(target=self._run, name="projector-checkpoints", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.engine.connect() as conn:
                while not self.stopping.wait(self.INTERVAL):
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except BaseException as error:
            self.error = error

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            log.warning("background checkpoints stopped: %s (the final checkpoint copies the rest)", self.error)


_REPLAY_MARK = "replay-in-progress"


def _replay_in_progress(projector: Projector) -> bool:
    meta = projector.tables.meta
    with projector.engine.connect() as conn:
        try:
            return conn.execute(meta.select().where(meta.c.view == _REPLAY_MARK)).first() is not None
        except Exception:
            return False


def _mark_replay(projector: Projector, running: bool) -> None:
    meta = projector.tables.meta
    with projector.engine.begin() as conn:
        conn.execute(meta.delete().where(meta.c.view == _REPLAY_MARK))
        if running:
            conn.execute(meta.insert().values(view=_REPLAY_MARK, version=1))
