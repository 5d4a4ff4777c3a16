"""`tracker poll --once` on a database that refuses writes (a full disk) exits 1 and says why.

The disk is really full as far as SQLite knows: a sitecustomize module on the
subprocess's PYTHONPATH caps every SQLite connection at the file's current size
(PRAGMA max_page_count), so the poller's inserts fail with SQLITE_FULL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from loopback import LoopbackServer, Reply
from sqlalchemy import text

from tracker.bootstrap import open_runtime
from tracker.config import load_settings
from tracker.ingest.store import IngestStore

SITECUSTOMIZE = """
import os
from sqlalchemy import event
from sqlalchemy.engine import Engine

@event.listens_for(Engine, "connect")
def _disk_full(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA max_page_count = " + os.environ["TEST_SQLITE_MAX_PAGES"])
"""


def wire(items: int) -> bytes:
    body = "".join(
        f"<item><title>Item {n}</title><guid>g-{n}</guid><description>{'Copy. ' * 200}</description></item>"
        for n in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{body}</channel></rss>'.encode()


def test_poll_once_exits_1_naming_the_full_disk_when_every_store_write_fails(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
        "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
    }
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert script
    with LoopbackServer() as server:
        runtime = open_runtime(load_settings(env))
        try:
            IngestStore(runtime.engine).add_feed(server.route("/wire", Reply(200, wire(300))), source="test")
            with runtime.engine.connect() as conn:
                pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        finally:
            runtime.close()
        full = {**env, "PYTHONPATH": str(tmp_path / "site"), "TEST_SQLITE_MAX_PAGES": str(pages)}
        done = subprocess.run([script, "poll", "--once"], env=full, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "1 failed" in done.stdout
    assert "tracker: error: the database refused the cycle's writes (database or disk is full)" in done.stderr
