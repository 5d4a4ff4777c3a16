"""The workloads, by name. Each module has ``run(ctx) -> list[Figure]`` and
raises NotAvailable when the component it measures has not landed yet."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.bench.results import Figure
from tracker.bench.scales import Scale

#: workload name -> module (in the order the suite runs them)
WORKLOADS: dict[str, str] = {
    "append": "tracker.bench.workloads.append",
    "replay": "tracker.bench.workloads.replay",
    "as-of": "tracker.bench.workloads.asof",
    "lag": "tracker.bench.workloads.lag",
    "ingest-cold": "tracker.bench.workloads.ingest",
    "ingest-warm": "tracker.bench.workloads.ingest",
    "ingest-dupes": "tracker.bench.workloads.ingest_dupes",
    "web": "tracker.bench.workloads.web",
}


@dataclass
class BenchContext:
    """What a workload needs: the sizes, the database server (None: SQLite),
    how many extra stories the ingest cycles track (``--stories``) and
    somewhere to note parameters and progress."""

    workload: str
    scale: Scale
    server_url: str | None
    stories: int = 0
    params: dict[str, Any] = field(default_factory=dict)

    def log(self, message: str) -> None:
        print(f"[{self.workload}] {message}", file=sys.stderr, flush=True)


def runner(name: str) -> Callable[[BenchContext], list[Figure]]:
    if name not in WORKLOADS:
        raise ValueError(f"unknown workload {name!r} (choose from {', '.join(WORKLOADS)})")
    module = importlib.import_module(WORKLOADS[name])
    return module.run  # type: ignore[no-any-return]
