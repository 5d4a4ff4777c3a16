"""The suite: each workload in a fresh worker process, one after another
(never two at once on a 2-core machine), then one table and one JSON."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from tracker.bench.results import BenchFailed, WorkloadResult, from_json
from tracker.bench.scales import SCALES
from tracker.bench.stores import database_label
from tracker.bench.workloads import WORKLOADS


def choose(names: Sequence[str]) -> list[str]:
    """The workloads asked for, in suite order; all of them when none is named."""
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise ValueError(f"unknown workload {unknown[0]!r} (choose from {', '.join(WORKLOADS)})")
    return [n for n in WORKLOADS if not names or n in names]


def groups(names: Sequence[str]) -> list[list[str]]:
    """Workloads measured by one module share one worker (ingest-cold and
    -warm come from the same cycles)."""
    out: dict[str, list[str]] = {}
    for name in names:
        out.setdefault(WORKLOADS[name], []).append(name)
    return list(out.values())


def run_suite(
    names: Sequence[str], scale: str, server_url: str | None, echo: Callable[[str], None], *, stories: int = 0
) -> list[WorkloadResult]:
    results: list[WorkloadResult] = []
    label = database_label(server_url)
    for group in groups(choose(names)):
        echo(f"running {' + '.join(group)} ({scale}, {label}) ...")
        argv = [sys.executable, "-m", "tracker.bench.worker", *group, "--scale", scale]
        if server_url:
            argv += ["--server", server_url]
        if stories:
            argv += ["--stories", str(stories)]
        started = time.perf_counter()
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=SCALES[scale].timeout_seconds,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except subprocess.TimeoutExpired:
            raise BenchFailed(
                f"workload {'+'.join(group)} did not finish within {SCALES[scale].timeout_seconds:.0f} s"
            ) from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise BenchFailed(
                f"workload {'+'.join(group)} failed: {last}"
                + (f"\n{done.stderr[-3000:]}" if os.environ.get("TRACKER_BENCH_DEBUG") else "")
            )
        for entry in json.loads(done.stdout.strip().splitlines()[-1]):
            results.append(from_json(entry))
        echo(f"  done in {time.perf_counter() - started:.1f} s")
    return results


def environment() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
    }
