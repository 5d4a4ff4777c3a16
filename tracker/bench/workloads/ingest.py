"""ingest-cold / ingest-warm: N feeds x M items on a local HTTP server (nginx
if installed, else Python's), one cycle where everything is new and one
where nothing changed, for the tracker and its peers on the same feeds.
Every cycle is a fresh process measured for wall time and the peak memory of
its process tree; each run starts from empty state (store, caches)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tracker.bench.feeds import write_feeds
from tracker.bench.feedserver import serve_folder, server_kind
from tracker.bench.measure import Measured
from tracker.bench.peers import PEERS
from tracker.bench.results import Figure, NotAvailable
from tracker.bench.workloads import BenchContext
from tracker.bench.workloads.tracker_cycle import tracker_cycle_pair

#: phase -> workload name of the figures
PHASES = {"cold": "ingest-cold", "warm": "ingest-warm"}


def run(ctx: BenchContext, *, duplicates: float = 0.0, phases: dict[str, str] = PHASES) -> list[Figure]:
    """``duplicates``: the share of items that are near-duplicates across feeds (see feeds.py)."""
    feeds, items = ctx.scale.ingest_feeds, ctx.scale.ingest_items
    ctx.params.update(feeds=feeds, items_per_feed=items, server=server_kind(), extra_stories=ctx.stories)
    if duplicates:
        ctx.params.update(near_duplicates=duplicates)
    base = Path(tempfile.mkdtemp(prefix="tracker-bench-ingest-"))
    try:
        return _run(ctx, base, feeds, items, duplicates, phases)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _run(
    ctx: BenchContext, base: Path, feeds: int, items: int, duplicates: float, phases: dict[str, str]
) -> list[Figure]:
    total = feeds * items
    names = write_feeds(base / "feeds", feeds, items, duplicates)
    runs: dict[str, dict[str, list[Measured]]] = {}
    missing: dict[str, str] = {}
    own: dict[str, list[float]] = {"cold": [], "warm": []}  # the tracker's own cycle timer
    installed = [peer for peer in PEERS if peer.installed()]
    for peer in PEERS:
        if not peer.installed():
            missing[peer.name] = f"{peer.name} is not installed (apt-get install {peer.name})"
    with serve_folder(base / "feeds") as url:
        urls = [url + name for name in names]
        for number in range(ctx.scale.runs):
            # Side by side: every contender once per run, in the same order.
            if "tracker" not in missing:
                try:
                    cold, warm, cold_own, warm_own = tracker_cycle_pair(ctx, urls, base / f"tracker-{number}")
                    _keep(runs, "tracker", cold, warm)
                    own["cold"].append(cold_own)
                    own["warm"].append(warm_own)
                except NotAvailable as reason:
                    missing["tracker"] = str(reason)
            for peer in installed:
                result = peer.cycle_pair(base / f"{peer.name}-{number}", urls, ctx.scale.timeout_seconds)
                if result.items_stored != total:
                    raise RuntimeError(f"{peer.name} stored {result.items_stored} items, expected {total}")
                _keep(runs, peer.name, result.cold, result.warm)
            ctx.log(
                f"run {number + 1}: "
                + ", ".join(
                    f"{who} cold {m['cold'][-1].seconds:.2f} s warm {m['warm'][-1].seconds:.2f} s"
                    for who, m in runs.items()
                )
            )
    figures: list[Figure] = []
    stories = f" ({ctx.stories} extra stories)" if ctx.stories else ""
    for phase, goal_peer in (("cold", "newsboat"), ("warm", "feed2exec")):
        if phase not in phases:
            continue
        workload = phases[phase]
        order = ["tracker"] + [peer.name for peer in PEERS]
        for who in order:
            if who in missing:
                figures.append(Figure(workload, f"{who} wall", "s", (), note=missing[who]))
                continue
            measured = runs[who][phase]
            refs = tuple(f"{peer.name} wall" for peer in PEERS if peer.name not in missing) if who == "tracker" else ()
            figures.append(
                Figure(
                    workload,
                    f"{who} wall",
                    "s",
                    tuple(m.seconds for m in measured),
                    references=refs,
                    note=f"goal: no slower than {goal_peer}{stories}" if who == "tracker" else "",
                )
            )
            if who == "tracker":
                figures.append(
                    Figure(
                        workload,
                        "tracker cycle (own timer)",
                        "s",
                        tuple(own[phase]),
                        note="poll summary's elapsed time, without process start-up",
                    )
                )
            if phase == "cold":
                figures.append(
                    Figure(workload, f"{who} items/s", "items/s", tuple(total / m.seconds for m in measured))
                )
            figures.append(Figure(workload, f"{who} peak memory", "MiB", tuple(m.peak_mib for m in measured)))
    return figures


def _keep(runs: dict[str, dict[str, list[Measured]]], who: str, cold: Measured, warm: Measured) -> None:
    runs.setdefault(who, {"cold": [], "warm": []})
    runs[who]["cold"].append(cold)
    runs[who]["warm"].append(warm)
