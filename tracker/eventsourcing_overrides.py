"""Every place the tracker overrides or leans on eventsourcing's internals.

The library's public API (aggregates, events with ``apply``, upcasters,
``Application.save``) is used everywhere; what it does not offer is done
here, and only here, for speed:

* :class:`TrackerApplication` (the base of ``Newsroom``) overrides
  ``Application._take_snapshots`` (one snapshot per saved story whose save
  crossed an interval, taken from the story in hand) and
  ``Application.construct_transcoder`` (orjson);
* ``tracker.application.transcoder.OrjsonTranscoder`` overrides
  ``JSONTranscoder.encode`` and ``decode`` and calls its private
  ``_encode_obj`` and ``_decode_obj`` (the transcoder stays its own module);
* :class:`BulkInsertApplicationRecorder` overrides eventsourcing-sqlalchemy's
  ``SQLAlchemyApplicationRecorder._insert_stored_events`` and calls its
  ``_lock_table``, ``_notify_channel``, ``_has_autoincrementing_ids`` and
  ``events_record_cls``; :class:`Factory` makes the library use it.

They were written for the versions in :data:`PINNED`. :data:`SEAMS` lists
each overridden or called member with the signature it had there, and
:func:`seam_problems` says what differs in the installed libraries; a test
fails on any difference, so upgrading the pin means re-reading these.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Transcoder
from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder, SQLAlchemyApplicationRecorder
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

#: The distributions these overrides were written against, exactly.
PINNED = {"eventsourcing": "9.5.6", "eventsourcing-sqlalchemy": "1.0.1"}


class TrackerApplication(Application[UUID]):
    """eventsourcing's Application with the tracker's two overrides.

    ``snapshot_interval`` applies to every aggregate class named in the
    class-level ``snapshotting_intervals`` (which switches snapshots on)."""

    def __init__(self, env: Mapping[str, str] | None = None, *, snapshot_interval: int = 50) -> None:
        super().__init__(env)
        self.snapshot_interval = snapshot_interval
        self._deferring = threading.local()

    @contextmanager
    def snapshots_deferred(
        self, take_out: Callable[[Any], Any | None], put_back: Callable[[Any], None]
    ) -> Iterator[None]:
        """While it lasts, this thread's saves take no snapshots; at its end,
        one per aggregate whose saves crossed an interval boundary, of the
        aggregate ``take_out(id)`` hands over (no other thread can change it
        meanwhile) and that is then ``put_back``; none if it hands over None
        or the aggregate is at another version than the last saved. A poll
        cycle saving a story batch after batch would otherwise snapshot the
        whole story again at every boundary its saves cross."""
        spans: dict[Any, list[Any]] = {}  # id -> [first version saved - 1, last version saved]
        self._deferring.spans = spans
        try:
            yield
        finally:
            self._deferring.spans = None
            for aggregate_id, (before, last) in spans.items():
                if self.snapshots is None or not self._crossed(before + 1, last):
                    continue
                aggregate = take_out(aggregate_id)
                if aggregate is None:
                    continue
                try:
                    if aggregate.version == last:
                        self._snapshot(aggregate)
                finally:
                    put_back(aggregate)

    def _crossed(self, first: int, last: int) -> bool:
        interval = snapshot_interval(self.snapshot_interval, last)
        return (first - 1) // interval < last // interval

    def construct_transcoder(self) -> Transcoder:
        from tracker.application.transcoder import OrjsonTranscoder

        transcoder = OrjsonTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """One snapshot per saved aggregate whose save crossed an interval
        boundary, taken from the aggregate in hand (the library would rebuild
        it from the store once per boundary: quadratic for a save of many
        events)."""
        if self.snapshots is None:
            return
        snapshotted = type(self).snapshotting_intervals or {}
        versions: dict[Any, list[int]] = {}
        for domain_event in processing_event.events:
            versions.setdefault(domain_event.originator_id, []).append(domain_event.originator_version)
        deferred: dict[Any, list[Any]] | None = getattr(self._deferring, "spans", None)
        for aggregate_id, numbers in versions.items():
            aggregate = processing_event.aggregates.get(aggregate_id)
            if aggregate is None or type(aggregate) not in snapshotted:
                continue
            if deferred is not None:
                span = deferred.setdefault(aggregate_id, [min(numbers) - 1, 0])
                span[1] = max(numbers)
                continue
            if self._crossed(min(numbers), max(numbers)):
                self._snapshot(aggregate)

    def _snapshot(self, aggregate: Any) -> None:
        assert self.snapshots is not None
        snapshot_class = getattr(type(aggregate), "Snapshot", None) or Snapshot
        self.snapshots.put([snapshot_class.take(aggregate)])


def snapshot_interval(base: int, version: int) -> int:
    """Events between snapshots at ``version``: ``base``, growing with the
    story to an eighth of its length (a power of two). A snapshot holds the
    whole story, so one every ``base`` events costs a long story more with
    every report, while loading one replays at most an eighth of it."""
    return max(base, 1 << max(version.bit_length() - 4, 0))


class BulkInsertApplicationRecorder(SQLAlchemyApplicationRecorder):
    """New events inserted in bulk.

    eventsourcing-sqlalchemy adds one ORM object per new event and flushes
    the session to learn the notification ids, about 130 µs an event: a poll
    cycle appending 6,000 reports spent most of its save there. One Core
    ``INSERT ... RETURNING`` over all the rows (SQLAlchemy's
    "insertmanyvalues", ids returned in the rows' order) gives the same ids
    under the same table lock. Everything else (schema, locking, NOTIFY,
    reading) is the library's."""

    def _insert_stored_events(
        self, session: Session, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int]:
        if not stored_events:
            return []
        table = self.events_record_cls.__table__
        if self._has_autoincrementing_ids:
            self._lock_table(session)
        rows = [
            {
                "originator_id": e.originator_id,
                "originator_version": e.originator_version,
                "topic": e.topic,
                "state": e.state,
            }
            for e in stored_events
        ]
        result = session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
        ids = [row[0] for row in result]
        self._notify_channel(session)
        return ids


#: How long a connection to an SQLite file waits for another writer (SQLite's
#: busy timeout; the driver's default is 5 s). The poll cycle, the read-model
#: follower, the worker and the web all write to one file; a follower
#: transaction of a big save on a loaded machine outlasted 5 s, and the
#: cycle's next write failed with "database is locked".
SQLITE_BUSY_SECONDS = 30


class Factory(SQLAlchemyFactory):
    """The persistence module named by ``tracker.persistence.event_store_env``."""

    application_recorder_class = BulkInsertApplicationRecorder

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        engine = self.datastore.engine
        if engine is not None and engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _wait_for_writers)


