"""replay: rebuild every read model from a long event log with `tracker
replay` (a fresh process per run, on a fresh store holding the generated
log); events/s and the peak memory of the replaying process tree."""

from __future__ import annotations

from tracker.bench.measure import tracker_has_command
from tracker.bench.results import Figure, NotAvailable
from tracker.bench.workloads import BenchContext


def run(ctx: BenchContext) -> list[Figure]:
    if not tracker_has_command("replay"):
        raise NotAvailable("read models and `tracker replay` (issue 3) have not landed yet")
    raise NotAvailable("tracker replay exists but the bench does not drive it yet")
