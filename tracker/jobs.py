"""Jobs: long work a web request asks for and the worker carries out.

A request must answer quickly, so re-matching the wire archive after a rules
change and "poll this feed now" are recorded here (state ``queued``) and run
by `tracker worker` (see :func:`run_due_jobs`, scheduled by
tracker/ingest/worker.py). A job is claimed with one guarded UPDATE
(``state = 'queued'`` in its WHERE clause), so of two pollers on one database
exactly one runs it. A claim is a lease: a job still ``running`` long after
its claim (its worker died) may be claimed again, and only the latest claimer's
result is recorded. The command line does not queue: an operator at a shell
waits for the work itself.
"""

from __future__ import annotations

import enum
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, func, select, update
from sqlalchemy.engine import Engine

from tracker.moments import utc
from tracker.sql import metadata

log = logging.getLogger("tracker.jobs")

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("target", String(300), nullable=False),
    Column("requested_by", String(64), nullable=False, default=""),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("state", String(16), nullable=False),
    Column("claimed_by", String(200), nullable=False, default=""),
    Column("claimed_at", DateTime(timezone=True), nullable=True),
    Column("result", Text, nullable=False, default=""),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Index("jobs_by_state", "state", "id"),
    Index("jobs_by_target", "kind", "target", "id"),
)


class JobKind(enum.StrEnum):
    REMATCH = "rematch"  # target: a story slug; match the wire archive against its rules
    POLL_FEED = "poll-feed"  # target: a feed id; check it now, due or not


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    id: int
    kind: JobKind
    target: str
    requested_by: str
    requested_at: datetime
    state: JobState
    result: str
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


def _job(row: Any) -> Job:
    return Job(
        id=row["id"],
        kind=JobKind(row["kind"]),
        target=row["target"],
        requested_by=row["requested_by"],
        requested_at=utc(row["requested_at"]),
        state=JobState(row["state"]),
        result=row["result"],
        finished_at=utc(row["finished_at"]),
    )


#: How long a claimed job may run before another worker may take it over.
LEASE = timedelta(minutes=30)


