"""One workload in its own fresh process (``python -m tracker.bench.worker``),
so its peak memory and any state it leaves behind are its own. Prints the
result as one JSON line on stdout; progress goes to stderr."""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback

from tracker.bench.measure import own_peak_mib
from tracker.bench.results import NotAvailable, WorkloadResult, to_json
from tracker.bench.scales import SCALES
from tracker.bench.stores import database_label
from tracker.bench.workloads import BenchContext, runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tracker.bench.worker")
    parser.add_argument("workloads", nargs="+", help="names sharing one module (e.g. ingest-cold ingest-warm)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="quick")
    parser.add_argument("--server", default=None, help="PostgreSQL server URL; SQLite when absent")
    parser.add_argument("--stories", type=int, default=0, help="extra stories the ingest cycles track")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    label = database_label(args.server)
    ctx = BenchContext(workload="+".join(args.workloads), scale=scale, server_url=args.server, stories=args.stories)
    started = time.perf_counter()
    results: list[WorkloadResult] = []
    try:
        figures = runner(args.workloads[0])(ctx)
    except NotAvailable as reason:
        results = [
            WorkloadResult(name, label, scale.name, available=False, reason=str(reason)) for name in args.workloads
        ]
    except Exception:
        traceback.print_exc()
        return 1
    else:
        seconds = time.perf_counter() - started
        params = {**ctx.params, "worker_peak_mib": round(own_peak_mib(), 1)}
        for name in args.workloads:
            mine = tuple(f for f in figures if f.workload == name)
            results.append(WorkloadResult(name, label, scale.name, mine, seconds=seconds, params=params))
    print(json.dumps(to_json(results, {})["workloads"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
