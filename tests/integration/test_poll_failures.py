"""Cycles that meet a broken database or odd stored values: they say so and free their feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from loopback import LoopbackServer, Reply
from sqlalchemy import event, text

from tracker.bootstrap import Runtime, open_runtime
from tracker.config import load_settings
from tracker.ingest.feeds import MAX_INTERVAL_SECONDS
from tracker.ingest.service import Ingestion
from tracker.moments import now_utc
from tracker.seed import load_seed, seed_files


def wire(items: int) -> bytes:
    body = "".join(
        f"<item><title>Wire item {n} about gardening</title><guid>g-{n}</guid>"
        f"<description>{'A long paragraph of wire copy. ' * 40}</description></item>"
        for n in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title>{body}</channel></rss>'.encode()


def full_at(runtime: Runtime) -> int:
    """Caps every new connection of the engine at the database's current size (a full disk)."""
    with runtime.engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()

    @event.listens_for(runtime.engine, "connect")
    def _cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    runtime.engine.dispose()
    return pages


@pytest.fixture
def sqlite_runtime(sqlite_url: str, tmp_path: Path) -> Iterator[Runtime]:
    settings = load_settings(
        {
            "TRACKER_DATABASE_URL": sqlite_url,
            "TRACKER_DATA_DIR": str(tmp_path / "data"),
            "TRACKER_FETCH_ALLOW_PRIVATE_ADDRESSES": "true",
        }
    )
    runtime = open_runtime(settings)
    load_seed(runtime.newsroom, seed_files()[0])
    yield runtime
    runtime.close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def claimed(runtime: Runtime) -> list[str | None]:
    with runtime.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT claimed_by FROM ingest_feeds"))]


def test_a_cycle_whose_store_writes_fail_says_the_database_refused_them(sqlite_runtime, server) -> None:
    with Ingestion(sqlite_runtime) as ingestion:
        ingestion.add_feed(server.route("/wire", Reply(200, wire(400))), check=False)
        full_at(sqlite_runtime)
        summary = ingestion.poll_once()
    assert summary.failed == 1 and "database or disk is full" in summary.store_error
    assert "the database refused writes: " in summary.line()


def test_a_feed_with_an_overflowing_stored_interval_is_polled_and_freed(sqlite_runtime, server) -> None:
    with Ingestion(sqlite_runtime) as ingestion:
        view = ingestion.add_feed(server.route("/wire", Reply(200, wire(2))), check=False)
        with sqlite_runtime.engine.begin() as conn:  # what an older version let the web store
            conn.execute(text("UPDATE ingest_feeds SET interval_seconds = 599999999940"))
        summary = ingestion.poll_feed_now(view.id)
        feed = ingestion.feed(view.id)
    assert (summary.fetched, summary.failed, summary.items_new) == (1, 0, 2)
    assert claimed(sqlite_runtime) == [None]
    assert feed.next_check_at <= now_utc() + timedelta(seconds=MAX_INTERVAL_SECONDS)
    assert feed.interval_seconds == MAX_INTERVAL_SECONDS


def test_a_stored_file_feed_outside_the_file_root_fails_with_the_reason_unread(sqlite_runtime, tmp_path) -> None:
    outside = tmp_path / "outside.xml"
    outside.write_bytes(wire(2))
    with Ingestion(sqlite_runtime) as ingestion:  # subscribed by an older version, before fetch.file_root
        feed = ingestion.store.add_feed(outside.as_uri(), source="test")
        summary = ingestion.poll_feed_now(feed.id)
        view = ingestion.feed(feed.id)
    assert (summary.failed, summary.items_new) == (1, 0)
    assert view.last_error.startswith("refused: file: feeds are disabled; set fetch.file_root")


@pytest.mark.parametrize("interval", [10**20, 9999999999 * 60, 1])
def test_a_config_feed_interval_out_of_bounds_is_refused_naming_the_key(sqlite_runtime, interval) -> None:
    import dataclasses

    from tracker.config import ConfigError
    from tracker.ingest.config_feeds import feeds_from_config

    settings = dataclasses.replace(
        sqlite_runtime.settings, feeds=({"url": "https://wire.example/rss", "interval_seconds": interval},)
    )
    with pytest.raises(ConfigError, match=r"^feeds\[0\]\.interval_seconds: .* (above the maximum|below the minimum)"):
        feeds_from_config(settings)
