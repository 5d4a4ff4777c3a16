"""How big each workload is: the issue's full sizes, --quick (the whole suite
in under two minutes) and a hidden --tiny used by the CLI test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    runs: int  # repetitions of every workload; figures are medians over them
    append_stories: int
    append_events: int
    replay_stories: int
    replay_events: int
    asof_reports: int
    asof_queries: int  # per mode and run
    ingest_feeds: int
    ingest_items: int
    web_reports: int
    web_clients: int
    web_requests: int  # per page and run, at most
    web_seconds: float  # per page and run: no request starts later
    timeout_seconds: float  # per workload subprocess


SCALES = {
    "full": Scale(
        name="full",
        runs=3,
        append_stories=1_000,
        append_events=100_000,
        replay_stories=2_000,
        replay_events=1_000_000,
        asof_reports=10_000,
        asof_queries=200,
        ingest_feeds=500,
        ingest_items=50,
        web_reports=5_000,
        web_clients=16,
        web_requests=1_000,
        web_seconds=120.0,
        timeout_seconds=3 * 3600,
    ),
    "quick": Scale(
        name="quick",
        runs=3,
        append_stories=30,
        append_events=300,
        replay_stories=100,
        replay_events=10_000,
        asof_reports=1_000,
        asof_queries=30,
        ingest_feeds=10,
        ingest_items=20,
        web_reports=500,
        web_clients=16,
        web_requests=60,
        web_seconds=10.0,
        timeout_seconds=300,
    ),
    "tiny": Scale(
        name="tiny",
        runs=2,
        append_stories=5,
        append_events=50,
        replay_stories=5,
        replay_events=200,
        asof_reports=60,
        asof_queries=5,
        ingest_feeds=4,
        ingest_items=3,
        web_reports=20,
        web_clients=2,
        web_requests=10,
        web_seconds=10.0,
        timeout_seconds=120,
    ),
}
