"""The tracker's own ingest cycle: the real console script on a fresh store
(the seed story and its tracking rules loaded, the feeds subscribed from an
OPML file without fetching; with ``--stories N`` N more stories whose rules
match nothing, see stories.py), then `tracker poll --once --all` twice: cold
(everything new) and warm (nothing changed), each a fresh measured process."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from tracker.bench.measure import Measured, run_measured, tracker_argv, tracker_has_command
from tracker.bench.results import NotAvailable
from tracker.bench.stores import temporary_store
from tracker.bench.workloads import BenchContext


def tracker_cycle_pair(ctx: BenchContext, urls: list[str], folder: Path) -> tuple[Measured, Measured, float, float]:
    """(cold, warm) cycles of the tracker on a fresh store subscribed to
    ``urls``, then the cycle times the tracker reports itself (no start-up)."""
    if not tracker_has_command("poll"):
        raise NotAvailable("tracker ingestion (tracker poll --once, issue 4) has not landed yet")
    folder.mkdir(parents=True, exist_ok=True)
    opml = folder / "feeds.opml"
    opml.write_text(_opml(urls), encoding="utf-8")
    timeout = ctx.scale.timeout_seconds
    with temporary_store(ctx.server_url) as store:
        env = {**os.environ, **store.environ()}
        for setup in (["init"], ["seed"], ["feed", "import", str(opml), "--no-check"]):
            _checked(run_measured([*tracker_argv(), *setup], env=env, timeout=timeout), setup)
        if ctx.stories:
            opening = [sys.executable, "-m", "tracker.bench.stories", str(ctx.stories)]
            _checked(run_measured(opening, env=env, timeout=timeout), opening)
        poll = [*tracker_argv(), "poll", "--once", "--all", "--json"]
        cold = _checked(run_measured(poll, env=env, timeout=timeout), poll)
        warm = _checked(run_measured(poll, env=env, timeout=timeout), poll)
    total = ctx.scale.ingest_feeds * ctx.scale.ingest_items
    summary, again = _summary(cold), _summary(warm)
    ctx.params.setdefault("tracker_cold_summary", summary)
    ctx.params.setdefault("tracker_warm_summary", again)
    if summary.get("items_new") != total or again.get("items_new") != 0:
        raise RuntimeError(
            f"tracker poll took in {summary.get('items_new')} then {again.get('items_new')} "
            f"new items, expected {total} then 0"
        )
    return cold, warm, float(summary.get("elapsed_seconds", "nan")), float(again.get("elapsed_seconds", "nan"))


def _checked(measured: Measured, argv: list[str]) -> Measured:
    if measured.code != 0:
        raise RuntimeError(
            f"tracker {' '.join(argv[1:3])} failed (exit {measured.code}): {measured.err.strip()[-300:]}"
        )
    return measured


def _summary(measured: Measured) -> dict[str, Any]:
    try:
        value = json.loads(measured.out)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _opml(urls: list[str]) -> str:
    outlines = "".join(f'<outline type="rss" text="feed {n}" xmlUrl={quoteattr(url)}/>' for n, url in enumerate(urls))
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>bench</title></head>'
        f"<body>{outlines}</body></opml>\n"
    )
