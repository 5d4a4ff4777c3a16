"""as-of: the story as it stood at a moment, in both modes (as recorded, as
reported), on one long story; median and p95 latency per mode."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import datetime

from tracker.application import Mode
from tracker.bench.generate import build_story
from tracker.bench.measure import run_measured, tracker_argv
from tracker.bench.results import Figure, percentile
from tracker.bench.stores import Store, temporary_store
from tracker.bench.workloads import BenchContext
from tracker.bootstrap import Runtime, open_runtime

QueryFunction = Callable[[str, datetime, Mode], object]

SLUG = "bench-as-of"
PAGE = 50


def run(ctx: BenchContext) -> list[Figure]:
    reports, queries = ctx.scale.asof_reports, ctx.scale.asof_queries
    with temporary_store(ctx.server_url) as store:
        runtime = open_runtime(store.settings())
        try:
            started = time.perf_counter()
            build_story(runtime.newsroom, SLUG, reports)
            ctx.log(f"built a {reports}-report story in {time.perf_counter() - started:.1f} s")
            query, implementation = _query_function(ctx, store, runtime)
            ctx.params.update(reports=reports, queries_per_mode_and_run=queries, implementation=implementation)
            history = runtime.newsroom.history(SLUG)
            recorded = (history[0].recorded_at, history[-1].recorded_at)
            published = sorted(r.published_at for r in runtime.newsroom.story(SLUG).reports)
            figures: dict[str, list[float]] = {}
            rng = random.Random(5)
            for number in range(ctx.scale.runs):
                for mode, (low, high) in ((Mode.RECORDED, recorded), (Mode.REPORTED, (published[0], published[-1]))):
                    times = []
                    for _ in range(queries):
                        moment = low + (high - low) * rng.random()
                        begun = time.perf_counter()
                        query(SLUG, moment, mode)
                        times.append((time.perf_counter() - begun) * 1000)
                    figures.setdefault(f"{mode.value} median", []).append(statistics.median(times))
                    figures.setdefault(f"{mode.value} p95", []).append(percentile(times, 0.95))
                ctx.log(f"run {number + 1}: " + ", ".join(f"{k} {v[-1]:.1f} ms" for k, v in figures.items()))
        finally:
            runtime.close()
    return [
        Figure("as-of", name, "ms", tuple(values), note=implementation if name.endswith("median") else "")
        for name, values in figures.items()
    ]


def _query_function(ctx: BenchContext, store: Store, runtime: Runtime) -> tuple[QueryFunction, str]:
    """The read-model Catalog once it has landed (views filled by `tracker
    replay`); the application's aggregate replay until then."""
    try:
        from tracker.readmodels.catalog import Catalog
    except ImportError:
        return runtime.newsroom.story_as_of, "Newsroom.story_as_of (aggregate from snapshots)"
    done = run_measured([*tracker_argv(), "replay"], env={**os.environ, **store.environ()}, timeout=3600)
    if done.code != 0:
        raise RuntimeError(f"tracker replay failed (exit {done.code}): {done.err.strip()[-300:]}")
    ctx.log(f"read models rebuilt by tracker replay in {done.seconds:.1f} s")
    catalog = Catalog(runtime.engine, runtime.newsroom)

    def as_of(slug: str, moment: datetime, mode: Mode) -> object:
        # What the story page and the API serve: the whole state, the newest 50 reports.
        return catalog.story_as_of(slug, moment, mode, timeline_limit=PAGE)

    return as_of, f"read-model Catalog.story_as_of (full state + newest {PAGE} reports, as the UI and API serve it)"
