"""A poller killed with SIGKILL mid-cycle leaves no process behind (parse pool, resource tracker).

Each poller runs in a session of its own, so every process it started shares its
process group; /proc says which are left once it is killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from tracker.bootstrap import open_runtime
from tracker.config import load_settings
from tracker.ingest.store import IngestStore
from tracker.tuning import Tuning

FEEDS = Tuning().parse_pool_threshold + 28
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x</title><guid>x</guid></item></channel></rss>'


def group_members(pgid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live process in the process group (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def wait_for(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    with LoopbackServer() as server:
        environment = {
            **os.environ,
            "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
            "TRACKER_DATA_DIR": str(tmp_path / "data"),
            "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
            "TRACKER_FETCH_TIMEOUT_SECONDS": "60",
        }
        runtime = open_runtime(load_settings(environment))
        try:
            store = IngestStore(runtime.engine)
            for n in range(FEEDS):  # slow answers: the cycle is still fetching when it is killed
                store.add_feed(server.route(f"/feed-{n}", Reply(200, RSS, delay=10.0)), source="test")
        finally:
            runtime.close()
        yield environment


@pytest.mark.parametrize("command", [("poll", "--once", "--all"), ("worker", "--tick", "1")])
def test_a_poller_killed_mid_cycle_leaves_no_child_running(env: dict[str, str], command: tuple[str, ...]) -> None:
    script = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert script
    poller = subprocess.Popen(
        [script, *command], env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        started = wait_for(lambda: len(group_members(poller.pid)) >= 3, 60)  # the poller, its parse pool...
        assert started, f"the parse pool did not start: {group_members(poller.pid)}"
        poller.send_signal(signal.SIGKILL)
        poller.wait()
        assert wait_for(lambda: not group_members(poller.pid), 5), group_members(poller.pid)
    finally:
        for pid, _ in group_members(poller.pid):
            os.kill(pid, signal.SIGKILL)
        if poller.poll() is None:
            poller.kill()
