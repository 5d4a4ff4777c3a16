"""The tracker's own ingest cycle, as a fresh `tracker` process per cycle on
a fresh store: the real console script, measured like the peers."""

from __future__ import annotations

from pathlib import Path

from tracker.bench.measure import Measured, tracker_has_command
from tracker.bench.results import NotAvailable
from tracker.bench.workloads import BenchContext


def tracker_cycle_pair(ctx: BenchContext, urls: list[str], folder: Path) -> tuple[Measured, Measured]:
    """(cold, warm) cycles of the tracker on a fresh store subscribed to ``urls``."""
    if not tracker_has_command("poll"):
        raise NotAvailable("tracker ingestion (tracker poll --once, issue 4) has not landed yet")
    raise NotAvailable("tracker poll exists but the bench does not drive it yet")