def _wait_for_writers(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


@dataclass(frozen=True)
class Seam:
    """One library member the tracker overrides or calls: its owner, its name,
    its signature at :data:`PINNED`, and text its source must still hold
    (the library still calling the override, still setting an attribute)."""

    owner: type
    name: str
    signature: str
    source_holds: tuple[str, ...] = ()


SEAMS: tuple[Seam, ...] = (
    Seam(Application, "_take_snapshots", "(self, processing_event: 'ProcessingEvent[TAggregateID]') -> 'None'"),
    Seam(
        Application,
        "save",
        "(self, *objs: 'MutableOrImmutableAggregate[TAggregateID] | DomainEventProtocol[TAggregateID] | None',"
        " **kwargs: 'Any') -> 'list[Recording[TAggregateID]]'",
        ("self._take_snapshots(processing_event)",),
    ),
    Seam(Application, "construct_transcoder", "(self) -> 'Transcoder'"),
    Seam(Application, "register_transcodings", "(self, transcoder: 'JSONTranscoder') -> 'None'"),
    Seam(JSONTranscoder, "encode", "(self, obj: 'Any') -> 'bytes'"),
    Seam(JSONTranscoder, "decode", "(self, data: 'bytes') -> 'Any'"),
    Seam(JSONTranscoder, "_encode_obj", "(self, o: 'Any') -> 'dict[str, Any]'"),
    Seam(JSONTranscoder, "_decode_obj", "(self, d: 'dict[str, Any]') -> 'Any'"),
    Seam(
        SQLAlchemyApplicationRecorder,
        "insert_events",
        "(self, stored_events: 'Sequence[StoredEvent]', *, session: 'Optional[Session]' = None,"
        " **kwargs: 'Any') -> 'Optional[Sequence[int]]'",
        ("self._insert_stored_events(",),
    ),
    Seam(
        SQLAlchemyApplicationRecorder,
        "_insert_stored_events",
        "(self, session: 'Session', stored_events: 'Sequence[StoredEvent]', **kwargs: 'Any') -> 'Sequence[int]'",
        ("self._lock_table(session)", "self._notify_channel(session)"),
    ),
    Seam(SQLAlchemyApplicationRecorder, "_lock_table", "(self, session: 'Session') -> 'None'"),
    Seam(SQLAlchemyApplicationRecorder, "_notify_channel", "(self, session: 'Session') -> 'None'"),
    Seam(
        SQLAlchemyAggregateRecorder,
        "__init__",
        "(self, datastore: 'SQLAlchemyDatastore', *, events_table_name: 'str',"
        " schema_name: 'str | None' = None, for_snapshots: 'bool' = False)",
        ("self._has_autoincrementing_ids = True", "self.events_record_cls = "),
    ),
    Seam(SQLAlchemyFactory, "application_recorder_class", ""),
)


def seam_problems(
    seams: Sequence[Seam] = SEAMS, *, version: Callable[[str], str] = importlib.metadata.version
) -> list[str]:
    """What differs from :data:`PINNED` and :data:`SEAMS` in the installed libraries (empty: nothing)."""
    problems = [
        f"{name} {version(name)} is installed; the overrides in {__name__} were written for {pinned}"
        for name, pinned in PINNED.items()
        if version(name) != pinned
    ]
    for seam in seams:
        where = f"{seam.owner.__module__}.{seam.owner.__qualname__}.{seam.name}"
        member = getattr(seam.owner, seam.name, None)
        if member is None:
            problems.append(f"{where} is gone")
            continue
        if not seam.signature:
            continue
        signature = str(inspect.signature(member))
        if signature != seam.signature:
            problems.append(f"{where} is now {signature}, not {seam.signature}")
        source = inspect.getsource(member)
        problems.extend(f"{where} no longer holds {text!r}" for text in seam.source_holds if text not in source)
    return problems
