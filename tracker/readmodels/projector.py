"""Keeping the read models caught up with the event log.

Catch-up reads the notification log in batches after the views' tracking
position and applies each batch in one transaction with the new position.
It serves every database: commands call it to see their own writes, the
poller process runs it in a loop (SQLite polls; PostgreSQL also wakes on
LISTEN/NOTIFY through the library's subscription), and a rebuild
(:mod:`.rebuild`) runs it from zero. Memory stays flat: only one batch is
held at a time.

A batch holding a poisoned event (one the views cannot decode or store, see
:mod:`.poison`) is read again and applied carefully; the event is recorded
and skipped with the rest of its story, and the views go on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError
from sqlalchemy.engine import Engine

from tracker.application import Newsroom
from tracker.readmodels import tables as tbl
from tracker.readmodels.poison import EventNotProjected, PoisonSuspected
from tracker.readmodels.reading import Batches, EventReader
from tracker.readmodels.view import PositionMoved, StoryViews
from tracker.tuning import Tuning

__all__ = ["CatchUpResult", "EventNotProjected", "Progress", "ProjectionLag", "Projector", "Tally"]

Progress = Callable[[int, int], None]  # (applied so far, target position)

#: The views' meta row saying a replay is under way (it resumes after a kill).
REPLAY_MARK = "replay-in-progress"


class ProjectionLag(Exception):
    """The read models did not reach a position in time."""


@dataclass(frozen=True)
class CatchUpResult:
    applied: int
    position: int
    seconds: float


class Projector:
    """Applies the newsroom's event log to its views. The views normally live
    in the event store's database; a rebuild split by story writes each part
    into a database of its own (``views_datastore``) with
    :func:`~.rebuild.story_order.build_stories`, reading only the events of
    the stories whose ids fall in ``stories`` (from, before: the ids as the
    driver stores them; None is open-ended)."""

    def __init__(
        self,
        newsroom: Newsroom,
        tables: tbl.ViewTables = tbl.LIVE,
        *,
        tuning: Tuning | None = None,
        batch_size: int | None = None,
        views_datastore: Any = None,
        stories: tuple[Any, Any] | None = None,
    ) -> None:
        self.newsroom = newsroom
        self.tables = tables
        self.tuning = tuning or Tuning()
        self.reader = EventReader(newsroom, self.tuning.catch_up_batch if batch_size is None else batch_size)
        self.events_engine: Engine = self.reader.engine
        datastore = views_datastore or newsroom.factory.datastore  # type: ignore[attr-defined]
        self.views = StoryViews(datastore, tables)
        self.engine: Engine = datastore.engine
        self.stories = stories
        self._lock = threading.Lock()

    @property
    def batch_size(self) -> int:
        """Events read and applied at a time."""
        return self.reader.batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        self.reader.batch_size = value

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
        return {row.view: row.version for row in rows if row.view != REPLAY_MARK}

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
        tally = Tally(progress, self.head() if until is None else until)
        with self._lock:
            start = self.views.position()
            batches = self.reader.batches(start, read_ahead)
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
                        batches = self.reader.batches(start, read_ahead)
                        continue
                    except PoisonSuspected:
                        # The same events again, carefully, to find the poisoned one.
                        tally.applied, careful = counted, True
                        batches.close()
                        batches = self.reader.batches(start, read_ahead)
                        continue
                    careful = False
                    if reached == start:
                        break
                    start = reached
            finally:
                batches.close()
        return CatchUpResult(tally.applied, start, time.perf_counter() - started)

    def story_batches(self, until: int, after: tuple[Any, int] | None = None) -> Batches:
        """Decoded batches of this projector's stories' events up to
        ``until``, story by story (see :meth:`EventReader.story_batches`)."""
        if self.stories is None:
            raise ValueError("story_batches needs a range of stories")
        return self.reader.story_batches(self.stories, until, after)

    def wait_for(self, notification_id: int, timeout: float = 10.0) -> None:
        """Catches up until ``notification_id`` is applied, or fails clearly."""
        deadline = time.monotonic() + timeout
        per_transaction = self.tuning.catch_up_transaction
        while True:
            # one transaction for a big save's events: the story and its
            # facts are read and written once, not once per batch
            reached = self.catch_up(until=notification_id, events_per_transaction=per_transaction).position
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

        def stop_when_set() -> None:
            stop.wait()
            subscription.stop()

        stopper = threading.Thread(target=stop_when_set, daemon=True)
        stopper.start()
        with subscription:
            for notification in subscription:
                if stop.is_set():
                    break
                if notification.id > self.views.position():
                    self.catch_up()


class Tally:
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
