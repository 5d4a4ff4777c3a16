"""ingest-dupes: the cold ingest cycle (see ingest.py) on feeds where a fifth
of the items are near-duplicates of another feed's (syndicated rewrites:
another outlet, link and GUID, lightly reworded), beside the same peers."""

from __future__ import annotations

from tracker.bench.results import Figure
from tracker.bench.workloads import BenchContext
from tracker.bench.workloads.ingest import run as run_ingest

SHARE = 0.2


def run(ctx: BenchContext) -> list[Figure]:
    return run_ingest(ctx, duplicates=SHARE, phases={"cold": "ingest-dupes"})
