"""The real `tracker worker` process carries out the jobs the web queues."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tracker.bootstrap import open_runtime
from tracker.config import load_settings
from tracker.ingest.worker import start_worker_process
from tracker.jobs import JobKind, Jobs, JobState
from tracker.seed import load_seed, seed_files

SEED = "meta-xai-court-character-ai"


def test_a_running_worker_claims_a_queued_rematch_and_records_its_result(sqlite_url: str, tmp_path: Path) -> None:
    env = {"TRACKER_DATABASE_URL": sqlite_url, "TRACKER_DATA_DIR": str(tmp_path / "data")}
    runtime = open_runtime(load_settings(env))
    try:
        for path in seed_files():
            load_seed(runtime.newsroom, path)
        queue = Jobs(runtime.engine)
        job = queue.queue(JobKind.REMATCH, SEED, requested_by="edna")
        worker = start_worker_process(demo=False, env={**os.environ, **env})
        try:
            deadline = time.monotonic() + 90  # a wait for the work, not a speed check
            while not queue.get(job.id).finished and time.monotonic() < deadline and worker.alive():
                time.sleep(0.3)
        finally:
            worker.stop()
        done = queue.get(job.id)
        assert done.state is JobState.DONE, done
        assert done.result.startswith("The wire archive was matched again: 0 reports added")
    finally:
        runtime.close()
