"""The views' tracking position: the last notification applied, one row per
view set, moved only from the value a transaction started at.

On SQLite the write takes the lock before it reads the position (``BEGIN
IMMEDIATE``): a deferred transaction read the position and the stories
outside any snapshot, and two processes then applied the same events. On
PostgreSQL the row is locked ``FOR UPDATE``.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import and_, delete, func, select, text, update
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Session

from tracker.readmodels.errors import PositionMoved


class TrackingPosition:
    """The position row named ``name`` in the tracking recorder's table."""

    def __init__(self, record: Any, name: str, engine: Engine) -> None:
        self.record = record
        self.name = name
        self.engine = engine
        self.dialect = engine.dialect.name

    def read(self) -> int:
        """The last notification applied (one indexed Core query: every
        command asks it while waiting to read its own write)."""
        record = self.record
        query = select(func.max(record.notification_id)).where(record.application_name == self.name)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def begin(self, session: Session, page_cache_kib: int | None = None) -> None:
        """Starts the write: on SQLite takes the write lock now, before the
        position and the stories are read, so that another process catching
        up waits for this one instead of applying the same events from a
        position it read before this one moved it."""
        if self.dialect != "sqlite":
            return
        if page_cache_kib is not None:
            session.execute(text(f"PRAGMA cache_size = -{int(page_cache_kib)}"))
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")

    def lock(self, session: Session) -> int | None:
        """The position in this transaction (locked on PostgreSQL); None when unset."""
        record = self.record
        query = select(record.notification_id).where(record.application_name == self.name)
        if self.dialect == "postgresql":
            query = query.with_for_update()
        return session.execute(query).scalar_one_or_none()

    def move(self, session: Session, start: int, end: int) -> None:
        """Moves the position from ``start`` to ``end``, or raises PositionMoved."""
        record = self.record
        if start == 0 and self.lock(session) is None:
            session.add(record(application_name=self.name, notification_id=end))
            session.flush()  # a concurrent first batch fails here on the primary key
            return
        moved = cast(
            CursorResult[Any],
            session.execute(
                update(record)
                .where(and_(record.application_name == self.name, record.notification_id == start))
                .values(notification_id=end)
            ),
        )
        if moved.rowcount != 1:
            raise PositionMoved(f"read models moved past {start} while applying up to {end}")

    def reset(self, session: Session) -> None:
        session.execute(delete(self.record).where(self.record.application_name == self.name))
