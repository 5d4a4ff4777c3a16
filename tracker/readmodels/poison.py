"""Poisoned events: stored events the read models cannot decode or store.

The event log is immutable, so an event that the views cannot take (a NUL
byte PostgreSQL refuses in text, a topic or payload an older version wrote,
an event written by hand) would stop projection for good if it were
retried. Instead it is recorded in the views' ``unprojected`` table, with
its notification and story, and the views go on: that story's views stop
at the version before it (its later events are recorded as held back by
it, since each would follow a version the views lack), while every other
story is projected as before. A rebuild after a fix (``tracker replay``)
projects the story again.

Only errors about the event are poison; an operational error (a full disk,
a lock timeout, a lost connection) leaves the position where it was, to be
tried again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing import persistence
from sqlalchemy import exc as sa_exc

from tracker.readmodels.errors import PositionMoved, ProjectionError

try:  # psycopg is only needed for PostgreSQL
    import psycopg

    _PSYCOPG: tuple[type[BaseException], ...] = (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover
    _PSYCOPG = ()

#: Errors that say nothing about the event: try again later, do not skip.
TRANSIENT: tuple[type[BaseException], ...] = (
    sqlite3.OperationalError,
    sqlite3.InterfaceError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    persistence.OperationalError,
    persistence.InterfaceError,
    MemoryError,
    *_PSYCOPG,
)

#: Longest reason kept for an unprojected event.
REASON_CHARS = 300


class PoisonSuspected(Exception):
    """A batch failed for a reason about its events: it is applied again
    carefully from ``start``, event by event where needed, to find them."""

    def __init__(self, start: int, error: BaseException) -> None:
        super().__init__(f"a batch after notification {start} failed: {reason_of(error)}")
        self.start = start


@dataclass(frozen=True)
class Undecodable:
    """A stored event that does not decode, carried through a batch so that
    it is recorded as poisoned instead of ending the batch."""

    originator_id: UUID
    originator_version: int
    topic: str
    error: str


@dataclass(frozen=True)
class Unprojected:
    """An event the views do not show: the poisoned one (``held_by`` None)
    or a later event of its story, held back by notification ``held_by``."""

    notification_id: int
    story_id: str
    version: int
    topic: str
    reason: str
    held_by: int | None

    def describe(self) -> str:
        return f"event {self.notification_id} of story {self.story_id} could not be projected: {self.reason}"


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
class Poisoning:
    """A poisoned event and how many later events of its story it holds back."""

    event: Unprojected
    held_back: int

    def describe(self) -> str:
        later = f" ({self.held_back} later events of the story held back)" if self.held_back else ""
        return self.event.describe() + later


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error`` and what it wraps or was raised from, outermost first
    (SQLAlchemy's ``orig``, then the cause, then the context)."""
    seen: set[int] = set()
    current: Any = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) is operational rather than about the data."""
    return any(isinstance(e, (*TRANSIENT, PositionMoved)) for e in _chain(error))


def clean_text(value: str, limit: int = REASON_CHARS) -> str:
    """``value`` with control characters escaped (a poisoned event's own NUL
    must not poison its record), cut to ``limit`` characters."""
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def reason_of(error: BaseException) -> str:
    """One line saying why: the innermost ProjectionError's message, else the
    innermost error's first line with its type (a driver's message, not
    SQLAlchemy's statement dump)."""
    chain = list(_chain(error))
    named = [e for e in chain if isinstance(e, ProjectionError)]
    text = str(named[-1]) if named else f"{type(chain[-1]).__name__}: {chain[-1]}"
    return clean_text((text.strip().splitlines() or [type(error).__name__])[0])
