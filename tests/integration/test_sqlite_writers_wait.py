"""Writers to one SQLite file wait for each other long enough for a big save's read-model update."""

from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import text

from tracker.eventsourcing_overrides import SQLITE_BUSY_SECONDS


def test_every_connection_of_the_tracker_waits_thirty_seconds_for_another_writer(sqlite_url, tmp_path) -> None:
    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings

    runtime = open_runtime(load_settings({"TRACKER_DATABASE_URL": sqlite_url, "TRACKER_DATA_DIR": str(tmp_path)}))
    try:
        with runtime.engine.connect() as conn:
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_SECONDS * 1000 == 30_000
        # Another process's writer holds the file for a moment: the tracker's write waits, then lands.
        other = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
        release.start()
        started = time.monotonic()
        with runtime.engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS waited (n INTEGER)"))
            conn.execute(text("INSERT INTO waited VALUES (1)"))
        assert time.monotonic() - started >= 0.4  # it waited for the other writer rather than failing
        release.join()
        other.close()
    finally:
        runtime.close()