def claimer_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Jobs:
    """The jobs table: queue, claim, finish, and the latest job of a target for the pages."""

    def __init__(self, engine: Engine, *, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.lease = lease

    def queue(self, kind: JobKind, target: str | int, *, requested_by: str = "") -> Job:
        """A new queued job, or the one of this kind and target still waiting (it
        will do the same work when it runs: a double click queues one job)."""
        waiting = self.latest(kind, target)
        if waiting is not None and waiting.state is JobState.QUEUED:
            return waiting
        values = {
            "kind": JobKind(kind).value,
            "target": str(target),
            "requested_by": requested_by[:64],
            "requested_at": datetime.now(UTC),
            "state": JobState.QUEUED.value,
            "claimed_by": "",
            "result": "",
        }
        with self.engine.begin() as conn:
            job_id = conn.execute(jobs.insert().values(**values)).inserted_primary_key[0]  # type: ignore[index]
        return self.get(job_id)

    def get(self, job_id: int) -> Job:
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        if row is None:
            raise LookupError(f"there is no job {job_id}")
        return _job(row)

    def latest(self, kind: JobKind, target: str | int | None = None) -> Job | None:
        """The most recently requested job of ``kind`` (for ``target``, if given)."""
        query = select(jobs).where(jobs.c.kind == JobKind(kind).value)
        if target is not None:
            query = query.where(jobs.c.target == str(target))
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(jobs.c.id.desc()).limit(1)).mappings().first()
        return None if row is None else _job(row)

    def latest_by_target(self, kind: JobKind) -> dict[str, Job]:
        """The most recent job of ``kind`` for each target (one query, for a page listing targets)."""
        newest = select(func.max(jobs.c.id)).where(jobs.c.kind == JobKind(kind).value).group_by(jobs.c.target)
        with self.engine.connect() as conn:
            rows = conn.execute(select(jobs).where(jobs.c.id.in_(newest))).mappings().all()
        return {row["target"]: _job(row) for row in rows}

    def claim(self, claimer: str) -> Job | None:
        """The oldest queued job, now ``running`` and this claimer's; None when none is queued.

        The UPDATE only changes a row that is still queued, so when two
        claimers pick the same job, one changes it and the other goes on.
        """
        while True:
            now = datetime.now(UTC)
            claimable = (jobs.c.state == JobState.QUEUED.value) | (
                (jobs.c.state == JobState.RUNNING.value) & (jobs.c.claimed_at < now - self.lease)
            )
            with self.engine.connect() as conn:
                candidate = conn.execute(select(jobs.c.id).where(claimable).order_by(jobs.c.id).limit(1)).scalar()
            if candidate is None:
                return None
            with self.engine.begin() as conn:
                claimed = conn.execute(
                    update(jobs)
                    .where(jobs.c.id == candidate, claimable)
                    .values(state=JobState.RUNNING.value, claimed_by=claimer[:200], claimed_at=now)
                ).rowcount
            if claimed == 1:
                return self.get(candidate)

    def finish(self, job_id: int, state: JobState, result: str, *, claimer: str) -> bool:
        """Records the result; False (nothing written) when another claimer took the job over."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    update(jobs)
                    .where(
                        jobs.c.id == job_id,
                        jobs.c.state == JobState.RUNNING.value,
                        jobs.c.claimed_by == claimer[:200],
                    )
                    .values(state=JobState(state).value, result=result, finished_at=datetime.now(UTC))
                ).rowcount
            )


class JobRunner(Protocol):
    """What running jobs needs of the ingestion service (its public methods)."""

    def rematch_story(self, slug: str) -> Any: ...
    def poll_feed_now(self, feed_id: int) -> Any: ...
    def feed(self, feed_id: int) -> Any: ...


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def rematch_result(summary: Any) -> str:
    return (
        f"The wire archive was matched again: {plural(summary.reports_appended, 'report')} added, "
        f"{summary.suggested} suggested."
    )


def poll_result(summary: Any, feed: Any) -> tuple[JobState, str]:
    name = feed.display_name
    if summary.failures:
        return JobState.FAILED, f"Checked {name}: it failed ({summary.failures[0].reason})."
    if not summary.feeds_checked:
        return JobState.DONE, f"{name} was being checked by another poller; it was left to that one."
    return JobState.DONE, (
        f"Checked {name}: {plural(summary.items_new, 'new item')}, "
        f"{plural(summary.reports_appended, 'report')} added to stories, {summary.suggested} suggested."
    )


def run_job(job: Job, ingestion: JobRunner) -> tuple[JobState, str]:
    if job.kind is JobKind.REMATCH:
        return JobState.DONE, rematch_result(ingestion.rematch_story(job.target))
    feed_id = int(job.target)
    summary = ingestion.poll_feed_now(feed_id)
    return poll_result(summary, ingestion.feed(feed_id))


def run_due_jobs(queue: Jobs, ingestion: JobRunner, *, claimer: str | None = None, limit: int = 20) -> int:
    """Claims and runs queued jobs one after another (at most ``limit``); returns how many ran.

    A job that raises is recorded as failed with the error's message; the
    others still run.
    """
    claimer = claimer or claimer_name()
    ran = 0
    while ran < limit:
        job = queue.claim(claimer)
        if job is None:
            break
        try:
            state, result = run_job(job, ingestion)
        except Exception as error:  # recorded on the job for the page to show
            log.warning("job %d (%s %s) failed: %s", job.id, job.kind, job.target, error)
            state, result = JobState.FAILED, (str(error).strip().splitlines() or [type(error).__name__])[0]
        if not queue.finish(job.id, state, result, claimer=claimer):
            log.warning(
                "job %d (%s %s) was taken over by another worker; its result is theirs", job.id, job.kind, job.target
            )
        ran += 1
    return ran
