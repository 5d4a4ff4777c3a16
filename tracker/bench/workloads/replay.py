"""replay: rebuild every read model from a long event log with the real
`tracker replay` (a fresh process per run, which drops and rebuilds the
views); events/s over the process's wall time, start-up included, and the
peak memory of its process tree. The log is generated once per workload in
a fresh store."""

from __future__ import annotations

import os
import time

from tracker.bench.generate import bulk_history
from tracker.bench.measure import run_measured, tracker_argv, tracker_has_command
from tracker.bench.results import Figure, NotAvailable
from tracker.bench.stores import temporary_store
from tracker.bench.workloads import BenchContext
from tracker.bootstrap import open_runtime


def run(ctx: BenchContext) -> list[Figure]:
    if not tracker_has_command("replay"):
        raise NotAvailable("read models and `tracker replay` (issue 3) have not landed yet")
    stories, events = ctx.scale.replay_stories, ctx.scale.replay_events
    ctx.params.update(stories=stories, events=events, command="tracker replay")
    rates: list[float] = []
    peaks: list[float] = []
    with temporary_store(ctx.server_url) as store:
        runtime = open_runtime(store.settings())
        try:
            started = time.perf_counter()
            written = bulk_history(runtime.newsroom, stories, events)
            ctx.log(f"generated {written:,} events over {stories} stories in {time.perf_counter() - started:.1f} s")
        finally:
            runtime.close()
        env = {**os.environ, **store.environ()}
        for number in range(ctx.scale.runs):
            done = run_measured([*tracker_argv(), "replay"], env=env, timeout=ctx.scale.timeout_seconds)
            if done.code != 0:
                raise RuntimeError(f"tracker replay failed (exit {done.code}): {done.err.strip()[-300:]}")
            rates.append(written / done.seconds)
            peaks.append(done.peak_mib)
            ctx.log(f"run {number + 1}: {done.seconds:.1f} s, {rates[-1]:,.0f} events/s, peak {done.peak_mib:.0f} MiB")
    return [
        Figure("replay", "events/s", "events/s", tuple(rates), note="goal: >= 20,000 (issue 3)"),
        Figure("replay", "peak memory", "MiB", tuple(peaks), note="goal: < 300 MB (issue 3)"),
    ]
