"""The database settings of a rebuild from zero: on SQLite commits that do
not wait for the disk (WAL, ``synchronous=NORMAL``: a crash can only lose
the last batches, which the resumed rebuild applies again), sorting threads,
and WAL checkpoints from a thread of their own; the cyclic garbage collector
paused (batches are freed by reference counting)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tracker.collector import collector_paused

log = logging.getLogger("tracker.readmodels")


@contextmanager
def bulk_session(engine: Engine, *, threads: int, checkpoint_interval: float) -> Iterator[None]:
    """While a rebuild writes through ``engine`` (``threads``: SQLite's sorting threads)."""
    sqlite = engine.dialect.name == "sqlite"

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA threads = {int(threads)}")  # sorting for CREATE INDEX and ORDER BY
        cursor.execute("PRAGMA wal_autocheckpoint = 0")  # :class:`BackgroundCheckpoints` does it
        cursor.close()

    if sqlite:
        event.listen(engine, "connect", pragmas)
        engine.dispose()
    checkpoints = BackgroundCheckpoints(engine, checkpoint_interval) if sqlite else None
    try:
        with collector_paused():
            if checkpoints is not None:
                checkpoints.start()
            yield
    finally:
        if checkpoints is not None:
            checkpoints.stop()
        if sqlite:
            event.remove(engine, "connect", pragmas)
            engine.dispose()
            with engine.connect() as conn:  # give back the WAL file's disk space
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class BackgroundCheckpoints:
    """Copies committed WAL frames into an SQLite database file from a thread
    of its own while a rebuild writes. SQLite's automatic checkpoint runs in
    the connection that commits, after its commit: at the end of a rebuild in
    parts that is a gigabyte copied (3 s) before the next step can start;
    from here it overlaps the index builds. A passive checkpoint never blocks
    the writer (SQLite releases the GIL while it works); nothing is started
    for a database not in WAL mode (a part's file)."""

    def __init__(self, engine: Engine, interval: float = 0.25) -> None:
        self.engine = engine
        self.interval = interval  # seconds between checkpoints
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
                while not self.stopping.wait(self.interval):
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except BaseException as error:
            self.error = error

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            log.warning("background checkpoints stopped: %s (the final checkpoint copies the rest)", self.error)
