"""lag: how far the read models trail the event log under a steady write
load. One process appends reports at a fixed rate (issue 3: 500 events/s),
50 per command round ten stories, through a Newsroom with no read-your-writes
hook; a separate `tracker project` process keeps the views current
(PostgreSQL: woken by the library's LISTEN/NOTIFY subscription; SQLite:
polling every 0.1 s); lag is the time from a save returning to the views'
tracking position reaching it."""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

from tracker.bench.measure import tracker_argv
from tracker.bench.results import Figure, percentile
from tracker.bench.stores import temporary_store
from tracker.bench.workloads import BenchContext
from tracker.bootstrap import open_newsroom, open_runtime

RATE = 500  # events per second
PER_SAVE = 50  # reports per command: 10 commands per second, as a busy poll cycle appends them
STORIES = 10  # the commands go round the desk's stories (one story's command cost grows with it)
SECONDS = {"full": 20.0, "quick": 4.0, "tiny": 1.0}
START = datetime(2024, 5, 25, tzinfo=UTC)


def run(ctx: BenchContext) -> list[Figure]:
    seconds = SECONDS.get(ctx.scale.name, 4.0)
    ctx.params.update(
        rate=RATE, seconds=seconds, reports_per_command=PER_SAVE, stories=STORIES, projector="tracker project"
    )
    medians: list[float] = []
    p95s: list[float] = []
    maxima: list[float] = []
    achieved: list[float] = []
    with temporary_store(ctx.server_url) as store:
        env = {**os.environ, **store.environ()}
        open_runtime(store.settings()).close()  # schema and views exist before the projector starts
        projector = subprocess.Popen(
            [*tracker_argv(), "project"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            for number in range(ctx.scale.runs):
                lags, rate = _one_run(store.settings(), f"lag-{number}", seconds)
                medians.append(statistics.median(lags))
                p95s.append(percentile(lags, 0.95))
                maxima.append(max(lags))
                achieved.append(rate)
                ctx.log(
                    f"run {number + 1}: {rate:,.0f} events/s written, lag median {medians[-1]:.0f} ms, "
                    f"p95 {p95s[-1]:.0f} ms, max {maxima[-1]:.0f} ms"
                )
        finally:
            projector.terminate()
            try:
                projector.wait(timeout=10)
            except subprocess.TimeoutExpired:
                projector.kill()
    return [
        Figure("lag", "events/s written", "events/s", tuple(achieved), note=f"target {RATE}"),
        Figure("lag", "lag median", "ms", tuple(medians)),
        Figure("lag", "lag p95", "ms", tuple(p95s), note="goal: < 1,000 ms (issue 3)"),
        Figure("lag", "lag max", "ms", tuple(maxima)),
    ]


def _one_run(settings, slug: str, seconds: float) -> tuple[list[float], float]:  # type: ignore[no-untyped-def]
    writer = open_newsroom(settings)
    reader = open_runtime(settings, catch_up=False)
    saved: list[tuple[int, float]] = []
    reached: dict[int, float] = {}
    done = threading.Event()

    def observe() -> None:
        pending = 0
        while not done.is_set() or pending < len(saved):
            position = reader.projector.position()
            now = time.perf_counter()
            while pending < len(saved) and saved[pending][0] <= position:
                reached[saved[pending][0]] = now
                pending += 1
            time.sleep(0.005)

    observer = threading.Thread(target=observe)
    try:
        slugs = [f"{slug}-{n}" for n in range(STORIES)]
        for story in slugs:
            writer.open_story(title=f"Lag {story}", slug=story)
        observer.start()
        began = time.perf_counter()
        count = 0
        while time.perf_counter() - began < seconds:
            due = began + count / RATE
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            writer.add_reports(
                slugs[(count // PER_SAVE) % STORIES],
                [
                    {
                        "headline": f"Report {count + i}",
                        "published_at": START + timedelta(seconds=count + i),
                        "kinds": ["talks_held"],
                        "parties": ["Meta"],
                    }
                    for i in range(PER_SAVE)
                ],
            )
            saved.append((writer.recorder.max_notification_id() or 0, time.perf_counter()))
            count += PER_SAVE
        rate = count / (time.perf_counter() - began)
        done.set()
        observer.join(timeout=60)
        lags = [(reached[nid] - at) * 1000 for nid, at in saved if nid in reached]
        if len(lags) < len(saved):
            lags.append(60_000.0)  # never reached within the wait: counts as a minute
        return lags, rate
    finally:
        done.set()
        writer.close()
        reader.close()
