"""web: latency percentiles and errors of the story page, the as-of view and
the JSON API under concurrent keep-alive clients, served by gunicorn on
loopback from a fresh store holding one long story."""

from __future__ import annotations

import importlib.util
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tracker.bench.generate import build_story
from tracker.bench.loadclient import load
from tracker.bench.measure import run_measured, tracker_argv, tracker_has_command
from tracker.bench.results import Figure, NotAvailable, percentile
from tracker.bench.stores import Store, temporary_store
from tracker.bench.workloads import BenchContext
from tracker.bootstrap import open_runtime

SLUG = "bench-web"


def run(ctx: BenchContext) -> list[Figure]:
    if importlib.util.find_spec("web") is None:
        raise NotAvailable("the web UI (web.create_app, issue 5) has not landed yet")
    reports = ctx.scale.web_reports
    workers = 2 * (os.cpu_count() or 1)
    ctx.params.update(
        reports=reports,
        clients=ctx.scale.web_clients,
        requests_per_page_and_run=ctx.scale.web_requests,
        seconds_per_page_and_run_at_most=ctx.scale.web_seconds,
        gunicorn_workers=workers,
        client="threads + http.client keep-alive",
    )
    with temporary_store(ctx.server_url) as store:
        pages = _prepare(ctx, store, reports)
        with _gunicorn(store, workers) as base:
            for paths in pages.values():  # warm every worker's caches and connections
                load(
                    base,
                    paths,
                    clients=ctx.scale.web_clients,
                    requests=min(50, ctx.scale.web_requests),
                    deadline_seconds=60,
                )
            stats: dict[str, list[float]] = {}
            for number in range(ctx.scale.runs):
                for page, paths in pages.items():
                    result = load(
                        base,
                        paths,
                        clients=ctx.scale.web_clients,
                        requests=ctx.scale.web_requests,
                        deadline_seconds=ctx.scale.web_seconds,
                    )
                    if not result.latencies_ms:
                        raise RuntimeError(f"web: every request to the {page} failed ({result.errors} errors)")
                    for name, value in (
                        (f"{page} p50", percentile(result.latencies_ms, 0.50)),
                        (f"{page} p95", percentile(result.latencies_ms, 0.95)),
                        (f"{page} p99", percentile(result.latencies_ms, 0.99)),
                        (f"{page} errors", float(result.errors)),
                        (f"{page} requests", float(result.answered)),
                        (f"{page} throughput", result.rate),
                    ):
                        stats.setdefault(name, []).append(value)
                ctx.log(
                    f"run {number + 1}: " + ", ".join(f"{page} p95 {stats[f'{page} p95'][-1]:.1f} ms" for page in pages)
                )
    units = {"p50": "ms", "p95": "ms", "p99": "ms", "errors": "count", "requests": "count", "throughput": "req/s"}
    return [Figure("web", name, units[name.rsplit(" ", 1)[1]], tuple(values)) for name, values in stats.items()]


def _prepare(ctx: BenchContext, store: Store, reports: int) -> dict[str, list[str]]:
    """Generates the story, fills the read models, and picks the URLs of each page."""
    runtime = open_runtime(store.settings())
    try:
        started = time.perf_counter()
        build_story(runtime.newsroom, SLUG, reports)
        history = runtime.newsroom.history(SLUG)
        published = sorted(r.published_at for r in runtime.newsroom.story(SLUG).reports)
    finally:
        runtime.close()
    if tracker_has_command("replay"):
        done = run_measured([*tracker_argv(), "replay"], env={**os.environ, **store.environ()}, timeout=3600)
        if done.code != 0:
            raise RuntimeError(f"tracker replay failed: {done.err.strip()[-300:]}")
    ctx.log(f"built a {reports}-report story and its read models in {time.perf_counter() - started:.1f} s")
    rng = random.Random(9)
    as_of = []
    for number in range(20):
        if number % 2:
            low, high = published[0], published[-1]
            mode = "reported"
        else:
            low, high = history[1].recorded_at, history[-1].recorded_at
            mode = "recorded"
        moment = (low + (high - low) * rng.random()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        as_of.append(f"/stories/{SLUG}?as_of={moment}&mode={mode}")
    return {"story page": [f"/stories/{SLUG}"], "as-of view": as_of, "api": [f"/api/stories/{SLUG}"]}


class _gunicorn:
    """gunicorn serving web:create_app() on a free loopback port, stopped on exit."""

    def __init__(self, store: Store, workers: int) -> None:
        self.store, self.workers = store, workers
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> str:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        log = self.store.data_dir.parent / "gunicorn.log"
        self.log = log.open("wb")
        self.proc = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--keep-alive",
                "30",
                "web:create_app()",
            ],
            env={**os.environ, **self.store.environ()},
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(base + "/api/stories", timeout=5) as response:
                    if response.status == 200:
                        return base
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not serve the web UI: {log.read_text(errors='replace')[-400:]}")

    def __exit__(self, *_: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
