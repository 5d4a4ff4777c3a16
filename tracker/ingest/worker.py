"""The poller process (`tracker worker`): APScheduler decides when, the
orchestrator does the work.

One in-memory APScheduler job per process ("look for due feeds", every
``tick`` seconds, never overlapping itself). APScheduler's job store is not
shared between processes — pollers coordinate through the database, where
each due feed is claimed by exactly one of them (see store.py). Several
workers on one PostgreSQL database therefore share the feeds; a worker that
dies releases its claims when their lease runs out.

Never run this inside web workers: ``start_worker_process`` spawns it as its
own process for `tracker run`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor as APThreadPool
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from tracker.bootstrap import open_runtime
from tracker.config import Settings
from tracker.jobs import Jobs, run_due_jobs

log = logging.getLogger("tracker.worker")


class Poller:
    """Runs ``ingestion.poll_once`` every ``tick`` seconds on a background scheduler,
    and, with ``jobs``, the jobs the web queued every ``jobs_every`` seconds
    (on the same single thread, so a job never runs beside a cycle)."""

    def __init__(
        self, ingestion: Any, *, tick: float, on_cycle: Any = None, jobs: Jobs | None = None, jobs_every: float = 2.0
    ) -> None:
        self.ingestion = ingestion
        self.tick = max(0.5, float(tick))
        self.on_cycle = on_cycle
        self.jobs = jobs
        self.jobs_every = max(0.5, float(jobs_every))
        self.scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": APThreadPool(max_workers=1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )
        self.cycles = 0

    def _cycle(self) -> None:
        try:
            summary = self.ingestion.poll_once()
        except Exception:
            log.exception("polling cycle failed")
            return
        self.cycles += 1
        if summary.store_error:
            log.error("polling cycle could not store its work: the database refused writes (%s)", summary.store_error)
        if summary.fetched or summary.failed or summary.stories_rematched:
            log.info("%s", summary.line())
        elif summary.feeds_checked:
            log.debug("%s", summary.line())  # nothing changed: not worth a line at INFO
        if self.on_cycle is not None:
            self.on_cycle(summary)

    def run_jobs(self) -> int:
        """The job step: runs every queued job (see tracker.jobs); returns how many ran."""
        if self.jobs is None:
            return 0
        try:
            return run_due_jobs(self.jobs, self.ingestion, claimer=self.ingestion.orchestrator.poller)
        except Exception:
            log.exception("running queued jobs failed")
            return 0

    def start(self) -> None:
        from datetime import datetime

        self.scheduler.add_job(
            self._cycle,
            "interval",
            seconds=self.tick,
            id="poll-due-feeds",
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )
        if self.jobs is not None:
            self.scheduler.add_job(
                self.run_jobs, "interval", seconds=self.jobs_every, id="run-queued-jobs", replace_existing=True
            )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)


def default_tick(settings: Settings) -> float:
    return float(min(30, max(1, settings.poll_min_interval_seconds // 2)))


def run_worker(
    settings: Settings, *, demo: bool = False, tick: float | None = None, release_every: float = 20.0
) -> None:
    """Runs until SIGTERM/SIGINT. With ``demo``, serves and follows the seed story's follow-up feed."""
    from tracker.ingest.service import Ingestion

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    server = None
    allowed: tuple[tuple[str, int], ...] = ()
    if demo:
        from tracker.ingest.demo import DEMO_INTERVAL, DemoFeedServer

        server = DemoFeedServer(release_every=release_every)
        server.start()
        allowed = ((server.host, server.port),)
        settings = dataclasses.replace(
            settings, poll_min_interval_seconds=min(settings.poll_min_interval_seconds, DEMO_INTERVAL)
        )
    runtime = open_runtime(settings)
    ingestion = Ingestion(runtime, allowed_origins=allowed)
    stop = threading.Event()
    poller = None
    try:
        added = ingestion.sync_config_feeds()
        for view in added:
            log.info("subscribed to %s from the configuration", view.url)
        if server is not None:
            from tracker.ingest.demo import register_demo_feed

            view = register_demo_feed(ingestion, server.url)
            log.info("demo feed %s serves a new follow-up every %g s", view.url, release_every)
        poller = Poller(ingestion, tick=tick or (1.0 if demo else default_tick(settings)), jobs=Jobs(runtime.engine))

        def _stop(signum: int, _frame: Any) -> None:
            log.info("received signal %d; stopping after the current cycle", signum)
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        # Follow the event log too, so the read models also show events written
        # elsewhere (an import, a process without read-your-writes).
        threading.Thread(target=_follow_log, args=(runtime, stop), name="projector", daemon=True).start()
        poller.start()
        log.info("poller %s started (tick %g s)", ingestion.orchestrator.poller, poller.tick)
        while not stop.wait(1.0):
            pass
    finally:
        if poller is not None:
            poller.stop()
        ingestion.close()
        runtime.close()
        if server is not None:
            server.stop()


def _follow_log(runtime: Any, stop: threading.Event) -> None:
    try:
        runtime.projector.run_forever(stop)
    except Exception:
        log.exception("read models stopped following the event log")


@dataclass
class WorkerProcess:
    """A `tracker worker` subprocess (what `tracker run` starts next to the web server)."""

    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 15.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def start_worker_process(
    *,
    demo: bool = True,
    database_url: str | None = None,
    env: dict[str, str] | None = None,
    release_every: float | None = None,
    stdout: Any = None,
    stderr: Any = None,
) -> WorkerProcess:
    """Spawns `tracker worker [--demo]` with this interpreter; call ``.stop()`` when done."""
    command = [sys.executable, "-c", "from tracker.cli.main import main; main()", "worker"]
    if demo:
        command.append("--demo")
    if release_every is not None:
        command += ["--release-every", str(release_every)]
    environment = dict(os.environ if env is None else env)
    if database_url:
        environment["TRACKER_DATABASE_URL"] = database_url
    process = subprocess.Popen(command, env=environment, stdout=stdout, stderr=stderr)
    return WorkerProcess(process)
