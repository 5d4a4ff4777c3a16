"""Reading the event log for the views: batches of decoded events, through
the driver (the recorder's ORM query builds an object per row, and
SQLAlchemy's row and UUID processing cost a tenth of a rebuild), in
notification order for a catch-up or story by story for a part of a
rebuild, optionally read ahead in a thread."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Notification
from sqlalchemy.engine import Engine

from tracker.application import Newsroom
from tracker.readmodels.poison import Undecodable, clean_text
from tracker.sql import driver_cursor, placeholder

#: Decoded batches of events: (notification id, domain event).
Batches = Generator[list[tuple[int, Any]], None, None]

#: Stored originator ids kept as UUIDs (a log has far fewer stories than events).
ORIGINATORS_KEPT = 100_000


class EventReader:
    """Batches of ``batch_size`` decoded events of ``newsroom``'s log."""

    def __init__(self, newsroom: Newsroom, batch_size: int) -> None:
        self.newsroom = newsroom
        self.batch_size = batch_size
        self.engine: Engine = newsroom.factory.datastore.engine  # type: ignore[attr-defined]
        self._originators: dict[Any, UUID] = {}

    def batches(self, position: int, read_ahead: bool) -> Batches:
        """Decoded batches of the log after ``position``, until its end."""

        def read(after: int) -> tuple[list[tuple[int, Any]], int]:
            rows = self._select("id >= {mark}", [after + 1], "id")
            batch = [(n.id, self._decode(n)) for n in self._notifications(rows)]
            return batch, batch[-1][0] if batch else after

        return pages(read, position, read_ahead)

    def story_batches(self, stories: tuple[Any, Any], until: int, after: tuple[Any, int] | None = None) -> Batches:
        """Decoded batches of the events of the stories whose stored ids fall
        in ``stories`` (from, before; None is open-ended) up to notification
        ``until``, story by story, each story's in version order (read ahead
        in a thread). Every view is keyed by story, so a part built in this
        order writes each B-tree in key order: a story's rows fill pages one
        after another instead of a page per story being rewritten thousands
        of times as stories interleave."""
        low, high = stories

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

        return pages(read, after, True)

    def story_cursor(self, batch: list[tuple[int, Any]]) -> tuple[Any, int]:
        """Where :meth:`story_batches` goes on after ``batch``: its last
        event's stored originator id (16 bytes on SQLite) and version."""
        event = batch[-1][1]
        stored = event.originator_id.bytes if self.engine.dialect.name == "sqlite" else event.originator_id
        return stored, event.originator_version

    def _select(self, where: str, params: list[Any], order: str) -> list[Any]:
        """Up to a batch of stored events, as driver rows."""
        events = self.newsroom.recorder.events_record_cls.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            condition = where.replace("{mark}", placeholder(conn))
            with driver_cursor(conn) as cursor:
                cursor.execute(
                    f"SELECT id, originator_id, originator_version, topic, state FROM {events.name} "
                    f"WHERE {condition} ORDER BY {order} LIMIT {int(self.batch_size)}",
                    params,
                )
                rows: list[Any] = cursor.fetchall()
                return rows

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
        """A stored originator id as a UUID (SQLite stores 16 bytes), kept."""
        value = stored if isinstance(stored, UUID) else UUID(bytes=bytes(stored))
        if len(self._originators) < ORIGINATORS_KEPT:
            self._originators[stored] = value
        return value

    def _decode(self, notification: Notification) -> Any:
        """The domain event, or an :class:`Undecodable` standing for it (the
        views record it as poisoned instead of stopping)."""
        try:
            return self.newsroom.mapper.to_domain_event(notification)
        except Exception as error:
            return Undecodable(
                cast(UUID, notification.originator_id),
                notification.originator_version,
                notification.topic,
                clean_text(f"{type(error).__name__}: {error}", 200),
            )


def pages(
    read: Callable[[Any], tuple[list[Any], Any]], after: Any, read_ahead: bool
) -> Generator[list[Any], None, None]:
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
