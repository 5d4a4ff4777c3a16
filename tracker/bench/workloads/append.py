"""append: report events through the Newsroom application, one command per
report (load the story, decide, save, snapshot every 50) against the very same
stored events inserted straight through eventsourcing's recorder, one
transaction each. The ratio is the share of the raw store's speed the
tracker keeps."""

from __future__ import annotations

import random
import time

from eventsourcing.persistence import StoredEvent

from tracker.bench.generate import report_fields
from tracker.bench.results import Figure
from tracker.bench.stores import temporary_store
from tracker.bench.workloads import BenchContext
from tracker.bootstrap import open_runtime
from tracker.domain.story import Story


def run(ctx: BenchContext) -> list[Figure]:
    stories, events = ctx.scale.append_stories, ctx.scale.append_events
    ctx.params.update(stories=stories, events=events, path="Newsroom.add_report, one report per command")
    app_rates: list[float] = []
    raw_rates: list[float] = []
    for number in range(ctx.scale.runs):
        app_rate, stored = _through_application(ctx, stories, events)
        raw_rate = _through_recorder(ctx, stored)
        ctx.log(f"run {number + 1}: application {app_rate:,.0f} events/s, recorder {raw_rate:,.0f} events/s")
        app_rates.append(app_rate)
        raw_rates.append(raw_rate)
    return [
        Figure("append", "application", "events/s", tuple(app_rates), references=("recorder",)),
        Figure(
            "append",
            "recorder",
            "events/s",
            tuple(raw_rates),
            note="same stored events, eventsourcing recorder, one transaction each",
        ),
    ]


def _through_application(ctx: BenchContext, stories: int, events: int) -> tuple[float, list[StoredEvent]]:
    with temporary_store(ctx.server_url) as store:
        runtime = open_runtime(store.settings())
        try:
            app = runtime.newsroom
            slugs = [app.open_story(title=f"Append story {n}", slug=f"append-{n:05d}") for n in range(stories)]
            rng = random.Random(3)
            work = [(slugs[n % stories], report_fields(n, rng)) for n in range(events)]
            started = time.perf_counter()
            for slug, fields in work:
                app.add_report(slug, **fields)
            rate = events / (time.perf_counter() - started)
            added = list(app.iter_notifications(topics=[Story.ReportAdded.TOPIC]))
            opened = list(app.iter_notifications(topics=[Story.Opened.TOPIC]))
        finally:
            runtime.close()
    if len(added) != events:
        raise RuntimeError(f"append: expected {events} stored reports, found {len(added)}")
    as_stored = [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in opened + added]
    return rate, as_stored


def _through_recorder(ctx: BenchContext, stored: list[StoredEvent]) -> float:
    opened = [s for s in stored if s.originator_version == 1]
    added = [s for s in stored if s.originator_version != 1]
    with temporary_store(ctx.server_url) as store:
        runtime = open_runtime(store.settings())
        try:
            recorder = runtime.newsroom.recorder
            recorder.insert_events(opened)
            started = time.perf_counter()
            for event in added:
                recorder.insert_events([event])
            return len(added) / (time.perf_counter() - started)
        finally:
            runtime.close()
