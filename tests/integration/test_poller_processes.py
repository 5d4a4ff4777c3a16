"""Real poller processes: SIGKILL mid-cycle and restart; several pollers on PostgreSQL.

Exactly-once is checked where it matters: the story's events. Every item is
appended once, none is lost, whatever moment the poller dies at.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply

from tracker.seed import load_seed, seed_files

SLUG = "meta-xai-court-character-ai"
TRACKER = shutil.which("tracker", path=str(Path(sys.executable).parent))


def feed_body(feed: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Character.AI partnership with Meta, part {feed}-{n}</title>"
        f"<guid>item-{feed}-{n}</guid><description>Talks continue.</description>"
        f"<pubDate>Mon, 03 Jun 2024 10:00:00 GMT</pubDate></item>"
        for n in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{feed}</title>{entries}</channel></rss>'.encode()


@pytest.fixture
def env(database_url, tmp_path):
    return {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
        "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "1",
        "TRACKER_POLL_LEASE_SECONDS": "2",
    }


def prepare(runtime, server: LoopbackServer, feeds: int, items: int, delay: float = 0.0, stagger: float = 0.0) -> int:
    from tracker.ingest.store import IngestStore

    load_seed(runtime.newsroom, seed_files()[0])
    store = IngestStore(runtime.engine)
    for feed in range(feeds):
        url = server.route(f"/f{feed}", Reply(200, feed_body(feed, items), delay=delay + stagger * feed))
        store.add_feed(url, source="test")
    return feeds * items


def poll(env: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRACKER, "poll", "--once", "--json"], env={**env, **extra}, capture_output=True, text=True, timeout=180
    )


def feed_report_ids(runtime) -> list[str]:
    events = runtime.newsroom.history(SLUG)
    return [
        e.payload["report_id"]
        for e in events
        if e.event_type == "ReportAdded" and e.payload["origin"]["kind"] == "feed"
    ]


@pytest.mark.parametrize("failpoint", ["after-store", "after-append"])
def test_sigkill_at_a_crash_point_then_restart_loses_and_duplicates_nothing(runtime, env, failpoint):
    with LoopbackServer() as server:
        expected = prepare(runtime, server, feeds=3, items=4)
        crashed = poll(env, TRACKER_FAILPOINT=failpoint)
        assert crashed.returncode == -signal.SIGKILL, crashed.stderr
        time.sleep(2.5)  # the dead poller's lease runs out
        restarted = poll(env)
        assert restarted.returncode == 0, restarted.stderr
        again = poll(env)
        assert json.loads(again.stdout)["reports_appended"] == 0
    ids = feed_report_ids(runtime)
    assert len(ids) == expected and len(set(ids)) == expected


def test_sigkill_at_a_random_moment_mid_cycle_then_restart(runtime, env):
    with LoopbackServer() as server:
        expected = prepare(runtime, server, feeds=24, items=5, stagger=0.12)  # the cycle takes ~3 s
        process = subprocess.Popen(
            [TRACKER, "poll", "--once"],
            env={**env, "TRACKER_POLL_LEASE_SECONDS": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while sum(server.hits.values()) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert sum(server.hits.values()) < 24, "the kill did not land mid-cycle"
        assert len(feed_report_ids(runtime)) < expected
        time.sleep(1.5)
        assert poll(env).returncode == 0
    ids = feed_report_ids(runtime)
    assert len(ids) == expected and len(set(ids)) == expected


@pytest.mark.postgres
def test_two_pollers_on_postgresql_share_the_feeds_without_double_processing(postgres_url, tmp_path):
    from tracker.bootstrap import open_runtime
    from tracker.config import load_settings

    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": postgres_url,
        "TRACKER_DATA_DIR": str(tmp_path / "data"),
        "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "1",
    }
    runtime = open_runtime(load_settings(env))
    try:
        with LoopbackServer() as server:
            # each fetch takes a second: the first poller cannot claim every feed before the second starts
            expected = prepare(runtime, server, feeds=60, items=3, delay=1.0)
            pollers = [
                subprocess.Popen(
                    [TRACKER, "poll", "--once", "--json"],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            outputs = [p.communicate(timeout=180) for p in pollers]
            assert all(p.returncode == 0 for p in pollers), outputs
            summaries = [json.loads(out) for out, _ in outputs]
            assert set(server.hits.values()) == {1}, "a feed was fetched twice"
            assert len(server.hits) == 60
        assert sum(s["feeds_checked"] for s in summaries) == 60
        assert all(s["feeds_checked"] > 0 for s in summaries), summaries
        assert sum(s["reports_appended"] for s in summaries) == expected
        ids = feed_report_ids(runtime)
        assert len(ids) == expected and not [k for k, n in Counter(ids).items() if n > 1]
    finally:
        runtime.close()
