"""The materialised views of stories, written with their tracking record.

:class:`StoryViews` is a tracking recorder (the eventsourcing-sqlalchemy
projection pattern): a batch of events and the position it reaches
(:mod:`.tracking`) are written in one transaction, and the position only
moves from the value the batch started at, so every event is applied
exactly once even when several processes catch up at the same time or one
dies half-way. The events are applied by the projection (:mod:`.handlers`)
to a working set (:mod:`.batch`) whose rows a dialect's writer stores
(:mod:`.writers`).

A batch that fails for a reason about its events is applied again
carefully (:mod:`.poison`): batch by batch under savepoints, halving a
failing one until the poisoned event is found, which is recorded and
skipped with the rest of its story. That costs only when an error occurs.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Tracking
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy.orm import Session

from tracker.readmodels import unprojected
from tracker.readmodels.batch import WorkingSet
from tracker.readmodels.bulk import insert_rows
from tracker.readmodels.errors import PositionMoved, ProjectionError
from tracker.readmodels.poison import Poisoning, PoisonSuspected, Unprojected, is_transient, reason_of
from tracker.readmodels.tables import ViewTables
from tracker.readmodels.tracking import TrackingPosition

__all__ = ["PositionMoved", "ProjectionError", "StoryViews"]

log = logging.getLogger("tracker.readmodels")


class StoryViews(SQLAlchemyTrackingRecorder):
    """Read models of stories: list, timeline, facts (stances and questions),
    version index, story-level history and full-text search."""

    def __init__(self, datastore: Any, tables: ViewTables, **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name="readmodel_tracking", **kwargs)
        self.view_tables = tables
        self.dialect = datastore.engine.dialect.name
        self.tracking = TrackingPosition(self.tracking_record_cls, tables.tracking_name, datastore.engine)
        #: The SQLite page cache while the views are rebuilt from zero
        #: (:meth:`rebuild_mode`); None otherwise.
        self.rebuild_page_cache_kib: int | None = None
        #: Stories stopped at a poisoned event -> its notification id, as
        #: last read (None: not yet); refreshed whenever a batch fails.
        self._stopped: dict[str, int] | None = None
        #: Whether a poisoned event found is logged (a shadow rebuild that
        #: only compares, or a command that names them itself, says False).
        self.log_poison = True

    @property
    def rebuilding(self) -> bool:
        return self.rebuild_page_cache_kib is not None

    @contextmanager
    def rebuild_mode(self, page_cache_kib: int) -> Iterator[None]:
        """While views are rebuilt from zero: on SQLite the writing connection
        gets a page cache of ``page_cache_kib`` and the search index is left
        alone, to be filled at the end in one statement from the reports
        (FTS5 builds faster in one pass)."""
        self.rebuild_page_cache_kib = page_cache_kib
        try:
            yield
        finally:
            self.rebuild_page_cache_kib = None

    # -- position ---------------------------------------------------------------

    def position(self) -> int:
        """The last notification applied."""
        return self.tracking.read()

    def reset_position(self) -> None:
        with self.transaction(commit=True) as session:
            self.tracking.reset(session)
        self._stopped = None

    def _start(self, session: Session) -> int:
        """Begins the write and returns the position it starts from."""
        self.tracking.begin(session, self.rebuild_page_cache_kib)
        return self.tracking.lock(session) or 0

    def _work(self, session: Session) -> WorkingSet:
        return WorkingSet(self.view_tables, session, rebuilding=self.rebuilding)

    # -- applying -------------------------------------------------------------

    def apply_batch(self, start: int, events: Sequence[tuple[int, DomainEventProtocol[Any]]]) -> None:
        """Applies ``events`` (notification id, domain event), which follow
        notification ``start``, and moves the position, all in one transaction."""
        if events:
            self.apply_batches(start, iter([events]), max_events=1)

    def apply_batches(
        self,
        start: int,
        batches: Iterator[Sequence[tuple[int, DomainEventProtocol[Any]]]],
        *,
        max_events: int,
        on_batch: Callable[[int, int], None] | None = None,
        counting: bool = False,
        careful: bool = False,
    ) -> int:
        """Applies batches taken from ``batches`` until ``max_events`` are
        applied or it runs out, and moves the position, in one transaction;
        returns the new position. A rebuild passes many batches per
        transaction: a story's rows then share pages, and fewer commits
        write each page fewer times. When ``batches`` itself fails (the log
        cannot be read) the batches before it are committed and the error is
        raised. With ``counting`` the position counts the events applied
        instead of being the last one's notification id (views built story
        by story, whose ids do not increase).

        A batch failing for a reason about its events rolls the transaction
        back and raises :class:`PoisonSuspected`; the caller reads the same
        batches again and passes ``careful``: each batch is then applied
        under a savepoint, a failing one halved until its poisoned events
        are found, recorded and skipped with the rest of their stories."""
        failure: BaseException | None = None
        position = start
        table = self.view_tables.unprojected
        # The first batch is read and decoded before the transaction takes
        # SQLite's one write lock: a poll cycle's next write waits for it.
        first = next(batches, None)
        if not first:
            return start
        batches = itertools.chain([first], batches)
        with self.transaction(commit=True) as session:
            current = self._start(session)
            if current != start:
                raise PositionMoved(f"read models are at {current}, not {start}")
            fresh = careful or self._stopped is None
            stopped = unprojected.read_stopped(session, table) if fresh else self._stopped
            assert stopped is not None
            work = None if careful else self._work(session)
            held: list[dict[str, Any]] = []
            applied = 0
            while applied < max_events:
                try:
                    events = next(batches, None)
                except Exception as error:
                    failure = error
                    break
                if not events:
                    break
                if work is None:
                    held += self._apply_carefully(session, list(events), stopped)
                else:
                    if stopped and not fresh and any(str(e.originator_id) in stopped for _, e in events):
                        stopped, fresh = unprojected.read_stopped(session, table), True  # cached: make sure
                    live = unprojected.hold_back(events, stopped, held) if stopped else events
                    self._guarded(start, partial(work.apply, live))
                applied += len(events)
                position = start + applied if counting else events[-1][0]
                if on_batch is not None:
                    on_batch(len(events), position)
            if position != start:
                if work is not None:
                    self._guarded(start, work.finish)
                if held:
                    insert_rows(session, table, held)
                self.tracking.move(session, start, position)
        self._stopped = stopped
        if failure is not None:
            raise failure
        return position

    @staticmethod
    def _guarded(start: int, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as error:
            if isinstance(error, PositionMoved) or is_transient(error):
                raise
            raise PoisonSuspected(start, error) from error

    def _apply_carefully(
        self, session: Session, events: list[tuple[int, Any]], stopped: dict[str, int]
    ) -> list[dict[str, Any]]:
        """Applies ``events`` under savepoints, halving any part that fails
        until the poisoned event is alone; returns the rows recording the
        poisoned and held-back events. One batch that applies costs what it
        always does; a poisoned one about twice that."""
        rows: list[dict[str, Any]] = []

        def attempt(part: list[tuple[int, Any]]) -> None:
            live = unprojected.hold_back(part, stopped, rows)
            if not live:
                return
            savepoint = session.begin_nested()
            try:
                work = self._work(session)
                work.apply(live)
                work.finish()
            except Exception as error:
                savepoint.rollback()
                if is_transient(error):
                    raise
                if len(live) > 1:
                    middle = len(live) // 2
                    attempt(live[:middle])
                    attempt(live[middle:])
                    return
                notification_id, event = live[0]
                reason = reason_of(error)
                stopped[str(event.originator_id)] = notification_id
                rows.append(unprojected.unprojected_row(notification_id, event, reason, None))
                if self.log_poison:
                    log.warning(
                        "read models: event %s of story %s could not be projected: %s; "
                        "the story's views stop at the version before it",
                        notification_id,
                        event.originator_id,
                        reason,
                    )
            else:
                savepoint.commit()

        attempt(events)
        return rows

    # -- what the views do not show ---------------------------------------------

    def unprojected(self, notification_id: int) -> Unprojected | None:
        """Why an event is not in the views (poisoned or held back), if it is not."""
        return unprojected.find(self.datastore.engine, self.view_tables.unprojected, notification_id)  # type: ignore[arg-type]

    def poisonings(self) -> list[Poisoning]:
        """Every poisoned event, in log order, with the events it holds back."""
        return unprojected.poisonings(self.datastore.engine, self.view_tables.unprojected)  # type: ignore[arg-type]

    # Used by the library's ProjectionRunner (PostgreSQL subscriptions).
    def apply_event(self, domain_event: DomainEventProtocol[Any], tracking: Tracking) -> None:
        with self.transaction(commit=True) as session:
            current = self._start(session)
            if tracking.notification_id <= current:
                return  # already applied by another process: exactly once
            work = self._work(session)
            work.apply([(tracking.notification_id, domain_event)])
            work.finish()
            self.tracking.move(session, current, tracking.notification_id)
